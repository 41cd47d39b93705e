#include "crypto/ec_key.h"

#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "crypto/der.h"
#include "crypto/ossl.h"

namespace openvap::crypto {
namespace {

using internal::BioPtr;
using internal::EvpPkeyCtxPtr;
using internal::EvpPkeyPtr;
using internal::TakeOpensslError;

struct CurveInfo {
  Curve curve;
  std::string_view name;
  const char* openssl_name;
};

constexpr CurveInfo kCurves[] = {
    {Curve::kP256, "P-256", "prime256v1"},
    {Curve::kP384, "P-384", "secp384r1"},
    {Curve::kBrainpoolP224r1, "brainpoolP224r1", "brainpoolP224r1"},
    {Curve::kBrainpoolP256r1, "brainpoolP256r1", "brainpoolP256r1"},
};

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::shared_ptr<evp_pkey_st> Share(EVP_PKEY* pkey) {
  return {pkey, [](EVP_PKEY* p) { EVP_PKEY_free(p); }};
}

// A context for `pkey` initialised by `init` (EVP_PKEY_sign_init or EVP_PKEY_verify_init),
// shared by every copy of the key; null when it cannot be made.
std::shared_ptr<evp_pkey_ctx_st> InitialisedContext(EVP_PKEY* pkey, int (*init)(EVP_PKEY_CTX*)) {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(pkey, nullptr);
  if (ctx == nullptr || init(ctx) != 1) {
    EVP_PKEY_CTX_free(ctx);
    ERR_clear_error();
    return nullptr;
  }
  return {ctx, [](EVP_PKEY_CTX* p) { EVP_PKEY_CTX_free(p); }};
}

// A context ready for one operation: a duplicate of `prototype`, or else a new one made from
// `pkey` and initialised. Null on failure.
EvpPkeyCtxPtr OperationContext(const std::shared_ptr<evp_pkey_ctx_st>& prototype, EVP_PKEY* pkey,
                               int (*init)(EVP_PKEY_CTX*)) {
  if (prototype) {
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_dup(prototype.get()));
    if (ctx) return ctx;
  }
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(pkey, nullptr));
  if (!ctx || init(ctx.get()) != 1) return nullptr;
  return ctx;
}

std::string GroupDescription(EVP_PKEY* pkey, int order_bits) {
  char encoding[32] = {0};
  std::size_t len = 0;
  const bool is_explicit = EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_EC_ENCODING,
                                                          encoding, sizeof(encoding), &len) == 1 &&
                           std::string_view(encoding, len) == OSSL_PKEY_EC_ENCODING_EXPLICIT;
  char group[64] = {0};
  std::string name;
  if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                     &len) == 1) {
    name = std::string(group, len);
    for (const CurveInfo& c : kCurves) {
      if (name == c.openssl_name) name = std::string(c.name);
    }
  }
  ERR_clear_error();
  if (name.empty()) name = std::to_string(order_bits) + "-bit curve";
  return is_explicit ? name + " (explicit parameters)" : name;
}

// Hashes `data` with `hash` into `out`; returns the digest length.
std::size_t Digest(HashAlgorithm hash, ByteView data, std::array<std::uint8_t, 64>& out) {
  switch (hash) {
    case HashAlgorithm::kSha224:
      SHA224(data.data(), data.size(), out.data());
      return 28;
    case HashAlgorithm::kSha256:
      SHA256(data.data(), data.size(), out.data());
      return 32;
    case HashAlgorithm::kSha384:
      SHA384(data.data(), data.size(), out.data());
      return 48;
    case HashAlgorithm::kSha512:
      SHA512(data.data(), data.size(), out.data());
      return 64;
  }
  return 0;
}

std::size_t DigestSize(HashAlgorithm hash) {
  switch (hash) {
    case HashAlgorithm::kSha224:
      return 28;
    case HashAlgorithm::kSha256:
      return 32;
    case HashAlgorithm::kSha384:
      return 48;
    case HashAlgorithm::kSha512:
      return 64;
  }
  return 0;
}

