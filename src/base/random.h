#ifndef OPENVAP_BASE_RANDOM_H_
#define OPENVAP_BASE_RANDOM_H_

// Randomness is an interface passed in (DESIGN.md), like the clock: production code draws
// from the kernel's CSPRNG, tests from a seeded, repeatable sequence.

#include <cstdint>
#include <span>
#include <string>

namespace openvap {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // Fills `out` with random bytes.
  virtual void Fill(std::span<std::uint8_t> out) = 0;

  // `n` random bytes as lower-case hex (2n characters), for tokens and identifiers.
  std::string HexToken(std::size_t n);
};

// getrandom(2): cryptographically secure; blocks only until the kernel pool is initialised.
class SystemRandom final : public RandomSource {
 public:
  void Fill(std::span<std::uint8_t> out) override;
};

// A repeatable sequence (splitmix64) for tests. Not for secrets.
class SeededRandom final : public RandomSource {
 public:
  explicit SeededRandom(std::uint64_t seed) : state_(seed) {}
  void Fill(std::span<std::uint8_t> out) override;

 private:
  std::uint64_t state_;
};

}  // namespace openvap

#endif  // OPENVAP_BASE_RANDOM_H_
