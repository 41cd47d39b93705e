#ifndef OPENVAP_CRYPTO_OSSL_H_
#define OPENVAP_CRYPTO_OSSL_H_

// Internal to crypto: owning pointers for OpenSSL objects, error text, time conversion.
// Never included outside src/crypto (the layering test confines <openssl/...> here).

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/clock.h"
#include "crypto/ec_key.h"

namespace openvap::crypto::internal {

template <auto Free>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};

using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using X509CrlPtr = std::unique_ptr<X509_CRL, Deleter<X509_CRL_free>>;
using X509RevokedPtr = std::unique_ptr<X509_REVOKED, Deleter<X509_REVOKED_free>>;
using X509NamePtr = std::unique_ptr<X509_NAME, Deleter<X509_NAME_free>>;
using X509ExtensionPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;
using Asn1ObjectPtr = std::unique_ptr<ASN1_OBJECT, Deleter<ASN1_OBJECT_free>>;
using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, Deleter<ASN1_INTEGER_free>>;
using Asn1OctetStringPtr = std::unique_ptr<ASN1_OCTET_STRING, Deleter<ASN1_OCTET_STRING_free>>;
using Asn1TimePtr = std::unique_ptr<ASN1_TIME, Deleter<ASN1_TIME_free>>;
using CmsPtr = std::unique_ptr<CMS_ContentInfo, Deleter<CMS_ContentInfo_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG_free>>;

// The oldest queued OpenSSL error as text (and clears the queue); `fallback` when none.
std::string TakeOpensslError(std::string_view fallback);

// A read-only memory BIO over `bytes` (which must outlive it).
BioPtr MemoryBio(ByteView bytes);

// Everything written to a memory BIO.
Bytes BioContents(BIO* bio);

// ASN1_TIME (UTCTime or GeneralizedTime) as a UTC instant; nullopt-like error when invalid.
bool Asn1TimeToTimestamp(const ASN1_TIME* time, Timestamp* out);

// An ASN1_TIME for `t`: UTCTime up to 2049, GeneralizedTime after (RFC 5280 4.1.2.5).
Asn1TimePtr TimestampToAsn1Time(Timestamp t);

// Whether the text starts (after whitespace) with a PEM armour line.
bool LooksLikePem(ByteView bytes);

// Positive big-endian integer as upper-case hex without leading zeros ("0" for zero).
std::string IntegerHex(const ASN1_INTEGER* value);

// A name as one line in encoding order: "C=UT, O=tsenger, CN=TS" (UTF-8).
std::string NameText(const X509_NAME* name);

// The EVP digest of a hash algorithm.
const EVP_MD* MdFor(HashAlgorithm hash);

}  // namespace openvap::crypto::internal

#endif  // OPENVAP_CRYPTO_OSSL_H_
