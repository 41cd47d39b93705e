// Who may do what (issue 5 "Roles"): every route of the OpenAPI document, called by every role
// — applicant, representative, consular officer, central authority, service provider (API key
// and session), border guard, public verifier, administrator — against a real server. A route
// answers 401/403 exactly to the roles it does not name; no call ever gets a 5xx. Beside the
// walk, the sensitive boundaries are asserted by hand (VIS 7f: providers never see the register
// of visas; applicants never reach the consulate; the public only verifies).
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "platform_fixture.h"

namespace openvap::testing {
namespace {

using nlohmann::json;

std::string Concrete(std::string path) {
  const std::map<std::string, std::string> values = {
      {"{id}", "app-0000000000"}, {"{number}", "FRA000000000"}, {"{document}", "doc-0"},
      {"{provider}", "sandbox"},  {"{sticker}", "FRA00000001"},
  };
  for (const auto& [param, value] : values) {
    for (std::size_t at = path.find(param); at != std::string::npos; at = path.find(param)) {
      path.replace(at, param.size(), value);
    }
  }
  return path;
}

struct Caller {
  std::string role;
  std::unique_ptr<ApiSession> session;  // null for the public
  std::string api_key;                  // service providers' gateway
};

bool Denied(long status) { return status == 401 || status == 403; }

TEST(RoleMatrix, EveryRouteWithEveryRole) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  PlatformServer server(data, "", "");
  ASSERT_FALSE(server.url().empty());

  std::vector<Caller> callers;
  callers.push_back({"public-verifier", nullptr, ""});
  for (const char* role : {"applicant", "representative"}) {
    auto s = std::make_unique<ApiSession>(server.url());
    ASSERT_FALSE(SignUp(*s, std::string(role) + "@example.org", "a long enough passphrase", role,
                        TokenFromMailFolder(data + "/mail"))
                     .empty())
        << role;
    callers.push_back({role, std::move(s), ""});
  }
  for (const char* role : {"consular-officer", "central-authority", "border-guard",
                           "service-provider", "administrator"}) {
    const json account = server.DemoAccount(role);
    ASSERT_TRUE(account.is_object()) << role;
    auto s = std::make_unique<ApiSession>(server.url());
    ASSERT_FALSE(
        s->SignInWithTotp(account.value("email", ""), account.value("password", "")).empty())
        << role;
    callers.push_back({role, std::move(s), account.value("api_key", "")});
  }

  ApiSession anonymous(server.url());
  const json openapi = anonymous.Expect(200, "GET", "/api/v1/openapi.json");
  // Routes that would end the caller's session or its second factor are left out of the walk;
  // the account tests cover them.
  const std::set<std::string> skipped = {"/api/v1/sessions", "/api/v1/sessions/mfa",
                                         "/api/v1/sessions/current", "/api/v1/me/mfa/totp",
                                         "/api/v1/me/mfa/totp/confirm"};
  int calls = 0;
  int routes = 0;
  for (const auto& [path, operations] : openapi["paths"].items()) {
    if (skipped.count(path) != 0) continue;
    for (const auto& [method, op] : operations.items()) {
      ++routes;
      const json roles = op.value("x-roles", json::array());
      const std::string scheme =
          op["security"][0].empty() ? "none" : op["security"][0].begin().key();
      for (Caller& caller : callers) {
        std::string upper = method;
        for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        HttpResult r;
        const std::string target = Concrete(path);
        const json body = upper == "GET" || upper == "DELETE" ? json(nullptr) : json::object();
        if (scheme == "serviceProviderKey") {
          HttpClient client(server.url());
          std::vector<std::string> headers{"Content-Type: application/json"};
          if (!caller.api_key.empty()) headers.push_back("Authorization: Bearer " + caller.api_key);
          r = client.Send(upper, target, body.is_null() ? "" : body.dump(), headers);
        } else if (caller.session) {
          r = caller.session->Call(upper, target, body);
        } else {
          r = anonymous.Call(upper, target, body);
        }
        ++calls;
        ASSERT_NE(r.status, 0) << r.transport_error;
        EXPECT_LT(r.status, 500) << caller.role << " " << upper << " " << path << ": " << r.body;
        bool allowed = true;
        if (scheme == "session") {
          allowed =
              caller.session != nullptr &&
              (roles.empty() || std::find(roles.begin(), roles.end(), caller.role) != roles.end());
        } else if (scheme == "serviceProviderKey") {
          allowed = !caller.api_key.empty();
        }
        EXPECT_EQ(Denied(r.status), !allowed) << caller.role << " " << upper << " " << path
                                              << " answered " << r.status << ": " << r.body;
      }
    }
  }
  EXPECT_GT(routes, 60);
  EXPECT_EQ(calls, routes * static_cast<int>(callers.size()));

