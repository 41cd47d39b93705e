// Encoding of VDS version 4 seals for the profiles this platform issues (FORMATS.md).
#include <cmath>

#include "seal/codec.h"
#include "seal/profiles.h"
#include "seal/seal.h"

namespace openvap::seal {
namespace {

using nlohmann::json;

Error Bad(const FieldSpec& f, const std::string& what) {
  return Error{"invalid-field", std::string(f.name) + ": " + what};
}

Result<Bytes> EncodeValue(const FieldSpec& f, const json& v) {
  switch (f.encoding) {
    case FieldEncoding::kC40:
    case FieldEncoding::kMrz: {
      if (!v.is_string()) return Bad(f, "must be text");
      auto bytes = EncodeC40(v.get<std::string>());
      if (!bytes.ok()) return Bad(f, bytes.error().message);
      return *bytes;
    }
    case FieldEncoding::kUtf8:
    case FieldEncoding::kAuto: {
      if (!v.is_string()) return Bad(f, "must be text");
      const auto& s = v.get_ref<const std::string&>();
      return Bytes(s.begin(), s.end());
    }
    case FieldEncoding::kBytes: {
      if (!v.is_string()) return Bad(f, "must be hexadecimal text");
      auto bytes = FromHex(v.get<std::string>());
      if (!bytes.ok()) return Bad(f, bytes.error().message);
      return *bytes;
    }
    case FieldEncoding::kImage: {
      if (!v.is_string()) return Bad(f, "must be a base64 image");
      auto bytes = FromBase64(v.get<std::string>());
      if (!bytes.ok()) return Bad(f, bytes.error().message);
      return *bytes;
    }
    case FieldEncoding::kDate: {
      if (!v.is_string()) return Bad(f, "must be a date (YYYY-MM-DD)");
      auto date = ParseIsoDate(v.get<std::string>());
      if (!date.ok()) return Bad(f, "not a date (YYYY-MM-DD)");
      return EncodeMmddyyyy(*date, 3);
    }
    case FieldEncoding::kUint: {
      if (!v.is_number_integer() || v.get<std::int64_t>() < 0) {
        return Bad(f, "must be a whole number of 0 or more");
      }
      const auto n = v.get<std::uint64_t>();
      const int width = std::max(1, f.min_bytes);
      if (width < 8 && n >= (std::uint64_t{1} << (8 * width))) {
        return Bad(f, "too large for " + std::to_string(width) + " byte(s)");
      }
      Bytes out(static_cast<std::size_t>(width));
      for (int k = width - 1, shift = 0; k >= 0; --k, shift += 8) {
        out[static_cast<std::size_t>(k)] = static_cast<std::uint8_t>((n >> shift) & 0xFF);
      }
      return out;
    }
    case FieldEncoding::kDurationOfStay: {
      if (v.is_string()) {
        const std::string k = v.get<std::string>();
        if (k == "decided-at-border") return Bytes{0xFF, 0xFF, 0xFF};
        if (k == "airport-transit") return Bytes{0xFE, 0xFE, 0xFE};
        if (k == "until-end-of-validity") return Bytes{0, 0, 0};
        return Bad(f,
                   "decided-at-border, airport-transit, until-end-of-validity or "
                   "{days, months, years}");
      }
      if (!v.is_object()) return Bad(f, "{days, months, years}");
      Bytes out;
      for (const char* part : {"days", "months", "years"}) {
        const int n = v.value(part, 0);
        if (n < 0 || n > 253) return Bad(f, std::string(part) + " from 0 to 253");
        out.push_back(static_cast<std::uint8_t>(n));
      }
      return out;
    }
    case FieldEncoding::kStateList: {
      if (!v.is_array()) return Bad(f, "a list of ISO 3166-1 alpha-2 codes");
      std::string joined;
      for (const json& s : v) {
        if (!s.is_string() || s.get<std::string>().size() != 2) {
          return Bad(f, "a list of ISO 3166-1 alpha-2 codes");
        }
        joined += s.get<std::string>();
      }
      auto bytes = EncodeC40(joined);
      if (!bytes.ok()) return Bad(f, bytes.error().message);
      return *bytes;
    }
  }
  return Bad(f, "unsupported encoding");
}

}  // namespace

Result<Bytes> EncodeUnsignedVds(std::string_view profile_name, const json& data,
                                const std::string& country, const std::string& signer_id,
                                const std::string& cert_ref, Date issued, Date signed_on) {
  const Profile* profile = FindProfile(profile_name);
  if (profile == nullptr) {
    return Error{"unknown-profile",
                 "no seal profile '" + std::string(profile_name) + "' (see openvap seal profiles)"};
  }
  if (!profile->encodable) {
    return Error{"unknown-profile", "profile '" + std::string(profile_name) +
                                        "' is decoded but not issued by this platform"};
  }
  if (!data.is_object()) return Error{"invalid-field", "data: must be a JSON object"};
  for (const auto& [key, value] : data.items()) {
    bool known = false;
    for (const FieldSpec& f : profile->fields) known = known || f.name == key;
    if (!known) {
      return Error{"invalid-field", key + ": not a field of " + std::string(profile_name)};
    }
  }
  if (signer_id.size() != 4 || country.empty() || country.size() > 3 || cert_ref.empty() ||
      cert_ref.size() > 255) {
    return Error{"invalid-field",
                 "signer: a 4-character signer identifier, a 1-3 letter "
                 "country and a certificate reference are needed"};
  }
  Bytes out = {0xDC, 0x03};
  std::string padded = country;
  while (padded.size() < 3) padded.push_back('<');
  OPENVAP_ASSIGN_OR_RETURN(const Bytes c, EncodeC40(padded));
  out.insert(out.end(), c.begin(), c.end());
  char length_hex[3];
  (void)std::snprintf(length_hex, sizeof length_hex, "%02X",
                      static_cast<unsigned>(cert_ref.size()));
  OPENVAP_ASSIGN_OR_RETURN(const Bytes id, EncodeC40(signer_id + length_hex));
  out.insert(out.end(), id.begin(), id.end());
  OPENVAP_ASSIGN_OR_RETURN(const Bytes ref, EncodeC40(cert_ref));
  out.insert(out.end(), ref.begin(), ref.end());
  const Bytes d1 = EncodeMmddyyyy(issued, 3);
  const Bytes d2 = EncodeMmddyyyy(signed_on, 3);
  out.insert(out.end(), d1.begin(), d1.end());
  out.insert(out.end(), d2.begin(), d2.end());
  out.push_back(static_cast<std::uint8_t>(profile->feature_ref));
  out.push_back(static_cast<std::uint8_t>(profile->category));
  for (const FieldSpec& f : profile->fields) {
    const auto it = data.find(f.name);
    if (it == data.end() || it->is_null()) {
      if (f.required) return Bad(f, "is required");
      continue;
    }
    OPENVAP_ASSIGN_OR_RETURN(const Bytes value, EncodeValue(f, *it));
    if (static_cast<int>(value.size()) < f.min_bytes ||
        static_cast<int>(value.size()) > f.max_bytes) {
      return Bad(f, "encodes to " + std::to_string(value.size()) + " bytes; allowed " +
                        std::to_string(f.min_bytes) + " to " + std::to_string(f.max_bytes));
    }
    out.push_back(static_cast<std::uint8_t>(f.tag));
    const Bytes len = EncodeDerLength(value.size());
    out.insert(out.end(), len.begin(), len.end());
    out.insert(out.end(), value.begin(), value.end());
  }
  return out;
}

Bytes AppendVdsSignature(ByteView unsigned_seal, ByteView signature_rs) {
  Bytes out(unsigned_seal.begin(), unsigned_seal.end());
  out.push_back(0xFF);
  const Bytes len = EncodeDerLength(signature_rs.size());
  out.insert(out.end(), len.begin(), len.end());
  out.insert(out.end(), signature_rs.begin(), signature_rs.end());
  return out;
}

Result<Bytes> EncodeAndSignVds(std::string_view profile, const json& data, Date issued,
                               Date signed_on, const SealSigner& signer) {
  OPENVAP_ASSIGN_OR_RETURN(const Bytes body,
                           EncodeUnsignedVds(profile, data, signer.Country(), signer.SignerId(),
                                             signer.CertificateReference(), issued, signed_on));
  OPENVAP_ASSIGN_OR_RETURN(const Bytes signature, signer.SignRaw(body));
  return AppendVdsSignature(body, signature);
}

}  // namespace openvap::seal
