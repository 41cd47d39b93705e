// Writes the seed corpora of the certificate, CRL and master-list fuzz targets, and a few seals
// of the profiles we issue for the VDS target, into fuzz/corpus/. Keys are fresh each run, so
// the files differ between runs; the corpus in the repository is one such run.
//
// Usage (from the repository root, normal build):
//   ninja -C build/fuzzbench fuzz_trust_seeds && build/fuzzbench/fuzz/fuzz_trust_seeds
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/time.h"
#include "crypto/cms.h"
#include "crypto/crl.h"
#include "crypto/ec_key.h"
#include "crypto/x509.h"
#include "seal/seal.h"
#include "trust/trust_store.h"

namespace {

using openvap::Bytes;
using openvap::ByteView;
namespace crypto = openvap::crypto;

template <typename T>
T Must(openvap::Result<T> r, const char* what) {
  if (!r.ok()) {
    (void)std::fprintf(stderr, "%s: %s\n", what, r.error().message.c_str());
    std::exit(1);
  }
  return std::move(*r);
}

void Write(const std::string& path, ByteView bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),  // NOLINT
            static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    (void)std::fprintf(stderr, "cannot write %s\n", path.c_str());
    std::exit(1);
  }
}

void Write(const std::string& path, const std::string& text) {
  Write(path, openvap::AsBytes(text));
}

openvap::Timestamp At(const char* iso) { return openvap::ParseIsoTimestamp(iso).value(); }

crypto::CertificateTemplate Template(const std::string& cn, Bytes serial, bool ca) {
  crypto::CertificateTemplate t;
  t.country = "UT";
  t.organization = "OpenVAP test PKI";
  t.organizational_unit = "fuzz seeds";
  t.common_name = cn;
  t.serial = std::move(serial);
  t.not_before = At("2024-01-01T00:00:00Z");
  t.not_after = At("2034-01-01T00:00:00Z");
  t.is_ca = ca;
  if (ca) {
    t.path_length = 0;
    t.key_usage = crypto::kKeyCertSign | crypto::kCrlSign;
  } else {
    t.key_usage = crypto::kDigitalSignature;
  }
  return t;
}

class KeySigner : public openvap::seal::SealSigner {
 public:
  KeySigner(const crypto::PrivateKey& key, const crypto::Certificate& cert)
      : key_(key), cert_(cert) {}
  openvap::Result<Bytes> SignRaw(ByteView data) const override { return key_.SignRaw(data); }
  std::string Country() const override { return "UTO"; }
  std::string SignerId() const override { return "UTTS"; }
  std::string CertificateReference() const override { return cert_.serial_hex(); }

 private:
  const crypto::PrivateKey& key_;
  const crypto::Certificate& cert_;
};

