#ifndef OPENVAP_SEAL_SEAL_H_
#define OPENVAP_SEAL_SEAL_H_

// Signed 2D-barcode documents (DV-SEAL, RP-OFFLINE): decoding of ICAO Visible Digital Seals
// (versions 3 and 4) and ICAO Datastructure for Barcode (IDB) text, named by profile, and
// encoding of the profiles this platform issues. Signing is done by a SealSigner the caller
// provides (the seal module never touches keys). FORMATS.md has the format facts.

#include <openvap/result.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/time.h"

namespace openvap::seal {

enum class SealFormat { kVds, kIdb };

struct SealHeader {
  int version = 0;                // VDS 3 or 4; IDB 1
  std::string country;            // as encoded: "UTO", "D" (an unpadded D stays "D")
  std::string signer;             // VDS: "UTTS"; IDB: ""
  std::string cert_ref;           // VDS: as in the header ("5B", "00027"); IDB: hex of 5 bytes
  std::optional<Date> issued;     // VDS document issue date
  std::optional<Date> signed_on;  // signature creation date
  int feature_ref = -1;           // VDS document feature definition reference
  int category = -1;              // VDS document type category
};

// NOLINTNEXTLINE(bugprone-exception-escape): clang-tidy 14 misreads nlohmann::json's noexcept move
struct SealFeature {
  int tag = 0;
  std::string name;  // "" when unknown
  Bytes raw;
  nlohmann::json value;  // decoded
};

struct DecodedSeal {
  SealFormat format = SealFormat::kVds;
  SealHeader header;
  std::optional<std::string> document_type;  // profile name when known
  std::vector<SealFeature> features;
  Bytes signed_data;                            // exactly the bytes the signature covers
  std::optional<Bytes> signature;               // raw r||s
  std::optional<Bytes> signer_certificate_der;  // IDB 0x7E when present
  std::optional<int> signature_algorithm;       // IDB header byte when signed
  std::optional<std::string> idb_flag;          // IDB: "A", "B", "C" or "D"
  std::vector<std::string> warnings;            // e.g. unknown tags kept
};

// Decodes a VDS from its bytes. Errors name what is malformed and where.
Result<DecodedSeal> DecodeVds(ByteView bytes);
// Decodes IDB barcode text ("RDB1" + flag + Base32).
Result<DecodedSeal> DecodeIdb(std::string_view text);
// Auto-detects: IDB text (starts with "RDB1"), hexadecimal text, or raw VDS bytes. Surrounding
// whitespace is ignored.
Result<DecodedSeal> DecodeSeal(ByteView input);

// The `openvap seal decode` JSON: format, header, document_type, features, signature_present.
nlohmann::json ToJson(const DecodedSeal& seal);

// The value of a named feature, or nullptr.
const SealFeature* FindFeature(const DecodedSeal& seal, std::string_view name);

// Signs for an issuer. Implemented over crypto by the caller; this module only encodes.
class SealSigner {
 public:
  virtual ~SealSigner() = default;
  // ECDSA over `data` (hash per the key's curve), raw r||s.
  virtual Result<Bytes> SignRaw(ByteView data) const = 0;
  virtual std::string Country() const = 0;               // header country, e.g. "FRA", "D"
  virtual std::string SignerId() const = 0;              // 4 characters, e.g. "FRVS"
  virtual std::string CertificateReference() const = 0;  // signer serial in hex, e.g. "5B"
};

// A VDS v4 header and message zone for `profile` with `data` (JSON object keyed by field
// name; values per FieldEncoding: strings, numbers, ISO dates, hex bytes, base64 images,
// {"days","months","years"} for durations, lists of alpha-2 codes). Errors: "unknown-profile",
// "invalid-field" naming the field and what is wrong.
Result<Bytes> EncodeUnsignedVds(std::string_view profile, const nlohmann::json& data,
                                const std::string& country, const std::string& signer_id,
                                const std::string& cert_ref, Date issued, Date signed_on);
// Appends the signature zone: 0xFF, DER length, r||s.
Bytes AppendVdsSignature(ByteView unsigned_seal, ByteView signature_rs);
// Encodes and signs.
Result<Bytes> EncodeAndSignVds(std::string_view profile, const nlohmann::json& data, Date issued,
                               Date signed_on, const SealSigner& signer);

}  // namespace openvap::seal

#endif  // OPENVAP_SEAL_SEAL_H_
