#include "adapters/payments/sandbox_provider.h"

#include <nlohmann/json.hpp>

#include "adapters/storage/documents.h"
#include "crypto/digest.h"

namespace openvap::payments {
namespace {

using nlohmann::json;

std::string Digits(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c >= '0' && c <= '9') out.push_back(c);
  }
  return out;
}

struct CheckoutRow {
  std::string payment_id;
  std::int64_t amount_cents = 0;
  std::string return_url;
  std::string status;
};

Result<std::optional<CheckoutRow>> LoadCheckout(storage::SqlConnection& c, const std::string& id) {
  OPENVAP_ASSIGN_OR_RETURN(auto row,
                           c.QueryOne("SELECT payment_id, amount_cents, return_url, status FROM "
                                      "sandbox_checkouts WHERE id = $1",
                                      {id}));
  if (!row) return std::optional<CheckoutRow>{};
  return std::optional<CheckoutRow>(
      CheckoutRow{row->Text(0), row->Int(1), row->Text(2), row->Text(3)});
}

}  // namespace

SandboxPaymentProvider::SandboxPaymentProvider(storage::Database& db, storage::JobQueue& jobs,
                                               const Clock& clock, RandomSource& random,
                                               std::string base_url, std::string webhook_secret)
    : db_(db),
      jobs_(jobs),
      clock_(clock),
      random_(random),
      base_url_(std::move(base_url)),
      secret_(std::move(webhook_secret)) {}

std::string SandboxPaymentProvider::Sign(std::string_view secret, std::string_view body) {
  return ToHex(crypto::HmacSha256(AsBytes(secret), AsBytes(body)));
}

Result<domain::PaymentProvider::Checkout> SandboxPaymentProvider::CreateCheckout(
    const domain::Payment& payment, const std::string& return_url) {
  const std::string id = "chk_" + random_.HexToken(16);
  OPENVAP_RETURN_IF_ERROR(db_.Write([&](storage::SqlConnection& c) -> Status {
    auto done = c.Execute(
        "INSERT INTO sandbox_checkouts (id, payment_id, amount_cents, return_url, status, "
        "created_ms) VALUES ($1, $2, $3, $4, 'open', $5)",
        {id, payment.id, payment.amount_cents, return_url, storage::ToMillis(clock_.Now())});
    return done.ok() ? Ok() : Status(done.error());
  }));
  return Checkout{id, base_url_ + "/sandbox-pay/" + id};
}

Result<domain::PaymentProvider::Event> SandboxPaymentProvider::ParseWebhook(
    std::string_view signature, std::string_view body) const {
  const std::string expected = Sign(secret_, body);
  if (!crypto::ConstantTimeEquals(AsBytes(signature), AsBytes(expected))) {
    return Error{"invalid-signature", "the webhook's X-Signature does not match its body"};
  }
  const json event = json::parse(body, nullptr, false);
  // Signed is not well-formed: every member is checked before it is read (a number where a
  // text belongs threw, and the provider got a 500 that it would retry for ever).
  const auto text = [&event](const char* member) -> const std::string* {
    const auto it = event.find(member);
    return it != event.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
  };
  if (event.is_discarded() || !event.is_object() || text("event_id") == nullptr ||
      text("checkout_id") == nullptr || text("status") == nullptr) {
    return Error{"malformed-request",
                 "the webhook body is not a sandbox payment event: event_id, checkout_id and "
                 "status must be texts"};
  }
  auto status = domain::ParsePaymentStatus(*text("status"));
  if (!status.ok()) return Error{"malformed-request", "unknown payment status in the webhook"};
  return Event{*text("event_id"), *text("checkout_id"), *status};
}

Status SandboxPaymentProvider::Refund(const domain::Payment& payment) {
  return db_.Write([&](storage::SqlConnection& c) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(
        const std::int64_t n,
        c.Execute("UPDATE sandbox_checkouts SET status = 'refunded' WHERE id = $1 AND status = "
                  "'paid'",
                  {payment.checkout_id}));
    if (n > 0) return Ok();
    // Refunded already: the same answer, and no second refund (PaymentProvider::Refund).
    OPENVAP_ASSIGN_OR_RETURN(
        const auto refunded,
        c.QueryOne("SELECT 1 FROM sandbox_checkouts WHERE id = $1 AND status = 'refunded'",
                   {payment.checkout_id}));
    if (refunded) return Ok();
    return Error{"delivery-permanent", "nothing to refund for " + payment.id};
  });
}

Status SandboxPaymentProvider::CancelCheckout(const domain::Payment& payment) {
  return db_.Write([&](storage::SqlConnection& c) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(
        const std::int64_t n,
        c.Execute("UPDATE sandbox_checkouts SET status = 'cancelled' WHERE id = $1 AND status = "
                  "'open'",
                  {payment.checkout_id}));
    if (n == 0) return Error{"already-settled", "the checkout of " + payment.id + " is closed"};
    return Ok();
  });
}

