// The pages behind the e-mailed links (VAP-ACCT) over a real HTTP server on loopback
// (in-memory store, fake credential primitives), driven as a browser without JavaScript does:
// open the link, then post the form.
#include "adapters/api/account_pages.h"

#include <gtest/gtest.h>

#include "adapters/http/server.h"
#include "base/time.h"
#include "fakes/in_memory_store.h"
#include "support/http_client.h"

namespace openvap::api {
namespace {

using openvap::testing::HttpClient;
using openvap::testing::HttpResult;

constexpr const char* kForm = "Content-Type: application/x-www-form-urlencoded";

class AccountPagesTest : public ::testing::Test {
 protected:
  AccountPagesTest()
      : clock_(*ParseIsoTimestamp("2026-11-22T10:00:00Z")),
        random_(5),
        accounts_(store_, throttle_, credentials_, clock_, random_, {}) {
    MountAccountPages(router_, accounts_);
    server_ =
        std::make_unique<http::Server>(http::ServerOptions{.host = "127.0.0.1", .port = 0},
                                       [this](http::Request& r) { return router_.Dispatch(r); });
    EXPECT_TRUE(server_->Start().ok());
    browser_ = std::make_unique<HttpClient>("http://127.0.0.1:" + std::to_string(server_->port()));
    EXPECT_TRUE(accounts_
                    .Register({.email = "anna@example.org",
                               .password = "correct horse battery",
                               .display_name = "Anna Maria"})
                    .ok());
  }
  ~AccountPagesTest() override { server_->Stop(); }

  // The path and query of the last e-mailed link ("/verify-email?token=...").
  std::string MailedLink() const {
    const std::string text = store_.Snapshot().mail.back().text;
    const std::size_t start = text.find('/', text.find("://") + 3);
    return text.substr(start, text.find_first_of(" \n", start) - start);
  }
  static std::string TokenOf(const std::string& link) {
    return link.substr(link.find("token=") + 6);
  }
  bool Verified() const {
    for (const auto& [id, account] : store_.Snapshot().accounts) {
      if (account.email == "anna@example.org") return account.email_verified_at.has_value();
    }
    return false;
  }
  HttpResult PostForm(const std::string& path, const std::string& body) {
    return browser_->Post(path, body, {kForm});
  }

