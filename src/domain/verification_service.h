#ifndef OPENVAP_DOMAIN_VERIFICATION_SERVICE_H_
#define OPENVAP_DOMAIN_VERIFICATION_SERVICE_H_

// Checking a digital visa (VIS Art 7h; DV-CHECK; VAP-VERIFY; RP-CHECK; RP-MIN): by scanning
// its signed barcode, or by its number. The answer is a status — valid, invalid, not yet
// valid, expired, revoked, unknown signer — and only the data the caller's role needs: a
// public verifier (employer, university, local authority) learns whether the document holds,
// an official or a border guard sees the record.

#include <openvap/result.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/bytes.h"
#include "base/clock.h"
#include "domain/principal.h"
#include "domain/store.h"

namespace openvap::domain {

// What the offline check of a signed barcode found (implemented over the seal codec and the
// trust store, which know nothing of the register).
struct SealCheck {
  // "valid", "invalid-signature", "unknown-signer", "untrusted-chain", "expired-signer",
  // "revoked-signer", "not-permitted", "unsigned", "malformed".
  std::string signature;
  std::string reason;
  std::string signer_subject;
  std::string document_type;                   // the seal profile, e.g. "eu-digital-visa"
  std::string issuing_country;                 // the seal header's, as encoded: "FRA", "D"
  std::optional<std::string> document_number;  // e.g. the visa number
  std::optional<Date> valid_from;
  std::optional<Date> valid_until;
  nlohmann::json fields = nlohmann::json::object();  // all decoded features
};

class SealVerifier {
 public:
  virtual ~SealVerifier() = default;
  // `code`: the scanned payload (binary VDS, or `RDB1...` text). Never fails on bad input:
  // malformed codes give signature "malformed".
  virtual SealCheck Check(ByteView code, Timestamp at) const = 0;
};

struct Verification {
  std::string status;  // valid, invalid, not-yet-valid, expired, revoked, unknown-signer
  std::string reason;  // why, in words
  nlohmann::json document = nlohmann::json::object();  // what the caller may see
};

class VerificationService {
 public:
  VerificationService(Store& store, Throttle& throttle, const SealVerifier& verifier,
                      const Clock& clock);

  // VAP-VERIFY: a scanned code. The register is consulted for revocation when it knows the
  // document; a foreign document is judged on its seal (DV-OFFLINE).
  Result<Verification> VerifyCode(const Principal& who, ByteView code);

  // Counts a photo of a code that `who`, from `caller_address`, sends to be scanned: seconds of
  // work each, so the public and applicants get 20 in ten minutes per address; officials and
  // border guards, who see the record, are not counted. Errors: "rate-limited".
  Status AllowImageScan(const Principal& who, const std::string& caller_address);

  // DV-CHECK (VIS Art 19(1)): look-up by visa number for border and in-country checks.
  Result<Verification> CheckByNumber(const Principal& official, const VisaNumber& number);

  // VIS 7h(3): employers and universities without an account, by visa number and the
  // holder's date of birth. Throttled per caller address and per number against enumeration;
  // a wrong date of birth looks like an unknown number.
  Result<Verification> LookupForThirdParty(const VisaNumber& number, Date date_of_birth,
                                           const std::string& caller_address);

 private:
  Verification FromRegister(const DigitalVisa& visa, const Principal& who) const;

  Store& store_;
  Throttle& throttle_;
  const SealVerifier& verifier_;
  const Clock& clock_;
};

// The visa's data for a role (RP-MIN): public verifiers get status-relevant data only.
nlohmann::json VisaDisclosure(const DigitalVisa& visa, Role role);

}  // namespace openvap::domain

#endif  // OPENVAP_DOMAIN_VERIFICATION_SERVICE_H_
