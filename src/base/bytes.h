#ifndef OPENVAP_BASE_BYTES_H_
#define OPENVAP_BASE_BYTES_H_

#include <openvap/result.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace openvap {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

// Lower-case hexadecimal, two digits per byte.
std::string ToHex(ByteView bytes);

// Parses hexadecimal (either case). ASCII whitespace between digit pairs is skipped, so
// hex pasted across lines works. Errors: "invalid-hex" naming the offending position.
Result<Bytes> FromHex(std::string_view text);

// RFC 4648 base64 (standard alphabet, with padding).
std::string ToBase64(ByteView bytes);

// Parses base64, standard or URL-safe alphabet, padding optional, whitespace skipped.
// Errors: "invalid-base64" naming the offending position.
Result<Bytes> FromBase64(std::string_view text);

inline ByteView AsBytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};  // NOLINT
}

inline std::string AsString(ByteView bytes) { return {bytes.begin(), bytes.end()}; }

}  // namespace openvap

#endif  // OPENVAP_BASE_BYTES_H_
