#ifndef OPENVAP_ADAPTERS_HTTP_MESSAGE_H_
#define OPENVAP_ADAPTERS_HTTP_MESSAGE_H_

// HTTP messages as plain values, free of Boost.Beast, so that handlers and their tests do not
// pay Beast's compile cost and can be called without a socket.

#include <chrono>
#include <functional>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace openvap::http {

// Case-insensitive ordering for header names (RFC 9110 §5.1).
struct CaseInsensitiveLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const;
};

using Headers = std::multimap<std::string, std::string, CaseInsensitiveLess>;

struct Request {
  std::string method;                        // upper case, e.g. "GET"
  std::string target;                        // as received: "/api/v1/x?y=1"
  std::string path;                          // percent-decoded path without the query: "/api/v1/x"
  std::map<std::string, std::string> query;  // decoded; the last of repeated keys wins
  std::map<std::string, std::string> path_params;  // filled by the Router from "{name}"
  Headers headers;
  std::string body;
  std::string remote_address;  // peer IP address, without the port

  // The first value of a header, or "" when absent.
  std::string_view Header(std::string_view name) const;
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;

  void SetHeader(std::string name, std::string value);
  std::string_view Header(std::string_view name) const;
};

// The compact text of a JSON response body (invalid UTF-8 replaced, never thrown on).
std::string JsonText(const nlohmann::json& body);

// A JSON response with `Content-Type: application/json`.
Response JsonResponse(int status, const nlohmann::json& body);
// The same with a body already written as JSON text.
Response JsonTextResponse(int status, std::string body);

// The error body used by every route (issue 5: "every error is a JSON body with a stable code
// and a message"): {"error": {"code": ..., "message": ...}}.
Response ErrorResponse(int status, std::string_view code, std::string_view message);

using Handler = std::function<Response(Request&)>;

// One line per request (issue 2), written by the server after the response is sent.
struct AccessLogEntry {
  std::string remote_address;
  std::string method;
  std::string target;  // TargetForLog: the query's values are left out
  int status = 0;
  std::size_t response_bytes = 0;
  std::chrono::microseconds duration{0};
};

using AccessLogger = std::function<void(const AccessLogEntry&)>;

// Decodes %XX escapes; `plus_as_space` for application/x-www-form-urlencoded and query
// strings. Returns false (leaving `out` unspecified) on a malformed escape.
bool PercentDecode(std::string_view in, bool plus_as_space, std::string& out);

// Splits "a=1&b=x%20y" into decoded pairs. Returns false on a malformed escape.
bool ParseQuery(std::string_view query, std::map<std::string, std::string>& out);

// The request target as the access log keeps it: the path and the names of the query's
// parameters, their values replaced by "...". Values carry what must not sit in a log (VAP-DP):
// the tokens of e-mailed links (/reset-password?token=), e-mail addresses an administrator looks
// up.
std::string TargetForLog(std::string_view target);

// `text` for an HTML page, in element content or a quoted attribute value: & < > " ' escaped.
std::string HtmlEscape(std::string_view text);

}  // namespace openvap::http

#endif  // OPENVAP_ADAPTERS_HTTP_MESSAGE_H_
