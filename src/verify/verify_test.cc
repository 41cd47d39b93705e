// Verification of seals end to end: the third-party vectors (tests/vectors/seals), a seal
// signed here with the ICAO test key, single-bit changes, and the document-type permission.
#include "verify/verify.h"

#include <gtest/gtest.h>

#include "base/bytes.h"
#include "support/test_files.h"

namespace openvap::verify {
namespace {

Timestamp T(const char* iso) { return *ParseIsoTimestamp(iso); }

constexpr const char* kCerts = "tests/vectors/seals/certs/";

std::unique_ptr<trust::TrustStore> TrustOf(const std::string& cert) {
  auto store = std::make_unique<trust::TrustStore>();
  if (!cert.empty()) {
    Status added = store->AddPath(kCerts + cert);
    EXPECT_TRUE(added.ok()) << added.error().message;
  }
  return store;
}

Bytes PayloadOf(const testing::SealVector& v) {
  if (v.format == "vds-hex") return *FromHex(v.payload);
  return Bytes(v.payload.begin(), v.payload.end());
}

// DV-OFFLINE, issue 3 "Must show": every vector gives its expected verdict at its `at`.
TEST(VerifySeal, EveryThirdPartyVectorGivesItsExpectedVerdict) {
  const auto vectors = testing::ReadSealVectors();
  ASSERT_GE(vectors.size(), 35U);
  int valid = 0;
  for (const auto& v : vectors) {
    auto trust = TrustOf(v.signer_cert);
    SealVerification result = VerifySeal(PayloadOf(v), *trust, T(v.at.c_str()));
    EXPECT_EQ(trust::VerdictName(result.verdict.verdict), v.expect)
        << v.id << ": " << result.verdict.reason;
    if (result.verdict.verdict == trust::Verdict::kValid) ++valid;
  }
  EXPECT_GT(valid, 10);
}

// A verifier that was given no certificate knows no signer; one given the wrong one neither.
TEST(VerifySeal, ValidVectorsNeedTheirSigner) {
  for (const auto& v : testing::ReadSealVectors()) {
    if (v.expect != "valid") continue;
    trust::TrustStore empty;
    EXPECT_EQ(VerifySeal(PayloadOf(v), empty, T(v.at.c_str())).verdict.verdict,
              trust::Verdict::kUnknownSigner)
        << v.id;
  }
}

TEST(VerifySeal, GarbageIsMalformedWithAReason) {
  trust::TrustStore empty;
  for (std::string_view input : {"", "dc", "RDB1", "zz not a seal", "dc03ffffffff"}) {
    SealVerification result = VerifySeal(AsBytes(input), empty, T("2027-01-01T00:00:00Z"));
    EXPECT_EQ(result.verdict.verdict, trust::Verdict::kMalformed) << input;
    EXPECT_FALSE(result.verdict.reason.empty());
    EXPECT_FALSE(result.seal.has_value());
  }
}

class IcaoTestSigner : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = crypto::PrivateKey::LoadFile(std::string(kCerts) + "UTTS5B.key.pem");
    ASSERT_TRUE(key.ok()) << key.error().message;
    auto cert =
        crypto::Certificate::Parse(testing::ReadFileBytes(std::string(kCerts) + "UTTS5B.der"));
    ASSERT_TRUE(cert.ok()) << cert.error().message;
    auto signer = CertificateSealSigner::Create(*key, *cert, "");
    ASSERT_TRUE(signer.ok()) << signer.error().message;
    signer_.emplace(std::move(*signer));
    trust_ = TrustOf("UTTS5B.der");
  }

  Bytes SignVisa() {
    const nlohmann::json data = {
        {"mrz_mrv_a", "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<L898902C<3UTO6908061F9406236"},
        {"number_of_entries", 0},
        {"duration_of_stay", {{"days", 90}, {"months", 0}, {"years", 0}}},
        {"passport_number", "L898902C<"}};
    auto seal = seal::EncodeAndSignVds("icao-visa", data, *ParseIsoDate("2026-12-01"),
                                       *ParseIsoDate("2026-12-01"), *signer_);
    EXPECT_TRUE(seal.ok()) << seal.error().message;
    return seal.ok() ? *seal : Bytes{};
  }

  std::optional<CertificateSealSigner> signer_;
  std::unique_ptr<trust::TrustStore> trust_;
};

// The header names the ICAO test signer as FORMATS.md describes: country UTO, signer UTTS,
// certificate reference 5B (the certificate's serial), so another implementation finds it.
TEST_F(IcaoTestSigner, SignsASealThatNamesItsSignerAndVerifies) {
  EXPECT_EQ(signer_->Country(), "UTO");
  EXPECT_EQ(signer_->SignerId(), "UTTS");
  EXPECT_EQ(signer_->CertificateReference(), "5B");
  const Bytes seal = SignVisa();
  ASSERT_FALSE(seal.empty());
  const SealVerification result = VerifySeal(seal, *trust_, T("2026-12-01T12:00:00Z"));
  EXPECT_EQ(result.verdict.verdict, trust::Verdict::kValid) << result.verdict.reason;
  ASSERT_TRUE(result.seal.has_value());
  EXPECT_EQ(result.seal->header.country, "UTO");
  EXPECT_EQ(result.seal->header.signer, "UTTS");
  EXPECT_EQ(result.seal->header.cert_ref, "5B");
  EXPECT_EQ(result.seal->document_type, "icao-visa");
}

