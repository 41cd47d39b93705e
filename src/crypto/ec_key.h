#ifndef OPENVAP_CRYPTO_EC_KEY_H_
#define OPENVAP_CRYPTO_EC_KEY_H_

// Elliptic-curve keys and ECDSA over raw r||s, as ICAO Doc 9303-13 (Visible Digital Seals)
// and the ICAO "Datastructure for Barcode" put signatures into barcodes (FORMATS.md,
// DV-SEAL, RP-OFFLINE): r and s are each left-padded to the size of the curve's order, and
// the hash is chosen by the order size (<=224 bits SHA-224, <=256 SHA-256, <=384 SHA-384,
// else SHA-512).
//
// Keys are immutable once made; sign and verify are safe to call from several threads.

#include <openvap/result.h>

#include <cstddef>
#include <istream>
#include <memory>
#include <string>
#include <string_view>

#include "base/bytes.h"

struct evp_pkey_st;      // OpenSSL's EVP_PKEY, kept opaque outside crypto
struct evp_pkey_ctx_st;  // OpenSSL's EVP_PKEY_CTX

namespace openvap::crypto {

enum class Curve { kP256, kP384, kBrainpoolP224r1, kBrainpoolP256r1 };

// "P-256", "P-384", "brainpoolP224r1", "brainpoolP256r1".
std::string_view CurveName(Curve curve);

// Accepts the names above and the OpenSSL/SEC aliases ("prime256v1", "secp256r1",
// "secp384r1"), case-insensitively. Errors: "unknown-curve" listing the supported ones.
Result<Curve> ParseCurve(std::string_view name);

enum class HashAlgorithm { kSha224, kSha256, kSha384, kSha512 };
std::string_view HashName(HashAlgorithm hash);  // "SHA-224", ...

// The hash FORMATS.md prescribes for a curve whose order has `order_bits` bits.
HashAlgorithm HashForOrderBits(int order_bits);

// An EC public key (named curve or explicit parameters).
class PublicKey {
 public:
  // A DER SubjectPublicKeyInfo. Errors: "malformed-key", "unsupported-key" (not EC).
  static Result<PublicKey> FromSpki(ByteView spki);

  // ECDSA verification of a raw r||s signature over `data` (hashed here with Hash()).
  // False for a wrong signature, a signature of the wrong length, or r/s out of range.
  bool VerifyRaw(ByteView data, ByteView signature_rs) const;

  // Verification over a precomputed digest (its length must be that of Hash()).
  bool VerifyDigestRaw(ByteView digest, ByteView signature_rs) const;

  // Bytes of each half of r||s (the order size rounded up to bytes).
  std::size_t field_size() const { return field_size_; }
  int order_bits() const { return order_bits_; }
  HashAlgorithm hash() const { return hash_; }
  // "brainpoolP256r1", "P-256", ... or "explicit parameters (224-bit)".
  const std::string& curve_description() const { return curve_description_; }
  // DER SubjectPublicKeyInfo.
  Bytes SpkiDer() const;

  // For crypto internals: the OpenSSL key (shared, immutable).
  evp_pkey_st* native() const { return pkey_.get(); }
  static Result<PublicKey> FromNative(std::shared_ptr<evp_pkey_st> pkey);

 private:
  std::shared_ptr<evp_pkey_st> pkey_;
  // A context initialised for verification once; each verification works on a duplicate
  // (EVP_PKEY_CTX_dup reads it only), which costs far less than making and initialising a
  // context. Null when initialisation failed: then a context is made per call.
  std::shared_ptr<evp_pkey_ctx_st> verify_ctx_;
  std::size_t field_size_ = 0;
  int order_bits_ = 0;
  HashAlgorithm hash_ = HashAlgorithm::kSha256;
  std::string curve_description_;
};

struct KeyOptions {
  // Write the curve as explicit parameters in the public key (as several passport PKIs do)
  // instead of a named-curve OID. Signatures are the same.
  bool explicit_parameters = false;
};

// An EC private key with its public half.
class PrivateKey {
 public:
  // A fresh key from the system CSPRNG (through OpenSSL). Errors: "key-generation-failed".
  static Result<PrivateKey> Generate(Curve curve, KeyOptions options = {});

  // PEM "PRIVATE KEY" (PKCS#8) or "EC PRIVATE KEY" (SEC 1), unencrypted.
  // Errors: "malformed-key", "unsupported-key" (not an EC key).
  static Result<PrivateKey> FromPem(std::string_view pem);
  // Errors as FromPem, plus "io-error".
  static Result<PrivateKey> LoadFile(const std::string& path);

  // Unencrypted PKCS#8 PEM.
  std::string ToPem() const;

  // Writes ToPem() to `path` readable by the owner only (mode 0600): the key goes to a
  // temporary file in the same directory, created 0600, synced and renamed over `path`, so a
  // reader never sees a partial key and the key is never world-readable. Errors: "io-error".
  Status SaveFile(const std::string& path) const;

  // ECDSA over `data` (hashed with public_key().hash()), as raw r||s of 2 * field_size()
  // bytes. Errors: "signing-failed".
  Result<Bytes> SignRaw(ByteView data) const;

  const PublicKey& public_key() const { return public_key_; }
  evp_pkey_st* native() const { return pkey_.get(); }

 private:
  static Result<PrivateKey> FromNative(std::shared_ptr<evp_pkey_st> pkey);

  std::shared_ptr<evp_pkey_st> pkey_;
  std::shared_ptr<evp_pkey_ctx_st> sign_ctx_;  // as PublicKey::verify_ctx_, for signing
  PublicKey public_key_;
};

// Writes `contents` to `path` atomically (temporary file + rename) with `mode`.
// Errors: "io-error" naming the path.
Status WriteFileAtomically(const std::string& path, std::string_view contents, unsigned mode);

// What ReadFile and ReadStream read at most: far more than any seal, certificate, trust list,
// form or scanned image, and little enough that /dev/zero given as input ends in an error
// rather than in all the machine's memory.
inline constexpr std::size_t kMaxReadBytes = std::size_t{64} << 20;  // 64 MiB

// Reads a whole file. Errors: "io-error" naming the path (a directory among them);
// "too-large" beyond kMaxReadBytes.
Result<Bytes> ReadFile(const std::string& path);

// Reads `in` to its end; `name` names it in the error. Errors: "io-error" (a read error: the
// standard input redirected from a directory, say); "too-large" beyond kMaxReadBytes.
Result<Bytes> ReadStream(std::istream& in, const std::string& name);

// DER ECDSA-Sig-Value <-> raw r||s with halves of `half` bytes. Errors: "malformed-signature".
Result<Bytes> EcdsaDerToRaw(ByteView der, std::size_t half);
Result<Bytes> EcdsaRawToDer(ByteView raw);

}  // namespace openvap::crypto

#endif  // OPENVAP_CRYPTO_EC_KEY_H_
