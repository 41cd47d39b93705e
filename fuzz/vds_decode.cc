// Fuzz target: ICAO Visible Digital Seal bytes (DecodeVds, and DecodeSeal's auto-detection).
// Any input must give a DecodedSeal or a named Error, never a crash, hang or out-of-bounds
// read. When a seal decodes, its JSON is rendered, and when its profile is one we issue, its
// decoded fields are encoded again: whatever the encoder accepts must decode.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "base/bytes.h"
#include "seal/profiles.h"
#include "seal/seal.h"

namespace {

using nlohmann::json;
using openvap::seal::DecodedSeal;

// The encoder's input for a decoded seal: each named feature's value as EncodeUnsignedVds
// takes it (MRZ as its text, images as base64). Undecodable features are left out.
json EncoderData(const DecodedSeal& seal) {
  json data = json::object();
  for (const openvap::seal::SealFeature& f : seal.features) {
    if (f.name.empty()) continue;
    if (f.value.is_object() && f.value.contains("error")) continue;
    if (f.value.is_object() && f.value.contains("text")) {
      data[f.name] = f.value["text"];
    } else if (f.value.is_object() && f.value.contains("base64")) {
      data[f.name] = f.value["base64"];
    } else {
      data[f.name] = f.value;
    }
  }
  return data;
}

void ReEncode(const DecodedSeal& seal) {
  if (!seal.document_type || !seal.header.issued || !seal.header.signed_on) return;
  const openvap::seal::Profile* profile = openvap::seal::FindProfile(*seal.document_type);
  if (profile == nullptr || !profile->encodable) return;
  auto encoded = openvap::seal::EncodeUnsignedVds(
      *seal.document_type, EncoderData(seal), seal.header.country, seal.header.signer,
      seal.header.cert_ref, *seal.header.issued, *seal.header.signed_on);
  if (!encoded.ok()) return;
  // What we encode, we must be able to decode.
  if (!openvap::seal::DecodeVds(*encoded).ok()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const openvap::ByteView bytes(data, size);
  auto seal = openvap::seal::DecodeVds(bytes);
  (void)openvap::seal::DecodeSeal(bytes);
  if (!seal.ok()) return 0;
  const std::string text = openvap::seal::ToJson(*seal).dump();
  if (text.empty()) std::abort();
  for (const openvap::seal::SealFeature& f : seal->features) {
    (void)openvap::seal::FindFeature(*seal, f.name);
  }
  if (seal->signature) {
    // Header and message zone plus a signature zone: a seal again.
    const openvap::Bytes resigned =
        openvap::seal::AppendVdsSignature(seal->signed_data, *seal->signature);
    if (!openvap::seal::DecodeVds(resigned).ok()) std::abort();
  }
  ReEncode(*seal);
  return 0;
}
