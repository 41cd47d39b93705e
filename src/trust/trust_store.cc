#include "trust/trust_store.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <nlohmann/json.hpp>

#include "base/time.h"
#include "crypto/cms.h"

namespace openvap::trust {
namespace {

using nlohmann::json;

constexpr std::string_view kBundleFormat = "openvap-trust-bundle";

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string Sha1Suffix(const crypto::Certificate& c) {
  const auto& d = c.sha1();
  return ToHex(ByteView(d.data() + d.size() - 5, 5));
}

std::string VdsKey(std::string_view signer_id, std::string_view serial_hex) {
  return std::string(signer_id) + "|" + crypto::NormalizeSerialHex(serial_hex);
}

// PEM blocks of a text, each with its label ("CERTIFICATE", "X509 CRL", "CMS", ...).
std::vector<std::pair<std::string, std::string>> PemBlocks(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t pos = 0;
  while ((pos = text.find("-----BEGIN ", pos)) != std::string_view::npos) {
    const std::size_t label_end = text.find("-----", pos + 11);
    if (label_end == std::string_view::npos) break;
    const std::string label(text.substr(pos + 11, label_end - pos - 11));
    const std::string end_marker = "-----END " + label + "-----";
    const std::size_t end = text.find(end_marker, label_end);
    if (end == std::string_view::npos) break;
    out.emplace_back(label, std::string(text.substr(pos, end + end_marker.size() - pos)));
    pos = end + end_marker.size();
  }
  return out;
}

// The DER bytes of one PEM block (the base64 between its BEGIN and END lines).
Result<Bytes> PemBody(std::string_view block) {
  const std::size_t begin = block.find('\n');
  const std::size_t end = block.rfind("-----END ");
  if (begin == std::string_view::npos || end == std::string_view::npos || end < begin) {
    return Error{"malformed-pem", "no PEM body"};
  }
  return FromBase64(block.substr(begin + 1, end - begin - 1));
}

bool PermitsDocumentType(const std::vector<std::string>& list, const std::string& type) {
  for (const std::string& allowed : list) {
    if (!allowed.empty() && type.rfind(allowed, 0) == 0) return true;
  }
  return false;
}

}  // namespace

std::string_view VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kValid:
      return "valid";
    case Verdict::kInvalidSignature:
      return "invalid-signature";
    case Verdict::kUnknownSigner:
      return "unknown-signer";
    case Verdict::kUntrustedChain:
      return "untrusted-chain";
    case Verdict::kExpiredSigner:
      return "expired-signer";
    case Verdict::kRevokedSigner:
      return "revoked-signer";
    case Verdict::kNotPermitted:
      return "not-permitted";
    case Verdict::kUnsigned:
      return "unsigned";
    case Verdict::kMalformed:
      return "malformed";
  }
  return "malformed";
}

struct TrustStore::Index {
  struct Entry {
    const crypto::Certificate* certificate = nullptr;
    std::optional<Timestamp> revoked_at;  // by a verified CRL of one of its issuers
  };
  std::vector<Entry> entries;  // parallel to certificates_
  std::multimap<std::string, std::size_t> by_vds_key;
  std::multimap<std::string, std::size_t> by_sha1_suffix;
  // The document signers a seal naming none of them is tried against (Verify): first those
  // that no CA held here names as their issuer (signers pinned on their own, such as other
  // implementations' test signers), then those under a CA held here.
  std::vector<std::size_t> fallback;
};

TrustStore::TrustStore() : index_(std::make_unique<Index>()) {}
TrustStore::~TrustStore() = default;

