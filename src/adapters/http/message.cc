#include "adapters/http/message.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

namespace openvap::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view FirstValue(const Headers& headers, std::string_view name) {
  const auto it = headers.find(name);
  return it == headers.end() ? std::string_view{} : std::string_view{it->second};
}

}  // namespace

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) <
           std::tolower(static_cast<unsigned char>(y));
  });
}

std::string_view Request::Header(std::string_view name) const { return FirstValue(headers, name); }

void Response::SetHeader(std::string name, std::string value) {
  headers.erase(name);
  headers.emplace(std::move(name), std::move(value));
}

std::string_view Response::Header(std::string_view name) const { return FirstValue(headers, name); }

std::string JsonText(const nlohmann::json& body) {
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Response JsonResponse(int status, const nlohmann::json& body) {
  return JsonTextResponse(status, JsonText(body));
}

Response JsonTextResponse(int status, std::string body) {
  Response r;
  r.status = status;
  r.SetHeader("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

Response ErrorResponse(int status, std::string_view code, std::string_view message) {
  return JsonResponse(status, {{"error", {{"code", code}, {"message", message}}}});
}

bool PercentDecode(std::string_view in, bool plus_as_space, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      const int hi = HexValue(in[i + 1]);
      const int lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out.push_back(static_cast<char>((hi << 4) | lo));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return true;
}

namespace {

// Calls `each(name, value)` for every non-empty "name=value" pair of `query` (split at '&', not
// decoded); `value` is nothing for a pair without '='. Stops, returning false, when `each` does.
template <typename Each>
bool ForEachQueryPair(std::string_view query, Each&& each) {
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    const std::optional<std::string_view> value =
        eq == std::string_view::npos ? std::nullopt : std::optional(pair.substr(eq + 1));
    if (!each(pair.substr(0, eq), value)) return false;
  }
  return true;
}

}  // namespace

bool ParseQuery(std::string_view query, std::map<std::string, std::string>& out) {
  return ForEachQueryPair(query,
                          [&out](std::string_view name, std::optional<std::string_view> value) {
                            std::string key;
                            std::string decoded;
                            if (!PercentDecode(name, true, key)) return false;
                            if (value && !PercentDecode(*value, true, decoded)) return false;
                            out[std::move(key)] = std::move(decoded);
                            return true;
                          });
}

std::string TargetForLog(std::string_view target) {
  const std::size_t question = target.find('?');
  if (question == std::string_view::npos) return std::string(target);
  std::string out(target.substr(0, question + 1));
  bool first = true;
  ForEachQueryPair(target.substr(question + 1),
                   [&](std::string_view name, std::optional<std::string_view> value) {
                     if (!first) out += '&';
                     first = false;
                     out += name;
                     if (value) out += "=...";
                     return true;
                   });
  return out;
}

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace openvap::http
