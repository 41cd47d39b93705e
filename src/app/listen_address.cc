#include "app/listen_address.h"

#include <charconv>

namespace openvap::app {

Result<ListenAddress> ParseListenAddress(std::string_view text) {
  const auto fail = [&](const std::string& why) {
    return Error{"invalid-listen-address",
                 "'" + std::string(text) + "' is not HOST:PORT (" + why + ")"};
  };
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return fail("no port");
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return fail("write IPv6 addresses in brackets, e.g. [::1]:8080");
  }
  if (host.empty()) return fail("no host");
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port_text.empty() ||
      port > 65535) {
    return fail("the port must be a number from 0 to 65535");
  }
  ListenAddress out;
  out.host = host == "localhost" ? "127.0.0.1" : std::string(host);
  out.port = static_cast<std::uint16_t>(port);
  return out;
}

std::string FormatHostForUrl(const std::string& host) {
  return host.find(':') == std::string::npos ? host : "[" + host + "]";
}

}  // namespace openvap::app
