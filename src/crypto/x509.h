#ifndef OPENVAP_CRYPTO_X509_H_
#define OPENVAP_CRYPTO_X509_H_

// X.509 certificates of a passport-style PKI (ICAO Doc 9303-12): the country signing CA
// (CSCA) and the document (barcode) signers it certifies (DV-SEAL, RP-TRUST). Parsing takes
// untrusted bytes and never throws; every field is read once and cached, so a Certificate is
// cheap to copy and safe to share between threads.

#include <openvap/result.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "crypto/digest.h"
#include "crypto/ec_key.h"

namespace openvap::crypto {

// The ICAO document-type extension (Doc 9303-12, 7.1.1.3): which documents a signer may sign.
// DocumentTypeList ::= SEQUENCE { version INTEGER, docTypeList SET OF PrintableString }
inline constexpr std::string_view kDocumentTypeListOid = "2.23.136.1.1.6.2";

// keyUsage bits (RFC 5280 4.2.1.3), as a bit mask.
enum KeyUsage : unsigned {
  kDigitalSignature = 1U << 0,
  kNonRepudiation = 1U << 1,
  kKeyEncipherment = 1U << 2,
  kDataEncipherment = 1U << 3,
  kKeyAgreement = 1U << 4,
  kKeyCertSign = 1U << 5,
  kCrlSign = 1U << 6,
};

struct PrivateKeyUsagePeriod {  // RFC 3280 4.2.1.4 (2.5.29.16); both bounds optional
  std::optional<Timestamp> not_before;
  std::optional<Timestamp> not_after;
};

class Certificate {
 public:
  // Exactly one certificate, DER or PEM. Errors: "malformed-certificate" saying what failed,
  // "unsupported-key" when its key is not an EC key.
  static Result<Certificate> Parse(ByteView der_or_pem);
  // Every certificate of a PEM file (one or more), or a single DER certificate.
  static Result<std::vector<Certificate>> ParseAll(ByteView der_or_pem);

  const Bytes& der() const;
  std::string ToPem() const;

  // Subject and issuer as one line, in encoding order ("C=UT, O=tsenger, CN=TS").
  const std::string& subject() const;
  const std::string& issuer() const;
  // The subject's countryName and commonName ("" when absent).
  const std::string& subject_country() const;
  const std::string& subject_common_name() const;
  // The VDS signer identifier: country + first two characters of the CN, upper case
  // (FORMATS.md "Finding the certificate"); "" when either is missing or too short.
  const std::string& signer_id() const;
  // The serial number in upper-case hex without leading zeros ("5B"; "0" for zero).
  const std::string& serial_hex() const;
  Timestamp not_before() const;
  Timestamp not_after() const;
  const Sha1Digest& sha1() const;  // of the DER encoding
  // basicConstraints: cA and pathLenConstraint.
  bool is_ca() const;
  std::optional<int> path_length() const;
  // keyUsage bits; nullopt when the extension is absent.
  std::optional<unsigned> key_usage() const;
  // The DocumentTypeList entries; nullopt when the extension is absent.
  const std::optional<std::vector<std::string>>& document_types() const;
  const std::optional<PrivateKeyUsagePeriod>& private_key_usage_period() const;
  const std::optional<Bytes>& subject_key_id() const;
  const std::optional<Bytes>& authority_key_id() const;
  const PublicKey& public_key() const;

  // subject == issuer (RFC 5280 name comparison).
  bool IsSelfIssued() const;
  // Whether `issuer`'s subject is this certificate's issuer name.
  bool IssuerNameMatches(const Certificate& issuer) const;
  // Whether this certificate's signature verifies under `key` (X509_verify, which handles
  // explicit EC parameters).
  bool SignatureVerifiesWith(const PublicKey& key) const;
  // Name match and signature: `issuer` issued this certificate.
  bool IsIssuedBy(const Certificate& issuer) const;

  // For crypto internals.
  struct Data;
  const Data& data() const { return *data_; }
  static Result<Certificate> FromData(std::shared_ptr<const Data> data);

 private:
  std::shared_ptr<const Data> data_;
};

// What to put into a new certificate. The serial is a positive big-endian integer.
struct CertificateTemplate {
  std::string country;  // two letters (ICAO: the issuing state's code)
  std::string organization;
  std::string organizational_unit;
  std::string common_name;
  Bytes serial;
  Timestamp not_before{};
  Timestamp not_after{};
  bool is_ca = false;
  std::optional<int> path_length;
  unsigned key_usage = 0;
  std::optional<std::vector<std::string>> document_types;
  std::optional<PrivateKeyUsagePeriod> private_key_usage_period;
};

// Issues a certificate for `subject_key` signed by `issuer_key` (ECDSA with the issuer
// curve's hash). `issuer` is the issuer's certificate, or null for a self-signed one (then
// `issuer_key` must be the subject's key). Extensions: basicConstraints (critical),
// keyUsage (critical), subjectKeyIdentifier, authorityKeyIdentifier, and when set the
// private key usage period and the ICAO DocumentTypeList.
// Errors: "invalid-certificate-template", "certificate-creation-failed".
Result<Certificate> IssueCertificate(const CertificateTemplate& tmpl, const PublicKey& subject_key,
                                     const PrivateKey& issuer_key, const Certificate* issuer);

// Parses a serial number given in hex ("5B", "0x5b", "00027"). Errors: "invalid-serial".
Result<Bytes> SerialFromHex(std::string_view hex);

// Serial hex as compared (FORMATS.md): upper case, leading zeros stripped ("00027" -> "27").
std::string NormalizeSerialHex(std::string_view hex);

}  // namespace openvap::crypto

#endif  // OPENVAP_CRYPTO_X509_H_