// Appends a DER INTEGER for the unsigned big-endian `value` to `out`.
void AppendDerUnsigned(ByteView value, std::uint8_t* out, std::size_t* pos) {
  while (value.size() > 1 && value[0] == 0) value = value.subspan(1);
  const bool pad = (value[0] & 0x80) != 0;
  out[(*pos)++] = der::kInteger;
  out[(*pos)++] = static_cast<std::uint8_t>(value.size() + (pad ? 1 : 0));
  if (pad) out[(*pos)++] = 0;
  std::memcpy(out + *pos, value.data(), value.size());
  *pos += value.size();
}

Error IoError(const std::string& what, const std::string& path) {
  return Error{"io-error", what + " '" + path + "': " + std::strerror(errno)};
}

}  // namespace

std::string_view CurveName(Curve curve) {
  for (const CurveInfo& c : kCurves) {
    if (c.curve == curve) return c.name;
  }
  return "unknown";
}

Result<Curve> ParseCurve(std::string_view name) {
  const std::string n = Lower(name);
  for (const CurveInfo& c : kCurves) {
    if (n == Lower(c.name) || n == Lower(c.openssl_name)) return c.curve;
  }
  if (n == "secp256r1" || n == "p256") return Curve::kP256;
  if (n == "p384") return Curve::kP384;
  return Error{"unknown-curve", "unknown curve '" + std::string(name) +
                                    "'; supported: P-256, P-384, brainpoolP224r1, "
                                    "brainpoolP256r1"};
}

std::string_view HashName(HashAlgorithm hash) {
  switch (hash) {
    case HashAlgorithm::kSha224:
      return "SHA-224";
    case HashAlgorithm::kSha256:
      return "SHA-256";
    case HashAlgorithm::kSha384:
      return "SHA-384";
    case HashAlgorithm::kSha512:
      return "SHA-512";
  }
  return "unknown";
}

HashAlgorithm HashForOrderBits(int order_bits) {
  if (order_bits <= 224) return HashAlgorithm::kSha224;
  if (order_bits <= 256) return HashAlgorithm::kSha256;
  if (order_bits <= 384) return HashAlgorithm::kSha384;
  return HashAlgorithm::kSha512;
}

// ---- PublicKey ----

Result<PublicKey> PublicKey::FromNative(std::shared_ptr<evp_pkey_st> pkey) {
  if (!pkey || EVP_PKEY_get_base_id(pkey.get()) != EVP_PKEY_EC) {
    return Error{"unsupported-key", "not an elliptic-curve key (ECDSA is required)"};
  }
  PublicKey key;
  key.order_bits_ = EVP_PKEY_get_bits(pkey.get());
  if (key.order_bits_ <= 0 || key.order_bits_ > 521) {
    return Error{"malformed-key", "the EC key has no usable curve order"};
  }
  key.field_size_ = static_cast<std::size_t>((key.order_bits_ + 7) / 8);
  key.hash_ = HashForOrderBits(key.order_bits_);
  key.curve_description_ = GroupDescription(pkey.get(), key.order_bits_);
  key.verify_ctx_ = InitialisedContext(pkey.get(), EVP_PKEY_verify_init);
  key.pkey_ = std::move(pkey);
  return key;
}

Result<PublicKey> PublicKey::FromSpki(ByteView spki) {
  const unsigned char* p = spki.data();
  EVP_PKEY* pkey = d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size()));  // NOLINT
  if (pkey == nullptr) {
    return Error{"malformed-key", TakeOpensslError("not a DER SubjectPublicKeyInfo")};
  }
  return FromNative(Share(pkey));
}

bool PublicKey::VerifyRaw(ByteView data, ByteView signature_rs) const {
  std::array<std::uint8_t, 64> digest{};
  const std::size_t n = Digest(hash_, data, digest);
  return VerifyDigestRaw(ByteView(digest.data(), n), signature_rs);
}

