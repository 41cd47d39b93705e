#include "seal/seal.h"

#include <algorithm>
#include <cctype>

#include "seal/codec.h"
#include "seal/mrz.h"
#include "seal/profiles.h"

namespace openvap::seal {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxIdbInflated = std::size_t{1} << 20;  // 1 MiB: no ZIP bombs

std::string At(std::size_t pos) { return " at offset " + std::to_string(pos); }

bool IsValidUtf8(ByteView b) {
  std::size_t i = 0;
  while (i < b.size()) {
    const std::uint8_t c = b[i];
    std::size_t n = 0;
    if (c < 0x80) {
      n = 0;
    } else if ((c & 0xE0) == 0xC0 && c >= 0xC2) {
      n = 1;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
    } else if ((c & 0xF8) == 0xF0 && c <= 0xF4) {
      n = 3;
    } else {
      return false;
    }
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= b.size() || (b[i + k] & 0xC0) != 0x80) return false;
    }
    i += n + 1;
  }
  return true;
}

bool IsPrintableText(ByteView b) {
  if (!IsValidUtf8(b)) return false;
  return std::all_of(b.begin(), b.end(), [](std::uint8_t c) { return c >= 0x20 || c == '\n'; });
}

std::string ImageFormat(ByteView b) {
  static constexpr std::uint8_t kJp2[] = {0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20};
  static constexpr std::uint8_t kJ2k[] = {0xFF, 0x4F, 0xFF, 0x51};
  if (b.size() >= sizeof kJp2 && std::equal(std::begin(kJp2), std::end(kJp2), b.begin())) {
    return "jpeg2000";
  }
  if (b.size() >= sizeof kJ2k && std::equal(std::begin(kJ2k), std::end(kJ2k), b.begin())) {
    return "jpeg2000-codestream";
  }
  if (b.size() >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return "jpeg";
  if (b.size() >= 4 && b[0] == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') return "png";
  return "unknown";
}

json Undecodable(ByteView raw, const Error& e, std::vector<std::string>& warnings,
                 std::string_view name) {
  warnings.push_back(std::string(name.empty() ? "feature" : name) + ": " + e.message);
  return json{{"hex", ToHex(raw)}, {"error", e.message}};
}

// The MRZ format a profile field holds, from its name or description ("mrz_mrv_a", "TD2
// machine-readable zone"): a 72-character zone is a whole TD2 or a shortened MRV-A.
std::string_view MrzFormatOf(const FieldSpec& spec) {
  if (spec.name == "mrz_mrv_a") return "MRV-A";
  if (spec.name == "mrz_mrv_b") return "MRV-B";
  for (std::string_view f : {"TD1", "TD2", "TD3"}) {
    if (spec.description.substr(0, 3) == f) return f;
  }
  return "";
}

json DecodeValue(const FieldSpec* spec, ByteView raw, std::vector<std::string>& warnings) {
  const FieldEncoding encoding = spec != nullptr ? spec->encoding : FieldEncoding::kAuto;
  const std::string_view name = spec != nullptr ? spec->name : "";
  switch (encoding) {
    case FieldEncoding::kC40: {
      auto text = DecodeC40(raw);
      return text.ok() ? json(*text) : Undecodable(raw, text.error(), warnings, name);
    }
    case FieldEncoding::kMrz: {
      auto text = DecodeC40(raw);
      if (!text.ok()) return Undecodable(raw, text.error(), warnings, name);
      auto mrz = ParseMrz(*text, MrzFormatOf(*spec));
      if (!mrz.ok()) {
        warnings.push_back(std::string(name) + ": " + mrz.error().message);
        return json{{"text", *text}};
      }
      return ToJson(*mrz);
    }
    case FieldEncoding::kUtf8:
      if (IsValidUtf8(raw)) return AsString(raw);
      return Undecodable(raw, {"malformed-utf8", "not UTF-8 text"}, warnings, name);
    case FieldEncoding::kBytes:
      return ToHex(raw);
    case FieldEncoding::kImage:
      return json{{"format", ImageFormat(raw)}, {"size", raw.size()}, {"base64", ToBase64(raw)}};
    case FieldEncoding::kDate: {
      auto date = DecodeMmddyyyy(raw);
      return date.ok() ? json(FormatIsoDate(*date))
                       : Undecodable(raw, date.error(), warnings, name);
    }
    case FieldEncoding::kUint: {
      if (raw.empty() || raw.size() > 8) {
        return Undecodable(raw, {"malformed-uint", "an integer of 1 to 8 bytes"}, warnings, name);
      }
      std::uint64_t v = 0;
      for (std::uint8_t b : raw) v = (v << 8) | b;
      return v;
    }
    case FieldEncoding::kDurationOfStay: {
      if (raw.size() != 3) {
        return Undecodable(raw, {"malformed-duration", "a duration of stay has 3 bytes"}, warnings,
                           name);
      }
      if (raw[0] == 0xFF && raw[1] == 0xFF && raw[2] == 0xFF)
        return json{{"kind", "decided-at-border"}};
      if (raw[0] == 0xFE && raw[1] == 0xFE && raw[2] == 0xFE)
        return json{{"kind", "airport-transit"}};
      if (raw[0] == 0 && raw[1] == 0 && raw[2] == 0) return json{{"kind", "until-end-of-validity"}};
      return json{{"days", raw[0]}, {"months", raw[1]}, {"years", raw[2]}};
    }
    case FieldEncoding::kStateList: {
      auto text = DecodeC40(raw);
      if (!text.ok()) return Undecodable(raw, text.error(), warnings, name);
      json states = json::array();
      for (std::size_t i = 0; i + 1 < text->size(); i += 2) states.push_back(text->substr(i, 2));
      return states;
    }
    case FieldEncoding::kAuto:
      if (!raw.empty() && IsPrintableText(raw)) return AsString(raw);
      return ToHex(raw);
  }
  return ToHex(raw);
}

std::string StripFiller(std::string s) {
  while (!s.empty() && s.back() == '<') s.pop_back();
  return s;
}

}  // namespace

Result<DecodedSeal> DecodeVds(ByteView b) {
  DecodedSeal seal;
  seal.format = SealFormat::kVds;
  if (b.size() < 2 || b[0] != 0xDC) {
    return Error{"malformed-header", "not a Visible Digital Seal (it must start with 0xDC)"};
  }
  if (b[1] != 0x02 && b[1] != 0x03) {
    return Error{"malformed-header", "unknown VDS header version byte 0x" + ToHex(b.subspan(1, 1)) +
                                         " (0x02 = version 3, 0x03 = version 4)"};
  }
  seal.header.version = b[1] == 0x02 ? 3 : 4;
  std::size_t pos = 2;
  const auto need = [&](std::size_t n, const char* what) -> Status {
    if (pos + n > b.size()) {
      return Error{"malformed-header", std::string("truncated ") + what + At(pos)};
    }
    return Ok();
  };
  OPENVAP_RETURN_IF_ERROR(need(2, "issuing country"));
  auto country = DecodeC40(b.subspan(pos, 2));
  if (!country.ok()) {
    return Error{"malformed-header", "issuing country: " + country.error().message};
  }
  seal.header.country = StripFiller(*country);
  pos += 2;
  if (seal.header.version == 3) {
    OPENVAP_RETURN_IF_ERROR(need(6, "signer and certificate reference"));
    auto id = DecodeC40(b.subspan(pos, 6));
    if (!id.ok() || id->size() != 9) {
      return Error{"malformed-header", "signer identifier and certificate reference" + At(pos)};
    }
    seal.header.signer = id->substr(0, 4);
    seal.header.cert_ref = id->substr(4);
    pos += 6;
  } else {
    OPENVAP_RETURN_IF_ERROR(need(4, "signer identifier"));
    auto id = DecodeC40(b.subspan(pos, 4));
    if (!id.ok() || id->size() != 6) {
      return Error{"malformed-header", "signer identifier" + At(pos)};
    }
    seal.header.signer = id->substr(0, 4);
    // The length of the certificate reference, in hex (ICAO 9303-13 §2.3); signer DEZV writes
    // it in decimal (seen in real seals, FORMATS.md).
    const std::string len_text = id->substr(4, 2);
    const bool decimal = seal.header.signer == "DEZV";
    int length = 0;
    for (char c : len_text) {
      const int d = std::isdigit(static_cast<unsigned char>(c)) != 0 ? c - '0'
                    : (!decimal && c >= 'A' && c <= 'F')             ? c - 'A' + 10
                                                                     : -1;
      if (d < 0) {
        return Error{"malformed-header",
                     "certificate reference length '" + len_text + "'" + At(pos)};
      }
      length = length * (decimal ? 10 : 16) + d;
    }
    pos += 4;
    // ((L - 1) / 3) * 2 + 2 bytes, with the integer division of the reference implementations.
    const int c40_bytes = ((length - 1) / 3) * 2 + 2;
    const auto bytes = static_cast<std::size_t>(c40_bytes);
    OPENVAP_RETURN_IF_ERROR(need(bytes, "certificate reference"));
    auto ref = DecodeC40(b.subspan(pos, bytes));
    if (!ref.ok())
      return Error{"malformed-header", "certificate reference: " + ref.error().message};
    seal.header.cert_ref = *ref;
    pos += bytes;
  }
  OPENVAP_RETURN_IF_ERROR(need(8, "dates, feature reference and category"));
  if (auto d = DecodeMmddyyyy(b.subspan(pos, 3)); d.ok()) {
    seal.header.issued = *d;
  } else {
    seal.warnings.push_back("issue date: " + d.error().message);
  }
  if (auto d = DecodeMmddyyyy(b.subspan(pos + 3, 3)); d.ok()) {
    seal.header.signed_on = *d;
  } else {
    seal.warnings.push_back("signature date: " + d.error().message);
  }
  seal.header.feature_ref = b[pos + 6];
  seal.header.category = b[pos + 7];
  pos += 8;
  const Profile* profile = FindProfile(seal.header.feature_ref, seal.header.category);
  if (profile != nullptr) seal.document_type = std::string(profile->name);

  while (pos < b.size() && b[pos] != 0xFF) {
    const std::size_t at = pos;
    const int tag = b[pos++];
    std::size_t length = 0;
    if (seal.header.version == 3) {
      if (pos >= b.size()) return Error{"malformed-message-zone", "truncated feature" + At(at)};
      length = b[pos++];
    } else {
      auto l = ReadDerLength(b, pos);
      if (!l.ok())
        return Error{"malformed-message-zone",
                     "feature " + std::to_string(tag) + ": " + l.error().message};
      length = *l;
    }
    if (length > b.size() - pos) {
      return Error{"malformed-message-zone",
                   "feature " + std::to_string(tag) + At(at) + " claims " + std::to_string(length) +
                       " bytes but only " + std::to_string(b.size() - pos) + " remain"};
    }
    SealFeature f;
    f.tag = tag;
    f.raw.assign(b.begin() + static_cast<std::ptrdiff_t>(pos),
                 b.begin() + static_cast<std::ptrdiff_t>(pos + length));
    const FieldSpec* spec = profile != nullptr ? FindField(*profile, tag) : nullptr;
    if (spec != nullptr) {
      f.name = std::string(spec->name);
    } else {
      seal.warnings.push_back("unknown feature tag " + std::to_string(tag) + " kept");
    }
    f.value = DecodeValue(spec, f.raw, seal.warnings);
    seal.features.push_back(std::move(f));
    pos += length;
  }
  seal.signed_data.assign(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(pos));
  if (pos < b.size()) {  // 0xFF: the signature zone
    ++pos;
    auto l = ReadDerLength(b, pos);
    if (!l.ok()) return Error{"malformed-signature", "signature zone: " + l.error().message};
    if (*l > b.size() - pos) {
      return Error{"malformed-signature", "the signature claims " + std::to_string(*l) +
                                              " bytes but only " + std::to_string(b.size() - pos) +
                                              " remain"};
    }
    if (*l == 0 || *l % 2 != 0) {
      return Error{"malformed-signature", "a raw r||s signature has an even, non-zero length"};
    }
    seal.signature = Bytes(b.begin() + static_cast<std::ptrdiff_t>(pos),
                           b.begin() + static_cast<std::ptrdiff_t>(pos + *l));
    pos += *l;
    if (pos != b.size()) {
      seal.warnings.push_back(std::to_string(b.size() - pos) +
                              " bytes after the signature ignored");
    }
  }
  return seal;
}

Result<DecodedSeal> DecodeIdb(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) {
    text.remove_suffix(1);
  }
  if (text.size() < 5 || text.substr(0, 4) != "RDB1") {
    return Error{"malformed-header", "IDB barcode text starts with RDB1 and a flag letter"};
  }
  const char flag = text[4];
  if (flag < 'A' || flag > 'D') {
    return Error{"malformed-header", std::string("unknown IDB flag '") + flag + "' (A to D)"};
  }
  DecodedSeal seal;
  seal.format = SealFormat::kIdb;
  seal.idb_flag = std::string(1, flag);
  seal.header.version = 1;
  OPENVAP_ASSIGN_OR_RETURN(Bytes b, DecodeBase32(text.substr(5)));
  const bool signed_seal = flag == 'B' || flag == 'D';
  if (flag == 'C' || flag == 'D') {
    OPENVAP_ASSIGN_OR_RETURN(b, Inflate(b, kMaxIdbInflated));
  }
  std::size_t pos = 0;
  if (b.size() < 2) return Error{"malformed-header", "truncated IDB header"};
  auto country = DecodeC40(ByteView(b).subspan(0, 2));
  if (!country.ok()) return Error{"malformed-header", "country: " + country.error().message};
  seal.header.country = StripFiller(*country);
  pos = 2;
  if (signed_seal) {
    if (b.size() < 12) return Error{"malformed-header", "truncated IDB signature header"};
    seal.signature_algorithm = b[2];
    seal.header.cert_ref = ToHex(ByteView(b).subspan(3, 5));
    if (auto d = DecodeMmddyyyy(ByteView(b).subspan(8, 4)); d.ok()) {
      seal.header.signed_on = *d;
    } else {
      seal.warnings.push_back("signature date: " + d.error().message);
    }
    pos = 12;
  }
  std::size_t message_end = 0;
  bool has_group = false;
  while (pos < b.size()) {
    const std::size_t at = pos;
    const int tag = b[pos++];
    auto l = ReadDerLength(b, pos);
    if (!l.ok()) return Error{"malformed-message-zone", "IDB tag " + std::to_string(tag) + At(at)};
    if (*l > b.size() - pos) {
      return Error{"malformed-message-zone",
                   "IDB tag " + std::to_string(tag) + At(at) + " claims more bytes than remain"};
    }
    const ByteView value = ByteView(b).subspan(pos, *l);
    pos += *l;
    if (tag == 0x61) {
      has_group = true;
      message_end = pos;
      std::size_t m = 0;
      while (m < value.size()) {
        const std::size_t mat = m;
        const int mtag = value[m++];
        auto ml = ReadDerLength(value, m);
        if (!ml.ok() || *ml > value.size() - m) {
          return Error{"malformed-message-zone", "IDB message " + std::to_string(mtag) +
                                                     " inside the message group" + At(mat)};
        }
        SealFeature f;
        f.tag = mtag;
        f.raw.assign(value.begin() + static_cast<std::ptrdiff_t>(m),
                     value.begin() + static_cast<std::ptrdiff_t>(m + *ml));
        const FieldSpec* spec = FindIdbMessage(mtag);
        if (spec != nullptr) f.name = std::string(spec->name);
        if (mtag == 0x01) {  // the visa message: sub-features of the ICAO visa profile
          json sub = json::array();
          std::size_t s = 0;
          while (s < f.raw.size()) {
            const int stag = f.raw[s++];
            auto sl = ReadDerLength(f.raw, s);
            if (!sl.ok() || *sl > f.raw.size() - s) {
              return Error{"malformed-message-zone", "IDB visa feature " + std::to_string(stag)};
            }
            const ByteView sv = ByteView(f.raw).subspan(s, *sl);
            const FieldSpec* sspec = FindField(IcaoVisaProfile(), stag);
            sub.push_back({{"tag", stag},
                           {"name", sspec != nullptr ? std::string(sspec->name) : ""},
                           {"value", DecodeValue(sspec, sv, seal.warnings)}});
            s += *sl;
          }
          f.value = sub;
          seal.document_type = "idb-visa";
        } else {
          f.value = DecodeValue(spec, f.raw, seal.warnings);
          if (spec == nullptr) {
            seal.warnings.push_back("unknown IDB message " + std::to_string(mtag) + " kept");
          }
        }
        if (mtag == 0x86 && f.raw.size() == 1 && !seal.document_type) {
          const std::string_view name = IdbDocumentTypeName(f.raw[0]);
          if (!name.empty()) seal.document_type = std::string(name);
        }
        seal.features.push_back(std::move(f));
        m += *ml;
      }
    } else if (tag == 0x7E) {
      seal.signer_certificate_der = Bytes(value.begin(), value.end());
    } else if (tag == 0x7F) {
      if (value.empty() || value.size() % 2 != 0) {
        return Error{"malformed-signature", "a raw r||s signature has an even, non-zero length"};
      }
      seal.signature = Bytes(value.begin(), value.end());
    } else {
      seal.warnings.push_back("unknown IDB element " + std::to_string(tag) + " ignored");
    }
  }
  if (!has_group) return Error{"malformed-message-zone", "no IDB message group (tag 0x61)"};
  // The signature covers the header and the message group (ICAO IDB).
  seal.signed_data.assign(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(message_end));
  if (signed_seal && !seal.signature) {
    return Error{"malformed-signature",
                 "flag " + std::string(1, flag) + " announces a signature but there is none"};
  }
  return seal;
}

