#ifndef OPENVAP_ADAPTERS_PAYMENTS_SANDBOX_PROVIDER_H_
#define OPENVAP_ADAPTERS_PAYMENTS_SANDBOX_PROVIDER_H_

// The built-in sandbox payment provider (VAP-PAY): it behaves like a hosted payment page — the
// platform redirects the browser to the provider's page, the card number is entered there and
// never reaches the platform's API or database, the provider notifies the platform with a
// signed webhook (HMAC-SHA256 over the body, retried until delivered, idempotent), and sends
// the browser back. Test cards: 4242 4242 4242 4242 is paid, 4000 0000 0000 0002 is declined.
// A real provider (e.g. a state's payment service) implements the same domain port.

#include <string>

#include "adapters/http/router.h"
#include "adapters/storage/sql.h"
#include "adapters/storage/sql_store.h"
#include "base/clock.h"
#include "base/random.h"
#include "domain/payment.h"

namespace openvap::payments {

class SandboxPaymentProvider final : public domain::PaymentProvider {
 public:
  SandboxPaymentProvider(storage::Database& db, storage::JobQueue& jobs, const Clock& clock,
                         RandomSource& random, std::string base_url, std::string webhook_secret);

  std::string Name() const override { return "sandbox"; }
  Result<Checkout> CreateCheckout(const domain::Payment& payment,
                                  const std::string& return_url) override;
  Result<Event> ParseWebhook(std::string_view signature, std::string_view body) const override;
  Status Refund(const domain::Payment& payment) override;
  Status CancelCheckout(const domain::Payment& payment) override;

  // The provider's hosted page: GET and POST /sandbox-pay/{checkout}.
  void MountHostedPage(http::Router& router);

  // Hex HMAC-SHA256 of `body` under `secret` (the X-Signature header).
  static std::string Sign(std::string_view secret, std::string_view body);

 private:
  http::Response Page(const std::string& checkout_id, const std::string& message);
  http::Response Submit(const std::string& checkout_id, const std::string& form_body);

  storage::Database& db_;
  storage::JobQueue& jobs_;
  const Clock& clock_;
  RandomSource& random_;
  std::string base_url_;
  std::string secret_;
};

}  // namespace openvap::payments

#endif  // OPENVAP_ADAPTERS_PAYMENTS_SANDBOX_PROVIDER_H_
