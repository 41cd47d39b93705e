#include "crypto/crl.h"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "crypto/ossl.h"
#include "crypto/x509_data.h"

namespace openvap::crypto {

struct Crl::Data {
  std::shared_ptr<X509_CRL> crl;
  Bytes der;
  std::string issuer;
  Timestamp this_update{};
  std::optional<Timestamp> next_update;
  std::optional<std::uint64_t> crl_number;
  std::optional<Bytes> aki;
  std::vector<RevokedCertificate> revoked;
};

namespace {

using internal::BioPtr;
using internal::TakeOpensslError;
using internal::X509CrlPtr;

Error Malformed(const std::string& why) { return Error{"malformed-crl", why}; }

Result<std::shared_ptr<const Crl::Data>> Load(X509CrlPtr crl) {
  auto d = std::make_shared<Crl::Data>();
  unsigned char* der = nullptr;
  const int len = i2d_X509_CRL(crl.get(), &der);
  if (len <= 0) return Malformed(TakeOpensslError("cannot re-encode the CRL"));
  d->der.assign(der, der + len);
  OPENSSL_free(der);
  d->issuer = internal::NameText(X509_CRL_get_issuer(crl.get()));
  if (!internal::Asn1TimeToTimestamp(X509_CRL_get0_lastUpdate(crl.get()), &d->this_update)) {
    return Malformed("invalid thisUpdate");
  }
  if (const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl.get()); next != nullptr) {
    Timestamp t{};
    if (!internal::Asn1TimeToTimestamp(next, &t)) return Malformed("invalid nextUpdate");
    d->next_update = t;
  }
  int critical = 0;
  if (auto* number = static_cast<ASN1_INTEGER*>(
          X509_CRL_get_ext_d2i(crl.get(), NID_crl_number, &critical, nullptr))) {
    std::uint64_t value = 0;
    if (ASN1_INTEGER_get_uint64(&value, number) == 1) d->crl_number = value;
    ASN1_INTEGER_free(number);
  } else if (critical == -2) {
    return Malformed("more than one cRLNumber extension");
  }
  if (auto* aki = static_cast<AUTHORITY_KEYID*>(
          X509_CRL_get_ext_d2i(crl.get(), NID_authority_key_identifier, &critical, nullptr))) {
    if (aki->keyid != nullptr) {
      d->aki = Bytes(ASN1_STRING_get0_data(aki->keyid),
                     ASN1_STRING_get0_data(aki->keyid) + ASN1_STRING_length(aki->keyid));
    }
    AUTHORITY_KEYID_free(aki);
  }
  ERR_clear_error();
  STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(crl.get());
  const int count = revoked != nullptr ? sk_X509_REVOKED_num(revoked) : 0;
  d->revoked.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    const X509_REVOKED* entry = sk_X509_REVOKED_value(revoked, i);
    RevokedCertificate r;
    r.serial_hex = internal::IntegerHex(X509_REVOKED_get0_serialNumber(entry));
    if (r.serial_hex.empty() || r.serial_hex[0] == '-') {
      return Malformed("revoked entry " + std::to_string(i) + " has an invalid serial number");
    }
    if (!internal::Asn1TimeToTimestamp(X509_REVOKED_get0_revocationDate(entry),
                                       &r.revocation_date)) {
      return Malformed("revoked entry " + std::to_string(i) + " has an invalid date");
    }
    d->revoked.push_back(std::move(r));
  }
  d->crl = std::shared_ptr<X509_CRL>(crl.release(), [](X509_CRL* p) { X509_CRL_free(p); });
  return std::shared_ptr<const Crl::Data>(std::move(d));
}

}  // namespace

Result<Crl> Crl::Parse(ByteView der_or_pem) {
  if (der_or_pem.empty()) return Malformed("empty input");
  X509_CRL* raw = nullptr;
  if (internal::LooksLikePem(der_or_pem)) {
    BioPtr bio = internal::MemoryBio(der_or_pem);
    raw = PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr);
    if (raw == nullptr) return Malformed(TakeOpensslError("not a PEM X509 CRL"));
  } else {
    const unsigned char* p = der_or_pem.data();
    raw = d2i_X509_CRL(nullptr, &p, static_cast<long>(der_or_pem.size()));  // NOLINT
    if (raw == nullptr) return Malformed(TakeOpensslError("not a DER CRL"));
    if (p != der_or_pem.data() + der_or_pem.size()) {
      X509_CRL_free(raw);
      return Malformed("trailing data after the DER CRL");
    }
  }
  OPENVAP_ASSIGN_OR_RETURN(auto data, Load(X509CrlPtr(raw)));
  Crl crl;
  crl.data_ = std::move(data);
  return crl;
}

