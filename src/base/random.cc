#include "base/random.h"

#include <sys/random.h>

#include <cerrno>
#include <stdexcept>
#include <vector>

#include "base/bytes.h"

namespace openvap {

std::string RandomSource::HexToken(std::size_t n) {
  std::vector<std::uint8_t> bytes(n);
  Fill(bytes);
  return ToHex(bytes);
}

void SystemRandom::Fill(std::span<std::uint8_t> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t got = getrandom(out.data() + done, out.size() - done, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      // No randomness means no safe tokens or keys: stop rather than continue weakly.
      throw std::runtime_error("getrandom failed");
    }
    done += static_cast<std::size_t>(got);
  }
}

void SeededRandom::Fill(std::span<std::uint8_t> out) {
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (i % 8 == 0) {
      state_ += 0x9E3779B97F4A7C15ULL;
    }
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    out[i] = static_cast<std::uint8_t>(z >> (8 * (i % 8)));
  }
}

}  // namespace openvap
