// The seal codec against the encoding vectors of ICAO 9303-13 / BSI TR-03137 and the 35 seals
// made by two other implementations (tests/vectors/seals), plus round trips of the profiles
// this platform issues and malformed input at every offset.
#include "seal/seal.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "seal/codec.h"
#include "seal/mrz.h"
#include "seal/profiles.h"
#include "support/test_files.h"

namespace openvap::seal {
namespace {

using nlohmann::json;
using openvap::testing::ReadSealVectors;

Date D(const char* iso) { return *ParseIsoDate(iso); }

TEST(C40, MatchesTheStandardsVectors) {
  const std::pair<const char*, const char*> vectors[] = {{"XK<CD", "eb0466a9"},
                                                         {"XKCD", "eb11fe45"},
                                                         {"VISA01", "de515826"},
                                                         {"BSI01", "62d719c9"},
                                                         {"D<<", "6abc"},
                                                         {"D", "fe45"},
                                                         {"UTO", "d9c5"},
                                                         {"DETS0232", "6d32c8a72cb1"},
                                                         {"UTTS025B", "d9cac8a73a99"},
                                                         {"DETS00027", "6d32c8a519fc"}};
  for (const auto& [text, hex] : vectors) {
    EXPECT_EQ(ToHex(*EncodeC40(text)), hex) << text;
    std::string expected = text;
    EXPECT_EQ(*DecodeC40(*FromHex(hex)), expected) << hex;
  }
  EXPECT_EQ(EncodeC40("abc").error().code, "invalid-c40");
  EXPECT_EQ(DecodeC40(*FromHex("eb")).error().code, "malformed-c40");
  EXPECT_EQ(DecodeC40(*FromHex("fe")).error().code, "malformed-c40");
  EXPECT_EQ(DecodeC40(*FromHex("ffff")).error().code, "malformed-c40");
}

TEST(Dates, MatchTheStandardsVectors) {
  EXPECT_EQ(ToHex(EncodeMmddyyyy(D("1957-03-25"))), "319ef5");
  EXPECT_EQ(ToHex(EncodeMmddyyyy(D("2020-01-01"))), "0f7134");
  EXPECT_EQ(ToHex(EncodeMmddyyyy(D("2021-12-03"))), "b79815");
  EXPECT_EQ(FormatIsoDate(*DecodeMmddyyyy(*FromHex("b79815"))), "2021-12-03");
  EXPECT_EQ(DecodeMmddyyyy(*FromHex("ffffff")).error().code, "malformed-date");
}

// A 72-character zone is a whole TD2 (residence permits, BSI TR-03137) or a shortened MRV-A
// (the ICAO visa profile): the profile's field says which.
TEST(Mrz, TheResidencePermitVectorHoldsAWholeTd2WithGoodCheckDigits) {
  const auto vectors = ReadSealVectors();
  const auto it = std::find_if(vectors.begin(), vectors.end(),
                               [](const auto& v) { return v.id == "vdstools:residentPermit"; });
  ASSERT_NE(it, vectors.end());
  const auto seal = DecodeSeal(AsBytes(it->payload));
  ASSERT_TRUE(seal.ok());
  const json mrz = FindFeature(*seal, "mrz")->value;
  EXPECT_EQ(mrz["format"], "TD2");
  EXPECT_EQ(mrz["surname"], "RESIDORCE");
  EXPECT_EQ(mrz["document_number"], "652584509") << mrz.dump();
  for (const auto& [field, ok] : mrz["check_digits"].items()) EXPECT_TRUE(ok) << field;
}

TEST(Mrz, CheckDigitsAndTheMrvAExample) {
  EXPECT_EQ(MrzCheckDigit("520727"), 3);
  EXPECT_EQ(MrzCheckDigit("AB2134<<<"), 5);
  const std::string mrv_a =
      "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
      "L898902C<3UTO6908061F9406236ZE184226B<<<<<<<";
  const auto m = ParseMrz(mrv_a);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->format, "MRV-A");
  EXPECT_EQ(m->surname, "ERIKSSON");
  EXPECT_EQ(m->given_names, "ANNA MARIA");
  EXPECT_EQ(m->document_number, "L898902C");
  EXPECT_EQ(m->nationality, "UTO");
  EXPECT_EQ(m->date_of_birth, "690806");
  for (const MrzCheck& c : m->checks) EXPECT_TRUE(c.valid) << c.field;
  std::string typo = mrv_a;
  typo[44 + 13] = '7';  // date of birth 790806: its check digit no longer matches
  bool birth_check_failed = false;
  const auto parsed_typo = ParseMrz(typo);
  for (const MrzCheck& c : parsed_typo->checks) {
    birth_check_failed = birth_check_failed || (c.field == "date_of_birth" && !c.valid);
  }
  EXPECT_TRUE(birth_check_failed);
  EXPECT_EQ(ParseMrz("TOO<SHORT").error().code, "malformed-mrz");
  EXPECT_EQ(ParseMrz(std::string(90, 'a')).error().code, "malformed-mrz");
}

TEST(Codec, Base32AndDerLengths) {
  const Bytes data = {0x00, 0xFF, 0x10, 0x20, 0x30, 0x40, 0x50};
  EXPECT_EQ(*DecodeBase32(EncodeBase32(data)), data);
  EXPECT_EQ(EncodeBase32(AsBytes("foobar")), "MZXW6YTBOI");  // RFC 4648 §10, unpadded
  EXPECT_EQ(DecodeBase32("MZXW6!").error().code, "malformed-base32");
  for (std::size_t n : {0U, 1U, 127U, 128U, 255U, 256U, 70000U}) {
    const Bytes len = EncodeDerLength(n);
    std::size_t pos = 0;
    EXPECT_EQ(*ReadDerLength(len, pos), n);
    EXPECT_EQ(pos, len.size());
  }
  std::size_t pos = 0;
  EXPECT_EQ(ReadDerLength(*FromHex("82ff"), pos).error().code, "malformed-length");
}

// What each third-party vector must decode to.
struct Expected {
  const char* document_type;  // nullptr: no known profile
  const char* country;
  const char* signer;
  const char* cert_ref;
};

const std::map<std::string, Expected>& ExpectedDecodes() {
  static const auto* expected = new std::map<std::string, Expected>{
      {"vdstools:residentPermit", {"de-residence-permit", "UTO", "UTTS", "5B"}},
      {"vdstools:addressStickerId", {"de-address-sticker-id-card", "UTO", "DETS", "32"}},
      {"vdstools:socialInsurance", {"de-social-insurance-card", "UTO", "DETS", "00027"}},
      {"vdstools:arrivalAttestation", {"de-arrival-attestation", "D", "DETS", "00027"}},
      {"vdstools:visa_224bitSig", {"icao-visa", "UTO", "DETS", "32"}},
      {"vdstools:supplementSheet",
       {"de-residence-permit-supplementary-sheet", "UTO", "UTTS", "5B"}},
      {"vdstools:addressStickerPassport", {"de-address-sticker-passport", "UTO", "UTTS", "5B"}},
      {"vdstools:emergenyTravelDoc", {"icao-emergency-travel-document", "UTO", "UTTS", "5B"}},
      {"vdstools:permanentResidencePermit",
       {"de-permanent-residence-certificate", "D", "UTTS", "5B"}},
      {"vdstools:ankunftsnwPapier", {"de-arrival-attestation", "D", "DEME", "00008"}},
      {"vdstools:meldebescheinigung", {"de-administrative-document", "D", "DEZV", nullptr}},
      {"vdstools:utoVisa", {nullptr, "UTO", "DEKD", "001"}},
      {"vdstools-idb:Visa", {"idb-visa", "D", "", "a57a790577"}},
      {"vdstools-idb:ArrivalAttestation", {"idb-arrival-attestation", "D", "", "a57a790577"}},
      {"li0ard:Visa document", {"icao-visa", "UTO", "UTTS", "5B"}},
      {"li0ard:Social insurance card", {"de-social-insurance-card", "UTO", "UTTS", "0005B"}},
  };
  return *expected;
}

Bytes PayloadBytes(const openvap::testing::SealVector& v) {
  if (v.format == "vds-hex") return *FromHex(v.payload);
  return Bytes(v.payload.begin(), v.payload.end());
}

TEST(Vectors, EveryThirdPartySealDecodesWithItsProfileAndHeader) {
  const auto vectors = ReadSealVectors();
  ASSERT_EQ(vectors.size(), 35U);
  for (const auto& v : vectors) {
    SCOPED_TRACE(v.id);
    const auto seal = DecodeSeal(PayloadBytes(v));
    ASSERT_TRUE(seal.ok()) << seal.error().message;
    EXPECT_EQ(seal->format, v.format == "vds-hex" ? SealFormat::kVds : SealFormat::kIdb);
    EXPECT_EQ(seal->signature.has_value(), v.expect != "unsigned");
    const auto it = ExpectedDecodes().find(v.id);
    if (it == ExpectedDecodes().end()) continue;
    const Expected& e = it->second;
    if (e.document_type == nullptr) {
      EXPECT_FALSE(seal->document_type.has_value());
    } else {
      EXPECT_EQ(seal->document_type.value_or(""), e.document_type);
    }
    EXPECT_EQ(seal->header.country, e.country);
    EXPECT_EQ(seal->header.signer, e.signer);
    if (e.cert_ref != nullptr) {
      EXPECT_EQ(seal->header.cert_ref, e.cert_ref);
    }
  }
}

TEST(Vectors, NamedFieldsDecode) {
  std::map<std::string, DecodedSeal> seals;
  for (const auto& v : ReadSealVectors()) seals.emplace(v.id, *DecodeSeal(PayloadBytes(v)));
  const DecodedSeal& visa = seals.at("li0ard:Visa document");
  const json mrz = FindFeature(visa, "mrz_mrv_b")->value;
  EXPECT_EQ(mrz["format"], "MRV-B");
  EXPECT_EQ(mrz["surname"], "DENT");
  EXPECT_EQ(mrz["given_names"], "ARTHUR PHILIP");
  EXPECT_EQ(FindFeature(visa, "passport_number")->value, "47110815P");
  EXPECT_EQ(FindFeature(visa, "duration_of_stay")->value,
            (json{{"days", 0xa0}, {"months", 0}, {"years", 0}}));
  const DecodedSeal& insurance = seals.at("vdstools:socialInsurance");
  EXPECT_EQ(FindFeature(insurance, "surname")->value, "Perschweiß");
  EXPECT_EQ(FindFeature(insurance, "social_insurance_number")->value, "65170839J003");
  const DecodedSeal& sticker = seals.at("vdstools:addressStickerId");
  EXPECT_EQ(FindFeature(sticker, "address")->value, "53175HEINEMANNSTR11");
  EXPECT_EQ(FindFeature(seals.at("vdstools:meldebescheinigung"), "profile_id")->value,
            "9a4223406d374ef99e2cf95e31a23846");
  const DecodedSeal& idb_visa = seals.at("vdstools-idb:Visa");
  ASSERT_EQ(idb_visa.features.size(), 1U);
  bool passport = false;
  for (const json& sub : idb_visa.features[0].value) {
    passport = passport || (sub["name"] == "passport_number" && sub["value"] == "C000000736");
  }
  EXPECT_TRUE(passport);
  const DecodedSeal& etd = seals.at("vdstools-idb:EmergencyTravelDocument");
  const SealFeature* photo = FindFeature(etd, "facial_image");
  ASSERT_NE(photo, nullptr);
  EXPECT_EQ(photo->value["format"], "jpeg2000");
  EXPECT_EQ(photo->value["size"], 996);
  EXPECT_EQ(FindFeature(seals.at("vdstools-idb:SubstituteIdentityDocument"), "expiry_date")->value,
            "2026-04-23");
  // An unknown profile: its features are kept (with a length of 128 written as 0x80) and
  // reported.
  const DecodedSeal& uto = seals.at("vdstools:utoVisa");
  EXPECT_FALSE(uto.warnings.empty());
  ASSERT_EQ(uto.features.size(), 2U);
  EXPECT_EQ(uto.features[1].tag, 3);
  EXPECT_EQ(uto.features[1].raw.size(), 128U);
}

TEST(Vectors, SignedDataAndSignatureSplitExactly) {
  for (const auto& v : ReadSealVectors()) {
    if (v.format != "vds-hex" || v.expect == "unsigned") continue;
    SCOPED_TRACE(v.id);
    const Bytes bytes = *FromHex(v.payload);
    const auto seal = *DecodeVds(bytes);
    ASSERT_TRUE(seal.signature.has_value());
    // The signature zone is 0xFF, its DER length, then r||s; everything before it is signed.
    const std::size_t zone = seal.signed_data.size();
    EXPECT_EQ(bytes[zone], 0xFF);
    EXPECT_EQ(bytes[zone + 1], seal.signature->size());
    EXPECT_EQ(zone + 2 + seal.signature->size(), bytes.size());
    EXPECT_TRUE(seal.signature->size() == 64 || seal.signature->size() == 56);
    EXPECT_TRUE(std::equal(seal.signed_data.begin(), seal.signed_data.end(), bytes.begin()));
  }
  for (const auto& v : ReadSealVectors()) {
    if (v.format != "idb-text") continue;
    const auto seal = *DecodeSeal(PayloadBytes(v));
    EXPECT_EQ(seal.signature->size(), 64U) << v.id;
    EXPECT_EQ(seal.signed_data[12], 0x61) << v.id;  // header, then the message group
  }
}

TEST(Robustness, TruncationAtEveryOffsetIsAnErrorNotACrash) {
  for (const auto& v : ReadSealVectors()) {
    const Bytes full = PayloadBytes(v);
    for (std::size_t n = 0; n < full.size(); ++n) {
      const Bytes cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
      const auto r = DecodeSeal(cut);
      if (!r.ok()) {
        EXPECT_FALSE(r.error().message.empty());
      }
    }
  }
}

TEST(Robustness, MalformedInputsSayWhatIsWrong) {
  EXPECT_EQ(DecodeSeal(AsBytes("")).error().code, "malformed-header");
  EXPECT_EQ(DecodeSeal(*FromHex("dc05")).error().code, "malformed-header");
  EXPECT_EQ(DecodeSeal(*FromHex("0102")).error().code, "malformed-header");
  EXPECT_EQ(DecodeSeal(AsBytes("RDB1Z")).error().code, "malformed-header");
  EXPECT_EQ(DecodeSeal(AsBytes("RDB1B!!")).error().code, "malformed-base32");
  // A feature that claims more bytes than there are.
  const auto over = DecodeSeal(*FromHex("dc03d9c5d9cac8a73a990f71340f71345d010230"));
  EXPECT_EQ(over.error().code, "malformed-message-zone");
  EXPECT_NE(over.error().message.find("claims 48 bytes"), std::string::npos);
  // A ZIP bomb in an IDB barcode is refused, not inflated.
  const std::string bomb =
      "RDB1C" + EncodeBase32(Deflate(Bytes(std::size_t{3} * 1024 * 1024, 0x61)));
  EXPECT_EQ(DecodeSeal(AsBytes(bomb)).error().code, "too-large");
}

class FixedSigner : public SealSigner {
 public:
  Result<Bytes> SignRaw(ByteView) const override { return Bytes(64, 0xAB); }
  std::string Country() const override { return "D"; }
  std::string SignerId() const override { return "DEVS"; }
  std::string CertificateReference() const override { return "1A2B"; }
};

json SampleData(std::string_view profile) {
  if (profile == "eu-digital-visa") {
    return {{"visa_number", "DEU123456782"},
            {"visa_type", "C"},
            {"valid_from", "2027-03-01"},
            {"valid_until", "2027-03-31"},
            {"territory", json::array()},
            {"number_of_entries", 0},
            {"duration_of_stay_days", 15},
            {"surname", "ERIKSSON"},
            {"given_names", "ANNA MARIA"},
            {"date_of_birth", "1990-05-01"},
            {"nationality", "IND"},
            {"travel_document_number", "X1234567"},
            {"remarks", "VIS"}};
  }
  if (profile == "eu-digital-ftd" || profile == "eu-digital-frtd") {
    return {{"document_number", "LTU000123"},
            {"valid_from", "2027-03-01"},
            {"valid_until", "2030-02-28"},
            {"surname", "IVANOVA"},
            {"date_of_birth", "1985-02-03"},
            {"sex", "F"},
            {"nationality", "RUS"},
            {"travel_document_number", "751234567"},
            {"number_of_transits", profile == "eu-digital-frtd" ? 1 : 0}};
  }
  if (profile == "eu-digital-residence-permit") {
    return {
        {"permit_number", "LT1234567"}, {"permit_type", "Temporary residence permit"},
        {"grounds", "employment"},      {"valid_from", "2027-01-01"},
        {"valid_until", "2029-12-31"},  {"surname", "Kovalenko"},
        {"given_names", "Oksana"},      {"date_of_birth", "1992-07-14"},
        {"nationality", "UKR"},         {"sex", "F"},
        {"labour_market_access", 1},    {"facial_image", ToBase64(*FromHex("ffd8ffe000104a46"))}};
  }
  return {{"mrz_mrv_a", "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<L898902C<3UTO6908061F9406236"},
          {"number_of_entries", 0},
          {"duration_of_stay", {{"days", 90}, {"months", 0}, {"years", 0}}},
          {"passport_number", "L898902C<"}};
}

TEST(Encoding, EveryIssuedProfileRoundTrips) {
  const FixedSigner signer;
  for (const Profile& p : Profiles()) {
    if (!p.encodable) continue;
    SCOPED_TRACE(std::string(p.name));
    const json data = SampleData(p.name);
    const auto seal = EncodeAndSignVds(p.name, data, D("2027-02-15"), D("2027-02-16"), signer);
    ASSERT_TRUE(seal.ok()) << seal.error().message;
    const auto decoded = DecodeVds(*seal);
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    EXPECT_EQ(decoded->document_type.value_or(""), p.name);
    EXPECT_EQ(decoded->header.country, "D");
    EXPECT_EQ(decoded->header.signer, "DEVS");
    EXPECT_EQ(decoded->header.cert_ref, "1A2B");
    EXPECT_EQ(FormatIsoDate(*decoded->header.issued), "2027-02-15");
    EXPECT_EQ(*decoded->signature, Bytes(64, 0xAB));
    EXPECT_TRUE(decoded->warnings.empty());
    for (const auto& [key, value] : data.items()) {
      const SealFeature* f = FindFeature(*decoded, key);
      ASSERT_NE(f, nullptr) << key;
      if (key == "facial_image") {
        EXPECT_EQ(f->value["base64"], value);
      } else if (key.rfind("mrz", 0) == 0) {
        EXPECT_EQ(f->value["text"], value);
      } else {
        EXPECT_EQ(f->value, value) << key;
      }
    }
  }
}

TEST(Encoding, EveryBitFlipChangesWhatIsSignedOrFailsToDecode) {
  const FixedSigner signer;
  const Bytes seal = *EncodeAndSignVds("eu-digital-visa", SampleData("eu-digital-visa"),
                                       D("2027-02-15"), D("2027-02-16"), signer);
  const DecodedSeal original = *DecodeVds(seal);
  for (std::size_t i = 0; i < seal.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes flipped = seal;
      flipped[i] ^= static_cast<std::uint8_t>(1 << bit);
      const auto d = DecodeVds(flipped);
      if (!d.ok()) continue;
      EXPECT_TRUE(d->signed_data != original.signed_data || d->signature != original.signature)
          << "byte " << i << " bit " << bit;
    }
  }
}

