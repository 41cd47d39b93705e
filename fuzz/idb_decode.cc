// Fuzz target: ICAO Datastructure for Barcode text ("RDB1" + flag + Base32, optionally
// zlib-compressed; DecodeIdb and DecodeSeal's auto-detection). Any input must give a
// DecodedSeal or a named Error, never a crash, hang or out-of-bounds read. When it decodes,
// its JSON is rendered.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "seal/seal.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);  // NOLINT
  auto seal = openvap::seal::DecodeIdb(text);
  auto detected = openvap::seal::DecodeSeal(openvap::ByteView(data, size));
  if (detected.ok()) (void)openvap::seal::ToJson(*detected).dump();
  if (!seal.ok()) return 0;
  if (seal->format != openvap::seal::SealFormat::kIdb) std::abort();
  const std::string json = openvap::seal::ToJson(*seal).dump();
  if (json.empty()) std::abort();
  return 0;
}
