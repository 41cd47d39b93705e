#include "adapters/api/api.h"

#include <gtest/gtest.h>

#include "adapters/api/consulate_requests.h"

namespace openvap::api {
namespace {

using domain::Role;
using nlohmann::json;

// Test double of the credential check: the principal is named by a header. The thing under
// test here is the Api's enforcement, not authentication (tested with the account store).
class HeaderAuthenticator : public Authenticator {
 public:
  Result<Authenticated> Authenticate(const http::Request& request,
                                     AuthScheme scheme) const override {
    const std::string_view role = request.Header("x-test-role");
    if (role.empty()) return Error{"unauthenticated", "sign in first"};
    if (scheme == AuthScheme::kServiceProviderKey && role != "service-provider") {
      return Error{"unauthenticated", "a service provider key is required"};
    }
    Authenticated a;
    a.principal.role = *domain::ParseRole(role);
    a.principal.mfa_verified = request.Header("x-test-mfa") == "yes";
    a.session_id = "s1";
    a.csrf_token = "csrf-123";
    return a;
  }
};

http::Request MakeRequest(std::string method, std::string path,
                          const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  http::Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.target = r.path;
  for (const auto& [k, v] : headers) r.headers.emplace(k, v);
  return r;
}

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    api_ = std::make_unique<Api>(std::make_shared<HeaderAuthenticator>());
    api_->Add({.method = "POST",
               .path = "/api/v1/verify",
               .summary = "Verify",
               .tag = "verification",
               .auth = AuthScheme::kNone,
               .handler = [](CallContext& c) {
                 return http::JsonResponse(200, {{"role", domain::RoleName(c.principal.role)}});
               }});
    api_->Add({.method = "POST",
               .path = "/api/v1/consulate/applications/{id}/accept",
               .summary = "Accept",
               .tag = "consulate",
               .roles = {Role::kConsularOfficer, Role::kCentralAuthority},
               .request_schema = ObjectSchema({{"note", StringSchema()}}),
               .handler = [](CallContext& c) {
                 return http::JsonResponse(200, {{"id", c.request.path_params["id"]}});
               }});
    api_->Add({.method = "GET",
               .path = "/api/v1/esp/applications",
               .summary = "Queue",
               .tag = "esp",
               .query = PagingParameters(),
               .auth = AuthScheme::kServiceProviderKey,
               .roles = {Role::kServiceProvider},
               .requires_mfa = false,
               .handler = [](CallContext&) { return http::JsonResponse(200, json::array()); }});
    api_->Mount(router_);
  }

  http::Response Send(http::Request r) { return router_.Dispatch(r); }

  std::unique_ptr<Api> api_;
  http::Router router_;
};

TEST_F(ApiTest, PublicRoutesAnswerAnyoneAsPublicVerifier) {
  const auto r = Send(MakeRequest("POST", "/api/v1/verify"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)["role"], "public-verifier");
  EXPECT_EQ(r.Header("cache-control"), "no-store");
  EXPECT_EQ(r.Header("x-content-type-options"), "nosniff");
}

TEST_F(ApiTest, RolesAreEnforcedBeforeTheHandler) {
  const std::string path = "/api/v1/consulate/applications/A1/accept";
  EXPECT_EQ(Send(MakeRequest("POST", path)).status, 401);
  const auto applicant = Send(MakeRequest(
      "POST", path,
      {{"x-test-role", "applicant"}, {"x-test-mfa", "yes"}, {"x-csrf-token", "csrf-123"}}));
  EXPECT_EQ(applicant.status, 403);
  EXPECT_EQ(json::parse(applicant.body)["error"]["code"], "forbidden");
  const auto officer = Send(MakeRequest(
      "POST", path,
      {{"x-test-role", "consular-officer"}, {"x-test-mfa", "yes"}, {"x-csrf-token", "csrf-123"}}));
  EXPECT_EQ(officer.status, 200);
  EXPECT_EQ(json::parse(officer.body)["id"], "A1");
}

