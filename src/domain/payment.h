#ifndef OPENVAP_DOMAIN_PAYMENT_H_
#define OPENVAP_DOMAIN_PAYMENT_H_

// The visa fee (VAP-PAY, VIS Art 7e(1); VC Art 16): paid online through a payment provider's
// hosted page, so that no card data ever reaches the platform, or at the consulate or the
// service provider as the fallback. Appointments (VAP-APPT, VIS Art 7e(2)) are here too.

#include <openvap/result.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/ids.h"

namespace openvap::domain {

// kCancelled: closed by the platform before it was paid (the fee changed; PaymentService::Start).
enum class PaymentStatus { kPending, kPaid, kFailed, kRefunded, kCancelled };
std::string_view PaymentStatusName(PaymentStatus status);
Result<PaymentStatus> ParsePaymentStatus(std::string_view name);

struct Payment {
  std::string id;
  ApplicationId application;
  std::int64_t amount_cents = 0;  // EUR
  std::string method;             // "online", "at-consulate", "at-service-provider", "exempt"
  std::string provider;           // "sandbox", ...
  std::string checkout_id;        // the provider's reference of the hosted payment
  std::string redirect_url;       // where the applicant's browser goes to pay
  PaymentStatus status = PaymentStatus::kPending;
  std::string receipt;  // fallback payments: the receipt number
  Timestamp created_at{};
  std::optional<Timestamp> paid_at;
};

// A payment provider behind a hosted page (the only thing that sees card data).
class PaymentProvider {
 public:
  virtual ~PaymentProvider() = default;
  virtual std::string Name() const = 0;
  struct Checkout {
    std::string checkout_id;
    std::string redirect_url;
  };
  // Opens a hosted payment for `payment`; the browser comes back to `return_url`.
  virtual Result<Checkout> CreateCheckout(const Payment& payment,
                                          const std::string& return_url) = 0;
  // A notification from the provider, authenticated (e.g. an HMAC signature over the body).
  struct Event {
    std::string event_id;  // for idempotency
    std::string checkout_id;
    PaymentStatus status = PaymentStatus::kPending;
  };
  // Errors: "invalid-signature", "malformed-request".
  virtual Result<Event> ParseWebhook(std::string_view signature_header,
                                     std::string_view body) const = 0;
  // Gives `payment`'s money back. Idempotent per payment: a payment refunded already is Ok and
  // no money moves again (a real provider is given the payment's id as its idempotency key), so
  // that a refund whose recording failed can be run again. Errors: "delivery-permanent" when the
  // payment was never paid; others are retried.
  virtual Status Refund(const Payment& payment) = 0;
  // Closes `payment`'s open checkout, so that it can no longer be paid. Errors:
  // "already-settled" when it was paid or declined first (its notification is on its way).
  virtual Status CancelCheckout(const Payment& payment) = 0;
};

// An appointment slot published by a state's consulate or a service provider (VIS 7e(2)).
struct AppointmentSlot {
  std::string id;
  std::string member_state;  // alpha-2
  std::string organisation;  // consulate or provider where the visit takes place
  std::string location;      // address shown to the applicant
  Timestamp starts_at{};
  int minutes = 15;
  std::optional<ApplicationId> booked_by;  // one application per slot
  // Where the visit takes place (an IANA name such as "Asia/Kolkata"), and the offset from UTC
  // there at starts_at, worked out when the slot was published: the applicant is shown the time
  // of the place. Slots published before time zones were kept read as UTC.
  std::string time_zone = "UTC";
  std::chrono::seconds utc_offset{0};
};

}  // namespace openvap::domain

#endif  // OPENVAP_DOMAIN_PAYMENT_H_
