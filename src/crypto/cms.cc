#include "crypto/cms.h"

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include "crypto/der.h"
#include "crypto/ossl.h"
#include "crypto/x509_data.h"

namespace openvap::crypto {
namespace {

using internal::Asn1ObjectPtr;
using internal::BioPtr;
using internal::CmsPtr;
using internal::TakeOpensslError;

std::string OidText(const ASN1_OBJECT* obj) {
  char text[128];
  const int len = OBJ_obj2txt(text, sizeof(text), obj, 1);
  if (len <= 0 || static_cast<std::size_t>(len) >= sizeof(text)) return "";
  return std::string(text, static_cast<std::size_t>(len));
}

Result<CmsPtr> ReadCms(ByteView der_or_pem) {
  if (der_or_pem.empty()) return Error{"malformed-cms", "empty input"};
  BioPtr bio = internal::MemoryBio(der_or_pem);
  CMS_ContentInfo* cms = nullptr;
  if (internal::LooksLikePem(der_or_pem)) {
    cms = PEM_read_bio_CMS(bio.get(), nullptr, nullptr, nullptr);
  } else {
    const unsigned char* p = der_or_pem.data();
    cms = d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(der_or_pem.size()));  // NOLINT
    if (cms != nullptr && p != der_or_pem.data() + der_or_pem.size()) {
      CMS_ContentInfo_free(cms);
      return Error{"malformed-cms", "trailing data after the CMS structure"};
    }
  }
  if (cms == nullptr) {
    return Error{"malformed-cms", TakeOpensslError("not a DER or PEM CMS ContentInfo")};
  }
  CmsPtr owned(cms);
  if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
    return Error{"malformed-cms", "the CMS ContentInfo is not SignedData"};
  }
  return owned;
}

}  // namespace

bool LooksLikeSignedData(ByteView der_or_pem) {
  auto cms = ReadCms(der_or_pem);
  ERR_clear_error();
  return cms.ok();
}

