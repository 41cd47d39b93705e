#include "adapters/api/api.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <map>
#include <utility>

#include "crypto/digest.h"

namespace openvap::api {
namespace {

using nlohmann::json;

bool IsSafeMethod(const std::string& method) { return method == "GET" || method == "HEAD"; }

std::string RoleList(const std::set<domain::Role>& roles) {
  std::string out;
  for (domain::Role r : roles) {
    if (!out.empty()) out += ", ";
    out += domain::RoleName(r);
  }
  return out;
}

json ErrorSchema() {
  return ObjectSchema(
      {{"error", ObjectSchema({{"code", StringSchema("stable machine-readable code")},
                               {"message", StringSchema("what is wrong, for people")}},
                              {"code", "message"})}},
      {"error"});
}

Error FieldError(const std::string& path, const std::string& field, const std::string& what) {
  return Error{"invalid-field", (path.empty() ? field : path + "." + field) + ": " + what};
}

void AddSecurityHeaders(http::Response& response) {
  response.SetHeader("Cache-Control", "no-store");
  response.SetHeader("X-Content-Type-Options", "nosniff");
  response.SetHeader("Referrer-Policy", "no-referrer");
}

}  // namespace

Api::Api(std::shared_ptr<const Authenticator> authenticator)
    : authenticator_(std::move(authenticator)) {}

void Api::Add(Route route) { routes_.push_back(std::move(route)); }

void Api::Mount(http::Router& router) const {
  for (const Route& route : routes_) {
    router.Add(route.method, route.path,
               [this, &route](http::Request& request) { return Call(route, request); });
  }
  router.Add("GET", "/api/v1/openapi.json", [this](http::Request&) {
    http::Response r = http::JsonResponse(200, OpenApiDocument("1"));
    r.SetHeader("Cache-Control", "public, max-age=300");
    return r;
  });
}

http::Response Api::Call(const Route& route, http::Request& request) const {
  CallContext ctx{request, domain::Principal::Public(), std::nullopt};
  std::string csrf_token;
  if (route.auth == AuthScheme::kNone) {
    // Public routes answer everyone; a signed-in official may see more (VAP-VERIFY, RP-MIN).
    if (!request.Header("cookie").empty()) {
      auto who = authenticator_->Authenticate(request, AuthScheme::kSession);
      if (who.ok() && who->principal.mfa_verified) {
        ctx.principal = who->principal;
        ctx.session_id = who->session_id;
      }
    }
  } else {
    auto who = authenticator_->Authenticate(request, route.auth);
    if (!who.ok()) {
      http::Response r = ErrorResponseFor(who.error());
      AddSecurityHeaders(r);
      return r;
    }
    ctx.principal = who->principal;
    ctx.session_id = who->session_id;
    csrf_token = who->csrf_token;
  }
  if (!route.roles.empty() && !route.roles.contains(ctx.principal.role)) {
    http::Response r = ErrorResponseFor(
        Error{"forbidden", std::string("this action is reserved for: ") + RoleList(route.roles)});
    AddSecurityHeaders(r);
    return r;
  }
  if (route.auth == AuthScheme::kSession) {
    if (route.requires_mfa && !ctx.principal.mfa_verified) {
      http::Response r = ErrorResponseFor(
          Error{"mfa-required", "confirm your sign-in with your authenticator app first"});
      AddSecurityHeaders(r);
      return r;
    }
    if (!IsSafeMethod(request.method)) {
      const std::string_view sent = request.Header("x-csrf-token");
      if (csrf_token.empty() || !crypto::ConstantTimeEquals(AsBytes(sent), AsBytes(csrf_token))) {
        http::Response r = ErrorResponseFor(
            Error{"csrf-token-invalid",
                  "missing or wrong X-CSRF-Token header; reload the page and try again"});
        AddSecurityHeaders(r);
        return r;
      }
    }
  }
  http::Response response = route.handler(ctx);
  AddSecurityHeaders(response);
  return response;
}

json Api::OpenApiDocument(const std::string& version) const {
  json paths = json::object();
  for (const Route& route : routes_) {
    json op = {
        {"summary", route.summary}, {"tags", json::array({route.tag})}, {"x-roles", json::array()}};
    for (domain::Role r : route.roles) op["x-roles"].push_back(domain::RoleName(r));
    if (route.auth == AuthScheme::kSession) {
      op["security"] = json::array({{{"session", json::array()}}});
    } else if (route.auth == AuthScheme::kServiceProviderKey) {
      op["security"] = json::array({{{"serviceProviderKey", json::array()}}});
    } else {
      op["security"] = json::array({json::object()});
    }
    json params = json::array();
    std::size_t pos = 0;
    while ((pos = route.path.find('{', pos)) != std::string::npos) {
      const std::size_t end = route.path.find('}', pos);
      params.push_back({{"name", route.path.substr(pos + 1, end - pos - 1)},
                        {"in", "path"},
                        {"required", true},
                        {"schema", {{"type", "string"}}}});
      pos = end;
    }
    for (const QueryParameter& q : route.query) {
      params.push_back({{"name", q.name},
                        {"in", "query"},
                        {"required", q.required},
                        {"description", q.description},
                        {"schema", q.schema}});
    }
    if (!params.empty()) op["parameters"] = params;
    if (!route.request_schema.is_null()) {
      op["requestBody"] = {{"required", true},
                           {"content", {{"application/json", {{"schema", route.request_schema}}}}}};
    }
    json ok = {{"description", "success"}};
    if (!route.response_schema.is_null()) {
      ok["content"] = {{"application/json", {{"schema", route.response_schema}}}};
    }
    const json error = {{"description", "error"},
                        {"content",
                         {{"application/json",
                           {{"schema",
                             {{"$ref",
                               "#/components/schemas/"
                               "Error"}}}}}}}};
    op["responses"] = {{std::to_string(route.success_status), ok}, {"4XX", error}};
    std::string method = route.method;
    std::transform(method.begin(), method.end(), method.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    paths[route.path][method] = op;
  }
  return {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "OpenVAP API"},
        {"version", version},
        {"description",
         "EU Visa Application Platform and digital residence permits (Regulation (EU) "
         "2023/2667). Errors are {\"error\":{\"code\",\"message\"}} with a 4xx status."}}},
      {"servers", json::array({{{"url", "/"}}})},
      {"paths", paths},
      {"components",
       {{"schemas", {{"Error", ErrorSchema()}}},
        {"securitySchemes",
         {{"session",
           {{"type", "apiKey"},
            {"in", "cookie"},
            {"name", "openvap_session"},
            {"description", "Secure account session; changes also need the X-CSRF-Token header"}}},
          {"serviceProviderKey",
           {{"type", "http"},
            {"scheme", "bearer"},
            {"description",
             "Per-staff API key of an external service provider (VIS Art 7f(2))"}}}}}}}};
}

