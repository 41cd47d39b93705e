#include "crypto/digest.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

namespace openvap::crypto {

Sha1Digest Sha1(ByteView data) {
  Sha1Digest out{};
  SHA1(data.data(), data.size(), out.data());
  return out;
}

Sha256Digest Sha256(ByteView data) {
  // SHA256() looks the algorithm up in OpenSSL's provider store, under its lock, on every call;
  // a session token is hashed on every request and the audit chain on every write, so the
  // algorithm is fetched once (OpenSSL 3 "explicit fetching", crypto(7)) and kept.
  static EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  Sha256Digest out{};
  if (kSha256 == nullptr ||
      EVP_Digest(data.data(), data.size(), out.data(), nullptr, kSha256, nullptr) != 1) {
    SHA256(data.data(), data.size(), out.data());
  }
  return out;
}

Sha256Digest HmacSha256(ByteView key, ByteView data) {
  Sha256Digest out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), data.data(), data.size(), out.data(),
       &len);
  return out;
}

bool ConstantTimeEquals(ByteView a, ByteView b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace openvap::crypto