// Issue 3: changing any single bit of a seal makes it fail.
TEST_F(IcaoTestSigner, EverySingleBitChangeFails) {
  const Bytes seal = SignVisa();
  ASSERT_FALSE(seal.empty());
  for (std::size_t i = 0; i < seal.size() * 8; ++i) {
    Bytes changed = seal;
    changed[i / 8] ^= static_cast<std::uint8_t>(1U << (i % 8));
    const SealVerification result = VerifySeal(changed, *trust_, T("2026-12-01T12:00:00Z"));
    ASSERT_NE(result.verdict.verdict, trust::Verdict::kValid) << "bit " << i;
  }
}

TEST_F(IcaoTestSigner, ASealIsNotValidBeforeOrAfterItsSignerIs) {
  const Bytes seal = SignVisa();
  const SealVerification late = VerifySeal(seal, *trust_, T("2099-01-01T00:00:00Z"));
  EXPECT_EQ(late.verdict.verdict, trust::Verdict::kExpiredSigner) << late.verdict.reason;
}

TEST(CertificateSealSigner, RefusesAKeyThatIsNotTheCertificates) {
  auto other = crypto::PrivateKey::Generate(crypto::Curve::kBrainpoolP256r1);
  auto cert =
      crypto::Certificate::Parse(testing::ReadFileBytes(std::string(kCerts) + "UTTS5B.der"));
  ASSERT_TRUE(other.ok() && cert.ok());
  auto signer = CertificateSealSigner::Create(*other, *cert, "");
  ASSERT_FALSE(signer.ok());
  EXPECT_EQ(signer.error().code, "key-mismatch");
}

// FORMATS.md "Trust": the document-type extension limits which documents a signer may sign.
TEST(CertificateSealSigner, AResidencePermitSignerMayNotSignVisas) {
  auto ca_key = *crypto::PrivateKey::Generate(crypto::Curve::kP256);
  auto key = *crypto::PrivateKey::Generate(crypto::Curve::kP256);
  crypto::CertificateTemplate ca;
  ca.country = "FR";
  ca.common_name = "France CSCA";
  ca.serial = {0x01};
  ca.not_before = T("2026-01-01T00:00:00Z");
  ca.not_after = T("2036-01-01T00:00:00Z");
  ca.is_ca = true;
  ca.path_length = 0;
  ca.key_usage = crypto::kKeyCertSign | crypto::kCrlSign;
  auto csca = *crypto::IssueCertificate(ca, ca_key.public_key(), ca_key, nullptr);
  crypto::CertificateTemplate ds;
  ds.country = "FR";
  ds.common_name = "RP signer";
  ds.serial = {0x2A};
  ds.not_before = T("2026-01-01T00:00:00Z");
  ds.not_after = T("2029-01-01T00:00:00Z");
  ds.key_usage = crypto::kDigitalSignature;
  ds.document_types = {"AR"};
  auto cert = *crypto::IssueCertificate(ds, key.public_key(), ca_key, &csca);
  auto signer = CertificateSealSigner::Create(key, cert, "");
  ASSERT_TRUE(signer.ok());
  EXPECT_EQ(signer->Country(), "FRA");
  EXPECT_EQ(signer->SignerId(), "FRRP");

  trust::TrustStore trust;  // the CSCA and its signer, as a trust bundle holds them
  trust.AddCertificate(csca);
  trust.AddCertificate(cert);
  const nlohmann::json visa = {{"visa_number", "FRA123456784"},
                               {"visa_type", "C"},
                               {"valid_from", "2027-01-01"},
                               {"valid_until", "2027-03-01"},
                               {"number_of_entries", 1},
                               {"duration_of_stay_days", 30},
                               {"surname", "DOE"},
                               {"nationality", "IND"},
                               {"travel_document_number", "X1234567"}};
  auto seal = seal::EncodeAndSignVds("eu-digital-visa", visa, *ParseIsoDate("2027-01-01"),
                                     *ParseIsoDate("2027-01-01"), *signer);
  ASSERT_TRUE(seal.ok()) << seal.error().message;
  const SealVerification result = VerifySeal(*seal, trust, T("2027-01-02T00:00:00Z"));
  EXPECT_EQ(result.verdict.verdict, trust::Verdict::kNotPermitted) << result.verdict.reason;

  const nlohmann::json permit = {
      {"permit_number", "FR1234567"}, {"permit_type", "temporary"}, {"valid_from", "2027-01-01"},
      {"valid_until", "2028-01-01"},  {"surname", "DOE"},           {"date_of_birth", "1990-05-01"},
      {"nationality", "IND"}};
  auto rp =
      seal::EncodeAndSignVds("eu-digital-residence-permit", permit, *ParseIsoDate("2027-01-01"),
                             *ParseIsoDate("2027-01-01"), *signer);
  ASSERT_TRUE(rp.ok()) << rp.error().message;
  EXPECT_EQ(VerifySeal(*rp, trust, T("2027-01-02T00:00:00Z")).verdict.verdict,
            trust::Verdict::kValid);
}

TEST(VerifyJson, CarriesStatusReasonSignerAndTheSeal) {
  trust::TrustStore empty;
  const nlohmann::json bad = ToJson(VerifySeal(AsBytes("xx"), empty, T("2027-01-01T00:00:00Z")));
  EXPECT_EQ(bad["status"], "malformed");
  EXPECT_TRUE(bad["signer"].is_null());
  EXPECT_FALSE(bad.contains("seal"));
}

}  // namespace
}  // namespace openvap::verify