int HttpStatusFor(const Error& error) {
  // One code a line.
  // clang-format off
  static const std::map<std::string, int, std::less<>> kStatus = {
      {"not-found", 404},
      {"unauthenticated", 401},
      {"invalid-credentials", 401},
      {"session-expired", 401},
      {"forbidden", 403},
      {"mfa-required", 403},
      {"csrf-token-invalid", 403},
      {"email-not-verified", 403},
      {"account-disabled", 403},
      {"invalid-transition", 409},
      {"conflict", 409},
      {"already-exists", 409},
      {"unique-violation", 409},
      {"slot-taken", 409},
      {"rate-limited", 429},
      {"consent-required", 409},
      {"nothing-kept", 409},
      {"applications-in-progress", 409},
      {"too-many-open-applications", 409},
      {"visa-withdrawn", 409},
      {"signer-expires-first", 409},
      {"signer-key-retired", 409},
      {"signer-key-not-yet-usable", 409},
      {"payload-too-large", 413},
      {"image-too-large", 413},
      {"unsupported-media-type", 415},
      {"malformed-json", 400},
      {"malformed-request", 400},
      {"invalid-request", 400},
      {"service-unavailable", 503},
      {"storage-error", 503},
  };
  // clang-format on
  const auto it = kStatus.find(error.code);
  return it == kStatus.end() ? 422 : it->second;
}

http::Response ErrorResponseFor(const Error& error) {
  return http::ErrorResponse(HttpStatusFor(error), error.code, error.message);
}

