#ifndef OPENVAP_CRYPTO_CRL_H_
#define OPENVAP_CRYPTO_CRL_H_

// Certificate revocation lists (RFC 5280 section 5) as a CSCA issues them for its document
// signers (ICAO Doc 9303-12 7.1.4; RP-REVOKE). Parsing takes untrusted bytes and never
// throws; fields are read once and cached.

#include <openvap/result.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "crypto/ec_key.h"
#include "crypto/x509.h"

namespace openvap::crypto {

struct RevokedCertificate {
  std::string serial_hex;  // normalised: upper case, no leading zeros
  Timestamp revocation_date{};
};

class Crl {
 public:
  // One CRL, DER or PEM ("X509 CRL"). Errors: "malformed-crl" saying what failed.
  static Result<Crl> Parse(ByteView der_or_pem);

  const Bytes& der() const;
  std::string ToPem() const;
  const std::string& issuer() const;  // one line, as Certificate::subject()
  Timestamp this_update() const;
  std::optional<Timestamp> next_update() const;
  // The cRLNumber extension (RFC 5280 5.2.3); nullopt when absent or above 2^64-1.
  std::optional<std::uint64_t> crl_number() const;
  const std::optional<Bytes>& authority_key_id() const;
  const std::vector<RevokedCertificate>& revoked() const;

  // Whether `issuer`'s subject is this CRL's issuer name.
  bool IssuerNameMatches(const Certificate& issuer) const;
  // Whether the CRL's signature verifies under `key`.
  bool SignatureVerifiesWith(const PublicKey& key) const;
  // Name match and signature.
  bool IsIssuedBy(const Certificate& issuer) const;

  struct Data;

 private:
  std::shared_ptr<const Data> data_;
};

struct CrlTemplate {
  Timestamp this_update{};
  Timestamp next_update{};
  std::uint64_t crl_number = 1;
  struct Entry {
    Bytes serial;  // positive big-endian
    Timestamp revocation_date{};
  };
  std::vector<Entry> revoked;
};

// Issues a CRL signed by `issuer_key`, the key of `issuer` (the CSCA), with the cRLNumber
// and authorityKeyIdentifier extensions. Errors: "invalid-crl-template", "crl-creation-failed".
Result<Crl> IssueCrl(const Certificate& issuer, const PrivateKey& issuer_key,
                     const CrlTemplate& tmpl);

}  // namespace openvap::crypto

#endif  // OPENVAP_CRYPTO_CRL_H_