Result<DecodedSeal> DecodeSeal(ByteView input) {
  // Raw VDS bytes start with 0xDC and are binary: never trim them (a last byte may well be
  // 0x0B or 0x20).
  if (!input.empty() && input[0] == 0xDC) return DecodeVds(input);
  std::size_t start = 0;
  std::size_t end = input.size();
  while (start < end && std::isspace(input[start]) != 0) ++start;
  while (end > start && std::isspace(input[end - 1]) != 0) --end;
  const ByteView trimmed = input.subspan(start, end - start);
  if (trimmed.empty()) return Error{"malformed-header", "the input is empty"};
  const std::string_view text(reinterpret_cast<const char*>(trimmed.data()),  // NOLINT
                              trimmed.size());
  if (text.substr(0, 4) == "RDB1") return DecodeIdb(text);
  const bool hex = std::all_of(text.begin(), text.end(), [](char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) != 0 ||
           std::isspace(static_cast<unsigned char>(c)) != 0;
  });
  if (hex) {
    OPENVAP_ASSIGN_OR_RETURN(const Bytes bytes, FromHex(text));
    return DecodeVds(bytes);
  }
  return DecodeVds(input);
}

json ToJson(const DecodedSeal& s) {
  json header = {
      {"version", s.header.version},
      {"country", s.header.country},
      {"signer", s.header.signer},
      {"cert_ref", s.header.cert_ref},
      {"issued", s.header.issued ? json(FormatIsoDate(*s.header.issued)) : json(nullptr)},
      {"signed", s.header.signed_on ? json(FormatIsoDate(*s.header.signed_on)) : json(nullptr)},
      {"feature_ref", s.header.feature_ref},
      {"category", s.header.category}};
  json features = json::array();
  for (const SealFeature& f : s.features) {
    json item = {{"tag", f.tag},
                 {"name", f.name.empty() ? json(nullptr) : json(f.name)},
                 {"value", f.value}};
    if (f.name.empty()) item["hex"] = ToHex(f.raw);
    features.push_back(item);
  }
  json out = {{"format", s.format == SealFormat::kVds ? "vds" : "idb"},
              {"header", header},
              {"document_type", s.document_type ? json(*s.document_type) : json(nullptr)},
              {"features", features},
              {"signature_present", s.signature.has_value()}};
  if (s.idb_flag) out["idb_flag"] = *s.idb_flag;
  if (s.signature_algorithm) out["signature_algorithm"] = *s.signature_algorithm;
  if (s.signer_certificate_der) out["signer_certificate_present"] = true;
  if (!s.warnings.empty()) out["warnings"] = s.warnings;
  return out;
}

const SealFeature* FindFeature(const DecodedSeal& seal, std::string_view name) {
  for (const SealFeature& f : seal.features) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace openvap::seal
