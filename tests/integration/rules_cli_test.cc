// `openvap rules check|visa-required|fees|mrz` through the real binary (issue 4 CLI contract;
// VAP-INFO, VAP-COMP, VAP-ADM, VAP-BIO, VAP-NOTIFY). Every worked example of docs/rules.md is a
// file pair under docs/examples/rules/ (NAME.request.json, NAME.response.json): the binary must
// answer each request with exactly the documented response, so the documentation cannot drift.
// The key answers are also asserted here by hand, from the articles, so that a wrong response
// file cannot make the test pass.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/process.h"
#include "support/test_files.h"

namespace openvap::testing {
namespace {

using nlohmann::json;

const char kExamples[] = "docs/examples/rules";

std::string ReadText(const std::string& path) {
  const auto bytes = ReadFileBytes(path);
  return {bytes.begin(), bytes.end()};
}

CommandResult Openvap(const std::vector<std::string>& args, const std::string& input = "") {
  std::vector<std::string> argv{OpenvapBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, input);
}

json CheckExample(const std::string& name) {
  const auto result =
      Openvap({"rules", "check", std::string(kExamples) + "/" + name + ".request.json"});
  EXPECT_EQ(result.exit_code, 0) << name << ": " << result.err;
  return json::parse(result.out, nullptr, false);
}

std::vector<std::string> MissingCodes(const json& response) {
  std::vector<std::string> codes;
  for (const auto& m : response["missing"]) codes.push_back(m["code"]);
  return codes;
}

TEST(RulesCli, EveryDocumentedExampleGivesItsDocumentedResponse) {
  int examples = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kExamples)) {
    const std::string path = entry.path().string();
    const std::string suffix = ".request.json";
    if (path.size() < suffix.size() ||
        path.compare(path.size() - suffix.size(), suffix.size(), suffix) != 0) {
      continue;
    }
    const std::string stem = path.substr(0, path.size() - suffix.size());
    const json expected = json::parse(ReadText(stem + ".response.json"), nullptr, false);
    ASSERT_FALSE(expected.is_discarded()) << stem << ".response.json is not JSON";
    const auto result = Openvap({"rules", "check", path});
    ASSERT_EQ(result.exit_code, 0) << path << ": " << result.err;
    EXPECT_EQ(json::parse(result.out, nullptr, false), expected) << path << "\n" << result.out;
    // Standard input gives the same answer.
    const auto piped = Openvap({"rules", "check", "-"}, ReadText(path));
    EXPECT_EQ(piped.out, result.out) << path;
    ++examples;
  }
  EXPECT_GE(examples, 6);
}

TEST(RulesCli, TheIssueExample) {
  const json r = CheckExample("issue-example");
  EXPECT_EQ(r["visa_required"], true);  // India: Reg 2018/1806 Annex I
  EXPECT_EQ(r["airport_transit_visa_required"], false);
  EXPECT_EQ(r["competent_state"], "FR");  // Art 5(1)(a)
  EXPECT_EQ(r["competence_reason"], "sole-destination");
  EXPECT_EQ(r["admissible"], true);
  EXPECT_EQ(r["missing"], json::array());
  EXPECT_EQ(r["fee_eur"], 90);            // Art 16(1)
  EXPECT_EQ(r["visit_required"], false);  // VIS 7d(4): 2024-01-01, same passport
  EXPECT_EQ(r["stay"]["days_used"], 20);  // 1-20 Nov 2026
  EXPECT_EQ(r["stay"]["days_remaining"], 70);
  EXPECT_EQ(r["stay"]["fits"], true);
  EXPECT_EQ(r["stay"]["latest_exit"], "2027-05-29");
  EXPECT_EQ(r["max_validity_until"], "2029-02-28");  // Art 24(2)(b): two years from 1 March
}

TEST(RulesCli, MainDestinationChildFeeAndVisitForANewPassport) {
  const json r = CheckExample("two-states-main-destination");
  EXPECT_EQ(r["competent_state"], "IT");  // 9 days in IT against 4 in DE, Art 5(1)(b)
  EXPECT_EQ(r["competence_reason"], "main-destination");
  EXPECT_EQ(r["fee_eur"], 45);           // aged 10, Art 16(2)
  EXPECT_EQ(r["visit_required"], true);  // biometrics taken with another passport
  EXPECT_EQ(MissingCodes(r), std::vector<std::string>{"biometrics-not-collected"});
  EXPECT_EQ(r["validity"]["cascade_step"], "one-year");  // three visas used, Art 24(2)(a)
  EXPECT_EQ(r["max_validity_until"], "2028-02-01");      // passport 2028-05-01 less 3 months
}

TEST(RulesCli, ChosenByPurposeNeedsConfirmation) {
  const json r = CheckExample("chosen-by-purpose");
  EXPECT_EQ(r["competent_state"], "BE");
  EXPECT_EQ(r["competence_reason"], "chosen-by-purpose");
  EXPECT_EQ(r["competence_needs_confirmation"], true);
  EXPECT_EQ(r["stay"]["days_used"], 58);
  EXPECT_EQ(r["stay"]["latest_exit"], "2027-06-02");
  EXPECT_EQ(r["validity"]["cascade_step"], "five-years");
  EXPECT_EQ(r["max_validity_until"], "2028-11-28");
}

