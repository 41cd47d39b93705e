// The sandbox provider as a browser and the platform see it: the hosted page over HTTP on
// loopback, the redirect back, the signed webhook job, refunds.
#include "adapters/payments/sandbox_provider.h"

#include <gtest/gtest.h>

#include "adapters/http/server.h"
#include "base/time.h"
#include "support/http_client.h"
#include "support/process.h"

namespace openvap::payments {
namespace {

using openvap::testing::HttpClient;

class SandboxTest : public ::testing::Test {
 protected:
  SandboxTest() : clock_(*ParseIsoTimestamp("2027-01-15T09:00:00Z")), random_(4) {
    db_ = std::move(storage::OpenDatabase("sqlite://" + tmp_.path() + "/db.sqlite")).value();
    jobs_ = std::make_unique<storage::JobQueue>(*db_, clock_, random_);
    provider_ = std::make_unique<SandboxPaymentProvider>(*db_, *jobs_, clock_, random_,
                                                         "https://vap.example", "secret-1");
    provider_->MountHostedPage(router_);
    server_ =
        std::make_unique<http::Server>(http::ServerOptions{.host = "127.0.0.1", .port = 0},
                                       [this](http::Request& r) { return router_.Dispatch(r); });
    EXPECT_TRUE(server_->Start().ok());
    base_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }
  ~SandboxTest() override { server_->Stop(); }

  domain::Payment Payment(std::int64_t cents) {
    domain::Payment p;
    p.id = "pay-1";
    p.amount_cents = cents;
    return p;
  }

  openvap::testing::TempDir tmp_;
  FixedClock clock_;
  SeededRandom random_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<storage::JobQueue> jobs_;
  std::unique_ptr<SandboxPaymentProvider> provider_;
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  std::string base_;
};

TEST_F(SandboxTest, PayingOnTheHostedPageRedirectsBackAndSendsASignedWebhook) {
  const auto checkout = provider_->CreateCheckout(Payment(9000), "https://vap.example/return");
  ASSERT_TRUE(checkout.ok());
  EXPECT_EQ(checkout->redirect_url, "https://vap.example/sandbox-pay/" + checkout->checkout_id);
  HttpClient browser(base_);
  const auto page = browser.Get("/sandbox-pay/" + checkout->checkout_id);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("EUR 90.00"), std::string::npos);
  const auto paid =
      browser.Post("/sandbox-pay/" + checkout->checkout_id, "card=4242+4242+4242+4242&action=pay",
                   {"Content-Type: application/x-www-form-urlencoded"});
  EXPECT_EQ(paid.status, 303);
  EXPECT_EQ(paid.headers.at("location"), "https://vap.example/return?payment=paid");

  const auto job = jobs_->Claim(std::chrono::seconds(30));
  ASSERT_TRUE(job.ok() && job->has_value());
  EXPECT_EQ((*job)->kind, "payment-webhook");
  const std::string body = (*job)->payload["body"];
  EXPECT_EQ(body.find("4242"), std::string::npos);  // no card data leaves the provider
  const auto event = provider_->ParseWebhook((*job)->payload["signature"].get<std::string>(), body);
  ASSERT_TRUE(event.ok()) << event.error().message;
  EXPECT_EQ(event->checkout_id, checkout->checkout_id);
  EXPECT_EQ(event->status, domain::PaymentStatus::kPaid);
  EXPECT_EQ(provider_->ParseWebhook("00", body).error().code, "invalid-signature");
  EXPECT_EQ(
      provider_->ParseWebhook(SandboxPaymentProvider::Sign("secret-1", "{}"), "{}").error().code,
      "malformed-request");
  // Signed, but a member of the wrong type: refused, not thrown (it was a 500).
  for (const char* wrong : {R"({"event_id": 1, "checkout_id": "chk_x", "status": "paid"})",
                            R"({"event_id": "e", "checkout_id": 7, "status": "paid"})",
                            R"({"event_id": "e", "checkout_id": "chk_x", "status": null})",
                            R"({"event_id": "e", "checkout_id": "chk_x", "status": {}})", "[]"}) {
    const auto refused =
        provider_->ParseWebhook(SandboxPaymentProvider::Sign("secret-1", wrong), wrong);
    ASSERT_FALSE(refused.ok()) << wrong;
    EXPECT_EQ(refused.error().code, "malformed-request") << wrong;
  }

