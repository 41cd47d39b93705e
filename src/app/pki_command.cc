// `openvap pki csca|signer|crl|revoke|master-list|bundle` (issue 3 "PKI and trust"; RP-TRUST,
// RP-REVOKE): a member state's seal PKI as files. Private keys are written owner-only (0600).
// Usage errors (missing or unreadable inputs, bad values) exit 2, failures 1.

#include <CLI/CLI.hpp>
#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>

#include "app/cli.h"
#include "app/cli_io.h"
#include "app/pki.h"
#include "crypto/cms.h"
#include "trust/trust_store.h"

namespace openvap::app {
namespace {

// What csca and signer share: the new key, its certificate's serial and validity, the files.
struct NewKeyOptions {
  std::string curve = "P-256";
  bool explicit_parameters = false;
  std::string serial{};
  std::string from{};
  int valid_years = 0;
  std::string key_out{};
  std::string cert_out{};
};

struct CscaOptions {
  std::string country;
  std::string name;
  std::string organization;
  NewKeyOptions key{.valid_years = 13};
};

struct SignerOptions {
  std::string ca_key;
  std::string ca_cert;
  std::string name;
  std::string organization;
  std::vector<std::string> document_types;
  int signing_months = 0;
  NewKeyOptions key{.valid_years = 3};
};

struct CrlOptions {
  std::string ca_key;
  std::string ca_cert;
  std::string previous;  // crl: --previous; revoke: --crl (read and replaced)
  std::vector<std::string> serials;
  std::vector<std::string> certs;
  int next_update_days = 30;
  std::string out;
};

struct ListOptions {
  std::string key;
  std::string cert;
  std::vector<std::string> inputs;
  std::string out;
};

int Usage(CliContext& ctx, std::string_view command, const std::string& message) {
  ctx.err << "openvap pki " << command << ": " << message << "\n";
  return kExitUsage;
}

int Failure(CliContext& ctx, std::string_view command, const std::string& message) {
  ctx.err << "openvap pki " << command << ": " << message << "\n";
  return kExitFailure;
}

// The NewKeyOptions into a CscaRequest or SignerRequest; 0, or the usage exit code.
template <typename Request>
int FillNewKey(const NewKeyOptions& o, CliContext& ctx, std::string_view command, Request& r) {
  // A private key is never overwritten: a CSCA's key replaced by mistake is lost for good, and
  // every certificate it issued with it.
  if (o.key_out == o.cert_out) {
    return Usage(ctx, command, "--key-out and --cert-out name the same file: " + o.key_out);
  }
  std::error_code ec;
  if (std::filesystem::exists(o.key_out, ec)) {
    return Usage(ctx, command,
                 "--key-out: " + o.key_out +
                     " exists; a private key is never overwritten (move it away, or choose "
                     "another name)");
  }
  auto curve = crypto::ParseCurve(o.curve);
  if (!curve.ok()) return Usage(ctx, command, "--curve: " + curve.error().message);
  r.curve = *curve;
  r.explicit_parameters = o.explicit_parameters;
  if (!o.serial.empty()) {
    auto serial = crypto::SerialFromHex(o.serial);
    if (!serial.ok()) return Usage(ctx, command, "--serial: " + serial.error().message);
    r.serial = *serial;
  }
  if (o.from.empty()) {
    r.not_before = ctx.clock.Now();
  } else {
    auto from = ParseIsoTimestamp(o.from);
    if (!from.ok()) return Usage(ctx, command, "--from: " + from.error().message);
    r.not_before = *from;
  }
  r.valid_years = o.valid_years;
  return kExitOk;
}

// Writes the key (owner-only) and the certificate, and says what was made.
int SaveNewKey(const IssuedCertificate& issued, const NewKeyOptions& o, CliContext& ctx,
               std::string_view command) {
  Status saved = SaveIssued(issued, o.key_out, o.cert_out);
  if (!saved.ok()) return Failure(ctx, command, saved.error().message);
  ctx.out << "subject " << issued.certificate.subject() << "\nserial "
          << issued.certificate.serial_hex() << "\nkey " << o.key_out
          << " (owner-only)\ncertificate " << o.cert_out << "\n";
  return kExitOk;
}

int Csca(const CscaOptions& o, CliContext& ctx, RandomSource& random) {
  CscaRequest request;
  request.country = o.country;
  request.common_name = o.name;
  request.organization = o.organization;
  if (int usage = FillNewKey(o.key, ctx, "csca", request); usage != kExitOk) return usage;
  auto issued = IssueCsca(request, random);
  if (!issued.ok()) return Failure(ctx, "csca", issued.error().message);
  return SaveNewKey(*issued, o.key, ctx, "csca");
}

int Signer(const SignerOptions& o, CliContext& ctx, RandomSource& random) {
  auto csca = LoadIssued(o.ca_key, o.ca_cert);
  if (!csca.ok()) return Usage(ctx, "signer", csca.error().message);
  SignerRequest request;
  request.common_name = o.name;
  request.organization = o.organization;
  request.document_types = o.document_types;
  request.signing_months = o.signing_months;
  if (int usage = FillNewKey(o.key, ctx, "signer", request); usage != kExitOk) return usage;
  auto issued = IssueSigner(request, *csca, random);
  if (!issued.ok()) {
    return issued.error().code == "invalid-argument"
               ? Usage(ctx, "signer", issued.error().message)
               : Failure(ctx, "signer", issued.error().message);
  }
  return SaveNewKey(*issued, o.key, ctx, "signer");
}

// crl (renew, optionally adding serials) and revoke (the same, replacing the CRL file).
int Crl(const CrlOptions& o, CliContext& ctx, std::string_view command) {
  auto csca = LoadIssued(o.ca_key, o.ca_cert);
  if (!csca.ok()) return Usage(ctx, command, csca.error().message);
  std::optional<crypto::Crl> previous;
  if (!o.previous.empty()) {
    auto bytes = crypto::ReadFile(o.previous);
    if (bytes.ok()) {
      auto parsed = crypto::Crl::Parse(*bytes);
      if (!parsed.ok()) return Usage(ctx, command, o.previous + ": " + parsed.error().message);
      previous = std::move(*parsed);
    } else if (command != "revoke") {
      return Usage(ctx, command, bytes.error().message);
    }
  }
  std::vector<std::string> revoke = o.serials;
  for (const std::string& path : o.certs) {
    auto bytes = crypto::ReadFile(path);
    if (!bytes.ok()) return Usage(ctx, command, bytes.error().message);
    auto cert = crypto::Certificate::Parse(*bytes);
    if (!cert.ok()) return Usage(ctx, command, path + ": " + cert.error().message);
    if (!cert->IsIssuedBy(csca->certificate)) {
      return Usage(ctx, command, path + " was not issued by " + csca->certificate.subject());
    }
    revoke.push_back(cert->serial_hex());
  }
  if (command == "revoke" && revoke.empty()) {
    return Usage(ctx, command, "name the signer to revoke with --serial or --cert");
  }
  auto crl = RenewCrl(*csca, previous, revoke, ctx.clock.Now(), o.next_update_days);
  if (!crl.ok()) return Usage(ctx, command, crl.error().message);
  const std::string out = o.out.empty() ? o.previous : o.out;
  Status written = WriteOutput(out, crl->ToPem(), ctx.out);
  if (!written.ok()) return Failure(ctx, command, written.error().message);
  if (!out.empty() && out != "-") {
    ctx.out << "CRL " << out << ": number " << crl->crl_number().value_or(0) << ", "
            << crl->revoked().size() << " revoked, next update "
            << FormatIsoTimestamp(crl->next_update().value_or(crl->this_update())) << "\n";
  }
  return kExitOk;
}

// master-list and bundle: the trust material given, exported as a signed CMS file.
using TrustExport =
    std::function<Result<Bytes>(const trust::TrustStore&, const IssuedCertificate&)>;

int ExportTrust(const ListOptions& o, CliContext& ctx, std::string_view command,
                const TrustExport& export_signed) {
  auto signer = LoadIssued(o.key, o.cert);
  if (!signer.ok()) return Usage(ctx, command, signer.error().message);
  trust::TrustStore store;
  for (const std::string& path : o.inputs) {
    Status added = store.AddPath(path);
    if (!added.ok()) return Usage(ctx, command, added.error().message);
  }
  auto exported = export_signed(store, *signer);
  if (!exported.ok()) return Failure(ctx, command, exported.error().message);
  Status written = WriteOutput(o.out, AsString(*exported), ctx.out);
  if (!written.ok()) return Failure(ctx, command, written.error().message);
  return kExitOk;
}

void AddNewKeyOptions(CLI::App* cmd, NewKeyOptions& o, int max_years) {
  cmd->add_option("--curve", o.curve, "P-256, P-384, brainpoolP224r1 or brainpoolP256r1")
      ->capture_default_str();
  cmd->add_flag("--explicit-parameters", o.explicit_parameters,
                "Write the curve as explicit parameters (as some passport PKIs do)");
  cmd->add_option("--serial", o.serial, "Serial number in hex (default: random)");
  cmd->add_option("--from", o.from, "Valid from, ISO 8601 (default: now)");
  cmd->add_option("--valid-years", o.valid_years, "Years of validity")
      ->capture_default_str()
      ->check(CLI::Range(1, max_years));
  cmd->add_option("--key-out", o.key_out, "Write the private key here (mode 0600)")->required();
  cmd->add_option("--cert-out", o.cert_out, "Write the certificate here (.der: DER)")->required();
}

void AddKeyOptions(CLI::App* cmd, std::string& key, std::string& cert, const char* who) {
  cmd->add_option("--ca-key", key, std::string(who) + " private key (PEM)")->required();
  cmd->add_option("--ca-cert", cert, std::string(who) + " certificate (DER or PEM)")->required();
}

}  // namespace

void AddPkiCommands(CLI::App& root, CliContext& ctx, CommandAction& action) {
  CLI::App* group = root.add_subcommand(
      "pki", "Create a country signing CA and document signers, CRLs, master lists and bundles");
  group->require_subcommand(1);
  static SystemRandom random;  // NOLINT(cert-err58-cpp): constructing it cannot throw

  auto csca = std::make_shared<CscaOptions>();
  CLI::App* csca_cmd = group->add_subcommand(
      "csca", "Create a country signing CA: a self-signed certificate (keyCertSign, cRLSign)");
  csca_cmd->add_option("--country", csca->country, "ISO 3166-1 alpha-2 country, e.g. FR")
      ->required();
  csca_cmd->add_option("--name", csca->name, "Common name, e.g. 'CSCA France'")->required();
  csca_cmd->add_option("--organization", csca->organization, "Organization name");
  AddNewKeyOptions(csca_cmd, csca->key, 30);
  csca_cmd->callback(
      [csca, &ctx, &action] { action = [csca, &ctx] { return Csca(*csca, ctx, random); }; });

  auto signer = std::make_shared<SignerOptions>();
  CLI::App* signer_cmd = group->add_subcommand(
      "signer",
      "Create or renew a document signer under a CSCA (digitalSignature, ICAO document-type\n"
      "list). The VDS signer identifier is the country and the first two letters of --name.");
  AddKeyOptions(signer_cmd, signer->ca_key, signer->ca_cert, "The CSCA's");
  signer_cmd->add_option("--name", signer->name, "Common name, e.g. 'VS visa signer'")->required();
  signer_cmd->add_option("--organization", signer->organization, "Organization name");
  signer_cmd
      ->add_option("--document-types", signer->document_types,
                   "Document types it may sign, e.g. V (visas) AR (residence permits)")
      ->delimiter(',');
  AddNewKeyOptions(signer_cmd, signer->key, 20);
  signer_cmd
      ->add_option("--signing-months", signer->signing_months,
                   "Private key usage period in months (default: the whole validity)")
      ->check(CLI::Range(0, 240));
  signer_cmd->callback([signer, &ctx, &action] {
    action = [signer, &ctx] { return Signer(*signer, ctx, random); };
  });

  auto crl = std::make_shared<CrlOptions>();
  CLI::App* crl_cmd = group->add_subcommand(
      "crl", "Issue or renew the CSCA's CRL, keeping the entries of the previous one");
  AddKeyOptions(crl_cmd, crl->ca_key, crl->ca_cert, "The CSCA's");
  crl_cmd->add_option("--previous", crl->previous, "The current CRL, whose entries are kept");
  crl_cmd->add_option("--next-update-days", crl->next_update_days, "Days until the next update")
      ->capture_default_str()
      ->check(CLI::Range(1, 365));
  crl_cmd->add_option("--out", crl->out, "Write the CRL (PEM) here")->required();
  crl_cmd->callback(
      [crl, &ctx, &action] { action = [crl, &ctx] { return Crl(*crl, ctx, "crl"); }; });

  auto revoke = std::make_shared<CrlOptions>();
  CLI::App* revoke_cmd = group->add_subcommand(
      "revoke", "Revoke document signers: add them to the CRL file (created when missing)");
  AddKeyOptions(revoke_cmd, revoke->ca_key, revoke->ca_cert, "The CSCA's");
  revoke_cmd->add_option("--crl", revoke->previous, "The CRL file to update")->required();
  revoke_cmd->add_option("--serial", revoke->serials, "Serial number in hex; repeatable");
  revoke_cmd->add_option("--cert", revoke->certs, "A signer certificate file; repeatable");
  revoke_cmd
      ->add_option("--next-update-days", revoke->next_update_days, "Days until the next update")
      ->capture_default_str()
      ->check(CLI::Range(1, 365));
  revoke_cmd->callback(
      [revoke, &ctx, &action] { action = [revoke, &ctx] { return Crl(*revoke, ctx, "revoke"); }; });

  auto master = std::make_shared<ListOptions>();
  CLI::App* master_cmd = group->add_subcommand(
      "master-list", "Write an ICAO CSCA master list (CMS SignedData) of the CSCAs given");
  master_cmd->add_option("--key", master->key, "The list signer's private key (PEM)")->required();
  master_cmd->add_option("--cert", master->cert, "The list signer's certificate")->required();
  master_cmd->add_option("--out", master->out, "Write the master list (DER) here")->required();
  master_cmd->add_option("inputs", master->inputs, "CSCA certificates, lists or directories")
      ->required();
  master_cmd->callback([master, &ctx, &action] {
    action = [master, &ctx] {
      return ExportTrust(*master, ctx, "master-list",
                         [](const trust::TrustStore& store, const IssuedCertificate& signer) {
                           return store.ExportMasterList(signer.certificate, signer.key);
                         });
    };
  });

  auto bundle = std::make_shared<ListOptions>();
  CLI::App* bundle_cmd = group->add_subcommand(
      "bundle",
      "Write the offline trust bundle for verifiers: every certificate and CRL given, signed");
  bundle_cmd->add_option("--key", bundle->key, "The bundle signer's private key (PEM)")->required();
  bundle_cmd->add_option("--cert", bundle->cert, "The bundle signer's certificate")->required();
  bundle_cmd->add_option("--out", bundle->out, "Write the bundle (DER) here")->required();
  bundle_cmd->add_option("inputs", bundle->inputs, "Certificates, CRLs, lists or directories")
      ->required();
  bundle_cmd->callback([bundle, &ctx, &action] {
    action = [bundle, &ctx] {
      return ExportTrust(*bundle, ctx, "bundle",
                         [&ctx](const trust::TrustStore& store, const IssuedCertificate& signer) {
                           return store.ExportBundle(signer.certificate, signer.key,
                                                     ctx.clock.Now());
                         });
    };
  });
}

}  // namespace openvap::app
