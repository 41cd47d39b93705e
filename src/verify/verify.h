#ifndef OPENVAP_VERIFY_VERIFY_H_
#define OPENVAP_VERIFY_VERIFY_H_

// A scanned seal to a verdict (DV-OFFLINE, RP-OFFLINE, RP-CHECK), and the issuing side: a
// SealSigner over a document signer's key and certificate (DV-SEAL). Pure apart from the
// cryptography: no clock (the time of the check is an argument), no files.

#include <openvap/result.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/bytes.h"
#include "base/time.h"
#include "crypto/ec_key.h"
#include "crypto/x509.h"
#include "seal/seal.h"
#include "trust/trust_store.h"

namespace openvap::verify {

// NOLINTNEXTLINE(bugprone-exception-escape): clang-tidy 14 misreads nlohmann::json's noexcept move
struct SealVerification {
  trust::TrustVerdict verdict;
  std::optional<seal::DecodedSeal> seal;  // absent when the input did not decode
};

// The ICAO document-type code that a signer's document-type list (OID 2.23.136.1.1.6.2) must
// permit for a seal of `profile`: "V" for visas and transit documents, "AR" for residence
// permits; nullopt for profiles the platform does not issue (no permission check).
std::optional<std::string> DocumentTypeCode(std::string_view profile);

// The ICAO 9303-3 code of a state for VDS headers from its ISO alpha-2 code ("FR" -> "FRA",
// "DE" -> "D", "UT" -> "UTO"); other input is returned unchanged.
std::string IcaoStateCode(std::string_view country);

// Decodes `input` (raw VDS bytes, hex text or IDB "RDB1" text) and checks its signature against
// `trust` as of `at`. Never fails: bad input gives the verdict "malformed" with the reason.
SealVerification VerifySeal(ByteView input, const trust::TrustStore& trust, Timestamp at);
SealVerification VerifyDecodedSeal(seal::DecodedSeal decoded, const trust::TrustStore& trust,
                                   Timestamp at);

// The `openvap seal verify` JSON: status, reason, signer (subject, when known), and the
// decoded seal under "seal" when it decoded.
nlohmann::json ToJson(const SealVerification& verification);

// Whether the document a seal carries is valid on `day` by the dates it carries itself (the
// features `valid_from` and `valid_until` of the visa and permit profiles): "valid",
// "not-yet-valid" or "expired"; nullopt when it carries neither date. DV-OFFLINE, RP-CHECK:
// a genuine seal of an expired visa is no valid visa.
std::optional<std::string> DocumentValidityOn(const seal::DecodedSeal& seal, Date day);

// Signs seals as the holder of a document signer certificate. The VDS header's country is the
// `country` given, or else the ICAO code of the certificate subject's C, the
// signer identifier the country's two letters plus two letters of the CN (crypto's signer_id),
// and the certificate reference the serial number in hex (FORMATS.md, VDS header).
class CertificateSealSigner final : public seal::SealSigner {
 public:
  // Errors: "key-mismatch" when `key` is not the certificate's key; "invalid-certificate" when
  // the certificate has no usable signer identifier.
  static Result<CertificateSealSigner> Create(crypto::PrivateKey key,
                                              crypto::Certificate certificate, std::string country);

  Result<Bytes> SignRaw(ByteView data) const override;
  std::string Country() const override { return country_; }
  std::string SignerId() const override { return signer_id_; }
  std::string CertificateReference() const override { return cert_ref_; }
  const crypto::Certificate& certificate() const { return certificate_; }

 private:
  CertificateSealSigner(crypto::PrivateKey key, crypto::Certificate certificate,
                        std::string country, std::string signer_id, std::string cert_ref);

  crypto::PrivateKey key_;
  crypto::Certificate certificate_;
  std::string country_;
  std::string signer_id_;
  std::string cert_ref_;
};

}  // namespace openvap::verify

#endif  // OPENVAP_VERIFY_VERIFY_H_
