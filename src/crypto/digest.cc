#include "crypto/digest.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <memory>

namespace openvap::crypto {

Sha1Digest Sha1(ByteView data) {
  Sha1Digest out{};
  SHA1(data.data(), data.size(), out.data());
  return out;
}

Sha256Digest Sha256(ByteView data) {
  // SHA256() looks the algorithm up in OpenSSL's provider store, under its lock, and makes a
  // context on every call; a session token is hashed on every request and the audit chain on
  // every write. So the algorithm is fetched once (OpenSSL 3 "explicit fetching", crypto(7))
  // and each thread keeps a context of its own to start again for every digest.
  static EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                               &EVP_MD_CTX_free);
  Sha256Digest out{};
  unsigned int length = 0;
  if (kSha256 == nullptr || context == nullptr ||
      EVP_DigestInit_ex2(context.get(), kSha256, nullptr) != 1 ||
      EVP_DigestUpdate(context.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(context.get(), out.data(), &length) != 1) {
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
