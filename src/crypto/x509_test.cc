// Certificates, CRLs and CMS master lists of a passport-style PKI (ICAO Doc 9303-12;
// RP-TRUST, RP-REVOKE).
#include "crypto/x509.h"

#include <gtest/gtest.h>

#include "base/time.h"
#include "crypto/cms.h"
#include "crypto/crl.h"

namespace openvap::crypto {
namespace {

Timestamp At(const char* iso) { return ParseIsoTimestamp(iso).value(); }

Certificate LoadCert(const std::string& name) {
  return Certificate::Parse(ReadFile("tests/vectors/seals/certs/" + name).value()).value();
}

struct Pki {
  PrivateKey csca_key;
  Certificate csca;
  PrivateKey signer_key;
  Certificate signer;
};

Pki MakePki(Curve curve = Curve::kP256, KeyOptions options = {}) {
  PrivateKey csca_key = PrivateKey::Generate(curve, options).value();
  CertificateTemplate ca;
  ca.country = "UT";
  ca.organization = "Utopia";
  ca.common_name = "CSCA Utopia";
  ca.serial = {0x01};
  ca.not_before = At("2024-01-01T00:00:00Z");
  ca.not_after = At("2039-01-01T00:00:00Z");
  ca.is_ca = true;
  ca.path_length = 0;
  ca.key_usage = kKeyCertSign | kCrlSign;
  auto csca = IssueCertificate(ca, csca_key.public_key(), csca_key, nullptr);
  EXPECT_TRUE(csca.ok()) << csca.error().message;
  PrivateKey signer_key = PrivateKey::Generate(curve, options).value();
  CertificateTemplate ds;
  ds.country = "UT";
  ds.common_name = "TS visa signer";
  ds.serial = {0x00, 0x5B};
  ds.not_before = At("2025-01-01T00:00:00Z");
  ds.not_after = At("2030-01-01T00:00:00Z");
  ds.key_usage = kDigitalSignature;
  ds.document_types = std::vector<std::string>{"V", "RP"};
  ds.private_key_usage_period =
      PrivateKeyUsagePeriod{At("2025-01-01T00:00:00Z"), At("2026-01-01T00:00:00Z")};
  auto signer = IssueCertificate(ds, signer_key.public_key(), csca_key, &*csca);
  EXPECT_TRUE(signer.ok()) << signer.error().message;
  return Pki{csca_key, *csca, signer_key, *signer};
}

TEST(Certificate, ReadsTheThirdPartySignerCertificates) {
  const Certificate utts = LoadCert("UTTS5B.der");
  EXPECT_EQ(utts.serial_hex(), "5B");
  EXPECT_EQ(utts.signer_id(), "UTTS");
  EXPECT_EQ(utts.subject_country(), "UT");
  EXPECT_EQ(utts.subject(), "C=UT, O=tsenger, OU=sealgen, CN=TS");
  EXPECT_EQ(FormatIsoTimestamp(utts.not_before()), "2020-06-10T07:15:00Z");
  EXPECT_EQ(FormatIsoTimestamp(utts.not_after()), "2030-06-10T07:15:00Z");
  EXPECT_FALSE(utts.is_ca());
  EXPECT_FALSE(utts.document_types().has_value());
  const Certificate dets32 = LoadCert("DETS32.der");
  EXPECT_EQ(dets32.serial_hex(), "32");
  EXPECT_EQ(dets32.signer_id(), "DETS");
  EXPECT_EQ(dets32.public_key().curve_description(), "brainpoolP224r1");
  const Certificate dets27 = LoadCert("DETS27.der");
  EXPECT_EQ(dets27.serial_hex(), "27");
  EXPECT_EQ(NormalizeSerialHex("00027"), dets27.serial_hex());
  EXPECT_EQ(ToHex(Sha1(dets27.der())), ToHex(dets27.sha1()));
  // PEM of the same certificate reads back to the same DER.
  EXPECT_EQ(Certificate::Parse(AsBytes(dets27.ToPem())).value().der(), dets27.der());
}

TEST(Certificate, IssuesCscaAndSignerWithPassportPkiExtensions) {
  const Pki pki = MakePki();
  EXPECT_TRUE(pki.csca.is_ca());
  EXPECT_EQ(pki.csca.path_length(), 0);
  EXPECT_EQ(pki.csca.key_usage(), kKeyCertSign | kCrlSign);
  EXPECT_TRUE(pki.csca.IsSelfIssued());
  EXPECT_TRUE(pki.csca.IsIssuedBy(pki.csca));
  ASSERT_TRUE(pki.csca.subject_key_id().has_value());
  EXPECT_EQ(pki.csca.authority_key_id(), pki.csca.subject_key_id());

  EXPECT_FALSE(pki.signer.is_ca());
  EXPECT_EQ(pki.signer.key_usage(), kDigitalSignature);
  EXPECT_EQ(pki.signer.serial_hex(), "5B");
  EXPECT_EQ(pki.signer.signer_id(), "UTTS");
  EXPECT_EQ(pki.signer.issuer(), pki.csca.subject());
  EXPECT_EQ(pki.signer.authority_key_id(), pki.csca.subject_key_id());
  ASSERT_TRUE(pki.signer.document_types().has_value());
  EXPECT_EQ(*pki.signer.document_types(),
            (std::vector<std::string>{"V", "RP"}));  // DER SET OF order
  ASSERT_TRUE(pki.signer.private_key_usage_period().has_value());
  EXPECT_EQ(pki.signer.private_key_usage_period()->not_after, At("2026-01-01T00:00:00Z"));
  EXPECT_TRUE(pki.signer.IsIssuedBy(pki.csca));
  EXPECT_FALSE(pki.signer.IsIssuedBy(pki.signer));
  const Pki other = MakePki();
  EXPECT_FALSE(pki.signer.IsIssuedBy(other.csca));  // same name, different key
}

TEST(Certificate, ExplicitEcParametersChain) {
  const Pki pki = MakePki(Curve::kBrainpoolP256r1, KeyOptions{true});
  EXPECT_NE(pki.signer.public_key().curve_description().find("explicit"), std::string::npos);
  const Certificate reparsed = Certificate::Parse(pki.signer.der()).value();
  EXPECT_TRUE(reparsed.IsIssuedBy(pki.csca));
  const Bytes sig = pki.signer_key.SignRaw(AsBytes("seal")).value();
  EXPECT_TRUE(reparsed.public_key().VerifyRaw(AsBytes("seal"), sig));
}

TEST(Certificate, RejectsBadTemplatesAndInput) {
  const Pki pki = MakePki();
  CertificateTemplate t;
  t.country = "Utopia";
  t.common_name = "X";
  t.serial = {1};
  t.not_before = At("2025-01-01");
  t.not_after = At("2026-01-01");
  EXPECT_EQ(IssueCertificate(t, pki.signer_key.public_key(), pki.csca_key, &pki.csca).error().code,
            "invalid-certificate-template");
  t.country = "UT";
  EXPECT_EQ(
      IssueCertificate(t, pki.signer_key.public_key(), pki.signer_key, &pki.csca).error().message,
      "the issuer key does not belong to the issuer certificate");
  EXPECT_EQ(Certificate::Parse(Bytes{}).error().code, "malformed-certificate");
  EXPECT_EQ(Certificate::Parse(AsBytes("-----BEGIN CERTIFICATE-----\nAAAA\n")).error().code,
            "malformed-certificate");
  Bytes trailing = pki.signer.der();
  trailing.push_back(0);
  EXPECT_EQ(Certificate::Parse(trailing).error().message,
            "trailing data after the DER certificate");
  EXPECT_EQ(SerialFromHex("0x5b").value(), Bytes{0x5B});
  EXPECT_EQ(SerialFromHex("00027").value(), Bytes{0x27});
  EXPECT_EQ(SerialFromHex("zz").error().code, "invalid-serial");
  EXPECT_EQ(SerialFromHex("000").error().code, "invalid-serial");
}

TEST(Crl, IssuesParsesAndChecksTheSignature) {
  const Pki pki = MakePki();
  CrlTemplate t;
  t.this_update = At("2025-06-01T00:00:00Z");
  t.next_update = At("2025-07-01T00:00:00Z");
  t.crl_number = 7;
  t.revoked.push_back({Bytes{0x5B}, At("2025-05-31T12:00:00Z")});
  auto crl = IssueCrl(pki.csca, pki.csca_key, t);
  ASSERT_TRUE(crl.ok()) << crl.error().message;
  EXPECT_EQ(crl->crl_number(), 7U);
  EXPECT_EQ(crl->issuer(), pki.csca.subject());
  EXPECT_EQ(crl->next_update(), At("2025-07-01T00:00:00Z"));
  ASSERT_EQ(crl->revoked().size(), 1U);
  EXPECT_EQ(crl->revoked()[0].serial_hex, "5B");
  EXPECT_TRUE(crl->IsIssuedBy(pki.csca));
  EXPECT_FALSE(crl->IsIssuedBy(MakePki().csca));
  const Crl reparsed = Crl::Parse(AsBytes(crl->ToPem())).value();
  EXPECT_EQ(reparsed.der(), crl->der());
  Bytes tampered = crl->der();
  tampered[tampered.size() - 5] ^= 0x01;  // inside the signature
  auto broken = Crl::Parse(tampered);
  ASSERT_TRUE(broken.ok());
  EXPECT_FALSE(broken->IsIssuedBy(pki.csca));
  EXPECT_EQ(Crl::Parse(AsBytes("garbage")).error().code, "malformed-crl");
  EXPECT_EQ(IssueCrl(pki.csca, pki.signer_key, t).error().code, "invalid-crl-template");
}

TEST(MasterList, RoundTripsAndRejectsABrokenSignature) {
  const Pki a = MakePki();
  const Pki b = MakePki(Curve::kBrainpoolP256r1);
  auto ml = CreateMasterList({a.csca, b.csca}, a.csca, a.csca_key);
  ASSERT_TRUE(ml.ok()) << ml.error().message;
  EXPECT_TRUE(LooksLikeSignedData(*ml));
  auto parsed = ParseMasterList(*ml);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_EQ(parsed->certificates.size(), 2U);
  EXPECT_EQ(parsed->signer.der(), a.csca.der());
  bool saw_a = false;
  bool saw_b = false;
  for (const Certificate& c : parsed->certificates) {
    saw_a = saw_a || c.der() == a.csca.der();
    saw_b = saw_b || c.der() == b.csca.der();
  }
  EXPECT_TRUE(saw_a && saw_b);

  // One altered byte inside the encapsulated certificates: the CMS signature must fail.
  Bytes broken = *ml;
  const Bytes needle(b.csca.der().begin() + 40, b.csca.der().begin() + 60);
  auto at = std::search(broken.begin(), broken.end(), needle.begin(), needle.end());
  ASSERT_NE(at, broken.end());
  *(at + 5) ^= 0x01;
  auto rejected = ParseMasterList(broken);
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.error().code, "cms-signature-invalid");
  EXPECT_NE(rejected.error().message.find("does not verify"), std::string::npos);

  // A SignedData of another content type is not a master list.
  auto other = CmsSign(kCmsDataOid, AsBytes("hello"), a.csca, a.csca_key).value();
  EXPECT_EQ(ParseMasterList(other).error().code, "malformed-master-list");
  EXPECT_EQ(ParseMasterList(AsBytes("nope")).error().code, "malformed-cms");
  EXPECT_EQ(CreateMasterList({}, a.csca, a.csca_key).error().code, "invalid-master-list");
}

}  // namespace
}  // namespace openvap::crypto
