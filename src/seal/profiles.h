#ifndef OPENVAP_SEAL_PROFILES_H_
#define OPENVAP_SEAL_PROFILES_H_

// Document profiles as data (FORMATS.md; docs/seal-profiles.md): which features a VDS with a
// given feature definition reference and document type category carries, how each is encoded,
// and its size bounds. One table drives decoding, encoding, `openvap seal profiles` and the
// documentation.

#include <optional>
#include <span>
#include <string_view>

namespace openvap::seal {

enum class FieldEncoding {
  kC40,             // C40 text
  kMrz,             // C40 text that is a machine-readable zone (parsed and checked)
  kUtf8,            // UTF-8 text
  kBytes,           // opaque bytes (hex in JSON)
  kImage,           // facial image, JPEG 2000 / JPEG / PNG (base64 in JSON)
  kDate,            // 3 bytes, MMDDYYYY as a number
  kUint,            // unsigned big-endian integer
  kDurationOfStay,  // 3 bytes: days, months, years (ICAO 9303-7 visa)
  kStateList,       // C40: ISO 3166-1 alpha-2 codes one after the other ("FRDEIT")
  kAuto,            // unknown meaning: UTF-8 text when printable, else bytes
};

std::string_view EncodingName(FieldEncoding encoding);

struct FieldSpec {
  int tag;
  std::string_view name;
  FieldEncoding encoding;
  int min_bytes;  // encoded size bounds
  int max_bytes;
  bool required;
  std::string_view description;
};

struct Profile {
  std::string_view name;  // stable identifier, e.g. "icao-visa", "eu-digital-visa"
  std::string_view title;
  int feature_ref;  // VDS document feature definition reference
  int category;     // VDS document type category
  std::span<const FieldSpec> fields;
  bool encodable;           // this implementation can issue it (`seal sign`)
  std::string_view source;  // where the profile is defined
};

std::span<const Profile> Profiles();
const Profile* FindProfile(int feature_ref, int category);
const Profile* FindProfile(std::string_view name);
const FieldSpec* FindField(const Profile& profile, int tag);

// IDB (ICAO Datastructure for Barcode) messages inside the message group 0x61.
std::span<const FieldSpec> IdbMessages();
const FieldSpec* FindIdbMessage(int tag);
// Sub-features of the IDB visa message (0x01): the VDS visa profile's fields.
const Profile& IcaoVisaProfile();
// The IDB document type (message 0x86) as a profile-like name, e.g. "idb-visa".
std::string_view IdbDocumentTypeName(int value);

}  // namespace openvap::seal

#endif  // OPENVAP_SEAL_PROFILES_H_
