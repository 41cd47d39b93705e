#ifndef OPENVAP_APP_PKI_H_
#define OPENVAP_APP_PKI_H_

// A member state's seal PKI as files (issue 3 "PKI and trust"; DV-SEAL, RP-TRUST, RP-REVOKE):
// a country signing CA (self-signed) and document signers under it, with the key usage and the
// ICAO document-type list (OID 2.23.136.1.1.6.2) that passport PKIs use, and the CA's CRL.
// Used by `openvap pki` and by the demo PKI that `openvap serve` creates on first start.

#include <openvap/result.h>

#include <optional>
#include <string>
#include <vector>

#include "base/random.h"
#include "base/time.h"
#include "crypto/crl.h"
#include "crypto/ec_key.h"
#include "crypto/x509.h"

namespace openvap::app {

struct IssuedCertificate {
  crypto::PrivateKey key;
  crypto::Certificate certificate;
};

struct CscaRequest {
  std::string country;  // ISO alpha-2 as in passport PKIs ("FR", "UT")
  std::string common_name;
  std::string organization;
  crypto::Curve curve = crypto::Curve::kP256;
  bool explicit_parameters = false;
  Bytes serial;  // empty: 8 random bytes
  Timestamp not_before{};
  int valid_years = 13;  // ICAO 9303-12 Table 1: CSCA key usage 3-5 years + longest document
};

struct SignerRequest {
  std::string common_name;  // its first two letters make the VDS signer identifier
  std::string organization;
  std::vector<std::string> document_types;  // e.g. {"V"} for visas, {"AR"} for permits
  crypto::Curve curve = crypto::Curve::kP256;
  bool explicit_parameters = false;
  Bytes serial;  // empty: 8 random bytes
  Timestamp not_before{};
  int valid_years = 3;
  // Private key usage period (ICAO 9303-12: a signer signs for a shorter time than its
  // certificate lives, so that documents stay verifiable); 0: as long as the certificate.
  int signing_months = 0;
};

Result<IssuedCertificate> IssueCsca(const CscaRequest& request, RandomSource& random);
// Errors: "invalid-argument" when `csca` is not a CA or the key is not its key.
Result<IssuedCertificate> IssueSigner(const SignerRequest& request, const IssuedCertificate& csca,
                                      RandomSource& random);

// A new CRL of `csca`: the entries of `previous` (if any) plus `revoke` (serials in hex, dated
// `now`), number previous + 1, next update `now` + `next_update_days`. Errors: "invalid-serial",
// "invalid-argument" (previous CRL of another issuer).
Result<crypto::Crl> RenewCrl(const IssuedCertificate& csca,
                             const std::optional<crypto::Crl>& previous,
                             const std::vector<std::string>& revoke, Timestamp now,
                             int next_update_days);

// Key and certificate from files (PEM key; DER or PEM certificate). Errors name the file.
Result<IssuedCertificate> LoadIssued(const std::string& key_path, const std::string& cert_path);
// Writes the key owner-only (0600) and the certificate (PEM, or DER when the name ends in
// ".der" or ".cer").
Status SaveIssued(const IssuedCertificate& issued, const std::string& key_path,
                  const std::string& cert_path);

}  // namespace openvap::app

#endif  // OPENVAP_APP_PKI_H_
