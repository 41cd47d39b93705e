#include "app/pki.h"

#include <algorithm>

namespace openvap::app {
namespace {

Bytes SerialOrRandom(const Bytes& serial, RandomSource& random) {
  if (!serial.empty()) return serial;
  Bytes out(8);
  random.Fill(out);
  out[0] = static_cast<std::uint8_t>((out[0] & 0x7F) | 0x01);  // positive, 8 bytes long
  return out;
}

Timestamp YearsAfter(Timestamp t, int years) {
  return StartOfDayUtc(AddYears(UtcDateOf(t), years)) + (t - StartOfDayUtc(UtcDateOf(t)));
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Result<IssuedCertificate> IssueCsca(const CscaRequest& request, RandomSource& random) {
  OPENVAP_ASSIGN_OR_RETURN(
      crypto::PrivateKey key,
      crypto::PrivateKey::Generate(request.curve,
                                   {.explicit_parameters = request.explicit_parameters}));
  crypto::CertificateTemplate t;
  t.country = request.country;
  t.organization = request.organization;
  t.common_name = request.common_name;
  t.serial = SerialOrRandom(request.serial, random);
  t.not_before = request.not_before;
  t.not_after = YearsAfter(request.not_before, request.valid_years);
  t.is_ca = true;
  t.path_length = 0;
  t.key_usage = crypto::kKeyCertSign | crypto::kCrlSign;
  OPENVAP_ASSIGN_OR_RETURN(crypto::Certificate cert,
                           crypto::IssueCertificate(t, key.public_key(), key, nullptr));
  return IssuedCertificate{std::move(key), std::move(cert)};
}

Result<IssuedCertificate> IssueSigner(const SignerRequest& request, const IssuedCertificate& csca,
                                      RandomSource& random) {
  if (!csca.certificate.is_ca()) {
    return Error{"invalid-argument",
                 csca.certificate.subject() + " is not a certification authority"};
  }
  if (csca.key.public_key().SpkiDer() != csca.certificate.public_key().SpkiDer()) {
    return Error{"invalid-argument", "the CA key does not belong to " + csca.certificate.subject()};
  }
  OPENVAP_ASSIGN_OR_RETURN(
      crypto::PrivateKey key,
      crypto::PrivateKey::Generate(request.curve,
                                   {.explicit_parameters = request.explicit_parameters}));
  crypto::CertificateTemplate t;
  t.country = csca.certificate.subject_country();
  t.organization = request.organization;
  t.common_name = request.common_name;
  t.serial = SerialOrRandom(request.serial, random);
  t.not_before = request.not_before;
  t.not_after = YearsAfter(request.not_before, request.valid_years);
  t.key_usage = crypto::kDigitalSignature;
  if (!request.document_types.empty()) t.document_types = request.document_types;
  if (request.signing_months > 0) {
    crypto::PrivateKeyUsagePeriod period;
    period.not_before = request.not_before;
    period.not_after =
        StartOfDayUtc(AddMonths(UtcDateOf(request.not_before), request.signing_months));
    t.private_key_usage_period = period;
  }
  OPENVAP_ASSIGN_OR_RETURN(
      crypto::Certificate cert,
      crypto::IssueCertificate(t, key.public_key(), csca.key, &csca.certificate));
  return IssuedCertificate{std::move(key), std::move(cert)};
}

Result<crypto::Crl> RenewCrl(const IssuedCertificate& csca,
                             const std::optional<crypto::Crl>& previous,
                             const std::vector<std::string>& revoke, Timestamp now,
                             int next_update_days) {
  crypto::CrlTemplate t;
  t.this_update = now;
  t.next_update = now + std::chrono::days(next_update_days);
  std::vector<std::string> listed;
  if (previous) {
    if (!previous->IsIssuedBy(csca.certificate)) {
      return Error{"invalid-argument",
                   "the previous CRL was not issued by " + csca.certificate.subject()};
    }
    t.crl_number = previous->crl_number().value_or(0) + 1;
    for (const crypto::RevokedCertificate& r : previous->revoked()) {
      OPENVAP_ASSIGN_OR_RETURN(Bytes serial, crypto::SerialFromHex(r.serial_hex));
      t.revoked.push_back({std::move(serial), r.revocation_date});
      listed.push_back(r.serial_hex);
    }
  }
  for (const std::string& hex : revoke) {
    OPENVAP_ASSIGN_OR_RETURN(Bytes serial, crypto::SerialFromHex(hex));
    const std::string normalized = crypto::NormalizeSerialHex(hex);
    if (std::find(listed.begin(), listed.end(), normalized) != listed.end()) continue;
    t.revoked.push_back({std::move(serial), now});
    listed.push_back(normalized);
  }
  return crypto::IssueCrl(csca.certificate, csca.key, t);
}

Result<IssuedCertificate> LoadIssued(const std::string& key_path, const std::string& cert_path) {
  auto key = crypto::PrivateKey::LoadFile(key_path);
  if (!key.ok()) return Error{key.error().code, key_path + ": " + key.error().message};
  OPENVAP_ASSIGN_OR_RETURN(Bytes bytes, crypto::ReadFile(cert_path));
  auto cert = crypto::Certificate::Parse(bytes);
  if (!cert.ok()) return Error{cert.error().code, cert_path + ": " + cert.error().message};
  return IssuedCertificate{std::move(*key), std::move(*cert)};
}

Status SaveIssued(const IssuedCertificate& issued, const std::string& key_path,
                  const std::string& cert_path) {
  OPENVAP_RETURN_IF_ERROR(issued.key.SaveFile(key_path));
  const bool der = EndsWith(cert_path, ".der") || EndsWith(cert_path, ".cer");
  return crypto::WriteFileAtomically(
      cert_path, der ? AsString(issued.certificate.der()) : issued.certificate.ToPem(), 0644);
}

}  // namespace openvap::app