void TrustStore::Rebuild() {
  auto index = std::make_unique<Index>();
  index->entries.resize(certificates_.size());
  for (std::size_t i = 0; i < certificates_.size(); ++i) {
    const crypto::Certificate& c = certificates_[i];
    index->entries[i].certificate = &c;
    index->by_vds_key.emplace(VdsKey(c.signer_id(), c.serial_hex()), i);
    index->by_sha1_suffix.emplace(Sha1Suffix(c), i);
  }
  std::vector<std::size_t> under_a_ca;
  for (std::size_t i = 0; i < certificates_.size(); ++i) {
    const crypto::Certificate& c = certificates_[i];
    if (c.is_ca()) continue;
    const bool chained = std::any_of(
        certificates_.begin(), certificates_.end(),
        [&c](const crypto::Certificate& ca) { return ca.is_ca() && c.IssuerNameMatches(ca); });
    (chained ? under_a_ca : index->fallback).push_back(i);
  }
  index->fallback.insert(index->fallback.end(), under_a_ca.begin(), under_a_ca.end());
  // CRLs count only when signed by a certificate held here (RP-REVOKE).
  for (const crypto::Crl& crl : crls_) {
    for (const crypto::Certificate& issuer : certificates_) {
      if (!crl.IsIssuedBy(issuer)) continue;
      for (const crypto::RevokedCertificate& r : crl.revoked()) {
        for (std::size_t i = 0; i < certificates_.size(); ++i) {
          const crypto::Certificate& c = certificates_[i];
          if (crypto::NormalizeSerialHex(c.serial_hex()) == r.serial_hex &&
              c.IssuerNameMatches(issuer) && c.IsIssuedBy(issuer)) {
            index->entries[i].revoked_at = r.revocation_date;
          }
        }
      }
    }
  }
  index_ = std::move(index);
}

void TrustStore::AddCertificate(const crypto::Certificate& certificate) {
  std::unique_lock lock(mu_);
  for (const crypto::Certificate& c : certificates_) {
    if (c.der() == certificate.der()) return;  // already held
  }
  certificates_.push_back(certificate);
  Rebuild();
}

void TrustStore::AddCrl(const crypto::Crl& crl) {
  std::unique_lock lock(mu_);
  crls_.push_back(crl);
  Rebuild();
}

Status TrustStore::AddMasterList(ByteView cms) {
  auto list = crypto::ParseMasterList(cms);
  if (!list.ok()) {
    return Error{"malformed-trust", "master list: " + list.error().message};
  }
  for (const crypto::Certificate& c : list->certificates) AddCertificate(c);
  return Ok();
}

Status TrustStore::AddBytes(ByteView bytes, const std::string& origin) {
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()),  // NOLINT
                              bytes.size());
  if (text.find("-----BEGIN ") != std::string_view::npos) {
    const auto blocks = PemBlocks(text);
    if (blocks.empty()) return Error{"malformed-trust", origin + ": unreadable PEM"};
    for (const auto& [label, pem] : blocks) {
      if (label == "CERTIFICATE") {
        auto c = crypto::Certificate::Parse(AsBytes(pem));
        if (!c.ok()) return Error{"malformed-trust", origin + ": " + c.error().message};
        AddCertificate(*c);
      } else if (label == "X509 CRL") {
        auto crl = crypto::Crl::Parse(AsBytes(pem));
        if (!crl.ok()) return Error{"malformed-trust", origin + ": " + crl.error().message};
        AddCrl(*crl);
      } else if (label == "CMS" || label == "PKCS7") {
        // Added as DER: passing the PEM block itself would come back here for ever.
        auto der = PemBody(pem);
        std::string inner = origin;
        if (!der.ok()) {
          inner += ": unreadable PEM " + label;
          return Error{"malformed-trust", inner};
        }
        inner += " (" + label + ")";
        OPENVAP_RETURN_IF_ERROR(AddBytes(*der, inner));
      } else if (label.find("PRIVATE KEY") == std::string::npos) {
        std::string message = origin;
        message += ": unexpected PEM block " + label;
        return Error{"malformed-trust", message};
      }
    }
    return Ok();
  }
  if (crypto::LooksLikeSignedData(bytes)) {
    auto content = crypto::CmsVerify(bytes);
    if (!content.ok()) {
      return Error{"malformed-trust", origin +
                                          ": the signature of this signed list does not "
                                          "verify: " +
                                          content.error().message};
    }
    if (content->content_type == crypto::kIcaoMasterListOid) return AddMasterList(bytes);
    const json bundle =
        json::parse(content->content.begin(), content->content.end(), nullptr, false);
    if (bundle.is_discarded() || bundle.value("format", "") != kBundleFormat) {
      return Error{"malformed-trust", origin +
                                          ": signed content that is neither a master list "
                                          "nor a trust bundle"};
    }
    for (const json& c : bundle.value("certificates", json::array())) {
      auto der = FromBase64(c.get<std::string>());
      auto cert =
          der.ok() ? crypto::Certificate::Parse(*der) : Result<crypto::Certificate>(der.error());
      if (!cert.ok()) return Error{"malformed-trust", origin + ": " + cert.error().message};
      AddCertificate(*cert);
    }
    for (const json& c : bundle.value("crls", json::array())) {
      auto der = FromBase64(c.get<std::string>());
      auto crl = der.ok() ? crypto::Crl::Parse(*der) : Result<crypto::Crl>(der.error());
      if (!crl.ok()) return Error{"malformed-trust", origin + ": " + crl.error().message};
      AddCrl(*crl);
    }
    return Ok();
  }
  if (auto certs = crypto::Certificate::ParseAll(bytes); certs.ok() && !certs->empty()) {
    for (const crypto::Certificate& c : *certs) AddCertificate(c);
    return Ok();
  }
  if (auto crl = crypto::Crl::Parse(bytes); crl.ok()) {
    AddCrl(*crl);
    return Ok();
  }
  return Error{"malformed-trust", origin + ": not a certificate, CRL, master list or trust bundle"};
}

