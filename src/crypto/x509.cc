#include "crypto/x509.h"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <algorithm>
#include <cctype>

#include "crypto/der.h"
#include "crypto/ossl.h"
#include "crypto/x509_data.h"

namespace openvap::crypto {

namespace {

using internal::Asn1ObjectPtr;
using internal::Asn1OctetStringPtr;
using internal::BioPtr;
using internal::TakeOpensslError;
using internal::X509ExtensionPtr;
using internal::X509NamePtr;
using internal::X509Ptr;

Error Malformed(const std::string& why) { return Error{"malformed-certificate", why}; }

std::string NameEntry(const X509_NAME* name, int nid) {
  const int index = X509_NAME_get_index_by_NID(name, nid, -1);
  if (index < 0) return "";
  const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
  unsigned char* utf8 = nullptr;
  const int len = ASN1_STRING_to_UTF8(&utf8, value);
  if (len < 0) return "";
  std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));  // NOLINT
  OPENSSL_free(utf8);
  return out;
}

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

Result<std::vector<std::string>> ParseDocumentTypeList(ByteView value) {
  der::Reader outer(value);
  OPENVAP_ASSIGN_OR_RETURN(der::Element seq, outer.Expect(der::kSequence, "DocumentTypeList"));
  if (!outer.empty()) return Malformed("DocumentTypeList: trailing data");
  der::Reader fields(seq.content);
  OPENVAP_ASSIGN_OR_RETURN(der::Element version, fields.Expect(der::kInteger, "version"));
  OPENVAP_RETURN_IF_ERROR(der::ReadUnsigned(version, "DocumentTypeList version"));
  OPENVAP_ASSIGN_OR_RETURN(der::Element set, fields.Expect(der::kSet, "docTypeList"));
  std::vector<std::string> types;
  der::Reader entries(set.content);
  while (!entries.empty()) {
    OPENVAP_ASSIGN_OR_RETURN(der::Element entry, entries.Next());
    if (entry.tag != der::kPrintableString && entry.tag != der::kUtf8String) {
      return Malformed("DocumentTypeList: entries must be PrintableString");
    }
    types.push_back(AsString(entry.content));
  }
  return types;
}

Bytes EncodeDocumentTypeList(const std::vector<std::string>& types) {
  std::vector<Bytes> entries;
  entries.reserve(types.size());
  for (const std::string& t : types) entries.push_back(der::Tlv(der::kPrintableString, AsBytes(t)));
  return der::Tlv(der::kSequence, der::Concat({der::Unsigned(0), der::SetOf(entries)}));
}

