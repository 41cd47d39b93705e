#include "domain/application_form.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace openvap::domain {
namespace {

using nlohmann::json;

TEST(ApplicationFormTest, AChangedCopyLeavesTheOriginalAsItWas) {
  ApplicationForm original(json{{"1", "ERIKSSON"}, {"3", "ANNA"}});
  const std::string text = R"({"1":"ERIKSSON","3":"ANNA"})";
  EXPECT_EQ(original.Text(), text);
  ApplicationForm copy = original;
  EXPECT_EQ(&copy.Text(), &original.Text());  // one value, written once
  copy.Set("1", "LINDQVIST");
  copy.Erase("3");
  EXPECT_EQ(original.Fields(), (json{{"1", "ERIKSSON"}, {"3", "ANNA"}}));
  EXPECT_EQ(original.Text(), text);
  EXPECT_EQ(copy.Fields(), (json{{"1", "LINDQVIST"}}));
  EXPECT_EQ(copy.Text(), R"({"1":"LINDQVIST"})");  // not the text of the value it came from
  EXPECT_FALSE(copy == original);
  // A form nobody else shares is changed in place of a copy, with the same outcome.
  ApplicationForm alone(json{{"1", "ERIKSSON"}});
  alone.Set("4", "1990-05-01");
  EXPECT_EQ(alone.Fields(), (json{{"1", "ERIKSSON"}, {"4", "1990-05-01"}}));
}

TEST(ApplicationFormTest, AStepSetsTheFieldsGivenAndRemovesThoseGivenAsNull) {
  ApplicationForm form(json{{"1", "ERIKSSON"}, {"3", "ANNA"}, {"4", "1990-05-01"}});
  const ApplicationForm before = form;
  form.Apply(json{{"3", nullptr}, {"7", "SWE"}, {"itinerary", json::array()}});
  EXPECT_EQ(
      form.Fields(),
      (json{{"1", "ERIKSSON"}, {"4", "1990-05-01"}, {"7", "SWE"}, {"itinerary", json::array()}}));
  EXPECT_TRUE(before.Fields().contains("3"));
  EXPECT_TRUE(ApplicationForm().empty());
  // An old record whose form is not an object: a change starts from an empty form.
  ApplicationForm odd(json("text"));
  EXPECT_EQ(odd.Text(), R"("text")");
  odd.Set("1", "X");
  EXPECT_EQ(odd.Fields(), (json{{"1", "X"}}));
}

TEST(ApplicationFormTest, AFieldsTextIsFoundOnlyWhenItIsAText) {
  const ApplicationForm form(json{{"1", "ERIKSSON"}, {"19", ""}, {"23", {"Tourism"}}});
  ASSERT_NE(form.FindText("1"), nullptr);
  EXPECT_EQ(*form.FindText("1"), "ERIKSSON");
  ASSERT_NE(form.FindText("19"), nullptr);  // an empty text is still a text
  EXPECT_EQ(*form.FindText("19"), "");
  EXPECT_EQ(form.FindText("23"), nullptr);  // a list
  EXPECT_EQ(form.FindText("3"), nullptr);   // absent
  EXPECT_EQ(form.FieldText("1"), "ERIKSSON");
  EXPECT_EQ(form.FieldText("23"), "");
  EXPECT_EQ(form.FieldText("3"), "");
  EXPECT_EQ(ApplicationForm(json("text")).FindText("1"), nullptr);  // not an object
}

TEST(ApplicationFormTest, TheTextIsTheCompactJsonWithInvalidUtf8Replaced) {
  const ApplicationForm form(json{{"1", "ERIKSSON \"Q\" \\ \u00e9"}, {"x", std::string("a\xff")}});
  EXPECT_EQ(form.Text(), form.Fields().dump(-1, ' ', false, json::error_handler_t::replace));
  EXPECT_EQ(json::parse(form.Text())["x"], "a\xef\xbf\xbd");
}

TEST(ApplicationFormTest, CopiesInSeveralThreadsReadOneText) {
  const ApplicationForm form(json{{"1", "ERIKSSON"}, {"23", {"Tourism"}}});
  std::vector<std::string> seen(8);
  std::vector<std::thread> threads;
  threads.reserve(seen.size());
  for (std::string& out : seen) {
    threads.emplace_back([copy = form, &out] { out = copy.Text(); });
  }
  for (std::thread& t : threads) t.join();
  for (const std::string& text : seen) EXPECT_EQ(text, R"({"1":"ERIKSSON","23":["Tourism"]})");
}

// VIS Art 7b(4): the person is kept for later applications, the journey and signatures not.
TEST(ApplicationFormTest, WhatIsKeptForLaterApplicationsIsThePersonNotTheJourney) {
  const ApplicationForm form(nlohmann::json{{"1", "ERIKSSON"},
                                            {"7b", {"SE"}},
                                            {"10a", "ERIKSSON"},
                                            {"13", "X1234567"},
                                            {"17a", "SMITH"},
                                            {"22", "Acme, Pune"},
                                            {"11", nullptr},
                                            {"residence_time_zone", "Asia/Kolkata"},
                                            {"23", {"Tourism"}},
                                            {"24", "visit"},
                                            {"27", "multiple"},
                                            {"29b", "2027-02-01"},
                                            {"33", "a representative"},
                                            {"itinerary", nlohmann::json::array()},
                                            {"chosen_state", "FR"},
                                            {"fee_exemption", "none"}});
  EXPECT_EQ(KeptForLaterApplications(form).Fields(),
            nlohmann::json({{"1", "ERIKSSON"},
                            {"7b", {"SE"}},
                            {"10a", "ERIKSSON"},
                            {"13", "X1234567"},
                            {"17a", "SMITH"},
                            {"22", "Acme, Pune"},
                            {"residence_time_zone", "Asia/Kolkata"}}));
  EXPECT_TRUE(KeptForLaterApplications(ApplicationForm(nlohmann::json::array())).empty());
}

}  // namespace
}  // namespace openvap::domain
