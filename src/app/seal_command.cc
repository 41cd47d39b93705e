// `openvap seal decode|verify|sign|profiles` (issue 3, CLI contract; DV-SEAL, DV-OFFLINE,
// RP-OFFLINE): scripts and other tools depend on the JSON shapes and exit codes here.
//   decode   prints the decoded seal; exit 1 when it is malformed
//   verify   prints {status, reason, signer, seal, document_validity}; exit 0 only for
//            "valid" of a document within its own dates, 1 for any other verdict, 2 for usage
//            errors (including a trust path that cannot be read), 3 for a valid seal of a
//            document that is expired or not yet valid at --at
//   sign     encodes a profile's data and signs it with a document signer key and certificate
//   profiles lists the profiles and their fields

#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>

#include "adapters/barcode/barcode.h"
#include "app/cli.h"
#include "app/cli_io.h"
#include "app/pki.h"
#include "base/bytes.h"
#include "base/time.h"
#include "seal/profiles.h"
#include "seal/seal.h"
#include "trust/trust_store.h"
#include "verify/verify.h"

namespace openvap::app {
namespace {

struct DecodeOptions {
  std::string input = "-";
};

struct VerifyOptions {
  std::string input = "-";
  std::vector<std::string> trust;
  std::string at;
};

struct SignOptions {
  std::string key;
  std::string cert;
  std::string profile;
  std::string data;
  std::string out;
  std::string as = "hex";
  std::string country;
  std::string issued;
  std::string signed_on;
  std::string symbology = "datamatrix";
};

struct ProfilesOptions {
  bool json = false;
};

int Decode(const DecodeOptions& options, CliContext& ctx) {
  auto input = ReadInput(options.input, ctx.in);
  if (!input.ok()) {
    ctx.err << "openvap seal decode: " << input.error().message << "\n";
    return kExitUsage;
  }
  auto decoded = seal::DecodeSeal(*input);
  if (!decoded.ok()) {
    ctx.err << "openvap seal decode: malformed seal: " << decoded.error().message << "\n";
    return kExitFailure;
  }
  ctx.out << seal::ToJson(*decoded).dump(2) << "\n";
  return kExitOk;
}

// `seal verify`: the seal is genuine, but the document it carries is expired or not yet valid.
constexpr int kExitDocumentNotValid = 3;

int Verify(const VerifyOptions& options, CliContext& ctx) {
  Timestamp at = ctx.clock.Now();
  if (!options.at.empty()) {
    auto parsed = ParseIsoTimestamp(options.at);  // a bare date is 00:00 UTC
    if (!parsed.ok()) {
      ctx.err << "openvap seal verify: --at: " << parsed.error().message << "\n";
      return kExitUsage;
    }
    at = *parsed;
  }
  trust::TrustStore trust;
  for (const std::string& path : options.trust) {
    Status added = trust.AddPath(path);
    if (!added.ok()) {
      ctx.err << "openvap seal verify: --trust: " << added.error().message << "\n";
      return kExitUsage;
    }
  }
  auto input = ReadInput(options.input, ctx.in);
  if (!input.ok()) {
    ctx.err << "openvap seal verify: " << input.error().message << "\n";
    return kExitUsage;
  }
  const verify::SealVerification result = verify::VerifySeal(*input, trust, at);
  nlohmann::json out = verify::ToJson(result);
  // A genuine seal of a visa that expired, or is not valid yet, is no valid visa: the exit code
  // says so, as the platform's /verify does (DV-OFFLINE, RP-CHECK).
  std::optional<std::string> document;
  if (result.seal) document = verify::DocumentValidityOn(*result.seal, UtcDateOf(at));
  if (document) out["document_validity"] = *document;
  const bool valid = result.verdict.verdict == trust::Verdict::kValid;
  ctx.out << out.dump(2) << "\n";
  if (valid && document && *document != "valid") return kExitDocumentNotValid;
  return valid ? kExitOk : kExitFailure;
}

// --data: inline JSON, "@FILE", or "-" for standard input.
Result<nlohmann::json> ReadData(const std::string& data, std::istream& in) {
  std::string text = data;
  if (data == "-" || (!data.empty() && data[0] == '@')) {
    OPENVAP_ASSIGN_OR_RETURN(Bytes bytes, ReadInput(data == "-" ? "-" : data.substr(1), in));
    text = AsString(bytes);
  }
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return Error{"invalid-data", "--data must be a JSON object (inline, @FILE or -)"};
  }
  return parsed;
}

int Sign(const SignOptions& options, CliContext& ctx) {
  auto usage = [&ctx](const std::string& what) {
    ctx.err << "openvap seal sign: " << what << "\n";
    return kExitUsage;
  };
  auto issued_by = LoadIssued(options.key, options.cert);  // errors name the file
  if (!issued_by.ok()) return usage(issued_by.error().message);
  auto data = ReadData(options.data, ctx.in);
  if (!data.ok()) return usage(data.error().message);
  const Date today = UtcDateOf(ctx.clock.Now());
  Date issued = today;
  Date signed_on = today;
  if (!options.issued.empty()) {
    auto d = ParseIsoDate(options.issued);
    if (!d.ok()) return usage("--issued: '" + options.issued + "' is not an ISO 8601 date");
    issued = *d;
  }
  if (!options.signed_on.empty()) {
    auto d = ParseIsoDate(options.signed_on);
    if (!d.ok()) return usage("--signed: '" + options.signed_on + "' is not an ISO 8601 date");
    signed_on = *d;
  }
  auto signer = verify::CertificateSealSigner::Create(issued_by->key, issued_by->certificate,
                                                      options.country);
  if (!signer.ok()) return usage(signer.error().message);
  auto sealed = seal::EncodeAndSignVds(options.profile, *data, issued, signed_on, *signer);
  if (!sealed.ok()) {
    ctx.err << "openvap seal sign: " << sealed.error().message << "\n";
    return sealed.error().code == "unknown-profile" || sealed.error().code == "invalid-field"
               ? kExitUsage
               : kExitFailure;
  }
  std::string output;
  if (options.as == "hex") {
    output = ToHex(*sealed) + "\n";
  } else if (options.as == "raw") {
    output = AsString(*sealed);
  } else {
    barcode::EncodeOptions encode;
    encode.symbology = barcode::ParseSymbology(options.symbology).value();  // checked by CLI11
    auto image = barcode::RenderBarcodeImage(
        *sealed, encode,
        options.as == "png" ? barcode::ImageFormat::kPng : barcode::ImageFormat::kSvg, 4);
    if (!image.ok()) {
      ctx.err << "openvap seal sign: " << image.error().message << "\n";
      return kExitFailure;
    }
    output = std::move(*image);
  }
  const Status written = WriteOutput(options.out, output, ctx.out);
  if (!written.ok()) {
    ctx.err << "openvap seal sign: " << written.error().message << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

nlohmann::json ProfileJson(const seal::Profile& profile) {
  nlohmann::json fields = nlohmann::json::array();
  for (const seal::FieldSpec& f : profile.fields) {
    fields.push_back({{"tag", f.tag},
                      {"name", f.name},
                      {"encoding", seal::EncodingName(f.encoding)},
                      {"min_bytes", f.min_bytes},
                      {"max_bytes", f.max_bytes},
                      {"required", f.required},
                      {"description", f.description}});
  }
  return {{"name", profile.name},
          {"title", profile.title},
          {"feature_ref", profile.feature_ref},
          {"category", profile.category},
          {"encodable", profile.encodable},
          {"source", profile.source},
          {"fields", fields}};
}

int Profiles(const ProfilesOptions& options, CliContext& ctx) {
  if (options.json) {
    nlohmann::json all = nlohmann::json::array();
    for (const seal::Profile& p : seal::Profiles()) all.push_back(ProfileJson(p));
    ctx.out << all.dump(2) << "\n";
    return kExitOk;
  }
  for (const seal::Profile& p : seal::Profiles()) {
    ctx.out << p.name << " — " << p.title << (p.encodable ? " (sign, decode)" : " (decode)")
            << "\n  feature reference 0x" << ToHex(Bytes{static_cast<std::uint8_t>(p.feature_ref)})
            << ", category 0x" << ToHex(Bytes{static_cast<std::uint8_t>(p.category)}) << "; "
            << p.source << "\n";
    for (const seal::FieldSpec& f : p.fields) {
      ctx.out << "    " << f.name << " (" << seal::EncodingName(f.encoding)
              << (f.required ? ", required" : "") << ")" << (f.description.empty() ? "" : ": ")
              << f.description << "\n";
    }
  }
  return kExitOk;
}

}  // namespace

void AddSealCommands(CLI::App& root, CliContext& ctx, CommandAction& action) {
  CLI::App* group = root.add_subcommand(
      "seal", "Decode, verify and sign ICAO visible digital seals (VDS) and IDB barcodes");
  group->require_subcommand(1);

  auto decode = std::make_shared<DecodeOptions>();
  CLI::App* decode_cmd = group->add_subcommand(
      "decode",
      "Decode a seal given as hex text, raw bytes or IDB text (RDB1...), detected\n"
      "automatically, and print it as JSON. Exit 1 when it is malformed.");
  decode_cmd->add_option("input", decode->input, "Seal file, or - for standard input")
      ->capture_default_str();
  decode_cmd->callback(
      [decode, &ctx, &action] { action = [decode, &ctx] { return Decode(*decode, ctx); }; });

  auto verify = std::make_shared<VerifyOptions>();
  CLI::App* verify_cmd = group->add_subcommand(
      "verify",
      "Verify a seal's signature, signer, chain, validity, revocation and document-type\n"
      "permission. Prints JSON {status, reason, signer, seal, document_validity}. status is\n"
      "one of valid, invalid-signature, unknown-signer, untrusted-chain, expired-signer,\n"
      "revoked-signer, not-permitted, unsigned, malformed. document_validity (when the\n"
      "document carries its dates) is valid, not-yet-valid or expired at --at. Exit 0 only\n"
      "for a valid seal of a valid document, 1 for any other status, 2 for usage, 3 for a\n"
      "valid seal of a document that is expired or not yet valid.");
  verify_cmd->add_option("input", verify->input, "Seal file, or - for standard input")
      ->capture_default_str();
  verify_cmd->add_option(
      "--trust", verify->trust,
      "A CSCA or signer certificate (DER/PEM), a CRL, a master list, a trust bundle or a\n"
      "directory of them; repeat for several. Every certificate given is a trust anchor.");
  verify_cmd->add_option("--at", verify->at,
                         "Verify as of this ISO 8601 date or date-time (default: now)");
  verify_cmd->callback(
      [verify, &ctx, &action] { action = [verify, &ctx] { return Verify(*verify, ctx); }; });

  auto sign = std::make_shared<SignOptions>();
  CLI::App* sign_cmd = group->add_subcommand(
      "sign",
      "Encode a profile's data as a VDS (version 4) and sign it with a document signer's key.\n"
      "The header names the signer from its certificate: country, signer identifier (country\n"
      "and two letters of the CN) and certificate reference (its serial number in hex).");
  sign_cmd->add_option("--key", sign->key, "Document signer private key (PEM)")->required();
  sign_cmd->add_option("--cert", sign->cert, "Document signer certificate (DER or PEM)")
      ->required();
  sign_cmd->add_option("--profile", sign->profile, "Profile name (see 'openvap seal profiles')")
      ->required();
  sign_cmd->add_option("--data", sign->data, "The fields as a JSON object: inline, @FILE or -")
      ->required();
  sign_cmd->add_option("--out", sign->out, "Write here (default: standard output)");
  sign_cmd->add_option("--as", sign->as, "Output: hex, raw, png or svg")
      ->capture_default_str()
      ->check(CLI::IsMember({"hex", "raw", "png", "svg"}));
  sign_cmd->add_option("--symbology", sign->symbology, "For png/svg: datamatrix or qr")
      ->capture_default_str()
      ->check(CLI::IsMember({"datamatrix", "qr"}));
  sign_cmd->add_option("--country", sign->country,
                       "Issuing country in the header (default: from the certificate)");
  sign_cmd->add_option("--issued", sign->issued, "Document issue date (default: today)");
  sign_cmd->add_option("--signed", sign->signed_on, "Signature date (default: today)");
  sign_cmd->callback([sign, &ctx, &action] { action = [sign, &ctx] { return Sign(*sign, ctx); }; });

  auto profiles = std::make_shared<ProfilesOptions>();
  CLI::App* profiles_cmd =
      group->add_subcommand("profiles", "List the seal profiles and their data fields");
  profiles_cmd->add_flag("--json", profiles->json, "Print JSON");
  profiles_cmd->callback([profiles, &ctx, &action] {
    action = [profiles, &ctx] { return Profiles(*profiles, ctx); };
  });
}

}  // namespace openvap::app