Result<Certificate::Data> Load(X509Ptr x509) {
  Certificate::Data d;
  unsigned char* der = nullptr;
  const int der_len = i2d_X509(x509.get(), &der);
  if (der_len <= 0) return Malformed(TakeOpensslError("cannot re-encode the certificate"));
  d.der.assign(der, der + der_len);
  OPENSSL_free(der);
  d.sha1 = Sha1(d.der);

  // Caches and checks the extensions; a certificate with broken extensions is refused.
  const std::uint32_t flags = X509_get_extension_flags(x509.get());
  if ((flags & EXFLAG_INVALID) != 0) {
    return Malformed(TakeOpensslError("invalid or duplicate extensions"));
  }
  const X509_NAME* subject = X509_get_subject_name(x509.get());
  const X509_NAME* issuer = X509_get_issuer_name(x509.get());
  d.subject = internal::NameText(subject);
  d.issuer = internal::NameText(issuer);
  d.country = NameEntry(subject, NID_countryName);
  d.common_name = NameEntry(subject, NID_commonName);
  if (d.country.size() == 2 && d.common_name.size() >= 2) {
    d.signer_id = Upper(d.country + d.common_name.substr(0, 2));
  }
  d.serial_hex = internal::IntegerHex(X509_get0_serialNumber(x509.get()));
  if (!internal::Asn1TimeToTimestamp(X509_get0_notBefore(x509.get()), &d.not_before) ||
      !internal::Asn1TimeToTimestamp(X509_get0_notAfter(x509.get()), &d.not_after)) {
    return Malformed("invalid validity period");
  }
  d.is_ca = (flags & EXFLAG_CA) != 0;
  const long path_len = X509_get_pathlen(x509.get());  // NOLINT(google-runtime-int)
  if (path_len >= 0) d.path_length = static_cast<int>(path_len);
  if ((flags & EXFLAG_KUSAGE) != 0) {
    const std::uint32_t ku = X509_get_key_usage(x509.get());
    unsigned bits = 0;
    if ((ku & KU_DIGITAL_SIGNATURE) != 0) bits |= kDigitalSignature;
    if ((ku & KU_NON_REPUDIATION) != 0) bits |= kNonRepudiation;
    if ((ku & KU_KEY_ENCIPHERMENT) != 0) bits |= kKeyEncipherment;
    if ((ku & KU_DATA_ENCIPHERMENT) != 0) bits |= kDataEncipherment;
    if ((ku & KU_KEY_AGREEMENT) != 0) bits |= kKeyAgreement;
    if ((ku & KU_KEY_CERT_SIGN) != 0) bits |= kKeyCertSign;
    if ((ku & KU_CRL_SIGN) != 0) bits |= kCrlSign;
    d.key_usage = bits;
  }
  if (const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(x509.get()); ski != nullptr) {
    d.ski = Bytes(ASN1_STRING_get0_data(ski), ASN1_STRING_get0_data(ski) + ASN1_STRING_length(ski));
  }
  if (const ASN1_OCTET_STRING* aki = X509_get0_authority_key_id(x509.get()); aki != nullptr) {
    d.aki = Bytes(ASN1_STRING_get0_data(aki), ASN1_STRING_get0_data(aki) + ASN1_STRING_length(aki));
  }
  int critical = 0;
  if (auto* pku = static_cast<PKEY_USAGE_PERIOD*>(
          X509_get_ext_d2i(x509.get(), NID_private_key_usage_period, &critical, nullptr))) {
    PrivateKeyUsagePeriod period;
    Timestamp t{};
    if (pku->notBefore != nullptr && internal::Asn1TimeToTimestamp(pku->notBefore, &t)) {
      period.not_before = t;
    }
    if (pku->notAfter != nullptr && internal::Asn1TimeToTimestamp(pku->notAfter, &t)) {
      period.not_after = t;
    }
    PKEY_USAGE_PERIOD_free(pku);
    d.pkup = period;
  } else if (critical == -2) {
    return Malformed("more than one private key usage period extension");
  }
  ERR_clear_error();

  Asn1ObjectPtr doc_oid(OBJ_txt2obj(std::string(kDocumentTypeListOid).c_str(), 1));
  const int doc_index = X509_get_ext_by_OBJ(x509.get(), doc_oid.get(), -1);
  if (doc_index >= 0) {
    if (X509_get_ext_by_OBJ(x509.get(), doc_oid.get(), doc_index) >= 0) {
      return Malformed("more than one DocumentTypeList extension");
    }
    const ASN1_OCTET_STRING* value = X509_EXTENSION_get_data(X509_get_ext(x509.get(), doc_index));
    auto types = ParseDocumentTypeList(ByteView(
        ASN1_STRING_get0_data(value), static_cast<std::size_t>(ASN1_STRING_length(value))));
    if (!types.ok()) return Malformed("DocumentTypeList extension: " + types.error().message);
    d.document_types = std::move(*types);
  }

  EVP_PKEY* pkey = X509_get0_pubkey(x509.get());
  if (pkey == nullptr) return Malformed(TakeOpensslError("unreadable subject public key"));
  EVP_PKEY_up_ref(pkey);
  auto public_key = PublicKey::FromNative(
      std::shared_ptr<evp_pkey_st>(pkey, [](EVP_PKEY* p) { EVP_PKEY_free(p); }));
  if (!public_key.ok()) return public_key.error();
  d.public_key = std::move(*public_key);
  d.x509 = std::shared_ptr<X509>(x509.release(), [](X509* p) { X509_free(p); });
  return d;
}

Result<Certificate> FromX509(X509Ptr x509);

}  // namespace

Result<std::vector<Certificate>> Certificate::ParseAll(ByteView der_or_pem) {
  std::vector<Certificate> out;
  if (internal::LooksLikePem(der_or_pem)) {
    BioPtr bio = internal::MemoryBio(der_or_pem);
    while (true) {
      X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
      if (x == nullptr) break;
      OPENVAP_ASSIGN_OR_RETURN(Certificate c, FromX509(X509Ptr(x)));
      out.push_back(std::move(c));
    }
    ERR_clear_error();
    if (out.empty()) return Malformed("no PEM CERTIFICATE block could be read");
    return out;
  }
  OPENVAP_ASSIGN_OR_RETURN(Certificate c, Parse(der_or_pem));
  out.push_back(std::move(c));
  return out;
}

