#include "adapters/http/router.h"

#include <exception>
#include <utility>

namespace openvap::http {
namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (pos < path.size()) {
    if (path[pos] == '/') {
      ++pos;
      continue;
    }
    const std::size_t end = path.find('/', pos);
    out.push_back(path.substr(pos, end == std::string_view::npos ? end : end - pos));
    pos = end == std::string_view::npos ? path.size() : end;
  }
  return out;
}

bool IsPlaceholder(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void Router::Add(std::string method, std::string_view pattern, Handler handler) {
  Route route;
  route.method = std::move(method);
  route.pattern = std::string(pattern);
  for (std::string_view s : SplitPath(pattern)) {
    route.segments.emplace_back(s);
    if (!IsPlaceholder(s)) ++route.literal_count;
  }
  route.handler = std::move(handler);
  routes_.push_back(std::move(route));
}

Response Router::Dispatch(Request& request) const {
  const std::vector<std::string_view> parts = SplitPath(request.path);
  const Route* best = nullptr;
  std::string allow;
  for (const Route& route : routes_) {
    if (route.segments.size() != parts.size()) continue;
    bool match = true;
    for (std::size_t i = 0; i < parts.size() && match; ++i) {
      match = IsPlaceholder(route.segments[i]) || route.segments[i] == parts[i];
    }
    if (!match) continue;
    if (route.method != request.method && !(request.method == "HEAD" && route.method == "GET")) {
      if (allow.find(route.method) == std::string::npos) {
        allow += allow.empty() ? route.method : ", " + route.method;
      }
      continue;
    }
    if (best == nullptr || route.literal_count > best->literal_count) best = &route;
  }
  if (best == nullptr) {
    if (!allow.empty()) {
      Response r = ErrorResponse(
          405, "method-not-allowed",
          request.method + " is not allowed on " + request.path + "; allowed: " + allow);
      r.SetHeader("Allow", allow);
      return r;
    }
    return ErrorResponse(404, "not-found", "no such resource: " + request.path);
  }
  request.path_params.clear();
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string& seg = best->segments[i];
    if (IsPlaceholder(seg)) {
      request.path_params[seg.substr(1, seg.size() - 2)] = std::string(parts[i]);
    }
  }
  try {
    return best->handler(request);
  } catch (const std::exception& e) {
    if (on_exception_) on_exception_(request, e.what());
    return ErrorResponse(500, "internal-error",
                         "the server failed to handle this request; it has been logged");
  }
}

std::vector<std::pair<std::string, std::string>> Router::Routes() const {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(routes_.size());
  for (const Route& r : routes_) out.emplace_back(r.method, r.pattern);
  return out;
}

}  // namespace openvap::http
