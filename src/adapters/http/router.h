#ifndef OPENVAP_ADAPTERS_HTTP_ROUTER_H_
#define OPENVAP_ADAPTERS_HTTP_ROUTER_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/http/message.h"

namespace openvap::http {

// Maps (method, path pattern) to handlers. Patterns are literal segments and "{name}"
// placeholders ("/api/v1/applications/{id}/documents"); a placeholder matches one non-empty
// segment and is exposed as request.path_params["name"]. Literal segments win over
// placeholders when both match.
//
// Unknown paths answer 404 and known paths with another method 405 (with `Allow`), both as
// JSON errors. A handler that throws answers 500 "internal-error" without details; handlers
// are expected to turn bad input into 4xx themselves.
class Router {
 public:
  void Add(std::string method, std::string_view pattern, Handler handler);

  Response Dispatch(Request& request) const;

  // Called with the request and the exception's what() when a handler throws, so that the
  // composition root can log it (the client sees only "internal-error").
  void OnHandlerException(std::function<void(const Request&, std::string_view)> reporter) {
    on_exception_ = std::move(reporter);
  }

  // (method, pattern) of every route, in registration order: for the OpenAPI document test
  // and the role matrix test.
  std::vector<std::pair<std::string, std::string>> Routes() const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    int literal_count = 0;
    Handler handler;
  };
  std::vector<Route> routes_;
  std::function<void(const Request&, std::string_view)> on_exception_;
};

}  // namespace openvap::http

#endif  // OPENVAP_ADAPTERS_HTTP_ROUTER_H_