Result<Certificate> Certificate::Parse(ByteView der_or_pem) {
  if (der_or_pem.empty()) return Malformed("empty input");
  if (internal::LooksLikePem(der_or_pem)) {
    BioPtr bio = internal::MemoryBio(der_or_pem);
    X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
    if (x == nullptr) return Malformed(TakeOpensslError("not a PEM certificate"));
    return FromX509(X509Ptr(x));
  }
  const unsigned char* p = der_or_pem.data();
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(der_or_pem.size()));  // NOLINT
  if (x == nullptr) return Malformed(TakeOpensslError("not a DER X.509 certificate"));
  X509Ptr owned(x);
  if (p != der_or_pem.data() + der_or_pem.size()) {
    return Malformed("trailing data after the DER certificate");
  }
  return FromX509(std::move(owned));
}

namespace {
Result<Certificate> FromX509(X509Ptr x509) {
  OPENVAP_ASSIGN_OR_RETURN(Certificate::Data data, Load(std::move(x509)));
  return Certificate::FromData(std::make_shared<const Certificate::Data>(std::move(data)));
}
}  // namespace

const Bytes& Certificate::der() const { return data_->der; }
std::string Certificate::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), data_->x509.get()) != 1) return "";
  return AsString(internal::BioContents(bio.get()));
}
const std::string& Certificate::subject() const { return data_->subject; }
const std::string& Certificate::issuer() const { return data_->issuer; }
const std::string& Certificate::subject_country() const { return data_->country; }
const std::string& Certificate::subject_common_name() const { return data_->common_name; }
const std::string& Certificate::signer_id() const { return data_->signer_id; }
const std::string& Certificate::serial_hex() const { return data_->serial_hex; }
Timestamp Certificate::not_before() const { return data_->not_before; }
Timestamp Certificate::not_after() const { return data_->not_after; }
const Sha1Digest& Certificate::sha1() const { return data_->sha1; }
bool Certificate::is_ca() const { return data_->is_ca; }
std::optional<int> Certificate::path_length() const { return data_->path_length; }
std::optional<unsigned> Certificate::key_usage() const { return data_->key_usage; }
const std::optional<std::vector<std::string>>& Certificate::document_types() const {
  return data_->document_types;
}
const std::optional<PrivateKeyUsagePeriod>& Certificate::private_key_usage_period() const {
  return data_->pkup;
}
const std::optional<Bytes>& Certificate::subject_key_id() const { return data_->ski; }
const std::optional<Bytes>& Certificate::authority_key_id() const { return data_->aki; }
const PublicKey& Certificate::public_key() const { return data_->public_key; }

bool Certificate::IsSelfIssued() const {
  return X509_NAME_cmp(X509_get_subject_name(data_->x509.get()),
                       X509_get_issuer_name(data_->x509.get())) == 0;
}

bool Certificate::IssuerNameMatches(const Certificate& issuer) const {
  return X509_NAME_cmp(X509_get_issuer_name(data_->x509.get()),
                       X509_get_subject_name(issuer.data_->x509.get())) == 0;
}

bool Certificate::SignatureVerifiesWith(const PublicKey& key) const {
  const bool ok = X509_verify(data_->x509.get(), key.native()) == 1;
  ERR_clear_error();
  return ok;
}

bool Certificate::IsIssuedBy(const Certificate& issuer) const {
  if (!IssuerNameMatches(issuer)) return false;
  if (data_->aki && issuer.data_->ski && *data_->aki != *issuer.data_->ski) return false;
  return SignatureVerifiesWith(issuer.public_key());
}

Result<Certificate> Certificate::FromData(std::shared_ptr<const Data> data) {
  Certificate c;
  c.data_ = std::move(data);
  return c;
}

// ---- creation ----

namespace {

Error Invalid(const std::string& why) { return Error{"invalid-certificate-template", why}; }

Error CreationFailed(const std::string& what) {
  return Error{"certificate-creation-failed", TakeOpensslError(what)};
}

bool AddNameEntry(X509_NAME* name, const char* field, const std::string& value) {
  if (value.empty()) return true;
  return X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                    reinterpret_cast<const unsigned char*>(value.data()),  // NOLINT
                                    static_cast<int>(value.size()), -1, 0) == 1;
}

