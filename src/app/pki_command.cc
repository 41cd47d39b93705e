// `openvap pki csca|signer|crl|revoke|master-list|bundle` (issue 3 "PKI and trust"; RP-TRUST,
// RP-REVOKE): a member state's seal PKI as files. Private keys are written owner-only (0600).
// Usage errors (missing or unreadable inputs, bad values) exit 2, failures 1.

#include <CLI/CLI.hpp>
#include <memory>
#include <ostream>

#include "app/cli.h"
#include "app/cli_io.h"
#include "app/pki.h"
#include "crypto/cms.h"
#include "trust/trust_store.h"

namespace openvap::app {
namespace {

struct CscaOptions {
  std::string country;
  std::string name;
  std::string organization;
  std::string curve = "P-256";
  bool explicit_parameters = false;
  std::string serial;
  std::string from;
  int valid_years = 13;
  std::string key_out;
  std::string cert_out;
};

struct SignerOptions {
  std::string ca_key;
  std::string ca_cert;
  std::string name;
  std::string organization;
  std::vector<std::string> document_types;
  std::string curve = "P-256";
  bool explicit_parameters = false;
  std::string serial;
  std::string from;
  int valid_years = 3;
  int signing_months = 0;
  std::string key_out;
  std::string cert_out;
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

Result<Timestamp> StartTime(const std::string& from, const Clock& clock) {
  if (from.empty()) return clock.Now();
  return ParseIsoTimestamp(from);
}

Result<Bytes> SerialOption(const std::string& serial) {
  if (serial.empty()) return Bytes{};
  return crypto::SerialFromHex(serial);
}

void Report(CliContext& ctx, const IssuedCertificate& issued, const std::string& key_out,
            const std::string& cert_out) {
  ctx.out << "subject " << issued.certificate.subject() << "\nserial "
          << issued.certificate.serial_hex() << "\nkey " << key_out << " (owner-only)\ncertificate "
          << cert_out << "\n";
}

int Csca(const CscaOptions& o, CliContext& ctx, RandomSource& random) {
  CscaRequest request;
  request.country = o.country;
  request.common_name = o.name;
  request.organization = o.organization;
  auto curve = crypto::ParseCurve(o.curve);
  if (!curve.ok()) return Usage(ctx, "csca", "--curve: " + curve.error().message);
  request.curve = *curve;
  request.explicit_parameters = o.explicit_parameters;
  auto serial = SerialOption(o.serial);
  if (!serial.ok()) return Usage(ctx, "csca", "--serial: " + serial.error().message);
  request.serial = *serial;
  auto from = StartTime(o.from, ctx.clock);
  if (!from.ok()) return Usage(ctx, "csca", "--from: " + from.error().message);
  request.not_before = *from;
  request.valid_years = o.valid_years;
  auto issued = IssueCsca(request, random);
  if (!issued.ok()) return Failure(ctx, "csca", issued.error().message);
  Status saved = SaveIssued(*issued, o.key_out, o.cert_out);
  if (!saved.ok()) return Failure(ctx, "csca", saved.error().message);
  Report(ctx, *issued, o.key_out, o.cert_out);
  return kExitOk;
}

int Signer(const SignerOptions& o, CliContext& ctx, RandomSource& random) {
  auto csca = LoadIssued(o.ca_key, o.ca_cert);
  if (!csca.ok()) return Usage(ctx, "signer", csca.error().message);
  SignerRequest request;
  request.common_name = o.name;
  request.organization = o.organization;
  request.document_types = o.document_types;
  auto curve = crypto::ParseCurve(o.curve);
  if (!curve.ok()) return Usage(ctx, "signer", "--curve: " + curve.error().message);
  request.curve = *curve;
  request.explicit_parameters = o.explicit_parameters;
  auto serial = SerialOption(o.serial);
  if (!serial.ok()) return Usage(ctx, "signer", "--serial: " + serial.error().message);
  request.serial = *serial;
  auto from = StartTime(o.from, ctx.clock);
  if (!from.ok()) return Usage(ctx, "signer", "--from: " + from.error().message);
  request.not_before = *from;
  request.valid_years = o.valid_years;
  request.signing_months = o.signing_months;
  auto issued = IssueSigner(request, *csca, random);
  if (!issued.ok()) {
    return issued.error().code == "invalid-argument"
               ? Usage(ctx, "signer", issued.error().message)
               : Failure(ctx, "signer", issued.error().message);
  }
  Status saved = SaveIssued(*issued, o.key_out, o.cert_out);
  if (!saved.ok()) return Failure(ctx, "signer", saved.error().message);
  Report(ctx, *issued, o.key_out, o.cert_out);
  return kExitOk;
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

int MasterList(const ListOptions& o, CliContext& ctx) {
  auto signer = LoadIssued(o.key, o.cert);
  if (!signer.ok()) return Usage(ctx, "master-list", signer.error().message);
  trust::TrustStore store;
  for (const std::string& path : o.inputs) {
    Status added = store.AddPath(path);
    if (!added.ok()) return Usage(ctx, "master-list", added.error().message);
  }
  auto list = store.ExportMasterList(signer->certificate, signer->key);
  if (!list.ok()) return Failure(ctx, "master-list", list.error().message);
  Status written = WriteOutput(o.out, AsString(*list), ctx.out);
  if (!written.ok()) return Failure(ctx, "master-list", written.error().message);
  return kExitOk;
}

int Bundle(const ListOptions& o, CliContext& ctx) {
  auto signer = LoadIssued(o.key, o.cert);
  if (!signer.ok()) return Usage(ctx, "bundle", signer.error().message);
  trust::TrustStore store;
  for (const std::string& path : o.inputs) {
    Status added = store.AddPath(path);
    if (!added.ok()) return Usage(ctx, "bundle", added.error().message);
  }
  auto bundle = store.ExportBundle(signer->certificate, signer->key, ctx.clock.Now());
  if (!bundle.ok()) return Failure(ctx, "bundle", bundle.error().message);
  Status written = WriteOutput(o.out, AsString(*bundle), ctx.out);
  if (!written.ok()) return Failure(ctx, "bundle", written.error().message);
  return kExitOk;
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
  csca_cmd->add_option("--curve", csca->curve, "P-256, P-384, brainpoolP224r1 or brainpoolP256r1")
      ->capture_default_str();
  csca_cmd->add_flag("--explicit-parameters", csca->explicit_parameters,
                     "Write the curve as explicit parameters (as some passport PKIs do)");
  csca_cmd->add_option("--serial", csca->serial, "Serial number in hex (default: random)");
  csca_cmd->add_option("--from", csca->from, "Valid from, ISO 8601 (default: now)");
  csca_cmd->add_option("--valid-years", csca->valid_years, "Years of validity")
      ->capture_default_str()
      ->check(CLI::Range(1, 30));
  csca_cmd->add_option("--key-out", csca->key_out, "Write the private key here (mode 0600)")
      ->required();
  csca_cmd->add_option("--cert-out", csca->cert_out, "Write the certificate here (.der: DER)")
      ->required();
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
  signer_cmd
      ->add_option("--curve", signer->curve, "P-256, P-384, brainpoolP224r1 or brainpoolP256r1")
      ->capture_default_str();
  signer_cmd->add_flag("--explicit-parameters", signer->explicit_parameters,
                       "Write the curve as explicit parameters");
  signer_cmd->add_option("--serial", signer->serial, "Serial number in hex (default: random)");
  signer_cmd->add_option("--from", signer->from, "Valid from, ISO 8601 (default: now)");
  signer_cmd->add_option("--valid-years", signer->valid_years, "Years of validity")
      ->capture_default_str()
      ->check(CLI::Range(1, 20));
  signer_cmd
      ->add_option("--signing-months", signer->signing_months,
                   "Private key usage period in months (default: the whole validity)")
      ->check(CLI::Range(0, 240));
  signer_cmd->add_option("--key-out", signer->key_out, "Write the private key here (mode 0600)")
      ->required();
  signer_cmd->add_option("--cert-out", signer->cert_out, "Write the certificate here (.der: DER)")
      ->required();
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
  master_cmd->callback(
      [master, &ctx, &action] { action = [master, &ctx] { return MasterList(*master, ctx); }; });

  auto bundle = std::make_shared<ListOptions>();
  CLI::App* bundle_cmd = group->add_subcommand(
      "bundle",
      "Write the offline trust bundle for verifiers: every certificate and CRL given, signed");
  bundle_cmd->add_option("--key", bundle->key, "The bundle signer's private key (PEM)")->required();
  bundle_cmd->add_option("--cert", bundle->cert, "The bundle signer's certificate")->required();
  bundle_cmd->add_option("--out", bundle->out, "Write the bundle (DER) here")->required();
  bundle_cmd->add_option("inputs", bundle->inputs, "Certificates, CRLs, lists or directories")
      ->required();
  bundle_cmd->callback(
      [bundle, &ctx, &action] { action = [bundle, &ctx] { return Bundle(*bundle, ctx); }; });
}

}  // namespace openvap::app