bool PublicKey::VerifyDigestRaw(ByteView digest, ByteView signature_rs) const {
  if (!pkey_ || signature_rs.size() != 2 * field_size_ || digest.size() != DigestSize(hash_)) {
    return false;
  }
  // DER ECDSA-Sig-Value built by hand: two INTEGERs of at most 67 bytes each.
  std::array<std::uint8_t, 160> der{};
  std::size_t pos = 3;  // room for SEQUENCE tag and a length of up to 2 bytes
  AppendDerUnsigned(signature_rs.first(field_size_), der.data(), &pos);
  AppendDerUnsigned(signature_rs.subspan(field_size_), der.data(), &pos);
  const std::size_t body = pos - 3;
  std::size_t start = 0;
  if (body < 0x80) {
    start = 1;
    der[1] = der::kSequence;
    der[2] = static_cast<std::uint8_t>(body);
  } else {
    der[0] = der::kSequence;
    der[1] = 0x81;
    der[2] = static_cast<std::uint8_t>(body);
  }
  const EvpPkeyCtxPtr ctx = OperationContext(verify_ctx_, pkey_.get(), EVP_PKEY_verify_init);
  const bool ok = ctx && EVP_PKEY_verify(ctx.get(), der.data() + start, pos - start, digest.data(),
                                         digest.size()) == 1;
  if (!ok) ERR_clear_error();
  return ok;
}

Bytes PublicKey::SpkiDer() const {
  unsigned char* out = nullptr;
  const int len = i2d_PUBKEY(pkey_.get(), &out);
  if (len <= 0) return {};
  Bytes der(out, out + len);
  OPENSSL_free(out);
  return der;
}

// ---- PrivateKey ----

Result<PrivateKey> PrivateKey::FromNative(std::shared_ptr<evp_pkey_st> pkey) {
  OPENVAP_ASSIGN_OR_RETURN(PublicKey pub, PublicKey::FromNative(pkey));
  PrivateKey key;
  key.sign_ctx_ = InitialisedContext(pkey.get(), EVP_PKEY_sign_init);
  key.pkey_ = std::move(pkey);
  key.public_key_ = std::move(pub);
  return key;
}

Result<PrivateKey> PrivateKey::Generate(Curve curve, KeyOptions options) {
  const char* group = nullptr;
  for (const CurveInfo& c : kCurves) {
    if (c.curve == curve) group = c.openssl_name;
  }
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  if (!ctx || group == nullptr || EVP_PKEY_keygen_init(ctx.get()) != 1) {
    return Error{"key-generation-failed", TakeOpensslError("cannot set up EC key generation")};
  }
  const char* encoding =
      options.explicit_parameters ? OSSL_PKEY_EC_ENCODING_EXPLICIT : OSSL_PKEY_EC_ENCODING_GROUP;
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(group), 0),
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_EC_ENCODING, const_cast<char*>(encoding), 0),
      OSSL_PARAM_construct_end()};
  EVP_PKEY* pkey = nullptr;
  if (EVP_PKEY_CTX_set_params(ctx.get(), params) != 1 || EVP_PKEY_generate(ctx.get(), &pkey) != 1) {
    return Error{"key-generation-failed",
                 TakeOpensslError("cannot generate a key on " + std::string(CurveName(curve)))};
  }
  return FromNative(Share(pkey));
}

Result<PrivateKey> PrivateKey::FromPem(std::string_view pem) {
  BioPtr bio = internal::MemoryBio(AsBytes(pem));
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (pkey == nullptr) {
    return Error{"malformed-key",
                 TakeOpensslError("not an unencrypted PEM private key (PKCS#8 or EC)")};
  }
  return FromNative(Share(pkey));
}

Result<PrivateKey> PrivateKey::LoadFile(const std::string& path) {
  OPENVAP_ASSIGN_OR_RETURN(Bytes bytes, ReadFile(path));
  auto key = FromPem(AsString(bytes));
  if (!key.ok()) return Error{key.error().code, path + ": " + key.error().message};
  return key;
}

std::string PrivateKey::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), pkey_.get(), nullptr, nullptr, 0, nullptr,
                                       nullptr) != 1) {
    ERR_clear_error();
    return "";
  }
  return AsString(internal::BioContents(bio.get()));
}

Status PrivateKey::SaveFile(const std::string& path) const {
  const std::string pem = ToPem();
  if (pem.empty()) return Error{"io-error", "cannot encode the private key for " + path};
  return WriteFileAtomically(path, pem, 0600);
}

Result<Bytes> PrivateKey::SignRaw(ByteView data) const {
  std::array<std::uint8_t, 64> digest{};
  const std::size_t n = Digest(public_key_.hash(), data, digest);
  std::array<std::uint8_t, 160> sig{};
  std::size_t sig_len = sig.size();
  const EvpPkeyCtxPtr ctx = OperationContext(sign_ctx_, pkey_.get(), EVP_PKEY_sign_init);
  if (!ctx || EVP_PKEY_sign(ctx.get(), sig.data(), &sig_len, digest.data(), n) != 1) {
    return Error{"signing-failed", TakeOpensslError("ECDSA signing failed")};
  }
  return EcdsaDerToRaw(ByteView(sig.data(), sig_len), public_key_.field_size());
}

