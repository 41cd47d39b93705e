#ifndef OPENVAP_ADAPTERS_API_API_H_
#define OPENVAP_ADAPTERS_API_API_H_

// The HTTP API under /api/v1 (issue 5): every route is declared once with its method, path,
// the roles allowed to call it, and its request/response schemas. From that one table come
// the role enforcement (before any handler runs), the OpenAPI 3 document served at
// /api/v1/openapi.json, and the role-matrix test that walks every route with every role.

#include <openvap/result.h>

#include <functional>
#include <initializer_list>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "adapters/http/message.h"
#include "adapters/http/router.h"
#include "domain/page.h"
#include "domain/principal.h"

namespace openvap::api {

// How a request proves who it is. Routes name the schemes they accept.
enum class AuthScheme {
  kNone,                // public: anyone (a public verifier)
  kSession,             // the secure account: session cookie + CSRF header on changes (VAP-ACCT)
  kServiceProviderKey,  // the external service provider gateway's own scheme (VIS 7f(2))
};

// What a handler gets besides the HTTP request.
struct CallContext {
  http::Request& request;
  domain::Principal principal;
  std::optional<std::string> session_id;  // the session in use, for logout and MFA steps
};

using ApiHandler = std::function<http::Response(CallContext&)>;

// A parameter of the query string a route reads, for its OpenAPI description.
struct QueryParameter {
  std::string name{};
  std::string description{};
  nlohmann::json schema = {{"type", "string"}};
  bool required = false;
};

struct Route {
  std::string method{};  // "GET", "POST", ...
  std::string path{};    // "/api/v1/applications/{id}"
  std::string summary{};
  std::string tag{};                    // OpenAPI tag: "accounts", "applications", "consulate", ...
  std::vector<QueryParameter> query{};  // what the handler reads from the query string
  AuthScheme auth = AuthScheme::kSession;
  std::set<domain::Role> roles{};    // who may call it; empty with kNone means everyone
  bool requires_mfa = true;          // session routes: the second factor must have been passed
  nlohmann::json request_schema{};   // JSON Schema of the body, or null
  nlohmann::json response_schema{};  // JSON Schema of the 2xx body, or null
  int success_status = 200;
  ApiHandler handler{};
};

// Establishes the principal of a request from its credentials (session cookie, service
// provider key). Implemented over the account and session stores; Error codes:
// "unauthenticated" (no or unknown credentials), "session-expired".
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  struct Authenticated {
    domain::Principal principal;
    std::optional<std::string> session_id;
    std::string csrf_token;  // the session's CSRF token (empty for key-based schemes)
  };
  virtual Result<Authenticated> Authenticate(const http::Request& request,
                                             AuthScheme scheme) const = 0;
};

class Api {
 public:
  explicit Api(std::shared_ptr<const Authenticator> authenticator);

  void Add(Route route);

  // Mounts every route (wrapped with authentication, role and CSRF checks) and
  // GET /api/v1/openapi.json on `router`.
  void Mount(http::Router& router) const;

  // The OpenAPI 3.0 document of every route.
  nlohmann::json OpenApiDocument(const std::string& version) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  http::Response Call(const Route& route, http::Request& request) const;

  std::shared_ptr<const Authenticator> authenticator_;
  std::vector<Route> routes_;
};

// The HTTP status for a domain error code: not-found 404, forbidden 403, unauthenticated 401,
// conflicts 409, rate-limited 429, payload-too-large 413, unsupported-media-type 415,
// everything else about the request 422 (validation) or 400 (malformed).
int HttpStatusFor(const Error& error);

// An Error as the JSON error response with HttpStatusFor's status.
http::Response ErrorResponseFor(const Error& error);

// Parses the body as a JSON object. Errors: "unsupported-media-type" unless the content type is
// application/json; "malformed-json" with the position; "invalid-request" if not an object.
Result<nlohmann::json> ParseJsonObject(const http::Request& request);

// Field readers with the field's path in every error ("invalid-field": "form.surname: must be
// a string").
Result<std::string> RequireString(const nlohmann::json& object, const std::string& field,
                                  const std::string& path = "");
Result<std::optional<std::string>> OptionalString(const nlohmann::json& object,
                                                  const std::string& field,
                                                  const std::string& path = "");
Result<bool> RequireBool(const nlohmann::json& object, const std::string& field,
                         const std::string& path = "");
Result<std::optional<bool>> OptionalBool(const nlohmann::json& object, const std::string& field,
                                         const std::string& path = "");
Result<std::int64_t> RequireInteger(const nlohmann::json& object, const std::string& field,
                                    const std::string& path = "");
// A whole number from `min` to `max`; anything else is an "invalid-field" naming the range
// (a number is never cut to fit).
Result<int> RequireSmallInteger(const nlohmann::json& object, const std::string& field, int min,
                                int max, const std::string& path = "");

// The page of a list a request asks for (domain::PageRequest): `?limit=` from 1 to 500 (100 when
// absent) and `?after=` the cursor of the page before. Errors: "invalid-field" naming the
// parameter. PagingParameters() describes both for a route's declaration.
Result<domain::PageRequest> PageRequestOf(const http::Request& request);
std::vector<QueryParameter> PagingParameters();
// A page's `next` member: its cursor, or null on the last page.
template <typename T>
nlohmann::json NextCursor(const domain::Page<T>& page) {
  return page.next.empty() ? nlohmann::json(nullptr) : nlohmann::json(page.next);
}

// Small JSON Schema builders for route declarations.
nlohmann::json ObjectSchema(std::initializer_list<std::pair<const char*, nlohmann::json>> props,
                            std::initializer_list<const char*> required = {});
nlohmann::json StringSchema(const char* description = nullptr, const char* format = nullptr);

}  // namespace openvap::api

// In a handler: `OPENVAP_API_TRY(body, ParseJsonObject(c.request));` declares `body` with the
// value, or returns the error as its JSON response. (`var` names a declaration, so it cannot
// be parenthesised.)
// NOLINTBEGIN(bugprone-macro-parentheses)
#define OPENVAP_API_TRY(var, expr)                                  \
  auto var##_result_ = (expr);                                      \
  if (!var##_result_.ok()) {                                        \
    return ::openvap::api::ErrorResponseFor(var##_result_.error()); \
  }                                                                 \
  auto var = std::move(var##_result_).value()
// NOLINTEND(bugprone-macro-parentheses)

#endif  // OPENVAP_ADAPTERS_API_API_H_
