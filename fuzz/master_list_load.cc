// Fuzz target: ICAO CSCA master lists and other trust files as the trust store loads them
// (crypto::ParseMasterList, TrustStore::AddBytes). Any input must give a master list or a
// named Error, never a crash or out-of-bounds read.
//
// A mutated CMS file almost never keeps a valid signature, so the CscaMasterList content
// behind the signature would never be reached. Inputs that are not CMS SignedData are
// therefore taken as that content: signed here with a fixed test key, then parsed. The seed
// corpus has both kinds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>

#include "base/bytes.h"
#include "base/time.h"
#include "crypto/cms.h"
#include "crypto/ec_key.h"
#include "crypto/x509.h"
#include "trust/trust_store.h"

namespace {

struct Signer {
  openvap::crypto::PrivateKey key;
  openvap::crypto::Certificate certificate;
};

Signer MakeSigner() {
  auto key = openvap::crypto::PrivateKey::Generate(openvap::crypto::Curve::kP256);
  if (!key.ok()) std::abort();
  openvap::crypto::CertificateTemplate tmpl;
  tmpl.country = "UT";
  tmpl.organization = "OpenVAP fuzzing";
  tmpl.common_name = "Master List Signer";
  tmpl.serial = {0x01};
  tmpl.not_before = openvap::ParseIsoTimestamp("2020-01-01T00:00:00Z").value();
  tmpl.not_after = openvap::ParseIsoTimestamp("2040-01-01T00:00:00Z").value();
  tmpl.key_usage = openvap::crypto::kDigitalSignature;
  auto cert = openvap::crypto::IssueCertificate(tmpl, key->public_key(), *key, nullptr);
  if (!cert.ok()) std::abort();
  return {std::move(*key), std::move(*cert)};
}

const Signer& TestSigner() {
  static const Signer* const kSigner = new Signer(MakeSigner());
  return *kSigner;
}

void Load(openvap::ByteView cms) {
  auto list = openvap::crypto::ParseMasterList(cms);
  if (list.ok()) {
    for (const openvap::crypto::Certificate& c : list->certificates) (void)c.subject();
  }
  openvap::trust::TrustStore store;
  if (store.AddBytes(cms, "fuzz").ok()) {
    openvap::trust::SignatureCheck check;
    check.signer = {openvap::trust::SignerReferenceKind::kVdsSerial, "UTO", "UTTS", "5B",
                    std::nullopt};
    const openvap::Bytes sig(64, 1);
    check.signed_data = sig;
    check.signature_rs = sig;
    (void)store.Verify(check);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const openvap::ByteView bytes(data, size);
  if (openvap::crypto::LooksLikeSignedData(bytes)) {
    Load(bytes);
    return 0;
  }
  const Signer& signer = TestSigner();
  auto cms = openvap::crypto::CmsSign(openvap::crypto::kIcaoMasterListOid, bytes,
                                      signer.certificate, signer.key);
  if (!cms.ok()) return 0;
  Load(*cms);
  return 0;
}
