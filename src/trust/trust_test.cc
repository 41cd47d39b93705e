// The trust store with a PKI made here (fixed clock) and with the third-party signer
// certificates of tests/vectors/seals: every verdict, master lists and bundles.
#include <gtest/gtest.h>

#include <filesystem>

#include "base/time.h"
#include "crypto/cms.h"
#include "support/process.h"
#include "support/test_files.h"
#include "trust/trust_store.h"

namespace openvap::trust {
namespace {

using crypto::Certificate;
using crypto::PrivateKey;

Timestamp T(const char* iso) { return *ParseIsoTimestamp(iso); }

struct Pki {
  PrivateKey csca_key = *PrivateKey::Generate(crypto::Curve::kP256);
  Certificate csca;
  PrivateKey signer_key = *PrivateKey::Generate(crypto::Curve::kP256);
  Certificate signer;

  Pki() {
    crypto::CertificateTemplate ca;
    ca.country = "UT";
    ca.common_name = "Utopia CSCA";
    ca.serial = {0x01};
    ca.not_before = T("2026-01-01");
    ca.not_after = T("2036-01-01");
    ca.is_ca = true;
    ca.path_length = 0;
    ca.key_usage = crypto::kKeyCertSign | crypto::kCrlSign;
    csca = *crypto::IssueCertificate(ca, csca_key.public_key(), csca_key, nullptr);
    signer = Signer(0x5B, {"V"});
  }

  Certificate Signer(std::uint8_t serial, std::vector<std::string> types,
                     Timestamp from = T("2026-06-01"), Timestamp until = T("2029-06-01")) {
    crypto::CertificateTemplate t;
    t.country = "UT";
    t.common_name = "TS visa signer";
    t.serial = {serial};
    t.not_before = from;
    t.not_after = until;
    t.key_usage = crypto::kDigitalSignature;
    t.document_types = std::move(types);
    return *crypto::IssueCertificate(t, signer_key.public_key(), csca_key, &csca);
  }