// ---- signature encodings ----

Result<Bytes> EcdsaDerToRaw(ByteView der, std::size_t half) {
  der::Reader outer(der);
  auto seq = outer.Expect(der::kSequence, "ECDSA signature");
  if (!seq.ok() || !outer.empty()) {
    return Error{"malformed-signature", "not a DER ECDSA-Sig-Value"};
  }
  der::Reader inner(seq->content);
  Bytes raw(2 * half, 0);
  for (std::size_t i = 0; i < 2; ++i) {
    auto integer = inner.Expect(der::kInteger, "ECDSA signature");
    if (!integer.ok() || integer->content.empty() || (integer->content[0] & 0x80) != 0) {
      return Error{"malformed-signature", "ECDSA signature: r and s must be positive INTEGERs"};
    }
    ByteView v = integer->content;
    while (v.size() > 1 && v[0] == 0) v = v.subspan(1);
    if (v.size() > half) {
      return Error{"malformed-signature", "ECDSA signature: integer longer than the curve order"};
    }
    std::copy(v.begin(), v.end(),
              raw.begin() + static_cast<std::ptrdiff_t>((i + 1) * half - v.size()));
  }
  if (!inner.empty()) return Error{"malformed-signature", "ECDSA signature: trailing data"};
  return raw;
}

Result<Bytes> EcdsaRawToDer(ByteView raw) {
  if (raw.empty() || raw.size() % 2 != 0 || raw.size() > 132) {
    return Error{"malformed-signature", "raw r||s must have an even length of at most 132 bytes"};
  }
  const std::size_t half = raw.size() / 2;
  auto integer = [](ByteView v) {
    while (v.size() > 1 && v[0] == 0) v = v.subspan(1);
    Bytes content;
    if ((v[0] & 0x80) != 0) content.push_back(0);
    content.insert(content.end(), v.begin(), v.end());
    return der::Tlv(der::kInteger, content);
  };
  return der::Tlv(der::kSequence,
                  der::Concat({integer(raw.first(half)), integer(raw.subspan(half))}));
}

// ---- files ----

Status WriteFileAtomically(const std::string& path, std::string_view contents, unsigned mode) {
  const std::size_t slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string tmp = (slash == std::string::npos ? std::string() : dir) + "." + base + ".XXXXXX";
  const int fd = ::mkstemp(tmp.data());  // created 0600
  if (fd < 0) return IoError("cannot create a temporary file for", path);
  const char* p = contents.data();
  std::size_t left = contents.size();
  bool ok = true;
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;
      break;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  ok = ok && ::fchmod(fd, static_cast<mode_t>(mode)) == 0 && ::fsync(fd) == 0;
  const int saved = errno;
  ok = (::close(fd) == 0) && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    if (ok) errno = errno == 0 ? saved : errno;
    const Error e = IoError("cannot write", path);
    ::unlink(tmp.c_str());
    return e;
  }
  return Ok();
}

Result<Bytes> ReadStream(std::istream& in, const std::string& name) {
  Bytes bytes;
  std::array<char, 1 << 16> chunk{};
  try {
    while (in.read(chunk.data(), chunk.size()) || in.gcount() > 0) {
      const auto n = static_cast<std::size_t>(in.gcount());
      if (bytes.size() + n > kMaxReadBytes) {
        return Error{"too-large", "cannot read " + name + ": it is larger than " +
                                      std::to_string(kMaxReadBytes >> 20) + " MiB"};
      }
      bytes.insert(bytes.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(n));
    }
  } catch (const std::ios_base::failure&) {
    // libstdc++'s filebuf throws from a failed read(2) whatever the stream's exception mask.
    return IoError("cannot read", name);
  }
  if (in.bad()) return IoError("cannot read", name);
  return bytes;
}

Result<Bytes> ReadFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Error{"io-error", "cannot read '" + path + "': it is a directory, not a file"};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError("cannot read", path);
  return ReadStream(in, path);
}

}  // namespace openvap::crypto