  // The boundaries that matter most, asserted by hand.
  const auto status = [&](const std::string& role, const std::string& method,
                          const std::string& path) -> long {
    for (Caller& c : callers) {
      if (c.role != role) continue;
      if (path.rfind("/api/v1/esp/", 0) == 0) {
        HttpClient client(server.url());
        return client.Send(method, path, "", {"Authorization: Bearer " + c.api_key}).status;
      }
      return c.session ? c.session->Call(method, path).status : anonymous.Call(method, path).status;
    }
    return 0;
  };
  // VIS 7f: a provider never reaches the register of visas or the consulate's queue.
  EXPECT_TRUE(Denied(status("service-provider", "GET", "/api/v1/visas/FRA000000000")));
  EXPECT_TRUE(Denied(status("service-provider", "GET", "/api/v1/border/visas/FRA000000000")));
  EXPECT_TRUE(Denied(status("service-provider", "GET", "/api/v1/consulate/applications")));
  EXPECT_FALSE(Denied(status("service-provider", "GET", "/api/v1/esp/applications")));
  // Applicants reach their own applications only.
  EXPECT_TRUE(Denied(status("applicant", "GET", "/api/v1/consulate/applications")));
  EXPECT_TRUE(Denied(status("applicant", "GET", "/api/v1/border/visas/FRA000000000")));
  EXPECT_TRUE(Denied(status("applicant", "GET", "/api/v1/esp/applications")));
  EXPECT_FALSE(Denied(status("applicant", "GET", "/api/v1/applications")));
  // The public verifies and nothing else.
  EXPECT_TRUE(Denied(status("public-verifier", "GET", "/api/v1/applications")));
  EXPECT_TRUE(Denied(status("public-verifier", "GET", "/api/v1/me")));
  // Border guards check visas; they do not examine applications or print notifications.
  EXPECT_FALSE(Denied(status("border-guard", "GET", "/api/v1/border/visas/FRA000000000")));
  EXPECT_TRUE(Denied(status("border-guard", "GET", "/api/v1/consulate/applications")));
  EXPECT_TRUE(Denied(status("border-guard", "GET", "/api/v1/visas/FRA000000000/pdf")));
  // Only administrators create staff, for a state that issues visas (refdata).
  EXPECT_TRUE(Denied(status("consular-officer", "POST", "/api/v1/admin/accounts")));
  for (Caller& c : callers) {
    if (c.role != "administrator") continue;
    json staff = {{"email", "guard@border.example"}, {"display_name", "Guard"},
                  {"role", "border-guard"},          {"member_state", "XX"},
                  {"organisation", "XX-border"},     {"password", "a long enough passphrase"}};
    const HttpResult invented = c.session->Call("POST", "/api/v1/admin/accounts", staff);
    EXPECT_EQ(invented.status, 422) << invented.body;
    EXPECT_NE(invented.body.find("'XX'"), std::string::npos) << invented.body;
    staff["member_state"] = "DE";
    const HttpResult created = c.session->Call("POST", "/api/v1/admin/accounts", staff);
    EXPECT_EQ(created.status, 201) << created.transport_error << created.body;
  }
}

}  // namespace
}  // namespace openvap::testing
