// EC keys and raw r||s ECDSA (FORMATS.md "Signature zone"; DV-SEAL, RP-OFFLINE).
#include "crypto/ec_key.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "crypto/x509.h"

namespace openvap::crypto {
namespace {

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Certificate LoadCert(const std::string& name) {
  auto bytes = ReadFile("tests/vectors/seals/certs/" + name);
  EXPECT_TRUE(bytes.ok()) << bytes.error().message;
  auto cert = Certificate::Parse(*bytes);
  EXPECT_TRUE(cert.ok()) << cert.error().message;
  return *cert;
}

// Splits a VDS (hex) at its signature zone by hand: the signed data is everything before the
// 0xFF tag, the signature is the value after the one-byte DER length (FORMATS.md).
struct SplitSeal {
  Bytes signed_data;
  Bytes signature;
};
SplitSeal SplitAt(const std::string& hex, const std::string& marker) {
  const std::size_t at = hex.rfind(marker);
  EXPECT_NE(at, std::string::npos);
  SplitSeal s;
  s.signed_data = FromHex(hex.substr(0, at)).value();
  s.signature = FromHex(hex.substr(at + marker.size())).value();
  return s;
}

class CurveTest : public ::testing::TestWithParam<std::pair<Curve, std::size_t>> {};

TEST_P(CurveTest, SignsAndVerifiesRawSignaturesOfTheFieldSize) {
  const auto [curve, field] = GetParam();
  auto key = PrivateKey::Generate(curve);
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_EQ(key->public_key().field_size(), field);
  EXPECT_EQ(key->public_key().curve_description(), CurveName(curve));
  const Bytes data = {1, 2, 3, 4, 5};
  for (int i = 0; i < 20; ++i) {  // r or s with leading zero bytes must round trip too
    auto sig = key->SignRaw(data);
    ASSERT_TRUE(sig.ok()) << sig.error().message;
    ASSERT_EQ(sig->size(), 2 * field);
    EXPECT_TRUE(key->public_key().VerifyRaw(data, *sig));
    Bytes tampered = *sig;
    tampered[i % tampered.size()] ^= 0x01;
    EXPECT_FALSE(key->public_key().VerifyRaw(data, tampered));
  }
  const Bytes sig = key->SignRaw(data).value();
  EXPECT_FALSE(key->public_key().VerifyRaw(Bytes{1, 2, 3, 4, 6}, sig));
  EXPECT_FALSE(key->public_key().VerifyRaw(data, ByteView(sig).first(sig.size() - 1)));
  EXPECT_FALSE(key->public_key().VerifyRaw(data, Bytes(2 * field, 0)));
  EXPECT_FALSE(key->public_key().VerifyRaw(data, Bytes(2 * field, 0xFF)));
  EXPECT_FALSE(key->public_key().VerifyRaw(data, {}));
}

INSTANTIATE_TEST_SUITE_P(Curves, CurveTest,
                         ::testing::Values(std::pair{Curve::kP256, std::size_t{32}},
                                           std::pair{Curve::kP384, std::size_t{48}},
                                           std::pair{Curve::kBrainpoolP224r1, std::size_t{28}},
                                           std::pair{Curve::kBrainpoolP256r1, std::size_t{32}}));

// Sign and verify work on duplicates of a context each key holds: copies of one key used
// from several threads at once must all sign and verify (and reject a changed message).
TEST(EcKey, SignsAndVerifiesFromSeveralThreadsWithOneKey) {
  const PrivateKey key = *PrivateKey::Generate(Curve::kP256);
  std::vector<std::thread> threads;
  std::vector<int> good(4, 0);
  for (std::size_t t = 0; t < good.size(); ++t) {
    threads.emplace_back([&key, &good, t] {
      const PrivateKey copy = key;
      for (int i = 0; i < 50; ++i) {
        const Bytes data = {static_cast<std::uint8_t>(t), static_cast<std::uint8_t>(i)};
        const auto sig = (i % 2 == 0 ? key : copy).SignRaw(data);
        if (!sig.ok()) continue;
        const Bytes other = {static_cast<std::uint8_t>(t), static_cast<std::uint8_t>(i + 1)};
        if (copy.public_key().VerifyRaw(data, *sig) && !key.public_key().VerifyRaw(other, *sig)) {
          ++good[t];
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (const int g : good) EXPECT_EQ(g, 50);
}

TEST(EcKey, HashFollowsTheOrderSize) {
  EXPECT_EQ(HashForOrderBits(224), HashAlgorithm::kSha224);
  EXPECT_EQ(HashForOrderBits(256), HashAlgorithm::kSha256);
  EXPECT_EQ(HashForOrderBits(384), HashAlgorithm::kSha384);
  EXPECT_EQ(HashForOrderBits(521), HashAlgorithm::kSha512);
  EXPECT_EQ(PrivateKey::Generate(Curve::kBrainpoolP224r1)->public_key().hash(),
            HashAlgorithm::kSha224);
  EXPECT_EQ(PrivateKey::Generate(Curve::kP384)->public_key().hash(), HashAlgorithm::kSha384);
}

TEST(EcKey, ParsesCurveNamesAndRejectsOthers) {
  EXPECT_EQ(ParseCurve("p-256").value(), Curve::kP256);
  EXPECT_EQ(ParseCurve("prime256v1").value(), Curve::kP256);
  EXPECT_EQ(ParseCurve("BrainpoolP256r1").value(), Curve::kBrainpoolP256r1);
  EXPECT_EQ(ParseCurve("secp384r1").value(), Curve::kP384);
  const auto bad = ParseCurve("ed25519");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "unknown-curve");
  EXPECT_NE(bad.error().message.find("brainpoolP224r1"), std::string::npos);
}

TEST(EcKey, ExplicitParametersSignAndVerify) {
  auto key = PrivateKey::Generate(Curve::kBrainpoolP256r1, KeyOptions{true});
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_NE(key->public_key().curve_description().find("explicit"), std::string::npos)
      << key->public_key().curve_description();
  auto reloaded = PublicKey::FromSpki(key->public_key().SpkiDer());
  ASSERT_TRUE(reloaded.ok()) << reloaded.error().message;
  EXPECT_EQ(reloaded->field_size(), 32U);
  const Bytes sig = key->SignRaw(AsBytes("seal")).value();
  EXPECT_TRUE(reloaded->VerifyRaw(AsBytes("seal"), sig));
}

TEST(EcKey, PemRoundTripAndOwnerOnlyFile) {
  auto key = PrivateKey::Generate(Curve::kP256).value();
  const std::string dir = ::testing::TempDir() + "/ec_key_test";
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/signer.key";
  ASSERT_TRUE(key.SaveFile(path).ok());
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);
  auto loaded = PrivateKey::LoadFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const Bytes sig = loaded->SignRaw(AsBytes("x")).value();
  EXPECT_TRUE(key.public_key().VerifyRaw(AsBytes("x"), sig));
  // Overwriting keeps the mode and leaves no temporary file behind.
  ASSERT_TRUE(key.SaveFile(path).ok());
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 1U);
  std::filesystem::remove_all(dir);
}

TEST(EcKey, RejectsWhatIsNotAKey) {
  EXPECT_EQ(PrivateKey::FromPem("hello").error().code, "malformed-key");
  EXPECT_EQ(PublicKey::FromSpki(Bytes{0x30, 0x03, 0x02, 0x01, 0x00}).error().code, "malformed-key");
  EXPECT_EQ(PrivateKey::LoadFile("/nonexistent/key.pem").error().code, "io-error");
  EXPECT_EQ(EcdsaDerToRaw(Bytes{0x30, 0x00}, 32).error().code, "malformed-signature");
}

TEST(EcKey, DerAndRawSignaturesConvert) {
  const Bytes raw = FromHex(
                        "00ff"
                        "0001")
                        .value();  // r = 0x00ff, s = 0x0001 (16-bit halves)
  const Bytes der = EcdsaRawToDer(raw).value();
  EXPECT_EQ(ToHex(der), "3007020200ff020101");
  EXPECT_EQ(EcdsaDerToRaw(der, 2).value(), raw);
}

// ICAO Doc 9303-7 Appendix E: the published test key signs what its certificate verifies.
TEST(EcKey, IcaoTestKeySignsWhatUtts5bVerifies) {
  auto key = PrivateKey::FromPem(ReadText("tests/vectors/seals/certs/UTTS5B.key.pem"));
  ASSERT_TRUE(key.ok()) << key.error().message;
  const Certificate cert = LoadCert("UTTS5B.der");
  EXPECT_EQ(cert.public_key().curve_description(), "brainpoolP256r1");
  const ByteView data = AsBytes("OpenVAP digital visa");
  const Bytes sig = key->SignRaw(data).value();
  EXPECT_EQ(sig.size(), 64U);
  EXPECT_TRUE(cert.public_key().VerifyRaw(data, sig));
}

// Real seals made by other implementations, split by hand (no seal codec involved).
TEST(EcKey, VerifiesThirdPartySealsSplitByHand) {
  // li0ard/vds "Visa document", brainpoolP256r1 / SHA-256: ff 40 + 64 bytes r||s.
  const SplitSeal visa = SplitAt(
      "dc03d9c5d9cac8a73a990f7134b834595d01022cdd52134a74da1347c6fed95cb89f9fce133c133c133c133c"
      "203833734aaf47f0c32f1a1e20eb2625393afe310403a00000050633be1fed20c603010c0601aa0701bbff40"
      "0b276b4522526b723e2140f14bef1c25048cfed9223268c24337e7a6b5b9f02b1e15c86734ef7101d98386"
      "9278ce1066694dd80e8b842b82b592db6fd56c10ae",
      "ff40");
  const Certificate utts = LoadCert("UTTS5B.der");
  EXPECT_TRUE(utts.public_key().VerifyRaw(visa.signed_data, visa.signature));
  Bytes altered = visa.signed_data;
  altered[20] ^= 0x01;
  EXPECT_FALSE(utts.public_key().VerifyRaw(altered, visa.signature));

  // tsenger/vdstools visa_224bitSig, brainpoolP224r1 / SHA-224 (DETS32): ff 38 + 56 bytes.
  const SplitSeal visa224 = SplitAt(
      "dc03d9c56d32c8a72cb10f71347d00175d01022cdd52134a74da1347c6fed95cb89f9fce133c133c133c133c"
      "203833734aaf47f0c32f1a1e20eb2625393afe310403a00000050633be1fed20c6ff389fd029c66fb2e4bf36"
      "1cdbffd8f5931b6259f645b077702c617f453d0b898a55e6e7870974ffe7b3ac416acde6b03b3c3a8cb5a22b"
      "456816",
      "ff38");
  const Certificate dets32 = LoadCert("DETS32.der");
  EXPECT_EQ(dets32.public_key().field_size(), 28U);
  EXPECT_EQ(dets32.public_key().hash(), HashAlgorithm::kSha224);
  EXPECT_TRUE(dets32.public_key().VerifyRaw(visa224.signed_data, visa224.signature));

  // tsenger/vdstools socialInsurance (header v3), DETS27, brainpoolP256r1.
  const SplitSeal social = SplitAt(
      "dc02d9c56d32c8a519fc0f71346f1d67fc0401083fee456d2de019a8020b506572736368776569c39f0305"
      "4f7363617204134ac3a2636f62c3a96e69646963747572697573ff401dce81e863b01cffe5b099a5bbfca6"
      "0730ec9e090a1c82fa00580eb592a9fc921d5f02ce8d1ec4e3aa3cb4cea3afef1c382b44ed8da7105372fc"
      "1d2e8d91a393",
      "ff40");
  EXPECT_TRUE(LoadCert("DETS27.der").public_key().VerifyRaw(social.signed_data, social.signature));
  EXPECT_FALSE(utts.public_key().VerifyRaw(social.signed_data, social.signature));
}

}  // namespace
}  // namespace openvap::crypto