Status TrustStore::AddPath(const std::string& path) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  if (std::filesystem::is_directory(path, ec)) {
    // With its sub-directories: a state's PKI folder keeps one per state (pki/FR/csca.pem).
    for (const auto& entry : std::filesystem::recursive_directory_iterator(
             path, std::filesystem::directory_options::skip_permission_denied, ec)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
  } else if (std::filesystem::is_regular_file(path, ec)) {
    files.emplace_back(path);
  } else {
    return Error{"io-error", "no such file or directory: " + path};
  }
  for (const auto& f : files) {
    const std::string name = f.filename().string();
    // Private keys in a PKI folder are not trust material: skip them.
    if (name.find(".key") != std::string::npos) continue;
    std::ifstream in(f, std::ios::binary);
    if (!in) return Error{"io-error", "cannot read " + f.string()};
    const Bytes bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    Status added = AddBytes(bytes, f.string());
    if (!added.ok() && files.size() == 1) return added;
    // In a directory, files that are not trust material (README, serial counters) are skipped.
  }
  return Ok();
}

TrustVerdict TrustStore::Verify(const SignatureCheck& check) const {
  std::shared_lock lock(mu_);
  const Index& index = *index_;
  std::vector<const crypto::Certificate*> candidates;
  std::vector<std::optional<Timestamp>> revocations;
  if (check.signer.kind == SignerReferenceKind::kVdsSerial) {
    const auto range =
        index.by_vds_key.equal_range(VdsKey(check.signer.signer, check.signer.cert_ref));
    for (auto it = range.first; it != range.second; ++it) {
      candidates.push_back(index.entries[it->second].certificate);
      revocations.push_back(index.entries[it->second].revoked_at);
    }
  } else {
    const auto range = index.by_sha1_suffix.equal_range(Lower(check.signer.cert_ref));
    for (auto it = range.first; it != range.second; ++it) {
      candidates.push_back(index.entries[it->second].certificate);
      revocations.push_back(index.entries[it->second].revoked_at);
    }
  }
  // An IDB seal may carry its signer certificate: usable only when an anchor issued it.
  std::optional<crypto::Certificate> embedded;
  bool embedded_chains = false;
  if (candidates.empty() && check.signer.embedded_certificate_der) {
    auto c = crypto::Certificate::Parse(*check.signer.embedded_certificate_der);
    if (c.ok() && Sha1Suffix(*c) == Lower(check.signer.cert_ref)) {
      embedded = *c;
      for (const crypto::Certificate& anchor : certificates_) {
        if (embedded->IssuerNameMatches(anchor) && embedded->IsIssuedBy(anchor)) {
          embedded_chains = true;
        }
      }
      candidates.push_back(&*embedded);
      revocations.emplace_back();
    }
  }
  // Every certificate given is a trust anchor (issue 3): a verifier that pins a document signer
  // accepts a seal whose header names it differently (seen from other implementations, e.g. a
  // test seal under the ICAO test key with signer "DEZV") when the signature verifies under it.
  // Bounded, so that a seal of an unknown signer costs at most kMaxPinnedTries verifications;
  // signers pinned on their own come first, so that a server holding many states' signers
  // under their CSCAs still finds them.
  if (candidates.empty()) {
    constexpr std::size_t kMaxPinnedTries = 8;
    for (std::size_t n = 0; n < index.fallback.size() && n < kMaxPinnedTries; ++n) {
      const Index::Entry& e = index.entries[index.fallback[n]];
      if (e.certificate->public_key().VerifyRaw(check.signed_data, check.signature_rs)) {
        candidates.push_back(e.certificate);
        revocations.push_back(e.revoked_at);
        break;
      }
    }
  }
  if (candidates.empty()) {
    return {Verdict::kUnknownSigner,
            "no certificate for signer " + check.signer.signer + " with reference " +
                check.signer.cert_ref + " is trusted here",
            std::nullopt};
  }
  const crypto::Certificate* signer = nullptr;
  std::optional<Timestamp> revoked;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (candidates[i]->public_key().VerifyRaw(check.signed_data, check.signature_rs)) {
      signer = candidates[i];
      revoked = revocations[i];
      break;
    }
  }
  if (signer == nullptr) {
    return {Verdict::kInvalidSignature,
            "the signature does not match the signed data under " + candidates[0]->subject(),
            candidates[0]->subject()};
  }
  const std::string subject = signer->subject();
  if (signer == (embedded ? &*embedded : nullptr) && !embedded_chains) {
    return {Verdict::kUntrustedChain,
            "the seal's own certificate " + subject + " is not issued by a trusted authority",
            subject};
  }
  if (revoked) {
    return {Verdict::kRevokedSigner,
            "the signer certificate was revoked on " + FormatIsoTimestamp(*revoked), subject};
  }
  if (check.at < signer->not_before() || check.at > signer->not_after()) {
    return {Verdict::kExpiredSigner,
            "the signer certificate is valid from " + FormatIsoTimestamp(signer->not_before()) +
                " to " + FormatIsoTimestamp(signer->not_after()) + ", not at " +
                FormatIsoTimestamp(check.at),
            subject};
  }
  if (check.document_type && signer->document_types() &&
      !PermitsDocumentType(*signer->document_types(), *check.document_type)) {
    std::string list;
    for (const std::string& t : *signer->document_types()) list += (list.empty() ? "" : ", ") + t;
    return {Verdict::kNotPermitted,
            "the signer may sign document types " + list + ", not " + *check.document_type,
            subject};
  }
  return {Verdict::kValid, "signed by " + subject, subject};
}

