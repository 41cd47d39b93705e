// Seal throughput (issue 3): decoding VDS and IDB seals, signing a seal, and verifying one
// through the trust store, each beside raw OpenSSL ECDSA on the same key and the same digest in
// the same run. Targets: our sign >= 90% of raw sign, our verify >= 90% of raw verify.
// docs/PERFORMANCE.md records the numbers with the command.
//
// Keys: a fresh P-256 key (certificate issued here, signer "UTTS", serial 5C) and the ICAO test
// signer UTTS5B (brainpoolP256r1, tests/vectors/seals/certs), whose third-party seal
// "vdstools:residentPermit" is verified as it comes.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "base/bytes.h"
#include "base/time.h"
#include "crypto/ec_key.h"
#include "crypto/x509.h"
#include "seal/seal.h"
#include "support/test_files.h"
#include "trust/trust_store.h"

namespace openvap {
namespace {

template <typename T>
T Must(Result<T> r) {
  if (!r.ok()) {
    (void)std::fprintf(stderr, "bench setup: %s\n", r.error().message.c_str());
    std::abort();
  }
  return std::move(*r);
}

class KeySigner : public seal::SealSigner {
 public:
  KeySigner(const crypto::PrivateKey& key, std::string serial)
      : key_(key), serial_(std::move(serial)) {}
  Result<Bytes> SignRaw(ByteView data) const override { return key_.SignRaw(data); }
  std::string Country() const override { return "UTO"; }
  std::string SignerId() const override { return "UTTS"; }
  std::string CertificateReference() const override { return serial_; }

