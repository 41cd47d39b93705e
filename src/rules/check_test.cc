// The `rules check` contract (issue 4): parsing names the bad field, the issue's example gives
// the expected answers, and refusal notification dates follow the time zone of residence
// (Visa Code Art 32(2)) across time zones and DST changes.
#include "rules/check.h"

#include <gtest/gtest.h>

#include <chrono>

#include "rules/notification.h"

namespace openvap::rules {
namespace {

using nlohmann::json;
using std::chrono::Sunday;
using std::chrono::sys_days;

Date D(const char* text) { return ParseIsoDate(text).value(); }
Timestamp T(const char* text) { return ParseIsoTimestamp(text).value(); }

// A fake tz database with the EU and US daylight-saving rules written out, so that the rule is
// tested without the system tz database (the CLI integration test uses the real one).
class FakeZones final : public TimeZones {
 public:
  Result<std::chrono::seconds> OffsetAt(std::string_view zone, Timestamp instant) const override {
    using std::chrono::hours;
    using std::chrono::minutes;
    const auto year = Date{std::chrono::floor<std::chrono::days>(instant)}.year();
    if (zone == "Europe/Paris") {
      // EU: summer time from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last
      // Sunday of October (Directive 2000/84/EC).
      const Timestamp start{sys_days(std::chrono::year_month_weekday_last{
                                year, std::chrono::March, Sunday[std::chrono::last]}) +
                            hours(1)};
      const Timestamp end{sys_days(std::chrono::year_month_weekday_last{
                              year, std::chrono::October, Sunday[std::chrono::last]}) +
                          hours(1)};
      return std::chrono::seconds(instant >= start && instant < end ? hours(2) : hours(1));
    }
    if (zone == "America/New_York") {
      // US: from 2:00 local (07:00 UTC) on the second Sunday of March to 2:00 local (06:00 UTC)
      // on the first Sunday of November.
      const Timestamp start{
          sys_days(std::chrono::year_month_weekday{year, std::chrono::March, Sunday[2]}) +
          hours(7)};
      const Timestamp end{
          sys_days(std::chrono::year_month_weekday{year, std::chrono::November, Sunday[1]}) +
          hours(6)};
      return std::chrono::seconds(instant >= start && instant < end ? -hours(4) : -hours(5));
    }
    if (zone == "Asia/Kolkata") return std::chrono::seconds(hours(5) + minutes(30));
    return FixedOffsetTimeZones().OffsetAt(zone, instant);
  }
};

RefusalNotification Notify(const char* sent, const char* zone,
                           std::optional<const char*> accessed = std::nullopt,
                           std::optional<int> days = std::nullopt) {
  RefusalNotificationFacts facts;
  facts.message_sent_at = T(sent);
  facts.residence_time_zone = zone;
  if (accessed) facts.accessed_at = T(*accessed);
  facts.appeal_period_days = days;
  auto out = DetermineRefusalNotification(FakeZones(), facts);
  EXPECT_TRUE(out.ok()) << out.error().message;
  return out.ok() ? *out : RefusalNotification{};
}

TEST(RefusalNotification, EighthDayInTheTimeZoneOfResidenceArt32_2) {
  // 23:30 UTC on 27 March 2027 is already 28 March in Paris and in Kolkata, still 27 March in
  // New York.
  const auto paris = Notify("2027-03-27T23:30:00Z", "Europe/Paris");
  EXPECT_EQ(paris.message_sent_on, D("2027-03-28"));
  EXPECT_EQ(paris.presumed_access_on, D("2027-04-05"));
  EXPECT_TRUE(paris.presumed);
  // Midnight of 5 April in Paris is summer time (UTC+2): 22:00 UTC the day before.
  EXPECT_EQ(FormatIsoTimestamp(paris.appeal_period_starts_at), "2027-04-04T22:00:00Z");
  const auto new_york = Notify("2027-03-27T23:30:00Z", "America/New_York");
  EXPECT_EQ(new_york.message_sent_on, D("2027-03-27"));
  EXPECT_EQ(new_york.presumed_access_on, D("2027-04-04"));
  EXPECT_EQ(FormatIsoTimestamp(new_york.appeal_period_starts_at), "2027-04-04T04:00:00Z");
  const auto kolkata = Notify("2027-03-27T23:30:00Z", "Asia/Kolkata");
  EXPECT_EQ(kolkata.presumed_access_on, D("2027-04-05"));
  EXPECT_EQ(FormatIsoTimestamp(kolkata.appeal_period_starts_at), "2027-04-04T18:30:00Z");
}

TEST(RefusalNotification, AcrossTheEndOfSummerTime) {
  // Sent in summer time (UTC+2), presumed day in winter time (UTC+1).
  const auto paris = Notify("2027-10-30T12:00:00Z", "Europe/Paris");
  EXPECT_EQ(paris.presumed_access_on, D("2027-11-07"));
  EXPECT_EQ(FormatIsoTimestamp(paris.appeal_period_starts_at), "2027-11-06T23:00:00Z");
  // 22:30 UTC on 30 October is 00:30 on the 31st in Paris (summer time), so the 8th day is
  // 8 November; with a fixed UTC+1 it would have been 23:30 on the 30th.
  EXPECT_EQ(Notify("2027-10-30T22:30:00Z", "Europe/Paris").presumed_access_on, D("2027-11-08"));
  EXPECT_EQ(Notify("2027-10-30T22:30:00Z", "+01:00").presumed_access_on, D("2027-11-07"));
}

TEST(RefusalNotification, ActualAccessBeforeTheEighthDayStartsThePeriod) {
  const auto early = Notify("2027-03-10T09:00:00Z", "Europe/Paris", "2027-03-12T20:00:00Z", 30);
  EXPECT_FALSE(early.presumed);
  EXPECT_EQ(early.notified_on, D("2027-03-12"));
  EXPECT_EQ(FormatIsoTimestamp(early.appeal_period_starts_at), "2027-03-12T20:00:00Z");
  EXPECT_EQ(early.appeal_deadline, D("2027-04-11"));
  // Opening it after the eighth day changes nothing: it was presumed notified on the 18th.
  const auto late = Notify("2027-03-10T09:00:00Z", "Europe/Paris", "2027-03-25T08:00:00Z", 30);
  EXPECT_TRUE(late.presumed);
  EXPECT_EQ(late.notified_on, D("2027-03-18"));
  EXPECT_EQ(late.appeal_deadline, D("2027-04-17"));
  // Access at 23:30 local on the 7th day is still actual access.
  const auto last_minute = Notify("2027-03-10T09:00:00Z", "Europe/Paris", "2027-03-17T22:30:00Z");
  EXPECT_FALSE(last_minute.presumed);
  EXPECT_EQ(last_minute.notified_on, D("2027-03-17"));
}

TEST(RefusalNotification, BadInputIsAnError) {
  RefusalNotificationFacts facts;
  facts.message_sent_at = T("2027-03-10T09:00:00Z");
  facts.residence_time_zone = "Mars/Olympus";
  EXPECT_EQ(DetermineRefusalNotification(FakeZones(), facts).error().code, "unknown-time-zone");
  facts.residence_time_zone = "Europe/Paris";
  facts.accessed_at = T("2027-03-09T09:00:00Z");
  EXPECT_FALSE(DetermineRefusalNotification(FakeZones(), facts).ok());
  const FixedOffsetTimeZones fixed;
  EXPECT_EQ(fixed.OffsetAt("+05:30", {}).value(), std::chrono::minutes(330));
  EXPECT_EQ(fixed.OffsetAt("UTC-03:00", {}).value(), -std::chrono::hours(3));
  EXPECT_FALSE(fixed.OffsetAt("+25:00", {}).ok());
  EXPECT_FALSE(fixed.OffsetAt("Europe/Paris", {}).ok());
}

json IssueExample() {
  return json::parse(R"({ "nationality": "IND", "date_of_birth": "1990-05-01",
  "travel_document": {"type": "ordinary-passport", "number": "X1234567", "issuing_country": "IND",
                      "issued_on": "2020-01-01", "expires_on": "2030-01-01"},
  "stays": [{"state": "FR", "from": "2027-03-01", "to": "2027-03-10"}],
  "first_entry_state": "FR", "main_purpose": "tourism", "chosen_state": null,
  "lodged_on": "2027-01-15",
  "previous_stays": [{"from": "2026-11-01", "to": "2026-11-20"}],
  "previous_visas": [{"type": "C", "entries": "multiple", "valid_from": "2025-01-01",
                      "valid_until": "2026-01-01", "used": true}],
  "biometrics": {"collected_on": "2024-01-01", "travel_document_number": "X1234567"},
  "family_member_of_eu_citizen": false, "seafarer": false })");
}

json RunCheck(const json& request) {
  auto parsed = ParseCheckRequest(request);
  EXPECT_TRUE(parsed.ok()) << parsed.error().message;
  if (!parsed.ok()) return {};
  auto response = Check(*parsed, FakeZones());
  EXPECT_TRUE(response.ok()) << response.error().message;
  return response.ok() ? ToJson(*response) : json();
}

TEST(Check, TheIssueExample) {
  const json out = RunCheck(IssueExample());
  EXPECT_EQ(out["visa_required"], true);
  EXPECT_EQ(out["airport_transit_visa_required"], false);
  EXPECT_EQ(out["competent_state"], "FR");
  EXPECT_EQ(out["competence_reason"], "sole-destination");
  EXPECT_EQ(out["competence_needs_confirmation"], false);
  EXPECT_EQ(out["admissible"], true);
  EXPECT_EQ(out["missing"], json::array());
  EXPECT_EQ(out["fee_eur"], 90);
  EXPECT_EQ(out["visit_required"], false);  // biometrics of 2024-01-01, same passport
  EXPECT_EQ(out["stay"]["days_used"], 20);
  EXPECT_EQ(out["stay"]["days_remaining"], 70);
  EXPECT_EQ(out["stay"]["fits"], true);
  EXPECT_EQ(out["stay"]["latest_exit"], "2027-05-29");
  EXPECT_EQ(out["max_validity_until"], "2029-02-28");  // Art 24(2)(b): two years
}

TEST(Check, FamilyMembersChildrenAndBadFormData) {
  json request = IssueExample();
  request["family_member_of_eu_citizen"] = true;
  EXPECT_EQ(RunCheck(request)["fee_eur"], 0);
  request = IssueExample();
  request["date_of_birth"] = "2021-01-15";  // sixth birthday on the lodging date
  EXPECT_EQ(RunCheck(request)["fee_eur"], 45);
  request = IssueExample();
  request["surname"] = "Шарма";
  request["fee_paid"] = false;
  request["biometrics"] = nullptr;
  const json out = RunCheck(request);
  EXPECT_EQ(out["admissible"], false);
  EXPECT_EQ(out["visit_required"], true);
  std::vector<std::string> codes;
  for (const auto& m : out["missing"]) codes.push_back(m["code"]);
  EXPECT_EQ(codes, (std::vector<std::string>{"fee-not-paid", "biometrics-not-collected",
                                             "non-latin-characters"}));
  request["humanitarian"] = true;
  EXPECT_EQ(RunCheck(request)["admissible"], true);
}

TEST(Check, WhatWasPaidSoFarAgainstTheFeeDue) {
  json request = IssueExample();
  request["fee_paid"] = true;
  request["fee_paid_eur"] = 45;
  const json out = RunCheck(request);
  EXPECT_EQ(out["fee_eur"], 90);
  EXPECT_EQ(out["admissible"], false);
  EXPECT_NE(out.dump().find("Pay the remaining EUR 45 of the visa fee of EUR 90"),
            std::string::npos)
      << out;
  request["fee_paid_eur"] = 90;
  EXPECT_EQ(RunCheck(request)["admissible"], true);
  for (const json& bad : {json("45"), json(-1), json(true)}) {
    request["fee_paid_eur"] = bad;
    const auto parsed = ParseCheckRequest(request);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_NE(parsed.error().message.find("fee_paid_eur"), std::string::npos);
  }
}

TEST(Check, DecisionDatesInTheResponse) {
  json request = IssueExample();
  request["decision"] = {{"message_sent_at", "2027-03-27T23:30:00Z"},
                         {"residence_time_zone", "America/New_York"},
                         {"appeal_period_days", 15}};
  const json out = RunCheck(request);
  EXPECT_EQ(out["decision"]["presumed_access_on"], "2027-04-04");
  EXPECT_EQ(out["decision"]["appeal_deadline"], "2027-04-19");
}

// The text kept with an application: every member of the contract, in the documented order,
// and the same value as the tree ToJson gives.
TEST(Check, TheResponseTextListsEveryMemberInOrder) {
  json request = IssueExample();
  request["decision"] = {{"message_sent_at", "2027-03-27T23:30:00Z"},
                         {"residence_time_zone", "America/New_York"},
                         {"appeal_period_days", 15}};
  auto parsed = ParseCheckRequest(request);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  auto response = Check(*parsed, FakeZones());
  ASSERT_TRUE(response.ok()) << response.error().message;
  response->notes.emplace_back("a \"quoted\" note\n");
  const std::string text = ToJsonText(*response);
  const auto ordered = nlohmann::ordered_json::parse(text);
  std::vector<std::string> keys;
  for (const auto& [key, value] : ordered.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"visa_required",
                                            "airport_transit_visa_required",
                                            "competent_state",
                                            "competence_reason",
                                            "competence_needs_confirmation",
                                            "admissible",
                                            "missing",
                                            "fee_eur",
                                            "visit_required",
                                            "stay",
                                            "max_validity_until",
                                            "third_country_national",
                                            "visa_requirement",
                                            "airport_transit_visa",
                                            "competence",
                                            "admissibility",
                                            "fee",
                                            "biometrics",
                                            "validity",
                                            "decision",
                                            "notes"}));
  EXPECT_EQ(json::parse(text), ToJson(*response));
  EXPECT_EQ(ordered["fee_eur"].dump(), "90.0");
  EXPECT_EQ(ordered["stay"]["first_day_over"], nullptr);
  EXPECT_EQ(ordered["competence"]["days_by_state"][0]["state"], "FR");
  EXPECT_EQ(ordered["notes"].back(), "a \"quoted\" note\n");
  EXPECT_EQ(ordered["decision"]["appeal_period_starts_at"].get<std::string>().substr(0, 10),
            "2027-04-04");
}