void WriteSeeds() {
  const std::string corpus = "fuzz/corpus/";
  const std::string certs = corpus + "certificate_load/";
  const std::string crls = corpus + "crl_load/";
  const std::string lists = corpus + "master_list_load/";
  const std::string vds = corpus + "vds_decode/";

  // Certificates: the third-party test signers, DER and PEM.
  const Bytes utts_der = Must(crypto::ReadFile("tests/vectors/seals/certs/UTTS5B.der"), "UTTS5B");
  const crypto::Certificate utts = Must(crypto::Certificate::Parse(utts_der), "UTTS5B");
  Write(certs + "UTTS5B.der", utts_der);
  Write(certs + "UTTS5B.pem", utts.ToPem());
  Write(certs + "DETS27.der", Must(crypto::ReadFile("tests/vectors/seals/certs/DETS27.der"), "27"));
  Write(certs + "DETS32.der", Must(crypto::ReadFile("tests/vectors/seals/certs/DETS32.der"), "32"));
  Write(certs + "truncated.der", ByteView(utts_der).first(utts_der.size() / 2));

  // A CSCA (P-256) and two signers under it: brainpoolP256r1 with the ICAO document-type list
  // and a private key usage period, and P-256 with explicit curve parameters.
  const crypto::PrivateKey csca_key =
      Must(crypto::PrivateKey::Generate(crypto::Curve::kP256), "CSCA key");
  const crypto::Certificate csca =
      Must(crypto::IssueCertificate(Template("CSCA", {0x01}, true), csca_key.public_key(), csca_key,
                                    nullptr),
           "CSCA");
  const crypto::PrivateKey ds_key =
      Must(crypto::PrivateKey::Generate(crypto::Curve::kBrainpoolP256r1), "DS key");
  crypto::CertificateTemplate ds_tmpl = Template("TS signer", {0x5C}, false);
  ds_tmpl.document_types = std::vector<std::string>{"VI", "AR"};
  ds_tmpl.private_key_usage_period =
      crypto::PrivateKeyUsagePeriod{At("2024-01-01T00:00:00Z"), At("2025-01-01T00:00:00Z")};
  const crypto::Certificate ds =
      Must(crypto::IssueCertificate(ds_tmpl, ds_key.public_key(), csca_key, &csca), "DS");
  const crypto::PrivateKey explicit_key = Must(
      crypto::PrivateKey::Generate(crypto::Curve::kP256, {.explicit_parameters = true}), "key");
  const crypto::Certificate explicit_ds =
      Must(crypto::IssueCertificate(Template("TX explicit", {0x00, 0x80, 0x27}, false),
                                    explicit_key.public_key(), csca_key, &csca),
           "explicit DS");
  Write(certs + "csca.der", csca.der());
  Write(certs + "signer-brainpool-doctypes.der", ds.der());
  Write(certs + "signer-explicit-params.der", explicit_ds.der());
  Write(certs + "chain.pem", ds.ToPem() + csca.ToPem());

  // CRLs: empty, with revoked signers, PEM, and cut short.
  crypto::CrlTemplate crl_tmpl;
  crl_tmpl.this_update = At("2025-01-01T00:00:00Z");
  crl_tmpl.next_update = At("2025-04-01T00:00:00Z");
  const crypto::Crl empty = Must(crypto::IssueCrl(csca, csca_key, crl_tmpl), "CRL");
  crl_tmpl.crl_number = 7;
  crl_tmpl.revoked = {
      {{0x5C}, At("2024-06-01T00:00:00Z")},
      {{0x00, 0x80, 0x27}, At("2024-07-01T00:00:00Z")},
      {{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09}, At("2024-08-01T00:00:00Z")}};
  const crypto::Crl revoked = Must(crypto::IssueCrl(csca, csca_key, crl_tmpl), "CRL");
  Write(crls + "empty.der", empty.der());
  Write(crls + "revoked.der", revoked.der());
  Write(crls + "revoked.pem", revoked.ToPem());
  Write(crls + "truncated.der", ByteView(revoked.der()).first(revoked.der().size() - 20));

  // Master lists: CSCAs signed by a master list signer; a PEM copy; the bare CscaMasterList
  // content (the target signs non-CMS input itself); and a trust bundle.
  const crypto::PrivateKey mls_key =
      Must(crypto::PrivateKey::Generate(crypto::Curve::kP256), "MLS key");
  const crypto::Certificate mls =
      Must(crypto::IssueCertificate(Template("Master List Signer", {0x02}, false),
                                    mls_key.public_key(), csca_key, &csca),
           "MLS");
  const crypto::Certificate other_csca =
      Must(crypto::IssueCertificate(Template("CSCA 2", {0x03}, true), ds_key.public_key(), ds_key,
                                    nullptr),
           "CSCA 2");
  const Bytes list = Must(crypto::CreateMasterList({csca, other_csca}, mls, mls_key), "ML");
  Write(lists + "master-list.der", list);
  const crypto::SignedContent content = Must(crypto::CmsVerify(list), "ML content");
  Write(lists + "csca-master-list-content.der", content.content);
  const Bytes single = Must(crypto::CreateMasterList({csca}, mls, mls_key), "ML");
  Write(lists + "master-list-one.der", single);
  std::string pem = "-----BEGIN CMS-----\n";
  const std::string b64 = openvap::ToBase64(list);
  for (std::size_t i = 0; i < b64.size(); i += 64) pem += b64.substr(i, 64) + "\n";
  Write(lists + "master-list.pem", pem + "-----END CMS-----\n");
  openvap::trust::TrustStore store;
  store.AddCertificate(csca);
  store.AddCertificate(ds);
  store.AddCrl(revoked);
  Write(lists + "trust-bundle.der",
        Must(store.ExportBundle(mls, mls_key, At("2025-01-02T00:00:00Z")), "bundle"));

  // Seals of the profiles we issue, signed with the ICAO test key.
  const crypto::PrivateKey utts_key =
      Must(crypto::PrivateKey::LoadFile("tests/vectors/seals/certs/UTTS5B.key.pem"), "UTTS key");
  const KeySigner signer(utts_key, utts);
  const nlohmann::json visa = {{"visa_number", "DEU123456782"},
                               {"visa_type", "C"},
                               {"valid_from", "2027-03-01"},
                               {"valid_until", "2027-03-31"},
                               {"territory", nlohmann::json::array({"DE", "FR"})},
                               {"number_of_entries", 2},
                               {"duration_of_stay_days", 15},
                               {"surname", "ERIKSSON"},
                               {"given_names", "ANNA MARIA"},
                               {"date_of_birth", "1990-05-01"},
                               {"nationality", "IND"},
                               {"travel_document_number", "X1234567"}};
  const openvap::Date issued = openvap::ParseIsoDate("2027-02-15").value();
  Write(vds + "ours-eu-digital-visa.bin",
        Must(openvap::seal::EncodeAndSignVds("eu-digital-visa", visa, issued, issued, signer),
             "visa seal"));
  const nlohmann::json permit = {
      {"permit_number", "LT1234567"},
      {"permit_type", "Temporary residence permit"},
      {"grounds", "employment"},
      {"valid_from", "2027-01-01"},
      {"valid_until", "2029-12-31"},
      {"surname", "Kovalenko"},
      {"given_names", "Oksana"},
      {"date_of_birth", "1992-07-14"},
      {"nationality", "UKR"},
      {"sex", "F"},
      {"labour_market_access", 1},
      {"facial_image", openvap::ToBase64(Bytes{0xFF, 0xD8, 0xFF, 0xE0})}};
  Write(vds + "ours-eu-digital-residence-permit.bin",
        Must(openvap::seal::EncodeAndSignVds("eu-digital-residence-permit", permit, issued, issued,
                                             signer),
             "permit seal"));
}

}  // namespace

int main() {
  try {
    WriteSeeds();
  } catch (const std::exception& e) {
    (void)std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  std::puts("seed corpora written under fuzz/corpus/");
  return 0;
}