bool AddConfExtension(X509* x, X509V3_CTX* ctx, int nid, const std::string& value) {
  X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value.c_str()));
  return ext && X509_add_ext(x, ext.get(), -1) == 1;
}

std::string KeyUsageText(unsigned bits) {
  std::string out = "critical";
  const std::pair<unsigned, const char*> names[] = {{kDigitalSignature, "digitalSignature"},
                                                    {kNonRepudiation, "nonRepudiation"},
                                                    {kKeyEncipherment, "keyEncipherment"},
                                                    {kDataEncipherment, "dataEncipherment"},
                                                    {kKeyAgreement, "keyAgreement"},
                                                    {kKeyCertSign, "keyCertSign"},
                                                    {kCrlSign, "cRLSign"}};
  for (const auto& [bit, name] : names) {
    if ((bits & bit) != 0) out += std::string(",") + name;
  }
  return out;
}

}  // namespace

Result<Certificate> IssueCertificate(const CertificateTemplate& tmpl, const PublicKey& subject_key,
                                     const PrivateKey& issuer_key, const Certificate* issuer) {
  if (tmpl.country.size() != 2 || !std::isupper(static_cast<unsigned char>(tmpl.country[0])) ||
      !std::isupper(static_cast<unsigned char>(tmpl.country[1]))) {
    return Invalid("country must be two upper-case letters, got '" + tmpl.country + "'");
  }
  if (tmpl.common_name.empty()) return Invalid("common name is empty");
  if (tmpl.serial.empty() ||
      std::all_of(tmpl.serial.begin(), tmpl.serial.end(), [](std::uint8_t b) { return b == 0; })) {
    return Invalid("serial number must be positive");
  }
  if (tmpl.serial.size() > 20) return Invalid("serial number longer than 20 bytes (RFC 5280)");
  if (tmpl.not_after <= tmpl.not_before) return Invalid("notAfter must be after notBefore");
  if (tmpl.document_types) {
    for (const std::string& t : *tmpl.document_types) {
      if (t.empty() || t.size() > 8 ||
          !std::all_of(t.begin(), t.end(), [](unsigned char c) { return std::isalnum(c); })) {
        return Invalid("document type '" + t + "' must be 1-8 letters or digits");
      }
    }
  }
  if (issuer == nullptr &&
      EVP_PKEY_eq(subject_key.native(), issuer_key.public_key().native()) != 1) {
    ERR_clear_error();
    return Invalid("a self-signed certificate must be signed with the subject's own key");
  }
  if (issuer != nullptr &&
      EVP_PKEY_eq(issuer->public_key().native(), issuer_key.public_key().native()) != 1) {
    ERR_clear_error();
    return Invalid("the issuer key does not belong to the issuer certificate");
  }

  X509Ptr x(X509_new());
  if (!x || X509_set_version(x.get(), 2) != 1) return CreationFailed("X509_new");
  internal::BignumPtr serial_bn(
      BN_bin2bn(tmpl.serial.data(), static_cast<int>(tmpl.serial.size()), nullptr));
  internal::Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(serial_bn.get(), nullptr));
  if (!serial || X509_set_serialNumber(x.get(), serial.get()) != 1) {
    return CreationFailed("cannot set the serial number");
  }
  X509NamePtr name(X509_NAME_new());
  if (!name || !AddNameEntry(name.get(), "C", tmpl.country) ||
      !AddNameEntry(name.get(), "O", tmpl.organization) ||
      !AddNameEntry(name.get(), "OU", tmpl.organizational_unit) ||
      !AddNameEntry(name.get(), "CN", tmpl.common_name)) {
    return CreationFailed("cannot build the subject name");
  }
  X509* issuer_x509 = issuer != nullptr ? issuer->data().x509.get() : x.get();
  internal::Asn1TimePtr not_before = internal::TimestampToAsn1Time(tmpl.not_before);
  internal::Asn1TimePtr not_after = internal::TimestampToAsn1Time(tmpl.not_after);
  if (X509_set_subject_name(x.get(), name.get()) != 1 ||
      X509_set_issuer_name(
          x.get(), issuer != nullptr ? X509_get_subject_name(issuer_x509) : name.get()) != 1 ||
      !not_before || !not_after || X509_set1_notBefore(x.get(), not_before.get()) != 1 ||
      X509_set1_notAfter(x.get(), not_after.get()) != 1 ||
      X509_set_pubkey(x.get(), subject_key.native()) != 1) {
    return CreationFailed("cannot set names, validity or key");
  }

  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer_x509, x.get(), nullptr, nullptr, 0);
  std::string basic = tmpl.is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE";
  if (tmpl.is_ca && tmpl.path_length) basic += ",pathlen:" + std::to_string(*tmpl.path_length);
  if (!AddConfExtension(x.get(), &ctx, NID_basic_constraints, basic) ||
      (tmpl.key_usage != 0 &&
       !AddConfExtension(x.get(), &ctx, NID_key_usage, KeyUsageText(tmpl.key_usage))) ||
      !AddConfExtension(x.get(), &ctx, NID_subject_key_identifier, "hash") ||
      !AddConfExtension(x.get(), &ctx, NID_authority_key_identifier, "keyid:always")) {
    return CreationFailed("cannot add the standard extensions");
  }
  if (tmpl.private_key_usage_period) {
    PKEY_USAGE_PERIOD* pku = PKEY_USAGE_PERIOD_new();
    const auto& period = *tmpl.private_key_usage_period;
    if (period.not_before) {
      pku->notBefore = ASN1_GENERALIZEDTIME_set(
          nullptr, std::chrono::system_clock::to_time_t(*period.not_before));
    }
    if (period.not_after) {
      pku->notAfter = ASN1_GENERALIZEDTIME_set(
          nullptr, std::chrono::system_clock::to_time_t(*period.not_after));
    }
    const int added =
        X509_add1_ext_i2d(x.get(), NID_private_key_usage_period, pku, 0, X509V3_ADD_DEFAULT);
    PKEY_USAGE_PERIOD_free(pku);
    if (added != 1) return CreationFailed("cannot add the private key usage period");
  }
  if (tmpl.document_types) {
    const Bytes value = EncodeDocumentTypeList(*tmpl.document_types);
    Asn1ObjectPtr oid(OBJ_txt2obj(std::string(kDocumentTypeListOid).c_str(), 1));
    Asn1OctetStringPtr octets(ASN1_OCTET_STRING_new());
    if (!oid || !octets ||
        ASN1_OCTET_STRING_set(octets.get(), value.data(), static_cast<int>(value.size())) != 1) {
      return CreationFailed("cannot encode the DocumentTypeList");
    }
    X509ExtensionPtr ext(X509_EXTENSION_create_by_OBJ(nullptr, oid.get(), 0, octets.get()));
    if (!ext || X509_add_ext(x.get(), ext.get(), -1) != 1) {
      return CreationFailed("cannot add the DocumentTypeList extension");
    }
  }
  if (X509_sign(x.get(), issuer_key.native(), internal::MdFor(issuer_key.public_key().hash())) <=
      0) {
    return CreationFailed("cannot sign the certificate");
  }
  return FromX509(std::move(x));
}