  fakes::InMemoryStore store_;
  fakes::InMemoryThrottle throttle_;
  fakes::FakeCredentials credentials_;
  FixedClock clock_;
  SeededRandom random_;
  domain::AccountService accounts_;
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<HttpClient> browser_;
};

// What every page says about itself: HTML, never cached, no Referer (the token is in the
// address), no framing, no script.
void ExpectPageHeaders(const HttpResult& page) {
  EXPECT_EQ(page.headers.at("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(page.headers.at("cache-control"), "no-store");
  EXPECT_EQ(page.headers.at("referrer-policy"), "no-referrer");
  EXPECT_NE(page.headers.at("content-security-policy").find("default-src 'none'"),
            std::string::npos);
  EXPECT_NE(page.headers.at("content-security-policy").find("frame-ancestors 'none'"),
            std::string::npos);
}

TEST_F(AccountPagesTest, TheMailedLinkConfirmsTheAddressWhenTheFormIsPosted) {
  const std::string link = MailedLink();
  ASSERT_EQ(link.rfind("/verify-email?token=", 0), 0U) << link;
  const HttpResult page = browser_->Get(link);
  ASSERT_EQ(page.status, 200) << page.body;
  ExpectPageHeaders(page);
  const std::string token = TokenOf(link);
  EXPECT_NE(page.body.find("<form method=\"post\" action=\"/verify-email\">"), std::string::npos)
      << page.body;
  EXPECT_NE(page.body.find("name=\"token\" value=\"" + token + "\""), std::string::npos);
  // Opening the link (as a mail scanner does) changes nothing.
  EXPECT_FALSE(Verified());
  EXPECT_EQ(accounts_.SignIn("anna@example.org", "correct horse battery", "10.0.0.1").error().code,
            "email-not-verified");

  const HttpResult confirmed = PostForm("/verify-email", "token=" + TokenOf(MailedLink()));
  EXPECT_EQ(confirmed.status, 200) << confirmed.body;
  ExpectPageHeaders(confirmed);
  EXPECT_NE(confirmed.body.find("Your e-mail address is confirmed"), std::string::npos);
  EXPECT_TRUE(Verified());
  EXPECT_TRUE(accounts_.SignIn("anna@example.org", "correct horse battery", "10.0.0.1").ok());

  // A link works once; the page says so instead of a bare error.
  const HttpResult again = PostForm("/verify-email", "token=" + token);
  EXPECT_EQ(again.status, 422) << again.body;
  EXPECT_NE(again.body.find("was not confirmed"), std::string::npos) << again.body;
  EXPECT_NE(again.body.find("role=\"alert\""), std::string::npos) << again.body;
}

// The hosted payment page sends the browser back here (VAP-PAY): a page that says what the
// outcome means, not a JSON 404; it shows nothing of the application but its id.
TEST_F(AccountPagesTest, ThePaymentProviderSendsTheBrowserBackToAPage) {
  const std::pair<const char*, const char*> outcomes[] = {
      {"paid", "Payment received"},       {"declined", "Payment declined"},
      {"cancelled", "Payment cancelled"}, {"", "without saying how"},
      {"%3Cb%3E", "without saying how"},
  };
  for (const auto& [outcome, says] : outcomes) {
    const HttpResult page =
        browser_->Get(std::string("/applications/app-1a2b/payment?payment=") + outcome);
    EXPECT_EQ(page.status, 200) << outcome;
    EXPECT_EQ(page.headers.at("content-type"), "text/html; charset=utf-8");
    EXPECT_NE(page.body.find(says), std::string::npos) << page.body;
    EXPECT_NE(page.body.find("application app-1a2b"), std::string::npos) << page.body;
    EXPECT_EQ(page.body.find("<b>"), std::string::npos) << page.body;
  }
  EXPECT_NE(browser_->Get("/applications/app-1/payment").body.find("without saying how"),
            std::string::npos);
  // Not an application id: no page that repeats whatever the address says.
  const HttpResult other = browser_->Get("/applications/Call%20this%20number/payment?payment=paid");
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(other.body.find("Call this number"), std::string::npos) << other.body;
}

TEST_F(AccountPagesTest, IncompleteLinksAndOtherBodiesAreExplained) {
  for (const char* path : {"/verify-email", "/verify-email?token=", "/reset-password"}) {
    const HttpResult page = browser_->Get(path);
    EXPECT_EQ(page.status, 400) << path;
    EXPECT_NE(page.body.find("This link is incomplete"), std::string::npos) << path;
  }
  // A JSON body, a form without the token, a broken escape: nothing is confirmed.
  EXPECT_EQ(browser_->Post("/verify-email", "{\"token\":\"x\"}", {"Content-Type: application/json"})
                .status,
            400);
  EXPECT_EQ(PostForm("/verify-email", "other=1").status, 400);
  EXPECT_EQ(PostForm("/verify-email", "token=%zz").status, 400);
  EXPECT_EQ(PostForm("/reset-password", "password=x&repeated=x").status, 400);
  EXPECT_FALSE(Verified());
  // Whatever the address carries is shown as text, never as markup.
  const HttpResult page = browser_->Get("/verify-email?token=%22%3E%3Cscript%3Ex()%3C/script%3E");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body.find("<script>"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("&quot;&gt;&lt;script&gt;"), std::string::npos) << page.body;
}

TEST_F(AccountPagesTest, TheMailedLinkSetsANewPassword) {
  ASSERT_TRUE(accounts_.SendPasswordResetLink("anna@example.org", "10.0.0.1").ok());
  const std::string link = MailedLink();
  ASSERT_EQ(link.rfind("/reset-password?token=", 0), 0U) << link;
  const std::string token = TokenOf(link);
  const HttpResult page = browser_->Get(link);
  ASSERT_EQ(page.status, 200) << page.body;
  ExpectPageHeaders(page);
  EXPECT_NE(page.body.find("autocomplete=\"new-password\""), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("name=\"token\" value=\"" + token + "\""), std::string::npos);

  // Two different passwords, then one the policy refuses: the form again, with the reason.
  const HttpResult differ =
      PostForm("/reset-password",
               "token=" + token + "&password=a+brand+new+passphrase&repeated=a+brand+new+one");
  EXPECT_EQ(differ.status, 422);
  EXPECT_NE(differ.body.find("not the same"), std::string::npos) << differ.body;
  EXPECT_NE(differ.body.find("value=\"" + token + "\""), std::string::npos) << differ.body;
  const HttpResult weak =
      PostForm("/reset-password", "token=" + token + "&password=short&repeated=short");
  EXPECT_EQ(weak.status, 422);
  EXPECT_NE(weak.body.find("role=\"alert\""), std::string::npos) << weak.body;
  EXPECT_NE(weak.body.find("value=\"" + token + "\""), std::string::npos) << weak.body;
  EXPECT_FALSE(Verified());  // nothing changed yet

  const HttpResult changed = PostForm(
      "/reset-password",
      "token=" + token + "&password=a+brand+new+passphrase&repeated=a+brand+new+passphrase");
  EXPECT_EQ(changed.status, 200) << changed.body;
  EXPECT_NE(changed.body.find("Your password was changed"), std::string::npos);
  // The link also confirmed the address; the old password is gone.
  EXPECT_TRUE(Verified());
  EXPECT_FALSE(accounts_.SignIn("anna@example.org", "correct horse battery", "10.0.0.1").ok());
  EXPECT_TRUE(accounts_.SignIn("anna@example.org", "a brand new passphrase", "10.0.0.1").ok());

  const HttpResult reused = PostForm(
      "/reset-password",
      "token=" + token + "&password=yet+another+passphrase&repeated=yet+another+passphrase");
  EXPECT_EQ(reused.status, 422);
  EXPECT_NE(reused.body.find("was not changed"), std::string::npos) << reused.body;
  EXPECT_EQ(reused.body.find("<form"), std::string::npos) << reused.body;
}

}  // namespace
}  // namespace openvap::api