TEST_F(ApiTest, SessionsNeedTheSecondFactorAndACsrfTokenForChanges) {
  const std::string path = "/api/v1/consulate/applications/A1/accept";
  const auto no_mfa = Send(MakeRequest(
      "POST", path, {{"x-test-role", "consular-officer"}, {"x-csrf-token", "csrf-123"}}));
  EXPECT_EQ(no_mfa.status, 403);
  EXPECT_EQ(json::parse(no_mfa.body)["error"]["code"], "mfa-required");
  const auto no_csrf =
      Send(MakeRequest("POST", path, {{"x-test-role", "consular-officer"}, {"x-test-mfa", "yes"}}));
  EXPECT_EQ(no_csrf.status, 403);
  EXPECT_EQ(json::parse(no_csrf.body)["error"]["code"], "csrf-token-invalid");
  const auto wrong_csrf = Send(MakeRequest(
      "POST", path,
      {{"x-test-role", "consular-officer"}, {"x-test-mfa", "yes"}, {"x-csrf-token", "csrf-124"}}));
  EXPECT_EQ(wrong_csrf.status, 403);
}

TEST_F(ApiTest, TheServiceProviderGatewayHasItsOwnScheme) {
  EXPECT_EQ(
      Send(MakeRequest("GET", "/api/v1/esp/applications", {{"x-test-role", "applicant"}})).status,
      401);
  EXPECT_EQ(
      Send(MakeRequest("GET", "/api/v1/esp/applications", {{"x-test-role", "service-provider"}}))
          .status,
      200);
}

TEST_F(ApiTest, OpenApiDocumentListsEveryRouteWithItsRoles) {
  const json doc = api_->OpenApiDocument("1");
  EXPECT_EQ(doc["openapi"], "3.0.3");
  const json& accept = doc["paths"]["/api/v1/consulate/applications/{id}/accept"]["post"];
  EXPECT_EQ(accept["x-roles"], json::array({"consular-officer", "central-authority"}));
  EXPECT_EQ(accept["parameters"][0]["name"], "id");
  EXPECT_TRUE(accept["requestBody"]["content"]["application/json"].contains("schema"));
  const json& list = doc["paths"]["/api/v1/esp/applications"]["get"];
  EXPECT_TRUE(list["security"][0].contains("serviceProviderKey"));
  // What a route reads from the query string is declared with it.
  ASSERT_EQ(list["parameters"].size(), 2U);
  EXPECT_EQ(list["parameters"][0]["name"], "limit");
  EXPECT_EQ(list["parameters"][0]["in"], "query");
  EXPECT_EQ(list["parameters"][0]["schema"]["maximum"], domain::PageRequest::kMaxLimit);
  EXPECT_EQ(list["parameters"][1]["name"], "after");
  const auto served = Send(MakeRequest("GET", "/api/v1/openapi.json"));
  EXPECT_EQ(served.status, 200);
  EXPECT_EQ(json::parse(served.body)["paths"].size(), 3U);
}

// ?limit= and ?after= of a list (domain/page.h): a limit outside 1..500 or not a number is refused,
// never cut to fit; the cursor goes to the list as it came.
TEST(ApiHelpers, APageRequestIsReadFromTheQuery) {
  const auto page_of = [](std::map<std::string, std::string> query) {
    http::Request r = MakeRequest("GET", "/api/v1/applications");
    r.query = std::move(query);
    return PageRequestOf(r);
  };
  EXPECT_EQ(page_of({})->limit, domain::PageRequest::kDefaultLimit);
  EXPECT_EQ(page_of({})->after, "");
  const auto asked = page_of({{"limit", "20"}, {"after", "1700000000000.app-9"}});
  ASSERT_TRUE(asked.ok());
  EXPECT_EQ(asked->limit, 20);
  EXPECT_EQ(asked->after, "1700000000000.app-9");
  EXPECT_EQ(page_of({{"limit", "500"}})->limit, 500);
  for (const char* bad : {"0", "501", "-1", "ten", "", "20x", "99999999999"}) {
    const auto refused = page_of({{"limit", bad}});
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.error().code, "invalid-field") << bad;
    EXPECT_EQ(refused.error().message, "limit: must be a whole number from 1 to 500") << bad;
  }
}

