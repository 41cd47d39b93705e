// Fuzz target: machine-readable zones (ParseMrz with each format hint, MrzCheckDigit). Any
// input must give an Mrz or a "malformed-mrz" Error, never a crash or out-of-bounds read. A
// parsed MRZ renders as JSON and parses again to the same fields.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "seal/mrz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);  // NOLINT
  (void)openvap::seal::MrzCheckDigit(text);
  constexpr std::array<std::string_view, 6> kHints = {"", "TD1", "TD2", "TD3", "MRV-A", "MRV-B"};
  for (const std::string_view hint : kHints) {
    auto mrz = openvap::seal::ParseMrz(text, hint);
    if (!mrz.ok()) continue;
    (void)openvap::seal::ToJson(*mrz).dump();
    auto again = openvap::seal::ParseMrz(mrz->text, hint);
    if (!again.ok() || again->format != mrz->format ||
        again->document_number != mrz->document_number || again->surname != mrz->surname) {
      std::abort();
    }
  }
  return 0;
}