std::vector<crypto::Certificate> TrustStore::certificates() const {
  std::shared_lock lock(mu_);
  return certificates_;
}

std::vector<crypto::Crl> TrustStore::crls() const {
  std::shared_lock lock(mu_);
  return crls_;
}

Result<Bytes> TrustStore::ExportMasterList(const crypto::Certificate& signer,
                                           const crypto::PrivateKey& key) const {
  std::vector<crypto::Certificate> cscas;
  for (const crypto::Certificate& c : certificates()) {
    if (c.is_ca() && c.IsSelfIssued()) cscas.push_back(c);
  }
  if (cscas.empty()) return Error{"malformed-trust", "no country signing CA to list"};
  return crypto::CreateMasterList(cscas, signer, key);
}

Result<Bytes> TrustStore::ExportBundle(const crypto::Certificate& signer,
                                       const crypto::PrivateKey& key, Timestamp created) const {
  json bundle = {{"format", kBundleFormat},
                 {"version", 1},
                 {"created", FormatIsoTimestamp(created)},
                 {"certificates", json::array()},
                 {"crls", json::array()}};
  for (const crypto::Certificate& c : certificates())
    bundle["certificates"].push_back(ToBase64(c.der()));
  for (const crypto::Crl& c : crls()) bundle["crls"].push_back(ToBase64(c.der()));
  const std::string content = bundle.dump();
  return crypto::CmsSign(crypto::kCmsDataOid, AsBytes(content), signer, key);
}

}  // namespace openvap::trust