TEST(RulesCli, EveryAdmissibilityFailureHasACode) {
  const json r = CheckExample("not-admissible");
  EXPECT_EQ(r["admissible"], false);
  EXPECT_EQ(MissingCodes(r),
            (std::vector<std::string>{"lodged-too-late", "travel-document-expires-too-soon",
                                      "travel-document-too-old", "form-incomplete", "fee-not-paid",
                                      "biometrics-not-collected", "non-latin-characters"}));
  for (const auto& m : r["missing"]) EXPECT_FALSE(m["message"].get<std::string>().empty());
  EXPECT_EQ(r["airport_transit_visa_required"], true);  // Nigeria, Visa Code Annex IV
}

TEST(RulesCli, FamilyMemberSeafarerOverstays) {
  const json r = CheckExample("family-member-seafarer");
  EXPECT_EQ(r["fee_eur"], 0);        // Directive 2004/38/EC Art 5(2)
  EXPECT_EQ(r["admissible"], true);  // nine months ahead is allowed for seafarers
  EXPECT_EQ(r["stay"]["days_used"], 76);
  EXPECT_EQ(r["stay"]["fits"], false);
  EXPECT_EQ(r["stay"]["latest_exit"], "2027-10-14");
}

TEST(RulesCli, AirportTransitAndRefusalDatesInTheRealTzDatabase) {
  const json r = CheckExample("airport-transit-refusal-dates");
  EXPECT_EQ(r["competence_reason"], "airport-transit");
  EXPECT_EQ(r["airport_transit_visa_required"], true);  // Ethiopia, Annex IV
  EXPECT_EQ(r["visit_required"], false);  // 2022-11-02 + 59 months - 1 day = lodging day
  // 22:30 UTC on 30 October 2027 is 00:30 on 31 October in Paris (summer time): the eighth day
  // is 8 November, which begins at 23:00 UTC on the 7th (winter time).
  EXPECT_EQ(r["decision"]["message_sent_on"], "2027-10-31");
  EXPECT_EQ(r["decision"]["presumed_access_on"], "2027-11-08");
  EXPECT_EQ(r["decision"]["appeal_period_starts_at"], "2027-11-07T23:00:00Z");
  EXPECT_EQ(r["decision"]["appeal_deadline"], "2027-12-08");
}

TEST(RulesCli, InvalidJsonAndFieldsExitTwoNamingTheField) {
  const std::string example = ReadText(std::string(kExamples) + "/issue-example.request.json");
  const auto broken = Openvap({"rules", "check", "-"}, "{\"nationality\": ");
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_NE(broken.err.find("invalid JSON"), std::string::npos) << broken.err;
  EXPECT_TRUE(broken.out.empty());

  json bad_date = json::parse(example);
  bad_date["travel_document"]["expires_on"] = "01/01/2030";
  const auto date = Openvap({"rules", "check"}, bad_date.dump());
  EXPECT_EQ(date.exit_code, 2);
  EXPECT_NE(date.err.find("travel_document.expires_on: expected an ISO 8601 date"),
            std::string::npos)
      << date.err;

  json ireland = json::parse(example);
  ireland["stays"][0]["state"] = "IE";
  const auto state = Openvap({"rules", "check"}, ireland.dump());
  EXPECT_EQ(state.exit_code, 2);
  EXPECT_NE(state.err.find("stays[0].state"), std::string::npos) << state.err;

  json no_stays = json::parse(example);
  no_stays["stays"] = json::array();
  const auto stays = Openvap({"rules", "check"}, no_stays.dump());
  EXPECT_EQ(stays.exit_code, 2);
  EXPECT_NE(stays.err.find("stays"), std::string::npos);

  json zone = json::parse(example);
  zone["decision"] = {{"message_sent_at", "2027-03-01T10:00:00Z"},
                      {"residence_time_zone", "Mars/Olympus"}};
  const auto tz = Openvap({"rules", "check"}, zone.dump());
  EXPECT_EQ(tz.exit_code, 2);
  EXPECT_NE(tz.err.find("decision.residence_time_zone"), std::string::npos) << tz.err;

  const auto missing_file = Openvap({"rules", "check", "/nonexistent/request.json"});
  EXPECT_EQ(missing_file.exit_code, 1);
  EXPECT_NE(missing_file.err.find("/nonexistent/request.json"), std::string::npos);
}

TEST(RulesCli, HelperCommands) {
  const auto fees =
      Openvap({"rules", "fees", "--date-of-birth", "2021-03-10", "--lodged-on", "2027-03-10"});
  ASSERT_EQ(fees.exit_code, 0) << fees.err;
  EXPECT_EQ(json::parse(fees.out)["fee_eur"], 45);  // sixth birthday
  const auto visa = Openvap({"rules", "visa-required", "USA", "--on", "2027-01-01"});
  ASSERT_EQ(visa.exit_code, 0) << visa.err;
  EXPECT_EQ(json::parse(visa.out)["visa_required"], false);
  const auto mrz = Openvap({"rules", "mrz", std::string(kExamples) + "/mrz-specimen.json"});
  ASSERT_EQ(mrz.exit_code, 0) << mrz.err;
  EXPECT_EQ(mrz.out,  // ICAO 9303-7 MRV-A specimen
            "VIUTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
            "L8988901C4XXX4009078F96121096ZE184226B<<<<<<\n");
  const auto unknown = Openvap({"rules", "visa-required", "QQQ", "--on", "2027-01-01"});
  EXPECT_EQ(unknown.exit_code, 2);
  const auto help = Openvap({"rules", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("check"), std::string::npos);
}

}  // namespace
}  // namespace openvap::testing
