// The account routes over a real HTTP server on loopback (in-memory store, fake credential
// primitives): the browser's path through registration, MFA enrolment, sign-in and sign-out,
// with cookies and CSRF as a browser sends them.
#include "adapters/api/account_routes.h"

#include <gtest/gtest.h>

#include "adapters/http/server.h"
#include "base/time.h"
#include "fakes/in_memory_store.h"
#include "support/http_client.h"

namespace openvap::api {
namespace {

using nlohmann::json;
using openvap::testing::HttpClient;

class AccountRoutesTest : public ::testing::Test {
 protected:
  AccountRoutesTest()
      : clock_(*ParseIsoTimestamp("2026-11-22T10:00:00Z")),
        random_(3),
        accounts_(store_, throttle_, credentials_, clock_, random_, {}),
        api_(std::make_shared<AccountAuthenticator>(accounts_)) {
    AddAccountRoutes(api_, accounts_, CookiePolicy{});
    api_.Mount(router_);
    server_ =
        std::make_unique<http::Server>(http::ServerOptions{.host = "127.0.0.1", .port = 0},
                                       [this](http::Request& r) { return router_.Dispatch(r); });
    EXPECT_TRUE(server_->Start().ok());
    base_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }
  ~AccountRoutesTest() override { server_->Stop(); }

  std::string MailedToken() const {
    const std::string text = store_.Snapshot().mail.back().text;
    const std::size_t at = text.find("token=");
    return text.substr(at + 6, text.find('\n', at) - at - 6);
  }

  static std::string Csrf(const openvap::testing::HttpResult& r) {
    return json::parse(r.body)["csrf_token"];
  }

  fakes::InMemoryStore store_;
  fakes::InMemoryThrottle throttle_;
  fakes::FakeCredentials credentials_;
  FixedClock clock_;
  SeededRandom random_;
  domain::AccountService accounts_;
  Api api_;
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  std::string base_;
};

TEST_F(AccountRoutesTest, RegisterVerifyEnrolSignInAndOut) {
  HttpClient browser(base_);
  const auto reg = browser.Post("/api/v1/accounts", R"({"email":"anna@example.org",
      "password":"correct horse battery","display_name":"Anna Maria"})");
  ASSERT_EQ(reg.status, 202) << reg.body;
  EXPECT_EQ(
      browser.Post("/api/v1/accounts/verify-email", json{{"token", MailedToken()}}.dump()).status,
      200);

  const auto login = browser.Post(
      "/api/v1/sessions", R"({"email":"anna@example.org","password":"correct horse battery"})");
  ASSERT_EQ(login.status, 201) << login.body;
  EXPECT_NE(login.headers.at("set-cookie").find("HttpOnly; SameSite=Strict"), std::string::npos);
  EXPECT_TRUE(json::parse(login.body)["mfa_enrolment_required"]);
  const std::string csrf = Csrf(login);

  const auto me = browser.Get("/api/v1/me");
  ASSERT_EQ(me.status, 200);
  EXPECT_FALSE(json::parse(me.body)["mfa_verified"]);
  // Everything else waits for the second factor.
  EXPECT_EQ(browser
                .Send("PUT", "/api/v1/me/consent", R"({"keep_data_for_later_applications":true})",
                      {"Content-Type: application/json", "X-CSRF-Token: " + csrf})
                .status,
            403);
  // Changes need the CSRF token.
  EXPECT_EQ(browser.Post("/api/v1/me/mfa/totp", "{}").status, 403);
  const auto totp = browser.Post("/api/v1/me/mfa/totp", "{}",
                                 {"Content-Type: application/json", "X-CSRF-Token: " + csrf});
  ASSERT_EQ(totp.status, 200) << totp.body;
  EXPECT_EQ(json::parse(totp.body)["uri"].get<std::string>().rfind("otpauth://", 0), 0U);
  const auto confirmed =
      browser.Post("/api/v1/me/mfa/totp/confirm",
                   json{{"code", fakes::FakeCredentials::CodeAt(clock_.Now())}}.dump(),
                   {"Content-Type: application/json", "X-CSRF-Token: " + csrf});
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  EXPECT_EQ(json::parse(confirmed.body)["recovery_codes"].size(), 3U);
  const std::string csrf2 = Csrf(confirmed);

  EXPECT_TRUE(json::parse(browser.Get("/api/v1/me").body)["mfa_verified"]);
  const auto consent =
      browser.Send("PUT", "/api/v1/me/consent", R"({"keep_data_for_later_applications":true})",
                   {"Content-Type: application/json", "X-CSRF-Token: " + csrf2});
  EXPECT_EQ(consent.status, 200) << consent.body;
  EXPECT_TRUE(json::parse(browser.Get("/api/v1/me").body)["keep_data_consent"]);

  const auto out =
      browser.Send("DELETE", "/api/v1/sessions/current", "", {"X-CSRF-Token: " + csrf2});
  EXPECT_EQ(out.status, 200);
  EXPECT_EQ(browser.Get("/api/v1/me").status, 401);
}

TEST_F(AccountRoutesTest, BadInputGetsClearErrors) {
  HttpClient client(base_);
  const auto not_json = client.Post("/api/v1/accounts", "{oops");
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(json::parse(not_json.body)["error"]["code"], "malformed-json");
  const auto missing = client.Post("/api/v1/accounts", R"({"email":"a@b.org"})");
  EXPECT_EQ(missing.status, 422);
  EXPECT_EQ(json::parse(missing.body)["error"]["message"], "password: is required");
  const auto wrong_type = client.Post("/api/v1/sessions", R"({"email":1,"password":"x"})");
  EXPECT_EQ(wrong_type.status, 422);
  const auto text = client.Post("/api/v1/sessions", "email=a", {"Content-Type: text/plain"});
  EXPECT_EQ(text.status, 415);
  const auto bad_login =
      client.Post("/api/v1/sessions", R"({"email":"nobody@example.org","password":"whatever"})");
  EXPECT_EQ(bad_login.status, 401);
  EXPECT_EQ(json::parse(bad_login.body)["error"]["code"], "invalid-credentials");
  EXPECT_EQ(client.Get("/api/v1/me").status, 401);
  EXPECT_EQ(client.Get("/api/v1/me", {"Cookie: openvap_session=forged"}).status, 401);
}

TEST(CookieValue, FindsTheNamedCookieAmongOthers) {
  http::Request r;
  r.headers.emplace("Cookie", "a=1; openvap_session=tok; b=2");
  EXPECT_EQ(CookieValue(r, "openvap_session"), "tok");
  EXPECT_EQ(CookieValue(r, "b"), "2");
  EXPECT_EQ(CookieValue(r, "c"), "");
}

}  // namespace
}  // namespace openvap::api