const Bytes& Crl::der() const { return data_->der; }
std::string Crl::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509_CRL(bio.get(), data_->crl.get()) != 1) return "";
  return AsString(internal::BioContents(bio.get()));
}
const std::string& Crl::issuer() const { return data_->issuer; }
Timestamp Crl::this_update() const { return data_->this_update; }
std::optional<Timestamp> Crl::next_update() const { return data_->next_update; }
std::optional<std::uint64_t> Crl::crl_number() const { return data_->crl_number; }
const std::optional<Bytes>& Crl::authority_key_id() const { return data_->aki; }
const std::vector<RevokedCertificate>& Crl::revoked() const { return data_->revoked; }

bool Crl::IssuerNameMatches(const Certificate& issuer) const {
  return X509_NAME_cmp(X509_CRL_get_issuer(data_->crl.get()),
                       X509_get_subject_name(issuer.data().x509.get())) == 0;
}

bool Crl::SignatureVerifiesWith(const PublicKey& key) const {
  const bool ok = X509_CRL_verify(data_->crl.get(), key.native()) == 1;
  ERR_clear_error();
  return ok;
}

bool Crl::IsIssuedBy(const Certificate& issuer) const {
  if (!IssuerNameMatches(issuer)) return false;
  if (data_->aki && issuer.subject_key_id() && *data_->aki != *issuer.subject_key_id()) {
    return false;
  }
  return SignatureVerifiesWith(issuer.public_key());
}

Result<Crl> IssueCrl(const Certificate& issuer, const PrivateKey& issuer_key,
                     const CrlTemplate& tmpl) {
  auto invalid = [](const std::string& why) { return Error{"invalid-crl-template", why}; };
  auto failed = [](const std::string& what) {
    return Error{"crl-creation-failed", TakeOpensslError(what)};
  };
  if (tmpl.next_update <= tmpl.this_update) return invalid("nextUpdate must be after thisUpdate");
  if (EVP_PKEY_eq(issuer.public_key().native(), issuer_key.public_key().native()) != 1) {
    ERR_clear_error();
    return invalid("the key does not belong to the CRL issuer's certificate");
  }
  X509CrlPtr crl(X509_CRL_new());
  X509* issuer_x509 = issuer.data().x509.get();
  internal::Asn1TimePtr this_update = internal::TimestampToAsn1Time(tmpl.this_update);
  internal::Asn1TimePtr next_update = internal::TimestampToAsn1Time(tmpl.next_update);
  if (!crl || issuer_x509 == nullptr || X509_CRL_set_version(crl.get(), 1) != 1 ||
      X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer_x509)) != 1 ||
      !this_update || !next_update || X509_CRL_set1_lastUpdate(crl.get(), this_update.get()) != 1 ||
      X509_CRL_set1_nextUpdate(crl.get(), next_update.get()) != 1) {
    return failed("cannot set the CRL header");
  }
  for (const CrlTemplate::Entry& entry : tmpl.revoked) {
    if (entry.serial.empty()) return invalid("a revoked entry has no serial number");
    internal::X509RevokedPtr revoked(X509_REVOKED_new());
    internal::BignumPtr bn(
        BN_bin2bn(entry.serial.data(), static_cast<int>(entry.serial.size()), nullptr));
    internal::Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
    internal::Asn1TimePtr date = internal::TimestampToAsn1Time(entry.revocation_date);
    if (!revoked || !serial || !date ||
        X509_REVOKED_set_serialNumber(revoked.get(), serial.get()) != 1 ||
        X509_REVOKED_set_revocationDate(revoked.get(), date.get()) != 1 ||
        X509_CRL_add0_revoked(crl.get(), revoked.get()) != 1) {
      return failed("cannot add a revoked entry");
    }
    static_cast<void>(revoked.release());  // owned by the CRL now
  }
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer_x509, nullptr, nullptr, crl.get(), 0);
  internal::X509ExtensionPtr aki(
      X509V3_EXT_conf_nid(nullptr, &ctx, NID_authority_key_identifier, "keyid:always"));
  internal::Asn1IntegerPtr number(ASN1_INTEGER_new());
  if (!aki || X509_CRL_add_ext(crl.get(), aki.get(), -1) != 1 || !number ||
      ASN1_INTEGER_set_uint64(number.get(), tmpl.crl_number) != 1 ||
      X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, number.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    return failed("cannot add the CRL extensions");
  }
  X509_CRL_sort(crl.get());
  if (X509_CRL_sign(crl.get(), issuer_key.native(),
                    internal::MdFor(issuer_key.public_key().hash())) <= 0)
    return failed("cannot sign the CRL");
  unsigned char* der = nullptr;
  const int len = i2d_X509_CRL(crl.get(), &der);
  if (len <= 0) return failed("cannot encode the CRL");
  const Bytes bytes(der, der + len);
  OPENSSL_free(der);
  return Crl::Parse(bytes);
}

}  // namespace openvap::crypto