void SandboxPaymentProvider::MountHostedPage(http::Router& router) {
  router.Add("GET", "/sandbox-pay/{checkout}",
             [this](http::Request& r) { return Page(r.path_params["checkout"], ""); });
  router.Add("POST", "/sandbox-pay/{checkout}",
             [this](http::Request& r) { return Submit(r.path_params["checkout"], r.body); });
}

http::Response SandboxPaymentProvider::Page(const std::string& id, const std::string& message) {
  std::optional<CheckoutRow> checkout;
  const Status read = db_.Read([&](storage::SqlConnection& c) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(checkout, LoadCheckout(c, id));
    return Ok();
  });
  http::Response r;
  r.SetHeader("Content-Type", "text/html; charset=utf-8");
  r.SetHeader("Cache-Control", "no-store");
  if (!read.ok() || !checkout) {
    r.status = 404;
    r.body =
        "<!doctype html><html lang=\"en\"><title>Payment not found</title><main><h1>Payment "
        "not found</h1><p>This payment link is unknown or expired.</p></main></html>";
    return r;
  }
  const std::string amount = std::to_string(checkout->amount_cents / 100) + "." +
                             (checkout->amount_cents % 100 < 10 ? "0" : "") +
                             std::to_string(checkout->amount_cents % 100);
  r.body =
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>Pay EUR " +
      amount +
      " — Sandbox payment provider</title></head><body><main>"
      "<h1>Sandbox payment provider</h1>"
      "<p>Test payments only. Use card 4242 4242 4242 4242 to pay or 4000 0000 0000 0002 "
      "to be declined.</p>"
      "<p>Amount: <strong>EUR " +
      amount + "</strong> (visa fee)</p>";
  if (checkout->status != "open") {
    r.body += "<p role=\"status\">This payment is " + http::HtmlEscape(checkout->status) + ".</p>";
  } else {
    if (!message.empty()) r.body += "<p role=\"alert\">" + http::HtmlEscape(message) + "</p>";
    r.body +=
        "<form method=\"post\"><label for=\"card\">Card number</label> "
        "<input id=\"card\" name=\"card\" inputmode=\"numeric\" autocomplete=\"cc-number\" "
        "required> <button name=\"action\" value=\"pay\">Pay</button> "
        "<button name=\"action\" value=\"cancel\" formnovalidate>Cancel</button></form>";
  }
  r.body += "</main></body></html>";
  return r;
}

http::Response SandboxPaymentProvider::Submit(const std::string& id, const std::string& form) {
  std::map<std::string, std::string> fields;
  if (!http::ParseQuery(form, fields)) return Page(id, "The form could not be read.");
  const std::string action = fields["action"];
  // The card number is only looked at here, never stored or logged.
  const std::string card = Digits(fields["card"]);
  std::string outcome;
  if (action == "cancel" || card == "4000000000000002") {
    outcome = "failed";
  } else if (card == "4242424242424242") {
    outcome = "paid";
  } else {
    return Page(id, "The sandbox accepts only its test card numbers.");
  }
  std::optional<CheckoutRow> checkout;
  const Status done = db_.Write([&](storage::SqlConnection& c) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(checkout, LoadCheckout(c, id));
    if (!checkout || checkout->status != "open") return Ok();
    auto updated =
        c.Execute("UPDATE sandbox_checkouts SET status = $2 WHERE id = $1", {id, outcome});
    return updated.ok() ? Ok() : Status(updated.error());
  });
  if (!done.ok() || !checkout) return Page(id, "");
  if (checkout->status == "open") {
    const std::string body = json{
        {"event_id", "evt_" + random_.HexToken(12)},
        {"checkout_id", id},
        {"status", outcome}}.dump();
    const Status scheduled =
        jobs_.Schedule(domain::Job{"payment-webhook",
                                   "sandbox-webhook:" + id,
                                   {{"url", base_url_ + "/api/v1/payments/webhooks/sandbox"},
                                    {"body", body},
                                    {"signature", Sign(secret_, body)}},
                                   clock_.Now()});
    if (!scheduled.ok()) return Page(id, "The payment could not be recorded; try again.");
  }
  // A checkout already closed (the form posted twice, another tab) keeps its outcome: the
  // return address says what it is, not what this post asked for.
  const std::string result = checkout->status == "open" ? outcome : checkout->status;
  http::Response r;
  r.status = 303;
  r.SetHeader("Location", checkout->return_url + "?payment=" + result);
  return r;
}

}  // namespace openvap::payments
