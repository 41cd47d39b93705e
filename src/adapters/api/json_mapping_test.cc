// The text form of an application's JSON (response bodies) against the JSON form (lists).
#include "adapters/api/json_mapping.h"

#include <gtest/gtest.h>

#include "base/time.h"

namespace openvap::api {
namespace {

using nlohmann::json;

domain::Application Submitted() {
  domain::Application a;
  a.id = ApplicationId("app-1");
  a.status = domain::ApplicationStatus::kSubmitted;
  a.form = domain::ApplicationForm({{"1", "DOE"}, {"23", {"Tourism"}}});
  a.created_at = *ParseIsoTimestamp("2027-01-15T09:00:00Z");
  a.updated_at = a.created_at;
  domain::PreCheckOutcome p;
  p.competent_state = "FR";
  p.missing.push_back({"fee-not-paid", "pay the visa fee \"now\""});
  p.details = json{{"competent_state", "FR"}, {"notes", {"a", "b\\n"}}}.dump();
  a.prechecks = p;
  return a;
}

TEST(JsonMappingTest, TheTextOfAnApplicationIsItsJsonWithTheDetailsAsTheyAre) {
  domain::Application a = Submitted();
  const json text = json::parse(ApplicationJsonText(a, ApplicationReader::kOfficial));
  EXPECT_EQ(text, ApplicationJson(a));
  EXPECT_EQ(text["prechecks"]["details"]["notes"][1], "b\\n");
  EXPECT_EQ(text["prechecks"]["missing"][0]["message"], "pay the visa fee \"now\"");
  EXPECT_EQ(json::parse(PreCheckJsonText(*a.prechecks)), PreCheckJson(*a.prechecks));
  // Details kept as an object (older records) or none at all.
  a.prechecks->details = json{{"x", 1}};
  EXPECT_EQ(json::parse(
                ApplicationJsonText(a, ApplicationReader::kOfficial))["prechecks"]["details"]["x"],
            1);
  a.prechecks->details = nullptr;
  EXPECT_TRUE(
      json::parse(ApplicationJsonText(a, ApplicationReader::kOfficial))["prechecks"]["details"]
          .is_null());
  // The members present only when they apply.
  a.notified_state = "FR";
  a.submitted_at = a.created_at;
  a.appointment = "slot-1";
  a.appointment_location = "org-1";
  a.lodging.biometrics_collected_on = *ParseIsoDate("2027-01-20");
  a.lodging.doubts = {"photo \"old\""};
  a.humanitarian_derogation = "in hospital";
  a.purged = true;
  const json full = json::parse(ApplicationJsonText(a, ApplicationReader::kOfficial));
  EXPECT_EQ(full, ApplicationJson(a));
  EXPECT_EQ(full["appointment"], (json{{"slot", "slot-1"}, {"organisation", "org-1"}}));
  EXPECT_EQ(full["submitted_at"], FormatIsoTimestamp(a.created_at));
  EXPECT_EQ(full["lodging"]["biometrics_collected_on"], "2027-01-20");
  EXPECT_EQ(full["lodging"]["doubts"][0], "photo \"old\"");
  // The applicant sees all of it but the provider's doubts, which are for the consulate.
  json mine = full;
  mine["lodging"].erase("doubts");
  EXPECT_EQ(json::parse(ApplicationJsonText(a, ApplicationReader::kApplicant)), mine);
  EXPECT_EQ(full["purged"], true);
  a.prechecks.reset();
  EXPECT_EQ(json::parse(ApplicationJsonText(a, ApplicationReader::kOfficial)), ApplicationJson(a));
  EXPECT_FALSE(ApplicationJson(a).contains("prechecks"));
}

TEST(JsonMappingTest, AListIsEachApplicationsText) {
  domain::Application with = Submitted();
  domain::Application without = Submitted();
  without.id = ApplicationId("app-2");
  without.prechecks.reset();
  const json list = json::parse(ApplicationListJsonText({{with, without}, "1700000000000.app-2"},
                                                        ApplicationReader::kOfficial));
  EXPECT_EQ(list, (json{{"applications", {ApplicationJson(with), ApplicationJson(without)}},
                        {"next", "1700000000000.app-2"}}));
  EXPECT_EQ(json::parse(ApplicationListJsonText({}, ApplicationReader::kOfficial)),
            (json{{"applications", json::array()}, {"next", nullptr}}));
}

// Both routes that start an application read `kind` the same way and declare the same enum.
TEST(JsonMappingTest, TheKindOfANewApplicationIsReadOnceForEveryRoute) {
  EXPECT_EQ(*ApplicationKindIn(json::object()), domain::ApplicationKind::kShortStayVisa);
  EXPECT_EQ(*ApplicationKindIn({{"kind", "visa-confirmation"}}),
            domain::ApplicationKind::kVisaConfirmation);
  EXPECT_EQ(ApplicationKindIn({{"kind", "transit"}}).error().code, "invalid-kind");
  EXPECT_EQ(ApplicationKindIn({{"kind", 3}}).error().code, "invalid-field");
  EXPECT_EQ(ApplicationKindSchema()["enum"],
            (json{"short-stay-visa", "long-stay-visa", "visa-extension", "visa-confirmation"}));
}

// A decision's text is given in the state's language only where it was written in it (the Annex
// VI form); an issued visa's English text is not labelled French.
TEST(JsonMappingTest, ADecisionsTextIsInTheLanguagesItWasWrittenIn) {
  domain::Decision issued;
  issued.id = DecisionId("dec-1");
  issued.application = ApplicationId("app-1");
  issued.state_language = "fr";
  issued.text_english = "A C visa was issued.";
  issued.text_state_language = issued.text_english;
  EXPECT_EQ(DecisionJson(issued)["text"], (json{{"en", "A C visa was issued."}}));
  domain::Decision refused = issued;
  refused.kind = domain::DecisionKind::kRefuse;
  refused.text_english = "Reasons: 2. justification ...";
  refused.text_state_language = "Motifs : 2. la justification ...";
  EXPECT_EQ(DecisionJson(refused)["text"], (json{{"en", "Reasons: 2. justification ..."},
                                                 {"fr", "Motifs : 2. la justification ..."}}));
}

TEST(VisaNumberFromText, BlanksGoAndLettersAreUpperCased) {
  EXPECT_EQ(VisaNumberFromText("fra 123456788").value(), "FRA123456788");
  EXPECT_EQ(VisaNumberFromText(" FRA123456788\t").value(), "FRA123456788");
  EXPECT_EQ(VisaNumberFromText("fra-1").value(), "FRA-1");  // the services refuse it
}

}  // namespace
}  // namespace openvap::api