  crypto::Crl Crl(const std::vector<std::uint8_t>& revoked) {
    crypto::CrlTemplate t;
    t.this_update = T("2027-01-01");
    t.next_update = T("2027-02-01");
    for (std::uint8_t s : revoked) t.revoked.push_back({{s}, T("2026-12-24")});
    return *crypto::IssueCrl(csca, csca_key, t);
  }
};

// A document signer certificate of `key` that names itself as issuer, as other implementations'
// test signers (UTTS5B.der) do.
Certificate SelfSigned(const PrivateKey& key) {
  crypto::CertificateTemplate t;
  t.country = "UT";
  t.common_name = "TS test signer";
  t.serial = {0x77};
  t.not_before = T("2026-01-01");
  t.not_after = T("2030-01-01");
  t.key_usage = crypto::kDigitalSignature;
  return *crypto::IssueCertificate(t, key.public_key(), key, nullptr);
}

SignatureCheck Check(const Bytes& data, const Bytes& sig, const std::string& ref = "5B",
                     const char* at = "2027-03-01") {
  SignatureCheck c;
  c.signer = {SignerReferenceKind::kVdsSerial, "UTO", "UTTS", ref, std::nullopt};
  c.signed_data = data;
  c.signature_rs = sig;
  c.at = T(at);
  return c;
}

TEST(TrustStore, EveryVerdictOfAVdsSignature) {
  Pki pki;
  const std::string text = "header and message zone";
  const Bytes data(text.begin(), text.end());
  const Bytes sig = *pki.signer_key.SignRaw(data);
  TrustStore pinned;
  pinned.AddCertificate(pki.signer);  // a pinned signer is its own anchor
  EXPECT_EQ(pinned.Verify(Check(data, sig)).verdict, Verdict::kValid);
  EXPECT_EQ(pinned.Verify(Check(data, sig, "005B")).verdict, Verdict::kValid);  // leading zeros
  // A pinned signer verifies a seal whose header names another reference (issue 3: every
  // certificate given is an anchor); a signature it did not make stays unknown.
  EXPECT_EQ(pinned.Verify(Check(data, sig, "5C")).verdict, Verdict::kValid);
  const Bytes other_sig = *PrivateKey::Generate(crypto::Curve::kP256)->SignRaw(data);
  EXPECT_EQ(pinned.Verify(Check(data, other_sig, "5C")).verdict, Verdict::kUnknownSigner);
  // Also beside more signers under a CSCA than the fallback tries (a server holding every
  // state's): the signer pinned on its own is tried first.
  TrustStore crowded;
  std::vector<Pki> states(10);
  for (const Pki& state : states) {
    crowded.AddCertificate(state.csca);
    crowded.AddCertificate(state.signer);
  }
  crowded.AddCertificate(SelfSigned(pki.signer_key));
  EXPECT_EQ(crowded.Verify(Check(data, sig, "5C")).verdict, Verdict::kValid);
  TrustStore csca_only;
  csca_only.AddCertificate(pki.csca);  // a CA never signs seals: no fallback to it
  EXPECT_EQ(csca_only.Verify(Check(data, sig, "5C")).verdict, Verdict::kUnknownSigner);
  Bytes tampered = data;
  tampered[0] ^= 1;
  EXPECT_EQ(pinned.Verify(Check(tampered, sig)).verdict, Verdict::kInvalidSignature);
  EXPECT_EQ(pinned.Verify(Check(data, sig, "5B", "2029-06-02")).verdict, Verdict::kExpiredSigner);
  EXPECT_EQ(pinned.Verify(Check(data, sig, "5B", "2026-05-31")).verdict, Verdict::kExpiredSigner);

  SignatureCheck typed = Check(data, sig);
  typed.document_type = "AR";
  EXPECT_EQ(pinned.Verify(typed).verdict, Verdict::kNotPermitted);
  typed.document_type = "VC";  // the list's "V" covers every visa code
  EXPECT_EQ(pinned.Verify(typed).verdict, Verdict::kValid);

  // Revocation by a CRL of the CSCA (RP-REVOKE), whatever order the files come in.
  TrustStore store;
  store.AddCrl(pki.Crl({0x5B}));
  store.AddCertificate(pki.signer);
  EXPECT_EQ(store.Verify(Check(data, sig)).verdict, Verdict::kValid);  // CRL issuer unknown yet
  store.AddCertificate(pki.csca);
  const TrustVerdict revoked = store.Verify(Check(data, sig));
  EXPECT_EQ(revoked.verdict, Verdict::kRevokedSigner);
  EXPECT_NE(revoked.reason.find("2026-12-24"), std::string::npos);
  EXPECT_EQ(*revoked.signer_subject, pki.signer.subject());
  EXPECT_EQ(VerdictName(Verdict::kRevokedSigner), "revoked-signer");
}

TEST(TrustStore, AForgedCrlIsIgnored) {
  Pki pki;
  Pki other;
  TrustStore store;
  store.AddCertificate(pki.csca);
  store.AddCertificate(pki.signer);
  store.AddCrl(other.Crl({0x5B}));  // signed by another CA with the same name
  const Bytes data = {1, 2, 3};
  EXPECT_EQ(store.Verify(Check(data, *pki.signer_key.SignRaw(data))).verdict, Verdict::kValid);
}

TEST(TrustStore, AnIdbSealsOwnCertificateMustChainToAnAnchor) {
  Pki pki;
  const Bytes data = {9, 8, 7};
  const Bytes sig = *pki.signer_key.SignRaw(data);
  const auto& sha1 = pki.signer.sha1();
  SignatureCheck c;
  c.signer = {SignerReferenceKind::kIdbSha1Suffix, "UTO", "", ToHex(ByteView(sha1.data() + 15, 5)),
              pki.signer.der()};
  c.signed_data = data;
  c.signature_rs = sig;
  c.at = T("2027-03-01");
  TrustStore empty;
  EXPECT_EQ(empty.Verify(c).verdict, Verdict::kUntrustedChain);
  TrustStore with_csca;
  with_csca.AddCertificate(pki.csca);
  EXPECT_EQ(with_csca.Verify(c).verdict, Verdict::kValid);
  c.signer.embedded_certificate_der.reset();
  EXPECT_EQ(with_csca.Verify(c).verdict, Verdict::kUnknownSigner);
}

TEST(TrustStore, MasterListsAndBundlesRoundTripAndForgeriesAreRefused) {
  Pki pki;
  TrustStore source;
  source.AddCertificate(pki.csca);
  source.AddCertificate(pki.signer);
  source.AddCrl(pki.Crl({0x07}));
  const Bytes master_list = *source.ExportMasterList(pki.csca, pki.csca_key);
  TrustStore from_list;
  ASSERT_TRUE(from_list.AddBytes(master_list, "list").ok());
  ASSERT_EQ(from_list.certificates().size(), 1U);  // the CSCA only
  EXPECT_TRUE(from_list.certificates()[0].is_ca());

  const Bytes bundle = *source.ExportBundle(pki.csca, pki.csca_key, T("2027-01-01"));
  TrustStore offline;
  ASSERT_TRUE(offline.AddBytes(bundle, "bundle").ok());
  EXPECT_EQ(offline.certificates().size(), 2U);
  EXPECT_EQ(offline.crls().size(), 1U);
  const Bytes data = {5, 5, 5};
  EXPECT_EQ(offline.Verify(Check(data, *pki.signer_key.SignRaw(data))).verdict, Verdict::kValid);

  Bytes forged = bundle;
  forged[forged.size() / 2] ^= 0x01;
  TrustStore refused;
  const Status s = refused.AddBytes(forged, "forged-bundle");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "malformed-trust");
  EXPECT_TRUE(refused.certificates().empty());
  EXPECT_EQ(refused.AddBytes(AsBytes(std::string("hello")), "x").error().code, "malformed-trust");
}

// A PEM master list used to make AddBytes call itself on the same PEM block until the stack
// ran out (found by fuzz/master_list_load; the seed is fuzz/corpus/master_list_load/*.pem).
TEST(TrustStore, LoadsAPemMasterList) {
  Pki pki;
  TrustStore source;
  source.AddCertificate(pki.csca);
  const Bytes master_list = *source.ExportMasterList(pki.csca, pki.csca_key);
  std::string pem = "-----BEGIN CMS-----\n";
  const std::string b64 = ToBase64(master_list);
  for (std::size_t i = 0; i < b64.size(); i += 64) pem += b64.substr(i, 64) + "\n";
  pem += "-----END CMS-----\n";
  TrustStore store;
  ASSERT_TRUE(store.AddBytes(AsBytes(pem), "list.pem").ok());
  EXPECT_EQ(store.certificates().size(), 1U);
  const std::string broken = "-----BEGIN PKCS7-----\n%%%\n-----END PKCS7-----\n";
  EXPECT_EQ(store.AddBytes(AsBytes(broken), "x.pem").error().code, "malformed-trust");
}

TEST(TrustStore, LoadsFilesAndDirectoriesOfTheThirdPartyCertificates) {
  TrustStore store;
  ASSERT_TRUE(store.AddPath("tests/vectors/seals/certs").ok());
  EXPECT_EQ(store.certificates().size(), 3U);  // the private key file is skipped
  TrustStore single;
  ASSERT_TRUE(single.AddPath("tests/vectors/seals/certs/DETS32.der").ok());
  EXPECT_EQ(single.AddPath("no/such/file").error().code, "io-error");
  // A folder of states' folders (openvap serve's pki/FR/csca.pem, ...) is searched whole.
  openvap::testing::TempDir dir;
  std::filesystem::create_directories(dir.path() + "/pki/DE/old");
  std::filesystem::copy_file("tests/vectors/seals/certs/DETS32.der",
                             dir.path() + "/pki/DE/old/DETS32.der");
  TrustStore nested;
  ASSERT_TRUE(nested.AddPath(dir.path() + "/pki").ok());
  EXPECT_EQ(nested.certificates().size(), 1U);
}

TEST(TrustStore, VerifiesARealSealOfAnotherImplementationSplitByHand) {
  // li0ard:Visa document: everything before the ff40 signature zone is signed; the 64 bytes
  // after it are r||s (brainpoolP256r1, SHA-256).
  std::string hex;
  for (const auto& v : openvap::testing::ReadSealVectors()) {
    if (v.id == "li0ard:Visa document") hex = v.payload;
  }
  const Bytes seal = *FromHex(hex);
  const std::size_t zone = seal.size() - 66;
  ASSERT_EQ(seal[zone], 0xFF);
  const Bytes data(seal.begin(), seal.begin() + static_cast<std::ptrdiff_t>(zone));
  const Bytes sig(seal.begin() + static_cast<std::ptrdiff_t>(zone + 2), seal.end());
  TrustStore store;
  ASSERT_TRUE(store.AddPath("tests/vectors/seals/certs/UTTS5B.der").ok());
  EXPECT_EQ(store.Verify(Check(data, sig, "5B", "2025-12-07T12:00:00Z")).verdict, Verdict::kValid);
}

}  // namespace
}  // namespace openvap::trust