 private:
  const crypto::PrivateKey& key_;
  std::string serial_;
};

nlohmann::json VisaData() {
  return {{"visa_number", "DEU123456782"},
          {"visa_type", "C"},
          {"valid_from", "2027-03-01"},
          {"valid_until", "2027-03-31"},
          {"territory", nlohmann::json::array()},
          {"number_of_entries", 2},
          {"duration_of_stay_days", 15},
          {"surname", "ERIKSSON"},
          {"given_names", "ANNA MARIA"},
          {"date_of_birth", "1990-05-01"},
          {"nationality", "IND"},
          {"travel_document_number", "X1234567"}};
}

// One signer: key, certificate, a trust store holding the certificate, and a seal it signed.
struct Signer {
  Signer(crypto::PrivateKey k, crypto::Certificate c)
      : key(std::move(k)), certificate(std::move(c)) {}
  crypto::PrivateKey key;
  crypto::Certificate certificate;
  std::unique_ptr<trust::TrustStore> store = std::make_unique<trust::TrustStore>();
  Bytes seal;
  seal::DecodedSeal decoded;
  Timestamp at{};
};

Signer MakeP256() {
  crypto::PrivateKey key = Must(crypto::PrivateKey::Generate(crypto::Curve::kP256));
  crypto::CertificateTemplate t;
  t.country = "UT";
  t.common_name = "TS visa signer";
  t.serial = {0x5C};
  t.not_before = Must(ParseIsoTimestamp("2026-01-01T00:00:00Z"));
  t.not_after = Must(ParseIsoTimestamp("2036-01-01T00:00:00Z"));
  t.key_usage = crypto::kDigitalSignature;
  crypto::Certificate cert = Must(crypto::IssueCertificate(t, key.public_key(), key, nullptr));
  const Date day = Must(ParseIsoDate("2027-02-15"));
  Bytes seal =
      Must(seal::EncodeAndSignVds("eu-digital-visa", VisaData(), day, day, KeySigner(key, "5C")));
  Signer s(std::move(key), std::move(cert));
  s.store->AddCertificate(s.certificate);
  s.decoded = Must(seal::DecodeVds(seal));
  s.seal = std::move(seal);
  s.at = Must(ParseIsoTimestamp("2027-03-01T00:00:00Z"));
  return s;
}

Signer MakeBrainpool() {
  const std::string dir = "tests/vectors/seals/certs/";
  Signer s(Must(crypto::PrivateKey::LoadFile(dir + "UTTS5B.key.pem")),
           Must(crypto::Certificate::Parse(Must(crypto::ReadFile(dir + "UTTS5B.der")))));
  s.store->AddCertificate(s.certificate);
  for (const auto& v : testing::ReadSealVectors()) {
    if (v.id == "vdstools:residentPermit") {
      s.seal = Must(FromHex(v.payload));
      s.at = Must(ParseIsoTimestamp(v.at));
    }
  }
  s.decoded = Must(seal::DecodeVds(s.seal));
  return s;
}

const Signer& SignerFor(const benchmark::State& state) {
  static const Signer* const kP256 = new Signer(MakeP256());
  static const Signer* const kBrainpool = new Signer(MakeBrainpool());
  return state.range(0) == 0 ? *kP256 : *kBrainpool;
}

void SetLabel(benchmark::State& state) {
  state.SetLabel(state.range(0) == 0 ? "P-256" : "brainpoolP256r1 (UTTS5B)");
}

trust::SignatureCheck CheckOf(const Signer& s) {
  trust::SignatureCheck check;
  check.signer = {trust::SignerReferenceKind::kVdsSerial, s.decoded.header.country,
                  s.decoded.header.signer, s.decoded.header.cert_ref, std::nullopt};
  check.signed_data = s.decoded.signed_data;
  check.signature_rs = *s.decoded.signature;
  check.at = s.at;
  return check;
}

// ---- decode ----

void DecodeVdsBench(benchmark::State& state) {
  const Signer& s = SignerFor(state);
  for (auto _ : state) {
    auto decoded = seal::DecodeVds(s.seal);
    if (!decoded.ok()) state.SkipWithError("not decoded");
    benchmark::DoNotOptimize(decoded);
  }
  state.SetLabel(state.range(0) == 0 ? "eu-digital-visa (ours)" : "vdstools:residentPermit");
}
BENCHMARK(DecodeVdsBench)->Arg(0)->Arg(1);

void DecodeIdbBench(benchmark::State& state) {
  std::string text;
  for (const auto& v : testing::ReadSealVectors()) {
    if (v.id == "vdstools-idb:Visa") text = v.payload;
  }
  for (auto _ : state) {
    auto decoded = seal::DecodeIdb(text);
    if (!decoded.ok()) state.SkipWithError("not decoded");
    benchmark::DoNotOptimize(decoded);
  }
  state.SetLabel("vdstools-idb:Visa");
}
BENCHMARK(DecodeIdbBench);

// ---- sign ----

// Ours, end to end: encode the EU digital visa and sign it (PrivateKey::SignRaw).
void SignSealBench(benchmark::State& state) {
  const Signer& s = SignerFor(state);
  const KeySigner signer(s.key, "5C");
  const nlohmann::json data = VisaData();
  const Date day = Must(ParseIsoDate("2027-02-15"));
  for (auto _ : state) {
    auto seal = seal::EncodeAndSignVds("eu-digital-visa", data, day, day, signer);
    if (!seal.ok()) state.SkipWithError("not signed");
    benchmark::DoNotOptimize(seal);
  }
  SetLabel(state);
}
BENCHMARK(SignSealBench)->Arg(0)->Arg(1);

// Ours, the primitive: hash and sign the seal's signed bytes, raw r||s out.
void SignRawBench(benchmark::State& state) {
  const Signer& s = SignerFor(state);
  for (auto _ : state) {
    auto sig = s.key.SignRaw(s.decoded.signed_data);
    if (!sig.ok()) state.SkipWithError("not signed");
    benchmark::DoNotOptimize(sig);
  }
  SetLabel(state);
}
BENCHMARK(SignRawBench)->Arg(0)->Arg(1);

// Raw OpenSSL at its fastest: SHA-256 of the same bytes, then EVP_PKEY_sign with a context
// made once (DER signature out, no conversion).
void OpensslSignBench(benchmark::State& state) {
  const Signer& s = SignerFor(state);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(s.key.native(), nullptr);
  if (ctx == nullptr || EVP_PKEY_sign_init(ctx) != 1) std::abort();
  unsigned char digest[SHA256_DIGEST_LENGTH];
  unsigned char sig[160];
  for (auto _ : state) {
    SHA256(s.decoded.signed_data.data(), s.decoded.signed_data.size(), digest);
    std::size_t len = sizeof(sig);
    if (EVP_PKEY_sign(ctx, sig, &len, digest, sizeof(digest)) != 1) {
      state.SkipWithError("EVP_PKEY_sign");
    }
    benchmark::DoNotOptimize(sig);
  }
  EVP_PKEY_CTX_free(ctx);
  SetLabel(state);
}
BENCHMARK(OpensslSignBench)->Arg(0)->Arg(1);

// Raw OpenSSL as PrivateKey::SignRaw calls it: a context made and initialised per signature.
void OpensslSignFreshContextBench(benchmark::State& state) {
  const Signer& s = SignerFor(state);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  unsigned char sig[160];
  for (auto _ : state) {
    SHA256(s.decoded.signed_data.data(), s.decoded.signed_data.size(), digest);
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(s.key.native(), nullptr);
    std::size_t len = sizeof(sig);
    if (ctx == nullptr || EVP_PKEY_sign_init(ctx) != 1 ||
        EVP_PKEY_sign(ctx, sig, &len, digest, sizeof(digest)) != 1) {
      state.SkipWithError("EVP_PKEY_sign");
    }
    EVP_PKEY_CTX_free(ctx);
    benchmark::DoNotOptimize(sig);
  }
  SetLabel(state);
}
BENCHMARK(OpensslSignFreshContextBench)->Arg(0)->Arg(1);

// Raw OpenSSL with a context duplicated per signature from one initialised once.
void OpensslSignDupContextBench(benchmark::State& state) {
  const Signer& s = SignerFor(state);
  EVP_PKEY_CTX* proto = EVP_PKEY_CTX_new(s.key.native(), nullptr);
  if (proto == nullptr || EVP_PKEY_sign_init(proto) != 1) std::abort();
  unsigned char digest[SHA256_DIGEST_LENGTH];
  unsigned char sig[160];
  for (auto _ : state) {
    SHA256(s.decoded.signed_data.data(), s.decoded.signed_data.size(), digest);
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_dup(proto);
    std::size_t len = sizeof(sig);
    if (ctx == nullptr || EVP_PKEY_sign(ctx, sig, &len, digest, sizeof(digest)) != 1) {
      state.SkipWithError("EVP_PKEY_sign");
    }
    EVP_PKEY_CTX_free(ctx);
    benchmark::DoNotOptimize(sig);
  }
  EVP_PKEY_CTX_free(proto);
  SetLabel(state);
}
BENCHMARK(OpensslSignDupContextBench)->Arg(0)->Arg(1);

// Raw OpenSSL, one-shot: EVP_DigestSign with a fresh EVP_MD_CTX per signature.
void OpensslDigestSignBench(benchmark::State& state) {
  const Signer& s = SignerFor(state);
  unsigned char sig[160];
  for (auto _ : state) {
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    std::size_t len = sizeof(sig);
    if (EVP_DigestSignInit(md, nullptr, EVP_sha256(), nullptr, s.key.native()) != 1 ||
        EVP_DigestSign(md, sig, &len, s.decoded.signed_data.data(), s.decoded.signed_data.size()) !=
            1) {
      state.SkipWithError("EVP_DigestSign");
    }
    EVP_MD_CTX_free(md);
    benchmark::DoNotOptimize(sig);
  }
  SetLabel(state);
}
BENCHMARK(OpensslDigestSignBench)->Arg(0)->Arg(1);

// ---- verify ----

// Ours: the trust store's verdict on the seal (signer look-up, ECDSA, validity, revocation).
void TrustStoreVerifyBench(benchmark::State& state) {
  const Signer& s = SignerFor(state);
  const trust::SignatureCheck check = CheckOf(s);
  for (auto _ : state) {
    const trust::TrustVerdict verdict = s.store->Verify(check);
    if (verdict.verdict != trust::Verdict::kValid) state.SkipWithError(verdict.reason.c_str());
    benchmark::DoNotOptimize(verdict);
  }
  SetLabel(state);
}
BENCHMARK(TrustStoreVerifyBench)->Arg(0)->Arg(1);

// Ours, what `openvap seal verify` does per seal after loading: decode, then the verdict.
void DecodeAndVerifyBench(benchmark::State& state) {
  const Signer& s = SignerFor(state);
  for (auto _ : state) {
    auto decoded = seal::DecodeVds(s.seal);
    trust::SignatureCheck check;
    check.signer = {trust::SignerReferenceKind::kVdsSerial, decoded->header.country,
                    decoded->header.signer, decoded->header.cert_ref, std::nullopt};
    check.signed_data = decoded->signed_data;
    check.signature_rs = *decoded->signature;
    check.at = s.at;
    const trust::TrustVerdict verdict = s.store->Verify(check);
    if (verdict.verdict != trust::Verdict::kValid) state.SkipWithError(verdict.reason.c_str());
    benchmark::DoNotOptimize(verdict);
  }
  SetLabel(state);
}
BENCHMARK(DecodeAndVerifyBench)->Arg(0)->Arg(1);

// Raw OpenSSL at its fastest: SHA-256 and EVP_PKEY_verify of the same signature (DER, converted
// once outside the loop) with a context made once.
void OpensslVerifyBench(benchmark::State& state) {
  const Signer& s = SignerFor(state);
  const Bytes der = Must(crypto::EcdsaRawToDer(*s.decoded.signature));
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(s.certificate.public_key().native(), nullptr);
  if (ctx == nullptr || EVP_PKEY_verify_init(ctx) != 1) std::abort();
  unsigned char digest[SHA256_DIGEST_LENGTH];
  for (auto _ : state) {
    SHA256(s.decoded.signed_data.data(), s.decoded.signed_data.size(), digest);
    if (EVP_PKEY_verify(ctx, der.data(), der.size(), digest, sizeof(digest)) != 1) {
      state.SkipWithError("EVP_PKEY_verify");
    }
  }
  EVP_PKEY_CTX_free(ctx);
  SetLabel(state);
}
BENCHMARK(OpensslVerifyBench)->Arg(0)->Arg(1);

// Raw OpenSSL, one-shot: EVP_DigestVerify with a fresh EVP_MD_CTX per verification.
void OpensslDigestVerifyBench(benchmark::State& state) {
  const Signer& s = SignerFor(state);
  const Bytes der = Must(crypto::EcdsaRawToDer(*s.decoded.signature));
  for (auto _ : state) {
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    if (EVP_DigestVerifyInit(md, nullptr, EVP_sha256(), nullptr,
                             s.certificate.public_key().native()) != 1 ||
        EVP_DigestVerify(md, der.data(), der.size(), s.decoded.signed_data.data(),
                         s.decoded.signed_data.size()) != 1) {
      state.SkipWithError("EVP_DigestVerify");
    }
    EVP_MD_CTX_free(md);
  }
  SetLabel(state);
}
BENCHMARK(OpensslDigestVerifyBench)->Arg(0)->Arg(1);

}  // namespace
}  // namespace openvap

BENCHMARK_MAIN();
