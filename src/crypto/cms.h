#ifndef OPENVAP_CRYPTO_CMS_H_
#define OPENVAP_CRYPTO_CMS_H_

// CMS SignedData (RFC 5652) as ICAO uses it for CSCA master lists (Doc 9303-12 section 9;
// RP-TRUST), and as OpenVAP uses it for its offline trust bundle (docs/pki.md). Parsing takes
// untrusted bytes and never throws; the signature is always checked.

#include <openvap/result.h>

#include <string>
#include <vector>

#include "base/bytes.h"
#include "crypto/ec_key.h"
#include "crypto/x509.h"

namespace openvap::crypto {

// id-icao-cscaMasterList (Doc 9303-12 9.1).
inline constexpr std::string_view kIcaoMasterListOid = "2.23.136.1.1.2";
// id-data (RFC 5652 4).
inline constexpr std::string_view kCmsDataOid = "1.2.840.113549.1.7.1";

struct SignedContent {
  std::string content_type;  // dotted OID of the encapsulated content
  Bytes content;             // the encapsulated content octets
  Certificate signer;        // the certificate the signature verified with
};

// A DER CMS SignedData over `content` (encapsulated, not detached) with one SignerInfo
// for `signer`, whose certificate is included. Errors: "cms-creation-failed".
Result<Bytes> CmsSign(std::string_view content_type_oid, ByteView content,
                      const Certificate& signer, const PrivateKey& key);

// Parses a DER or PEM ("CMS"/"PKCS7") SignedData and checks its signature with the signer
// certificate it carries (the signer's own trust is the caller's business).
// Errors: "malformed-cms", "cms-signature-invalid" (content or signature altered).
Result<SignedContent> CmsVerify(ByteView der_or_pem);

// Whether bytes look like CMS ContentInfo of type SignedData (cheap, no signature check).
bool LooksLikeSignedData(ByteView der_or_pem);

// An ICAO CSCA master list: SignedData with content type 2.23.136.1.1.2 over
// CscaMasterList ::= SEQUENCE { version INTEGER (v0), certList SET OF Certificate }.
struct MasterList {
  std::vector<Certificate> certificates;
  Certificate signer;
};

// Builds a master list of `certificates` signed by `signer`/`key` (ICAO: the Master List
// Signer, certified by the CSCA). Errors: as CmsSign, "invalid-master-list" when empty.
Result<Bytes> CreateMasterList(const std::vector<Certificate>& certificates,
                               const Certificate& signer, const PrivateKey& key);

// Parses a master list and checks its CMS signature. Errors: "malformed-master-list" (wrong
// content type, bad structure, an unparsable certificate: the message says which),
// "cms-signature-invalid", "malformed-cms".
Result<MasterList> ParseMasterList(ByteView der_or_pem);

}  // namespace openvap::crypto

#endif  // OPENVAP_CRYPTO_CMS_H_
