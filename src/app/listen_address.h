#ifndef OPENVAP_APP_LISTEN_ADDRESS_H_
#define OPENVAP_APP_LISTEN_ADDRESS_H_

#include <openvap/result.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace openvap::app {

struct ListenAddress {
  std::string host;  // IP address; IPv6 without brackets
  std::uint16_t port = 0;
};

// Parses "HOST:PORT", "[IPv6]:PORT" or "localhost:PORT" (read as 127.0.0.1). Errors:
// "invalid-listen-address" saying which part is wrong.
Result<ListenAddress> ParseListenAddress(std::string_view text);

// The host as written in a URL: IPv6 addresses in brackets.
std::string FormatHostForUrl(const std::string& host);

}  // namespace openvap::app

#endif  // OPENVAP_APP_LISTEN_ADDRESS_H_