  // Paying twice does not notify twice; the page says it is paid.
  const auto again =
      browser.Post("/sandbox-pay/" + checkout->checkout_id, "card=4242424242424242&action=pay",
                   {"Content-Type: application/x-www-form-urlencoded"});
  EXPECT_EQ(again.status, 303);
  EXPECT_FALSE(jobs_->Claim(std::chrono::seconds(30))->has_value());
  EXPECT_NE(browser.Get("/sandbox-pay/" + checkout->checkout_id).body.find("is paid"),
            std::string::npos);
  domain::Payment p = Payment(9000);
  p.checkout_id = checkout->checkout_id;
  EXPECT_TRUE(provider_->Refund(p).ok());
  // Idempotent per payment: a refund run again (its recording failed) is Ok and moves nothing.
  EXPECT_TRUE(provider_->Refund(p).ok());
  EXPECT_NE(browser.Get("/sandbox-pay/" + checkout->checkout_id).body.find("refunded"),
            std::string::npos);
}

TEST_F(SandboxTest, DeclinedAndUnknownCardsAndUnknownCheckouts) {
  const auto checkout = *provider_->CreateCheckout(Payment(4500), "https://vap.example/return");
  HttpClient browser(base_);
  const auto unknown = browser.Post("/sandbox-pay/" + checkout.checkout_id, "card=1234&action=pay",
                                    {"Content-Type: application/x-www-form-urlencoded"});
  EXPECT_EQ(unknown.status, 200);
  EXPECT_NE(unknown.body.find("only its test card numbers"), std::string::npos);
  const auto declined =
      browser.Post("/sandbox-pay/" + checkout.checkout_id, "card=4000000000000002&action=pay",
                   {"Content-Type: application/x-www-form-urlencoded"});
  EXPECT_EQ(declined.headers.at("location"), "https://vap.example/return?payment=failed");
  // Posted again with the good card (another tab, the back button): the checkout is closed and
  // the return address says so, not "paid".
  const auto again =
      browser.Post("/sandbox-pay/" + checkout.checkout_id, "card=4242424242424242&action=pay",
                   {"Content-Type: application/x-www-form-urlencoded"});
  EXPECT_EQ(again.headers.at("location"), "https://vap.example/return?payment=failed");
  EXPECT_EQ(browser.Get("/sandbox-pay/chk_nope").status, 404);
}

// The platform closes a checkout whose amount the fee no longer has: it can no longer be paid.
// One already paid or declined stays as it is, and says so.
TEST_F(SandboxTest, ACancelledCheckoutCannotBePaidAndASettledOneCannotBeCancelled) {
  domain::Payment stale = Payment(4500);
  stale.checkout_id = provider_->CreateCheckout(stale, "https://vap.example/return")->checkout_id;
  ASSERT_TRUE(provider_->CancelCheckout(stale).ok());
  EXPECT_EQ(provider_->CancelCheckout(stale).error().code, "already-settled");
  HttpClient browser(base_);
  EXPECT_NE(browser.Get("/sandbox-pay/" + stale.checkout_id).body.find("is cancelled"),
            std::string::npos);
  const auto paid =
      browser.Post("/sandbox-pay/" + stale.checkout_id, "card=4242424242424242&action=pay",
                   {"Content-Type: application/x-www-form-urlencoded"});
  EXPECT_EQ(paid.headers.at("location"), "https://vap.example/return?payment=cancelled");
  EXPECT_FALSE(jobs_->Claim(std::chrono::seconds(30))->has_value());  // nothing to notify
  EXPECT_FALSE(provider_->Refund(stale).ok());                        // nothing was taken

  domain::Payment settled = Payment(9000);
  settled.checkout_id =
      provider_->CreateCheckout(settled, "https://vap.example/return")->checkout_id;
  ASSERT_EQ(browser
                .Post("/sandbox-pay/" + settled.checkout_id, "card=4242424242424242&action=pay",
                      {"Content-Type: application/x-www-form-urlencoded"})
                .status,
            303);
  EXPECT_EQ(provider_->CancelCheckout(settled).error().code, "already-settled");
  EXPECT_TRUE(provider_->Refund(settled).ok());  // still paid, so still refundable
}

}  // namespace
}  // namespace openvap::payments