Result<Bytes> SerialFromHex(std::string_view hex) {
  std::string_view h = hex;
  if (h.size() > 2 && h[0] == '0' && (h[1] == 'x' || h[1] == 'X')) h.remove_prefix(2);
  if (h.empty()) return Error{"invalid-serial", "serial number is empty"};
  std::string padded(h);
  if (padded.size() % 2 != 0) padded.insert(padded.begin(), '0');
  auto bytes = FromHex(padded);
  if (!bytes.ok() || h.find_first_of(" \t\r\n") != std::string_view::npos) {
    return Error{"invalid-serial", "serial number '" + std::string(hex) + "' is not hexadecimal"};
  }
  while (bytes->size() > 1 && bytes->front() == 0) bytes->erase(bytes->begin());
  if (bytes->size() == 1 && bytes->front() == 0) {
    return Error{"invalid-serial", "serial number must be positive"};
  }
  if (bytes->size() > 20) {
    return Error{"invalid-serial", "serial number longer than 20 bytes (RFC 5280)"};
  }
  return bytes;
}

std::string NormalizeSerialHex(std::string_view hex) {
  std::string out;
  std::size_t i = 0;
  while (i + 1 < hex.size() && hex[i] == '0') ++i;
  for (; i < hex.size(); ++i)
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(hex[i]))));
  return out;
}

}  // namespace openvap::crypto
