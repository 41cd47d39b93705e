#include "base/euros.h"

namespace openvap {

std::string EuroText(std::int64_t cents) {
  const bool negative = cents < 0;
  const std::uint64_t magnitude =
      negative ? 0 - static_cast<std::uint64_t>(cents) : static_cast<std::uint64_t>(cents);
  std::string out = (negative ? "-" : "") + std::to_string(magnitude / 100);
  if (const std::uint64_t rest = magnitude % 100; rest != 0) {
    out += (rest < 10 ? ".0" : ".") + std::to_string(rest);
  }
  return out;
}

}  // namespace openvap