namespace {

// The parser's message without its "[json.exception.parse_error.101] " prefix, which names the
// library rather than the problem.
std::string JsonErrorText(const json::exception& e) {
  std::string_view text = e.what();
  if (text.rfind("[json.exception.", 0) == 0) {
    const std::size_t end = text.find("] ");
    if (end != std::string_view::npos) text.remove_prefix(end + 2);
  }
  return std::string(text);
}

// How deeply `text` nests arrays and objects (brackets inside strings do not count).
int JsonNestingDepth(std::string_view text) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

Result<json> ParseJsonObject(const http::Request& request) {
  const std::string_view type = request.Header("content-type");
  if (type.substr(0, type.find(';')) != "application/json") {
    return Error{"unsupported-media-type", "send the body as application/json"};
  }
  // No request of the API nests more than a few levels. Deeper bodies are refused before
  // anything walks them: copying or printing a JSON value recurses once per level, and a body of
  // a few megabytes of brackets would exhaust a handler's stack and end the process.
  constexpr int kMaxJsonDepth = 32;
  if (JsonNestingDepth(request.body) > kMaxJsonDepth) {
    return Error{"malformed-json", "the body nests arrays and objects more than " +
                                       std::to_string(kMaxJsonDepth) + " levels deep"};
  }
  json body;
  try {
    body = json::parse(request.body);
  } catch (const json::exception& e) {
    // A syntax error, or a number beyond a double (1e400: out_of_range), in any member.
    return Error{"malformed-json", "the body is not valid JSON: " + JsonErrorText(e)};
  }
  if (!body.is_object()) return Error{"invalid-request", "the body must be a JSON object"};
  return body;
}

Result<std::string> RequireString(const json& object, const std::string& field,
                                  const std::string& path) {
  const auto it = object.find(field);
  if (it == object.end() || it->is_null()) return FieldError(path, field, "is required");
  if (!it->is_string()) return FieldError(path, field, "must be a string");
  return it->get<std::string>();
}

Result<std::optional<std::string>> OptionalString(const json& object, const std::string& field,
                                                  const std::string& path) {
  const auto it = object.find(field);
  if (it == object.end() || it->is_null()) return std::optional<std::string>{};
  if (!it->is_string()) return FieldError(path, field, "must be a string");
  return std::optional<std::string>(it->get<std::string>());
}

Result<bool> RequireBool(const json& object, const std::string& field, const std::string& path) {
  const auto it = object.find(field);
  if (it == object.end() || it->is_null()) return FieldError(path, field, "is required");
  if (!it->is_boolean()) return FieldError(path, field, "must be true or false");
  return it->get<bool>();
}

Result<std::optional<bool>> OptionalBool(const json& object, const std::string& field,
                                         const std::string& path) {
  const auto it = object.find(field);
  if (it == object.end() || it->is_null()) return std::optional<bool>{};
  if (!it->is_boolean()) return FieldError(path, field, "must be true or false");
  return std::optional<bool>(it->get<bool>());
}

Result<domain::PageRequest> PageRequestOf(const http::Request& request) {
  domain::PageRequest page;
  const auto limit = request.query.find("limit");
  if (limit != request.query.end()) {
    int value = 0;
    const std::string& text = limit->second;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < 1 ||
        value > domain::PageRequest::kMaxLimit) {
      return Error{"invalid-field", "limit: must be a whole number from 1 to " +
                                        std::to_string(domain::PageRequest::kMaxLimit)};
    }
    page.limit = value;
  }
  const auto after = request.query.find("after");
  if (after != request.query.end()) page.after = after->second;
  return page;
}

std::vector<QueryParameter> PagingParameters() {
  return {{"limit",
           "how many items at most (default " + std::to_string(domain::PageRequest::kDefaultLimit) +
               ")",
           {{"type", "integer"}, {"minimum", 1}, {"maximum", domain::PageRequest::kMaxLimit}}},
          {"after", "the `next` cursor of the page before; absent for the first page"}};
}

Result<std::int64_t> RequireInteger(const json& object, const std::string& field,
                                    const std::string& path) {
  const auto it = object.find(field);
  if (it == object.end() || it->is_null()) return FieldError(path, field, "is required");
  if (!it->is_number_integer()) return FieldError(path, field, "must be a whole number");
  // JSON keeps numbers above 2^63 - 1 unsigned; read as int64 they would wrap.
  if (it->is_number_unsigned() &&
      it->get<std::uint64_t>() >
          static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return FieldError(path, field, "is too large");
  }
  return it->get<std::int64_t>();
}

Result<int> RequireSmallInteger(const json& object, const std::string& field, int min, int max,
                                const std::string& path) {
  OPENVAP_ASSIGN_OR_RETURN(const std::int64_t value, RequireInteger(object, field, path));
  if (value < min || value > max) {
    return FieldError(path, field,
                      "must be from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return static_cast<int>(value);
}

json ObjectSchema(std::initializer_list<std::pair<const char*, json>> props,
                  std::initializer_list<const char*> required) {
  json out = {{"type", "object"}, {"properties", json::object()}};
  for (const auto& [name, schema] : props) out["properties"][name] = schema;
  if (required.size() > 0) {
    out["required"] = json::array();
    for (const char* r : required) out["required"].push_back(r);
  }
  return out;
}

json StringSchema(const char* description, const char* format) {
  json out = {{"type", "string"}};
  if (description != nullptr) out["description"] = description;
  if (format != nullptr) out["format"] = format;
  return out;
}

}  // namespace openvap::api