TEST(Encoding, BadDataIsRefusedWithTheFieldName) {
  const FixedSigner signer;
  json data = SampleData("eu-digital-visa");
  data.erase("surname");
  EXPECT_EQ(EncodeAndSignVds("eu-digital-visa", data, D("2027-01-01"), D("2027-01-01"), signer)
                .error()
                .message,
            "surname: is required");
  data = SampleData("eu-digital-visa");
  data["nationality"] = "ind";
  EXPECT_NE(EncodeAndSignVds("eu-digital-visa", data, D("2027-01-01"), D("2027-01-01"), signer)
                .error()
                .message.find("nationality"),
            std::string::npos);
  data = SampleData("eu-digital-visa");
  data["colour"] = "blue";
  EXPECT_EQ(EncodeAndSignVds("eu-digital-visa", data, D("2027-01-01"), D("2027-01-01"), signer)
                .error()
                .code,
            "invalid-field");
  EXPECT_EQ(EncodeAndSignVds("no-such", {}, D("2027-01-01"), D("2027-01-01"), signer).error().code,
            "unknown-profile");
  EXPECT_EQ(EncodeAndSignVds("de-residence-permit", {}, D("2027-01-01"), D("2027-01-01"), signer)
                .error()
                .code,
            "unknown-profile");
}

TEST(DecodeSeal, AcceptsHexWithWhitespaceRawBytesAndIdbText) {
  const std::string hex = "dc03d9c5d9cac8a73a990f7134b834595e0302308a0d62b9d917a4cca93ca4d0edfc";
  const Bytes raw = *FromHex(hex);
  const auto a = DecodeSeal(AsBytes("  " + hex.substr(0, 20) + "\n" + hex.substr(20) + "\n"));
  const auto b = DecodeSeal(raw);
  ASSERT_FALSE(a.ok());  // truncated MRZ: same error both ways
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(a.error(), b.error());
  const json j = ToJson(*DecodeSeal(AsBytes(ReadSealVectors()[0].payload)));
  EXPECT_EQ(j["format"], "vds");
  EXPECT_EQ(j["header"]["version"], 4);
  EXPECT_EQ(j["header"]["signed"], "2023-07-26");
  EXPECT_TRUE(j["signature_present"]);
}

}  // namespace
}  // namespace openvap::seal
