// `openvap rules check|visa-required|fees|mrz` (issue 4; VAP-INFO, VAP-COMP, VAP-ADM, VAP-BIO,
// VAP-NOTIFY): the Schengen rules engine of src/rules over JSON. The time zones of Visa Code
// Art 32(2) come from the system tz database here (the rules module stays free of file I/O).

#include <CLI/CLI.hpp>
#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "app/cli.h"
#include "app/cli_io.h"
#include "app/ports.h"
#include "base/time.h"
#include "rules/check.h"
#include "rules/fees.h"
#include "rules/names.h"
#include "rules/notification.h"
#include "rules/reference_data.h"
#include "rules/visa_requirement.h"

namespace openvap::app {
namespace {

struct InputOptions {
  std::string input = "-";
};

// Reads and parses the JSON input; prints the error and returns the exit code on failure.
std::optional<nlohmann::json> ReadJson(const std::string& command, const std::string& path,
                                       CliContext& ctx, int& exit_code) {
  auto text = ReadInput(path, ctx.in);
  if (!text.ok()) {
    ctx.err << "openvap rules " << command << ": " << text.error().message << "\n";
    exit_code = kExitFailure;
    return std::nullopt;
  }
  nlohmann::json json = nlohmann::json::parse(AsString(*text), nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    ctx.err << "openvap rules " << command << ": invalid JSON in "
            << (path == "-" ? std::string("standard input") : "'" + path + "'") << "\n";
    exit_code = kExitUsage;
    return std::nullopt;
  }
  return json;
}

int RunCheck(const InputOptions& options, CliContext& ctx) {
  int exit_code = kExitOk;
  const auto json = ReadJson("check", options.input, ctx, exit_code);
  if (!json) return exit_code;
  auto request = rules::ParseCheckRequest(*json);
  if (!request.ok()) {
    ctx.err << "openvap rules check: " << request.error().message << "\n";
    return kExitUsage;
  }
  const SystemTimeZones zones;
  auto response = rules::Check(*request, zones);
  if (!response.ok()) {
    ctx.err << "openvap rules check: " << response.error().message << "\n";
    return response.error().code == "invalid-field" ? kExitUsage : kExitFailure;
  }
  ctx.out << rules::ToJson(*response).dump(2) << "\n";
  return kExitOk;
}

struct VisaRequiredOptions {
  std::string nationality;
  std::string on;
  std::string document_type = "ordinary-passport";
  std::string issuing_country;
};

int RunVisaRequired(const VisaRequiredOptions& options, CliContext& ctx) {
  const auto& data = rules::ReferenceData::Embedded();
  if (!data.ok()) {
    ctx.err << "openvap rules visa-required: " << data.error().message << "\n";
    return kExitFailure;
  }
  auto on = ParseIsoDate(options.on);
  if (!on.ok()) {
    ctx.err << "openvap rules visa-required: --on: expected an ISO 8601 date (YYYY-MM-DD)\n";
    return kExitUsage;
  }
  rules::TravelDocumentKind kind;
  kind.type = options.document_type;
  kind.issuing_country = options.issuing_country;
  std::string nationality;
  for (const char c : options.nationality) {
    nationality.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  auto visa = rules::DetermineVisaRequirement(*data, nationality, kind, *on);
  if (!visa.ok()) {
    ctx.err << "openvap rules visa-required: nationality: " << visa.error().message << "\n";
    return kExitUsage;
  }
  const auto atv = rules::DetermineAirportTransitRequirement(*data, nationality, false, *on);
  nlohmann::json out = {{"nationality", nationality},
                        {"on", FormatIsoDate(*on)},
                        {"third_country_national", visa->third_country_national},
                        {"visa_required", visa->visa_required},
                        {"basis", visa->basis},
                        {"explanation", visa->explanation},
                        {"source", visa->source},
                        {"airport_transit_visa_required", atv.required},
                        {"airport_transit_visa_basis", atv.basis}};
  ctx.out << out.dump(2) << "\n";
  return kExitOk;
}

struct FeesOptions {
  std::string date_of_birth;
  std::string lodged_on;
  bool family_member = false;
  std::string procedure = "application";
};

int RunFees(const FeesOptions& options, CliContext& ctx) {
  const auto& data = rules::ReferenceData::Embedded();
  if (!data.ok()) {
    ctx.err << "openvap rules fees: " << data.error().message << "\n";
    return kExitFailure;
  }
  auto birth = ParseIsoDate(options.date_of_birth);
  auto lodged = ParseIsoDate(options.lodged_on);
  if (!birth.ok() || !lodged.ok()) {
    ctx.err << "openvap rules fees: " << (!birth.ok() ? "--date-of-birth" : "--lodged-on")
            << ": expected an ISO 8601 date (YYYY-MM-DD)\n";
    return kExitUsage;
  }
  rules::FeeFacts facts;
  facts.date_of_birth = *birth;
  facts.lodged_on = *lodged;
  facts.family_member = options.family_member;
  if (options.procedure == "extension") facts.procedure = rules::Procedure::kExtension;
  if (options.procedure == "extension-force-majeure") {
    facts.procedure = rules::Procedure::kExtensionForceMajeure;
  }
  if (options.procedure == "confirmation") facts.procedure = rules::Procedure::kConfirmation;
  auto fee = rules::DetermineFee(*data, facts);
  if (!fee.ok()) {
    ctx.err << "openvap rules fees: " << fee.error().message << "\n";
    return fee.error().code == "invalid-date" ? kExitUsage : kExitFailure;
  }
  nlohmann::json out = {{"fee_eur", fee->amount_eur},    {"age", rules::AgeOn(*birth, *lodged)},
                        {"category", fee->category},     {"legal_basis", fee->legal_basis},
                        {"applicable", fee->applicable}, {"note", fee->note},
                        {"source", fee->source}};
  ctx.out << out.dump(2) << "\n";
  return kExitOk;
}

struct MrzOptions {
  std::string input = "-";
  std::string format = "mrv-a";
};

int RunMrz(const MrzOptions& options, CliContext& ctx) {
  int exit_code = kExitOk;
  const auto json = ReadJson("mrz", options.input, ctx, exit_code);
  if (!json) return exit_code;
  if (!json->is_object()) {
    ctx.err << "openvap rules mrz: expected a JSON object\n";
    return kExitUsage;
  }
  rules::VisaMrzData data;
  const auto text = [&](const char* key, std::string& into) -> bool {
    const auto it = json->find(key);
    if (it == json->end() || it->is_null()) return true;
    if (!it->is_string()) {
      ctx.err << "openvap rules mrz: " << key << ": expected a string\n";
      return false;
    }
    into = it->get<std::string>();
    return true;
  };
  std::string type = "C";
  std::string sex = "<";
  std::string birth;
  std::string until;
  if (!text("type_letter", type) || !text("issuing_state", data.issuing_state) ||
      !text("surname", data.surname) || !text("given_names", data.given_names) ||
      !text("visa_number", data.visa_number) || !text("nationality", data.nationality) ||
      !text("sex", sex) || !text("date_of_birth", birth) || !text("valid_until", until) ||
      !text("optional_data", data.optional_data)) {
    return kExitUsage;
  }
  data.type_letter = type.size() == 1 ? type[0] : '?';
  data.sex = sex.size() == 1 ? sex[0] : '?';
  auto birth_date = ParseIsoDate(birth);
  auto until_date = ParseIsoDate(until);
  if (!birth_date.ok() || !until_date.ok()) {
    ctx.err << "openvap rules mrz: " << (!birth_date.ok() ? "date_of_birth" : "valid_until")
            << ": expected an ISO 8601 date (YYYY-MM-DD)\n";
    return kExitUsage;
  }
  data.date_of_birth = *birth_date;
  data.valid_until = *until_date;
  auto mrz = rules::GenerateVisaMrz(
      data, options.format == "mrv-b" ? rules::MrvFormat::kMrvB : rules::MrvFormat::kMrvA);
  if (!mrz.ok()) {
    ctx.err << "openvap rules mrz: " << mrz.error().message << "\n";
    return kExitUsage;
  }
  ctx.out << (*mrz)[0] << "\n" << (*mrz)[1] << "\n";
  return kExitOk;
}

}  // namespace

void AddRulesCommands(CLI::App& root, CliContext& ctx, CommandAction& action) {
  CLI::App* group = root.add_subcommand(
      "rules", "Schengen rules: visa requirement, competence, admissibility, fees, 90/180 days");
  group->require_subcommand(1);

  auto check = std::make_shared<InputOptions>();
  CLI::App* check_cmd = group->add_subcommand(
      "check",
      "Run every pre-check over one JSON request (docs/rules.md) and print the answers as JSON.\n"
      "Exit 2 when the JSON or a field is invalid (the message names the field).");
  check_cmd->add_option("input", check->input, "Request file, or - for standard input")
      ->capture_default_str();
  check_cmd->callback(
      [check, &ctx, &action] { action = [check, &ctx] { return RunCheck(*check, ctx); }; });

  auto visa = std::make_shared<VisaRequiredOptions>();
  CLI::App* visa_cmd = group->add_subcommand(
      "visa-required",
      "Whether a nationality needs a visa (Reg 2018/1806) or an airport transit "
      "visa (Visa Code Annex IV) on a date");
  visa_cmd->add_option("nationality", visa->nationality, "ISO 3166-1 alpha-3 code")->required();
  visa_cmd->add_option("--on", visa->on, "Date of entry (YYYY-MM-DD)")->required();
  visa_cmd->add_option("--document-type", visa->document_type, "e.g. diplomatic-passport")
      ->capture_default_str();
  visa_cmd->add_option("--issuing-country", visa->issuing_country,
                       "Issuer of the travel document (alpha-3)");
  visa_cmd->callback(
      [visa, &ctx, &action] { action = [visa, &ctx] { return RunVisaRequired(*visa, ctx); }; });

  auto fees = std::make_shared<FeesOptions>();
  CLI::App* fees_cmd = group->add_subcommand("fees", "The visa fee (Visa Code Art 16, 32a, 33)");
  fees_cmd->add_option("--date-of-birth", fees->date_of_birth, "YYYY-MM-DD")->required();
  fees_cmd->add_option("--lodged-on", fees->lodged_on, "YYYY-MM-DD")->required();
  fees_cmd->add_flag("--family-member", fees->family_member,
                     "Family member of an EU/EEA/CH citizen or Withdrawal Agreement beneficiary");
  fees_cmd->add_option("--procedure", fees->procedure, "The procedure")
      ->capture_default_str()
      ->check(
          CLI::IsMember({"application", "extension", "extension-force-majeure", "confirmation"}));
  fees_cmd->callback(
      [fees, &ctx, &action] { action = [fees, &ctx] { return RunFees(*fees, ctx); }; });

  auto mrz = std::make_shared<MrzOptions>();
  CLI::App* mrz_cmd = group->add_subcommand(
      "mrz",
      "The MRZ of a visa (ICAO 9303-7) from JSON {issuing_state, surname, given_names,\n"
      "visa_number, nationality, date_of_birth, sex, valid_until, optional_data, "
      "type_letter}");
  mrz_cmd->add_option("input", mrz->input, "JSON file, or - for standard input")
      ->capture_default_str();
  mrz_cmd->add_option("--format", mrz->format, "mrv-a (2 x 44) or mrv-b (2 x 36)")
      ->capture_default_str()
      ->check(CLI::IsMember({"mrv-a", "mrv-b"}));
  mrz_cmd->callback([mrz, &ctx, &action] { action = [mrz, &ctx] { return RunMrz(*mrz, ctx); }; });
}

}  // namespace openvap::app
