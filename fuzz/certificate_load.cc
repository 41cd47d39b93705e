// Fuzz target: certificate files as `--trust` takes them (one DER certificate, or PEM with one
// or more; Certificate::Parse/ParseAll, then every accessor). Any input must give certificates
// or a named Error, never a crash or out-of-bounds read. A parsed certificate's PEM parses
// again to the same DER, and its public key survives a SubjectPublicKeyInfo round trip.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "base/bytes.h"
#include "crypto/x509.h"

namespace {

void Exercise(const openvap::crypto::Certificate& c) {
  (void)c.subject();
  (void)c.issuer();
  (void)c.subject_country();
  (void)c.subject_common_name();
  (void)c.signer_id();
  (void)c.serial_hex();
  (void)c.not_before();
  (void)c.not_after();
  (void)c.sha1();
  (void)c.is_ca();
  (void)c.path_length();
  (void)c.key_usage();
  (void)c.document_types();
  (void)c.private_key_usage_period();
  (void)c.subject_key_id();
  (void)c.authority_key_id();
  (void)c.public_key().curve_description();
  if (c.IsSelfIssued()) (void)c.IsIssuedBy(c);
  const std::string pem = c.ToPem();
  auto again = openvap::crypto::Certificate::Parse(openvap::AsBytes(pem));
  if (!again.ok() || again->der() != c.der()) std::abort();
  const openvap::Bytes spki = c.public_key().SpkiDer();
  auto key = openvap::crypto::PublicKey::FromSpki(spki);
  if (!key.ok() || key->field_size() != c.public_key().field_size()) std::abort();
  // A signature of the right length that is not valid must not verify.
  const openvap::Bytes zeros(2 * key->field_size(), 0);
  if (key->VerifyRaw(spki, zeros)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const openvap::ByteView bytes(data, size);
  auto one = openvap::crypto::Certificate::Parse(bytes);
  if (one.ok()) Exercise(*one);
  auto all = openvap::crypto::Certificate::ParseAll(bytes);
  if (all.ok()) {
    for (const openvap::crypto::Certificate& c : *all) Exercise(c);
  }
  return 0;
}