std::string ParseError(const json& request) {
  auto parsed = ParseCheckRequest(request);
  EXPECT_FALSE(parsed.ok());
  if (parsed.ok()) return "";
  EXPECT_EQ(parsed.error().code, "invalid-field");
  return parsed.error().message;
}

TEST(ParseCheckRequest, ErrorsNameTheField) {
  json r = IssueExample();
  r["travel_document"]["expires_on"] = "2030-02-30";
  EXPECT_EQ(ParseError(r).rfind("travel_document.expires_on: expected an ISO 8601 date", 0), 0U)
      << ParseError(r);
  r = IssueExample();
  r.erase("stays");
  EXPECT_EQ(ParseError(r).rfind("stays:", 0), 0U);
  r = IssueExample();
  r["stays"].push_back({{"state", "FRA"}, {"from", "2027-03-11"}, {"to", "2027-03-12"}});
  EXPECT_EQ(ParseError(r).rfind("stays[1].state:", 0), 0U);
  r = IssueExample();
  r["stays"][0]["to"] = "2027-02-01";
  EXPECT_EQ(ParseError(r).rfind("stays[0].to:", 0), 0U);
  r = IssueExample();
  r["main_purpose"] = "shopping";
  EXPECT_EQ(ParseError(r).rfind("main_purpose:", 0), 0U);
  r = IssueExample();
  r["nationality"] = 356;
  EXPECT_EQ(ParseError(r).rfind("nationality:", 0), 0U);
  r = IssueExample();
  r["previous_visas"][0]["used"] = "yes";
  EXPECT_EQ(ParseError(r).rfind("previous_visas[0].used:", 0), 0U);
  r = IssueExample();
  r["biometrics"] = {{"collected_on", "2024-01-01"}};
  EXPECT_EQ(ParseError(r).rfind("biometrics.travel_document_number:", 0), 0U);
  r = IssueExample();
  r["form_complete"] = 1;
  EXPECT_EQ(ParseError(r).rfind("form_complete:", 0), 0U);
  r = IssueExample();
  r["stays"][0]["from"] = "0001-01-01";
  EXPECT_EQ(ParseError(r).rfind("stays[0].to:", 0), 0U);
  EXPECT_EQ(ParseError(json::array()).rfind("(request)", 0), 0U);
  EXPECT_EQ(ParseError(json("text")).rfind("(request)", 0), 0U);
}

TEST(Check, UnknownStatesNationalitiesAndZonesAreInvalidFields) {
  const auto check = [](const json& request) {
    auto parsed = ParseCheckRequest(request);
    EXPECT_TRUE(parsed.ok());
    return Check(*parsed, FakeZones());
  };
  json r = IssueExample();
  r["stays"][0]["state"] = "IE";
  auto ireland = check(r);
  ASSERT_FALSE(ireland.ok());
  EXPECT_EQ(ireland.error().code, "invalid-field");
  EXPECT_EQ(ireland.error().message.rfind("stays[0].state:", 0), 0U);
  r = IssueExample();
  r["nationality"] = "QQQ";
  EXPECT_EQ(check(r).error().message.rfind("nationality:", 0), 0U);
  r = IssueExample();
  r["decision"] = {{"message_sent_at", "2027-03-27T23:30:00Z"},
                   {"residence_time_zone", "Mars/Olympus"}};
  EXPECT_EQ(check(r).error().message.rfind("decision.residence_time_zone:", 0), 0U);
}

}  // namespace
}  // namespace openvap::rules