TEST(ApiHelpers, ErrorStatusesAndBodyParsing) {
  EXPECT_EQ(HttpStatusFor({"not-found", ""}), 404);
  EXPECT_EQ(HttpStatusFor({"invalid-transition", ""}), 409);
  EXPECT_EQ(HttpStatusFor({"rate-limited", ""}), 429);
  // A visa the state's signer cannot seal now is a conflict with the platform's state, not a
  // fault of the request.
  EXPECT_EQ(HttpStatusFor({"signer-expires-first", ""}), 409);
  EXPECT_EQ(HttpStatusFor({"signer-key-retired", ""}), 409);
  EXPECT_EQ(HttpStatusFor({"signer-key-not-yet-usable", ""}), 409);
  EXPECT_EQ(HttpStatusFor({"invalid-field", ""}), 422);

  http::Request r =
      MakeRequest("POST", "/x", {{"Content-Type", "application/json; charset=utf-8"}});
  r.body = R"({"email": "a@b.eu", "n": 3, "flag": true})";
  const auto body = ParseJsonObject(r);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(*RequireString(*body, "email"), "a@b.eu");
  EXPECT_EQ(*RequireInteger(*body, "n"), 3);
  EXPECT_TRUE(*RequireBool(*body, "flag"));
  EXPECT_EQ(RequireString(*body, "n", "form").error().message, "form.n: must be a string");
  EXPECT_EQ(RequireString(*body, "missing").error().message, "missing: is required");
  EXPECT_FALSE(OptionalString(*body, "missing")->has_value());
  EXPECT_EQ(OptionalBool(*body, "flag")->value_or(false), true);
  EXPECT_FALSE(OptionalBool(*body, "missing")->has_value());
  EXPECT_EQ(OptionalBool(*body, "n").error().message, "n: must be true or false");

  r.body = "{not json";
  EXPECT_EQ(ParseJsonObject(r).error().code, "malformed-json");
  EXPECT_EQ(ParseJsonObject(r).error().message.find("[json.exception"), std::string::npos);
  // A number beyond a double, anywhere in the body, is malformed JSON, not a failure of the
  // server (it was a 500 on every route with a body, the public ones included).
  for (const char* huge : {R"({"code": 1e400})", R"({"code": "x", "other": -1e309})",
                           R"({"a": [{"b": 1e400}]})", "1e400", "[1e400]"}) {
    r.body = huge;
    const auto parsed = ParseJsonObject(r);
    ASSERT_FALSE(parsed.ok()) << huge;
    EXPECT_EQ(parsed.error().code, "malformed-json") << huge;
    EXPECT_EQ(HttpStatusFor(parsed.error()), 400) << huge;
    EXPECT_NE(parsed.error().message.find("number overflow"), std::string::npos)
        << parsed.error().message;
  }
  r.body = R"({"code": 1e308})";
  EXPECT_TRUE(ParseJsonObject(r).ok());
  r.body = "[1,2]";
  EXPECT_EQ(ParseJsonObject(r).error().code, "invalid-request");
  http::Request text = MakeRequest("POST", "/x", {{"Content-Type", "text/plain"}});
  EXPECT_EQ(ParseJsonObject(text).error().code, "unsupported-media-type");
}

// A body of nested brackets would exhaust a handler's stack when copied or printed: refused.
TEST(ApiHelpers, BodiesNestedDeeperThan32LevelsAreRefused) {
  http::Request r = MakeRequest("POST", "/x", {{"Content-Type", "application/json"}});
  const auto nested = [](int depth) {
    return R"({"a": )" + std::string(static_cast<std::size_t>(depth - 1), '[') +
           std::string(static_cast<std::size_t>(depth - 1), ']') + "}";
  };
  r.body = nested(32);
  EXPECT_TRUE(ParseJsonObject(r).ok());
  r.body = nested(33);
  const auto deep = ParseJsonObject(r);
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.error().code, "malformed-json");
  EXPECT_EQ(HttpStatusFor(deep.error()), 400);
  r.body = nested(1'000'000);
  EXPECT_EQ(ParseJsonObject(r).error().code, "malformed-json");
  // Brackets inside strings, escaped quotes included, are text.
  r.body =
      R"({"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["})";
  EXPECT_TRUE(ParseJsonObject(r).ok());
}

