// Fuzz target: certificate revocation lists, DER or PEM (Crl::Parse, then every accessor).
// Any input must give a Crl or a named Error, never a crash or out-of-bounds read. A parsed
// CRL's PEM parses again to the same DER and the same revoked serials.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "base/bytes.h"
#include "crypto/crl.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto crl = openvap::crypto::Crl::Parse(openvap::ByteView(data, size));
  if (!crl.ok()) return 0;
  (void)crl->issuer();
  (void)crl->this_update();
  (void)crl->next_update();
  (void)crl->crl_number();
  (void)crl->authority_key_id();
  for (const openvap::crypto::RevokedCertificate& r : crl->revoked()) {
    if (r.serial_hex.empty()) std::abort();
  }
  const std::string pem = crl->ToPem();
  auto again = openvap::crypto::Crl::Parse(openvap::AsBytes(pem));
  if (!again.ok() || again->der() != crl->der() ||
      again->revoked().size() != crl->revoked().size()) {
    std::abort();
  }
  return 0;
}
