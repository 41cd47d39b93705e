#ifndef OPENVAP_TRUST_TRUST_STORE_H_
#define OPENVAP_TRUST_TRUST_STORE_H_

// Who is trusted to sign documents (RP-TRUST, RP-REVOKE, DV-OFFLINE): country signing CAs and
// document/barcode signer certificates, CRLs, ICAO CSCA master lists, and the platform's
// signed offline trust bundle. Every certificate given explicitly is a trust anchor (verifiers
// often pin a document signer directly); signers found otherwise must chain to an anchor.
//
// Verify() is the hot path: chains and CRL membership are worked out when material is added,
// so a verification is one index look-up, one ECDSA verification and a few comparisons. Safe
// for concurrent Verify() calls; adding takes an exclusive lock.

#include <openvap/result.h>

#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "crypto/crl.h"
#include "crypto/ec_key.h"
#include "crypto/x509.h"

namespace openvap::trust {

enum class Verdict {
  kValid,
  kInvalidSignature,
  kUnknownSigner,
  kUntrustedChain,
  kExpiredSigner,
  kRevokedSigner,
  kNotPermitted,
  kUnsigned,
  kMalformed,
};

// "valid", "invalid-signature", "unknown-signer", "untrusted-chain", "expired-signer",
// "revoked-signer", "not-permitted", "unsigned", "malformed".
std::string_view VerdictName(Verdict verdict);

enum class SignerReferenceKind {
  kVdsSerial,      // VDS: signer id (country + 2 letters of the CN) and serial number in hex
  kIdbSha1Suffix,  // IDB: the last 5 bytes of the SHA-1 of the signer certificate
};

struct SignerReference {
  SignerReferenceKind kind = SignerReferenceKind::kVdsSerial;
  std::string country;
  std::string signer;    // VDS "UTTS"
  std::string cert_ref;  // VDS serial hex as in the header; IDB 10 hex digits
  std::optional<Bytes> embedded_certificate_der;  // IDB 0x7E: used only if it chains
};

struct SignatureCheck {
  SignerReference signer;
  ByteView signed_data;
  ByteView signature_rs;
  Timestamp at{};
  std::optional<std::string> document_type;  // checked against the document type list
};

struct TrustVerdict {
  Verdict verdict = Verdict::kMalformed;
  std::string reason;
  std::optional<std::string> signer_subject;
};

class TrustStore {
 public:
  TrustStore();
  ~TrustStore();
  TrustStore(const TrustStore&) = delete;
  TrustStore& operator=(const TrustStore&) = delete;

  // A file or a directory with its sub-directories: certificates (DER or PEM, one or several),
  // CRLs, master lists and trust bundles, detected by content. Errors: "io-error",
  // "malformed-trust" naming the file.
  Status AddPath(const std::string& path);
  // Detects the kind of `bytes`; `origin` names them in errors.
  Status AddBytes(ByteView bytes, const std::string& origin);
  void AddCertificate(const crypto::Certificate& certificate);
  // The CRL's signature is checked against its issuer once the issuer is known.
  void AddCrl(const crypto::Crl& crl);
  // ICAO master list (CMS SignedData, 2.23.136.1.1.2): its signature is checked, its CSCAs
  // become anchors. Errors: "malformed-trust".
  Status AddMasterList(ByteView cms);

  TrustVerdict Verify(const SignatureCheck& check) const;

  std::vector<crypto::Certificate> certificates() const;
  std::vector<crypto::Crl> crls() const;

  // An ICAO master list of the country signing CAs (self-signed CA certificates) held here.
  Result<Bytes> ExportMasterList(const crypto::Certificate& signer,
                                 const crypto::PrivateKey& key) const;
  // The offline trust bundle (docs/pki.md): every certificate and CRL held here, in one CMS
  // SignedData file a verifier keeps and refreshes.
  Result<Bytes> ExportBundle(const crypto::Certificate& signer, const crypto::PrivateKey& key,
                             Timestamp created) const;

 private:
  struct Index;
  void Rebuild();  // with mu_ held exclusively

  mutable std::shared_mutex mu_;
  std::vector<crypto::Certificate> certificates_;
  std::vector<crypto::Crl> crls_;
  std::unique_ptr<Index> index_;
};

}  // namespace openvap::trust

#endif  // OPENVAP_TRUST_TRUST_STORE_H_
