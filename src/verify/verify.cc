#include "verify/verify.h"

#include <array>
#include <string_view>
#include <utility>

namespace openvap::verify {
namespace {

// ICAO Doc 9303-3 codes of the issuing states that use this platform, for the VDS header when a
// certificate names its country with two letters. Germany is "D" (9303-3 §5), the ICAO test
// state "UTO".
constexpr std::array<std::pair<std::string_view, std::string_view>, 34> kIcaoStateCodes = {{
    {"AT", "AUT"}, {"BE", "BEL"}, {"BG", "BGR"}, {"CH", "CHE"}, {"CY", "CYP"}, {"CZ", "CZE"},
    {"DE", "D"},   {"DK", "DNK"}, {"EE", "EST"}, {"ES", "ESP"}, {"FI", "FIN"}, {"FR", "FRA"},
    {"GR", "GRC"}, {"HR", "HRV"}, {"HU", "HUN"}, {"IE", "IRL"}, {"IS", "ISL"}, {"IT", "ITA"},
    {"LI", "LIE"}, {"LT", "LTU"}, {"LU", "LUX"}, {"LV", "LVA"}, {"MT", "MLT"}, {"NL", "NLD"},
    {"NO", "NOR"}, {"PL", "POL"}, {"PT", "PRT"}, {"RO", "ROU"}, {"SE", "SWE"}, {"SI", "SVN"},
    {"SK", "SVK"}, {"UT", "UTO"}, {"EU", "EUE"}, {"EL", "GRC"},
}};

trust::SignerReference ReferenceOf(const seal::DecodedSeal& decoded) {
  trust::SignerReference ref;
  ref.country = decoded.header.country;
  ref.cert_ref = decoded.header.cert_ref;
  if (decoded.format == seal::SealFormat::kVds) {
    ref.kind = trust::SignerReferenceKind::kVdsSerial;
    ref.signer = decoded.header.signer;
  } else {
    ref.kind = trust::SignerReferenceKind::kIdbSha1Suffix;
    ref.embedded_certificate_der = decoded.signer_certificate_der;
  }
  return ref;
}

}  // namespace

std::optional<std::string> DocumentTypeCode(std::string_view profile) {
  if (profile == "eu-digital-visa" || profile == "icao-visa" || profile == "idb-visa" ||
      profile == "eu-digital-ftd" || profile == "eu-digital-frtd") {
    return "V";
  }
  if (profile == "eu-digital-residence-permit") return "AR";
  return std::nullopt;
}

std::string IcaoStateCode(std::string_view country) {
  for (const auto& [alpha2, icao] : kIcaoStateCodes) {
    if (alpha2 == country) return std::string(icao);
  }
  return std::string(country);
}

SealVerification VerifySeal(ByteView input, const trust::TrustStore& trust, Timestamp at) {
  Result<seal::DecodedSeal> decoded = seal::DecodeSeal(input);
  if (!decoded.ok()) {
    return {{trust::Verdict::kMalformed, decoded.error().message, std::nullopt}, std::nullopt};
  }
  return VerifyDecodedSeal(std::move(*decoded), trust, at);
}

SealVerification VerifyDecodedSeal(seal::DecodedSeal decoded, const trust::TrustStore& trust,
                                   Timestamp at) {
  SealVerification result;
  if (!decoded.signature) {
    result.verdict = {trust::Verdict::kUnsigned, "the seal carries no signature", std::nullopt};
    result.seal = std::move(decoded);
    return result;
  }
  trust::SignatureCheck check;
  check.signer = ReferenceOf(decoded);
  check.signed_data = decoded.signed_data;
  check.signature_rs = *decoded.signature;
  check.at = at;
  if (decoded.document_type) check.document_type = DocumentTypeCode(*decoded.document_type);
  result.verdict = trust.Verify(check);
  result.seal = std::move(decoded);
  return result;
}

std::optional<std::string> DocumentValidityOn(const seal::DecodedSeal& seal, Date day) {
  const auto date = [&seal](std::string_view name) -> std::optional<Date> {
    for (const seal::SealFeature& f : seal.features) {
      if (f.name != name || !f.value.is_string()) continue;
      auto parsed = ParseIsoDate(f.value.get<std::string>());
      if (parsed.ok()) return *parsed;
    }
    return std::nullopt;
  };
  const std::optional<Date> from = date("valid_from");
  const std::optional<Date> until = date("valid_until");
  if (!from && !until) return std::nullopt;
  if (from && DaysBetween(*from, day) < 0) return "not-yet-valid";
  if (until && DaysBetween(day, *until) < 0) return "expired";
  return "valid";
}

nlohmann::json ToJson(const SealVerification& verification) {
  nlohmann::json out = {{"status", trust::VerdictName(verification.verdict.verdict)},
                        {"reason", verification.verdict.reason}};
  out["signer"] = verification.verdict.signer_subject
                      ? nlohmann::json(*verification.verdict.signer_subject)
                      : nlohmann::json(nullptr);
  if (verification.seal) out["seal"] = seal::ToJson(*verification.seal);
  return out;
}

Result<CertificateSealSigner> CertificateSealSigner::Create(crypto::PrivateKey key,
                                                            crypto::Certificate certificate,
                                                            std::string country) {
  static constexpr std::string_view kProbe = "openvap key match probe";
  OPENVAP_ASSIGN_OR_RETURN(Bytes probe, key.SignRaw(AsBytes(kProbe)));
  if (!certificate.public_key().VerifyRaw(AsBytes(kProbe), probe)) {
    return Error{"key-mismatch",
                 "the private key does not belong to the certificate " + certificate.subject()};
  }
  const std::string signer_id = certificate.signer_id();
  if (signer_id.size() != 4) {
    return Error{"invalid-certificate",
                 "the certificate " + certificate.subject() +
                     " has no country and two-letter name for a seal signer identifier"};
  }
  if (country.empty()) country = IcaoStateCode(certificate.subject_country());
  std::string cert_ref = certificate.serial_hex();
  return CertificateSealSigner(std::move(key), std::move(certificate), std::move(country),
                               signer_id, std::move(cert_ref));
}

CertificateSealSigner::CertificateSealSigner(crypto::PrivateKey key,
                                             crypto::Certificate certificate, std::string country,
                                             std::string signer_id, std::string cert_ref)
    : key_(std::move(key)),
      certificate_(std::move(certificate)),
      country_(std::move(country)),
      signer_id_(std::move(signer_id)),
      cert_ref_(std::move(cert_ref)) {}

Result<Bytes> CertificateSealSigner::SignRaw(ByteView data) const { return key_.SignRaw(data); }

}  // namespace openvap::verify