// Numbers are read whole or refused, never cut to fit: 2^32 + 1 was recorded as ground 1.
TEST(ConsulateRequests, NumbersAreNeverCutToFit) {
  const auto refused = [](const Result<domain::OfficialAct>& r) {
    return r.ok() ? std::string("accepted") : r.error().code + ": " + r.error().message;
  };
  EXPECT_EQ(ParseAct(json::parse(R"({"grounds": [2, 9], "remarks": "no booking"})"))->grounds,
            (std::vector<int>{2, 9}));
  for (const char* body : {R"({"grounds": [4294967297]})", R"({"grounds": [-4294967295]})",
                           R"({"grounds": [18446744073709551615]})", R"({"grounds": [0]})",
                           R"({"grounds": [1.5]})", R"({"grounds": ["1"]})"}) {
    EXPECT_EQ(refused(ParseAct(json::parse(body))).rfind("invalid-field: grounds: ", 0), 0U)
        << body;
  }
  EXPECT_EQ(refused(ParseAct(json::parse(R"({"grounds": [1, 2, 1]})"))),
            "invalid-field: grounds: 1 is given twice");
  json long_remarks = {{"grounds", {1}}, {"remarks", std::string(2001, 'x')}};
  EXPECT_EQ(refused(ParseAct(long_remarks)), "invalid-field: remarks: at most 2000 characters");

  json terms = {{"type", "C"},
                {"valid_from", "2027-03-01"},
                {"valid_until", "2027-03-31"},
                {"entries", 1},
                {"duration_of_stay_days", 15}};
  ASSERT_TRUE(ParseTerms(terms).ok());
  EXPECT_EQ(ParseTerms(terms)->duration_of_stay_days, 15);
  terms["entries"] = "multiple";
  EXPECT_EQ(ParseTerms(terms)->entries, 0);
  // 0 stands for "multiple" inside (the seal's code), never in the API: an invalid number must
  // not grant more entries than decided.
  for (const json& entries : {json(4294967297LL), json(3), json(-1), json(1.0), json(0)}) {
    terms["entries"] = entries;
    EXPECT_EQ(ParseTerms(terms).error().message, "entries: 1, 2 or \"multiple\"") << entries;
  }
  terms["entries"] = 2;
  for (const json& days : {json(4294967311LL), json(18446744073709551615ULL), json(-1)}) {
    terms["duration_of_stay_days"] = days;
    const auto parsed = ParseTerms(terms);
    ASSERT_FALSE(parsed.ok()) << days;
    EXPECT_EQ(parsed.error().message.rfind("duration_of_stay_days: ", 0), 0U)
        << parsed.error().message;
  }
}

// A member of another name was ignored and the request judged on what was left: a
// confirmation with {"number", "type"} was told the document was "not of the same type".
TEST(ConsulateRequests, AHoldersMembersAreNamedAndItsDatesChecked) {
  const auto holder = ParseHolder(json{{"surname", "DOE"},
                                       {"travel_document_number", "N1"},
                                       {"date_of_birth", "1990-05-01"},
                                       {"travel_document_expires_on", ""}},
                                  "travel_document");
  ASSERT_TRUE(holder.ok()) << holder.error().message;
  EXPECT_EQ(holder->travel_document_number, "N1");
  EXPECT_FALSE(holder->travel_document_expires_on.has_value());
  const auto unknown = ParseHolder(json{{"number", "N1"}}, "travel_document");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message.rfind("travel_document.number: not a member; the members are "
                                          "surname, given_names",
                                          0),
            0U)
      << unknown.error().message;
  EXPECT_EQ(ParseHolder(json{{"travel_document_expires_on", "2030-02-30"}}, "travel_document")
                .error()
                .message,
            "travel_document.travel_document_expires_on: not a date (YYYY-MM-DD)");
  EXPECT_EQ(ParseHolder(json::array(), "holder").error().message, "holder: an object");
}

TEST(ApiHelpers, IntegersAboveTheLargestInt64AreRefusedNotWrapped) {
  const json body = json::parse(R"({"n": 18446744073709551615, "m": 9223372036854775807})");
  EXPECT_EQ(RequireInteger(body, "n").error().message, "n: is too large");
  EXPECT_EQ(*RequireInteger(body, "m"), 9223372036854775807LL);
  EXPECT_EQ(RequireSmallInteger(body, "m", 0, 10).error().message, "m: must be from 0 to 10");
}

}  // namespace
}  // namespace openvap::api