Result<Bytes> CmsSign(std::string_view content_type_oid, ByteView content,
                      const Certificate& signer, const PrivateKey& key) {
  auto failed = [](const std::string& what) {
    return Error{"cms-creation-failed", TakeOpensslError(what)};
  };
  if (EVP_PKEY_eq(signer.public_key().native(), key.public_key().native()) != 1) {
    ERR_clear_error();
    return Error{"cms-creation-failed", "the key does not belong to the signer certificate"};
  }
  BioPtr data = internal::MemoryBio(content);
  const unsigned flags = CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP;
  CmsPtr cms(CMS_sign(nullptr, nullptr, nullptr, nullptr, flags));
  if (!cms) return failed("CMS_sign");
  Asn1ObjectPtr type(OBJ_txt2obj(std::string(content_type_oid).c_str(), 1));
  if (!type || CMS_set1_eContentType(cms.get(), type.get()) != 1) {
    return failed("cannot set the content type");
  }
  if (CMS_add1_signer(cms.get(), signer.data().x509.get(), key.native(),
                      internal::MdFor(key.public_key().hash()), flags) == nullptr) {
    return failed("cannot add the signer");
  }
  if (CMS_final(cms.get(), data.get(), nullptr, flags) != 1) return failed("CMS_final");
  unsigned char* der = nullptr;
  const int len = i2d_CMS_ContentInfo(cms.get(), &der);
  if (len <= 0) return failed("cannot encode the CMS structure");
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

Result<SignedContent> CmsVerify(ByteView der_or_pem) {
  OPENVAP_ASSIGN_OR_RETURN(CmsPtr cms, ReadCms(der_or_pem));
  STACK_OF(X509)* signers_in = CMS_get1_certs(cms.get());
  const int cert_count = signers_in != nullptr ? sk_X509_num(signers_in) : 0;
  sk_X509_pop_free(signers_in, X509_free);
  if (cert_count == 0) {
    return Error{"malformed-cms", "the SignedData carries no signer certificate"};
  }
  STACK_OF(CMS_SignerInfo)* infos = CMS_get0_SignerInfos(cms.get());
  if (infos == nullptr || sk_CMS_SignerInfo_num(infos) != 1) {
    return Error{"malformed-cms", "expected exactly one SignerInfo"};
  }
  BioPtr out(BIO_new(BIO_s_mem()));
  // The signer's chain is the trust store's business: here only the signature is checked.
  if (CMS_verify(cms.get(), nullptr, nullptr, nullptr, out.get(),
                 CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) != 1) {
    return Error{
        "cms-signature-invalid",
        TakeOpensslError("the CMS signature does not verify (content or signature altered)")};
  }
  STACK_OF(X509)* signers = CMS_get0_signers(cms.get());
  if (signers == nullptr || sk_X509_num(signers) != 1) {
    sk_X509_free(signers);
    return Error{"malformed-cms", "cannot identify the signer certificate"};
  }
  X509* signer_x509 = sk_X509_value(signers, 0);
  unsigned char* der = nullptr;
  const int len = i2d_X509(signer_x509, &der);
  sk_X509_free(signers);
  if (len <= 0) return Error{"malformed-cms", TakeOpensslError("cannot encode the signer")};
  const Bytes signer_der(der, der + len);
  OPENSSL_free(der);
  auto signer = Certificate::Parse(signer_der);
  if (!signer.ok()) {
    return Error{"malformed-cms", "signer certificate: " + signer.error().message};
  }
  SignedContent result{OidText(CMS_get0_eContentType(cms.get())), internal::BioContents(out.get()),
                       std::move(*signer)};
  return result;
}

Result<Bytes> CreateMasterList(const std::vector<Certificate>& certificates,
                               const Certificate& signer, const PrivateKey& key) {
  if (certificates.empty()) return Error{"invalid-master-list", "a master list needs certificates"};
  std::vector<Bytes> ders;
  ders.reserve(certificates.size());
  for (const Certificate& c : certificates) ders.push_back(c.der());
  const Bytes content =
      der::Tlv(der::kSequence, der::Concat({der::Unsigned(0), der::SetOf(std::move(ders))}));
  return CmsSign(kIcaoMasterListOid, content, signer, key);
}

Result<MasterList> ParseMasterList(ByteView der_or_pem) {
  OPENVAP_ASSIGN_OR_RETURN(SignedContent signed_content, CmsVerify(der_or_pem));
  auto malformed = [](const std::string& why) { return Error{"malformed-master-list", why}; };
  if (signed_content.content_type != kIcaoMasterListOid) {
    return malformed("content type is " + signed_content.content_type + ", not the ICAO " +
                     std::string(kIcaoMasterListOid));
  }
  der::Reader outer(signed_content.content);
  auto seq = outer.Expect(der::kSequence, "CscaMasterList");
  if (!seq.ok()) return malformed(seq.error().message);
  if (!outer.empty()) return malformed("trailing data after CscaMasterList");
  der::Reader fields(seq->content);
  auto version = fields.Expect(der::kInteger, "CscaMasterList version");
  if (!version.ok()) return malformed(version.error().message);
  auto set = fields.Expect(der::kSet, "CscaMasterList certList");
  if (!set.ok()) return malformed(set.error().message);
  MasterList list{{}, std::move(signed_content.signer)};
  der::Reader certs(set->content);
  while (!certs.empty()) {
    auto element = certs.Next();
    if (!element.ok()) return malformed("certList: " + element.error().message);
    auto cert = Certificate::Parse(element->encoded);
    if (!cert.ok()) {
      return malformed("certList entry " + std::to_string(list.certificates.size() + 1) + ": " +
                       cert.error().message);
    }
    list.certificates.push_back(std::move(*cert));
  }
  return list;
}

}  // namespace openvap::crypto
