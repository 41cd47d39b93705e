// The domain's ports over the core modules (src/app/ports.cc): the form as a rules request,
// the Annex VI texts and languages, the Art 32(2) calendar, the visa sealer and the offline
// verifier. The whole chain runs in tests/integration/platform_test.cc; here are the edges.
#include "app/ports.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "app/pki.h"
#include "domain/decision.h"
#include "domain/state_label.h"
#include "rules/check.h"
#include "seal/seal.h"

namespace openvap::app {
namespace {

using nlohmann::json;

Timestamp T(const char* iso) { return *ParseIsoTimestamp(iso); }
Date D(const char* iso) { return *ParseIsoDate(iso); }

domain::Application Filled() {
  domain::Application a;
  a.id = ApplicationId("app-1");
  a.form = domain::ApplicationForm(
      {{"1", "DOE"},
       {"3", "ANA"},
       {"4", "1990-05-01"},
       {"7", "IND"},
       {"12", "Diplomatic passport"},
       {"13", "X1234567"},
       {"14", "2020-01-01"},
       {"15", "2030-01-01"},
       {"23", {"Visiting family or friends"}},
       {"26", "FR"},
       {"itinerary", {{{"state", "FR"}, {"from", "2027-03-01"}, {"to", "2027-03-10"}}}}});
  return a;
}

// VIS Art 7b(5): every text in Latin letters; the names (fields 1 to 3), which go into the
// visa and its seal, in letters only.
TEST(RulesPreChecks, NamesAreLettersAndOtherTextsLatin) {
  const auto& data = rules::ReferenceData::Embedded();
  ASSERT_TRUE(data.ok());
  const SystemTimeZones zones;
  const RulesPreChecks prechecks(*data, zones);
  EXPECT_TRUE(prechecks
                  .NonLatinFields({{"1", "O'NEILL"},
                                   {"3", "ANA MARIA"},
                                   {"21", "Engineer \u2192 manager \U0001F600"},
                                   {"23", {"Tourism"}}})
                  .empty());
  EXPECT_EQ(prechecks.NonLatinFields({{"1", "DOE \U0001F600"}, {"21", "Engineer"}}),
            std::vector<std::string>{"1"});
  EXPECT_EQ(prechecks.NonLatinFields({{"3", "\uFF21\uFF2E\uFF21"}}), std::vector<std::string>{"3"});
  EXPECT_EQ(prechecks.NonLatinFields({{"1", "DOE2"}}), std::vector<std::string>{"1"});
  EXPECT_TRUE(prechecks.NonLatinFields({{"2", "SMITH, JONES (2010)"}}).empty());
  EXPECT_EQ(prechecks.NonLatinFields({{"17", "\u0416"}}), std::vector<std::string>{"17"});
}

TEST(RulesPreChecks, TheFormBecomesARequestTheRulesAccept) {
  domain::Application a = Filled();
  a.fee_paid = true;
  a.form.Set("17", "Жена");  // not Latin (VIS 7b(5))
  const auto request = RulesPreChecks::RequestFor(a, D("2027-01-15"), true);
  ASSERT_TRUE(request.ok()) << request.error().message;
  EXPECT_EQ(request->travel_document.type, "diplomatic-passport");
  EXPECT_EQ(request->travel_document.issuing_country, "IND");  // field 16 empty: field 7
  EXPECT_EQ(request->main_purpose, rules::Purpose::kVisitingFamilyOrFriends);  // as ticked
  EXPECT_EQ(request->fee_paid, true);
  EXPECT_EQ(request->photo, true);
  EXPECT_EQ(request->form_complete, false);  // fields 5, 6, 8, ... missing
  ASSERT_EQ(request->stays.size(), 1U);
  EXPECT_EQ(request->stays[0].state, "FR");
  // Every text of the form, by its path, for the Latin-alphabet check; not the lists.
  EXPECT_NE(std::find(request->form_data.begin(), request->form_data.end(),
                      std::pair<std::string, std::string>("form.1", "DOE")),
            request->form_data.end());
  for (const auto& [field, text] : request->form_data) EXPECT_NE(field, "form.23");
  const auto answer = rules::Check(*request);
  ASSERT_TRUE(answer.ok()) << answer.error().message;
  EXPECT_EQ(answer->competence.competent_state, "FR");
  std::vector<std::string> missing;
  for (const Error& m : answer->admissibility.missing) missing.push_back(m.code);
  EXPECT_NE(std::find(missing.begin(), missing.end(), "non-latin-characters"), missing.end());
}

TEST(RulesPreChecks, TimeZonesOfResidenceAreTheTzDatabasesOrFixedOffsets) {
  const auto& data = rules::ReferenceData::Embedded();
  ASSERT_TRUE(data.ok());
  const SystemTimeZones zones;
  const RulesPreChecks prechecks(*data, zones);
  for (const char* zone : {"Asia/Kolkata", "America/Sao_Paulo", "UTC", "+05:30"}) {
    EXPECT_TRUE(prechecks.IsTimeZone(zone)) << zone;
  }
  for (const char* zone : {"", "Mars/Olympus", "Asia/Kolkata\n", "../../etc/passwd"}) {
    EXPECT_FALSE(prechecks.IsTimeZone(zone)) << zone;
  }
}

TEST(RulesPreChecks, TheOutcomeSaysWhetherAPhotoWasUploaded) {
  const auto& data = rules::ReferenceData::Embedded();
  ASSERT_TRUE(data.ok());
  const SystemTimeZones zones;
  const RulesPreChecks prechecks(*data, zones);
  domain::Application a = Filled();
  const auto without = prechecks.Run(a, {}, D("2027-01-15"));
  ASSERT_TRUE(without.ok()) << without.error().message;
  const auto missing = [](const domain::PreCheckOutcome& o, const std::string& code) {
    return std::any_of(o.missing.begin(), o.missing.end(),
                       [&code](const domain::MissingItem& m) { return m.code == code; });
  };
  EXPECT_TRUE(missing(*without, "photo-missing"));
  // Fingerprints still to be given: "book a visit" until one is booked.
  const auto message_of = [](const domain::PreCheckOutcome& o, const std::string& code) {
    for (const domain::MissingItem& m : o.missing) {
      if (m.code == code) return m.message;
    }
    return std::string();
  };
  EXPECT_EQ(message_of(*without, "biometrics-not-collected").rfind("Book a visit", 0), 0U);
  domain::Application booked = a;
  booked.appointment = "slot-1";
  booked.appointment_location = "esp-delhi";
  EXPECT_EQ(message_of(*prechecks.Run(booked, {}, D("2027-01-15")), "biometrics-not-collected"),
            "Give your fingerprints and facial image at the visit you booked (esp-delhi) (Visa "
            "Code Art 13; VIS Reg Art 7d(4)).");
  // VIS Art 7d(8): the applicant is told which part is missing — the fields, by number.
  const auto incomplete =
      std::find_if(without->missing.begin(), without->missing.end(),
                   [](const domain::MissingItem& m) { return m.code == "form-incomplete"; });
  ASSERT_NE(incomplete, without->missing.end());
  EXPECT_NE(incomplete->message.find("Fields missing: 5, 6, 8, 9, 16, 19, 27, 21, 30, 32."),
            std::string::npos)
      << incomplete->message;
  // A minor's form names the parental authority or guardian who signs it (field 10; VC Art
  // 11(1)): a child of eight without one is incomplete, field 10a named.
  domain::Application child = a;
  child.form.Set("4", "2019-02-01");
  const auto for_child = prechecks.Run(child, {}, D("2027-01-15"));
  ASSERT_TRUE(for_child.ok()) << for_child.error().message;
  EXPECT_NE(message_of(*for_child, "form-incomplete").find("27, 10a, 21"), std::string::npos)
      << message_of(*for_child, "form-incomplete");
  child.form.Apply({{"10a", "Children's Home of Pune"}});
  EXPECT_NE(message_of(*prechecks.Run(child, {}, D("2027-01-15")), "form-incomplete")
                .find("27, 21, 30, 32."),
            std::string::npos);
  // Eighteen on the day of lodging: no guardian.
  child.form.Apply({{"4", "2009-01-15"}, {"10a", nullptr}});
  EXPECT_NE(message_of(*prechecks.Run(child, {}, D("2027-01-15")), "form-incomplete")
                .find("27, 21, 30, 32."),
            std::string::npos);
  domain::ApplicationDocument photo;
  photo.kind = "photo";
  const auto with = prechecks.Run(a, {{photo}, std::nullopt}, D("2027-01-15"));
  ASSERT_TRUE(with.ok()) << with.error().message;
  EXPECT_FALSE(missing(*with, "photo-missing"));
  EXPECT_EQ(json::parse(with->details.get<std::string>())["competent_state"], "FR");
}

// VIS 7d(3)-(4) (VAP-BIO): fingerprints on record for an earlier application with the same
// travel document, taken in the last 59 months, spare the visit; older ones or another
// document's do not. The platform never consulted the record: everyone was told to book a visit.
TEST(RulesPreChecks, BiometricsOnRecordSpareTheVisit) {
  const auto& data = rules::ReferenceData::Embedded();
  ASSERT_TRUE(data.ok());
  const SystemTimeZones zones;
  const RulesPreChecks prechecks(*data, zones);
  const domain::Application a = Filled();
  const auto needs_visit = [&](const char* collected_on, const char* number) {
    domain::PreCheckInputs inputs;
    inputs.biometrics_on_record = domain::BiometricsOnRecord{
        "IND",           number, D(collected_on), ApplicationId("app-earlier"), "DOE",
        D("1990-05-01"), "IND"};
    const auto outcome = prechecks.Run(a, inputs, D("2027-01-15"));
    EXPECT_TRUE(outcome.ok()) << outcome.error().message;
    const bool missing = std::any_of(
        outcome->missing.begin(), outcome->missing.end(),
        [](const domain::MissingItem& m) { return m.code == "biometrics-not-collected"; });
    EXPECT_EQ(missing, outcome->visit_required) << collected_on << " " << number;
    return outcome->visit_required;
  };
  const std::string number = a.form.FieldText("13");
  EXPECT_FALSE(needs_visit("2025-02-01", number.c_str()));
  EXPECT_TRUE(needs_visit("2022-01-01", number.c_str()));  // more than 59 months ago
  EXPECT_TRUE(needs_visit("2025-02-01", "Z0000000"));      // another document
  EXPECT_TRUE(prechecks.Run(a, {}, D("2027-01-15"))->visit_required);
}

// The fee follows the procedure (VC Art 16, Art 33(1)-(2), Art 32a(3)) and a mandatory waiver
// claimed on the form (Art 16(4)(b)-(d)): an extension or a confirmation was charged the EUR 90
// of an application, and a student could not claim the waiver.
TEST(RulesPreChecks, TheProcedureAndAClaimedWaiverSetTheFee) {
  const auto& data = rules::ReferenceData::Embedded();
  ASSERT_TRUE(data.ok());
  const SystemTimeZones zones;
  const RulesPreChecks prechecks(*data, zones);
  const auto fee = [&](domain::ApplicationKind kind, const char* key, const char* value) {
    domain::Application a = Filled();
    a.kind = kind;
    if (key != nullptr) a.form.Set(key, value);
    const auto outcome = prechecks.Run(a, {}, D("2027-01-15"));
    EXPECT_TRUE(outcome.ok()) << outcome.error().message;
    return outcome.ok() ? outcome->fee_eur : -1.0;
  };
  using Kind = domain::ApplicationKind;
  EXPECT_EQ(fee(Kind::kShortStayVisa, nullptr, nullptr), 90.0);
  EXPECT_EQ(fee(Kind::kVisaExtension, nullptr, nullptr), 30.0);
  EXPECT_EQ(fee(Kind::kVisaExtension, "extension_reason", "serious-personal-reasons"), 30.0);
  EXPECT_EQ(fee(Kind::kVisaExtension, "extension_reason", "force-majeure"), 0.0);
  EXPECT_EQ(fee(Kind::kVisaExtension, "extension_reason", "humanitarian"), 0.0);
  EXPECT_EQ(fee(Kind::kVisaConfirmation, nullptr, nullptr), 20.0);
  EXPECT_EQ(fee(Kind::kShortStayVisa, "fee_exemption", "researcher"), 0.0);
  EXPECT_EQ(fee(Kind::kShortStayVisa, "fee_exemption", "none"), 90.0);
  domain::Application a = Filled();
  a.form.Set("fee_exemption", "klingon");  // written around the form's own check
  EXPECT_EQ(RulesPreChecks::RequestFor(a, D("2027-01-15"), false).error().code, "invalid-field");
}

TEST(RulesPreChecks, AMissingFieldIsNamedByItsNumber) {
  domain::Application a = Filled();
  a.form.Erase("7");
  const auto request = RulesPreChecks::RequestFor(a, D("2027-01-15"), false);
  ASSERT_FALSE(request.ok());
  EXPECT_EQ(request.error().code, "invalid-field");
  EXPECT_EQ(request.error().message.rfind("form.7:", 0), 0U) << request.error().message;
  a = Filled();
  a.form.Erase("itinerary");
  EXPECT_EQ(RulesPreChecks::RequestFor(a, D("2027-01-15"), false)
                .error()
                .message.rfind("form.itinerary:", 0),
            0U);
  a = Filled();
  a.form.Set("itinerary", json::array({{{"state", "FR"}, {"from", "soon"}, {"to", "2027-03-10"}}}));
  EXPECT_EQ(RulesPreChecks::RequestFor(a, D("2027-01-15"), false).error().message,
            "the form does not give what the checks need: stays[0].from: expected an ISO 8601 "
            "date (YYYY-MM-DD), got \"soon\"");
  a = Filled();
  a.form.Set("12", "Other travel document (please specify)");
  EXPECT_EQ(RulesPreChecks::RequestFor(a, D("2027-01-15"), false)->travel_document.type, "other");
}

// A payment made before a correction raised the fee (a child's date of birth corrected to an
// adult's) leaves the balance: the rules hear what was paid.
TEST(RulesPreChecks, APaymentShortOfTheFeeDueLeavesTheBalance) {
  domain::Application a = Filled();
  a.form.Set("12", "Ordinary passport");
  a.fee_paid = true;
  a.fee_paid_cents = 4500;
  const auto missing_fee = [&a]() -> std::string {
    const auto request = RulesPreChecks::RequestFor(a, D("2027-01-15"), true);
    EXPECT_TRUE(request.ok());
    const auto answer = rules::Check(*request);
    EXPECT_TRUE(answer.ok());
    for (const Error& m : answer->admissibility.missing) {
      if (m.code == "fee-not-paid") return m.message;
    }
    return "";
  };
  EXPECT_EQ(RulesPreChecks::RequestFor(a, D("2027-01-15"), true)->fee_paid_eur, 45.0);
  EXPECT_NE(missing_fee().find("Pay the remaining EUR 45 of the visa fee of EUR 90"),
            std::string::npos)
      << missing_fee();
  a.fee_paid_cents = 9000;
  EXPECT_EQ(missing_fee(), "");
  a.fee_paid_cents.reset();  // paid before amounts were kept: the whole fee
  EXPECT_EQ(missing_fee(), "");
}

// The form is read as `openvap rules check` reads the JSON request that the form stands for:
// the same request (the rules answer it alike) and, for a form that cannot be checked, the same
// message. The JSON below is that mapping, written out.
TEST(RulesPreChecks, TheFormIsReadAsTheJsonRequestItStandsFor) {
  const auto as_json = [](const domain::Application& a, const char* lodged_on, bool photo) {
    const auto text = [&a](const char* key) { return a.form.FieldText(key); };
    const json& form = a.form.Fields();
    json r = {{"nationality", text("7")},
              {"date_of_birth", text("4")},
              {"travel_document",
               {{"type", rules::TravelDocumentTypeCode(text("12")).value_or("other")},
                {"number", text("13")},
                {"issuing_country", text("16").empty() ? text("7") : text("16")},
                {"issued_on", text("14")},
                {"expires_on", text("15")}}},
              {"stays", form["itinerary"]},
              {"lodged_on", lodged_on},
              {"family_member_of_eu_citizen", !text("17a").empty()},
              {"seafarer", form.value("seafarer", false)},
              {"fee_paid", a.fee_paid},
              {"photo", photo},
              {"biometrics_collected", a.lodging.biometrics_collected_on.has_value()},
              {"humanitarian", a.humanitarian_derogation.has_value()},
              {"form_complete", false},
              {"main_purpose", form["23"][0]}};
    if (a.fee_paid && a.fee_paid_cents) {
      r["fee_paid_eur"] = static_cast<double>(*a.fee_paid_cents) / 100;
    }
    if (!text("26").empty()) r["first_entry_state"] = text("26");
    if (!text("chosen_state").empty()) r["chosen_state"] = text("chosen_state");
    if (form.contains("previous_stays")) r["previous_stays"] = form["previous_stays"];
    if (a.lodging.biometrics_collected_on) {
      r["biometrics"] = {{"collected_on", FormatIsoDate(*a.lodging.biometrics_collected_on)},
                         {"travel_document_number", a.lodging.biometrics_travel_document}};
    }
    json texts = json::object();
    for (const auto& [key, value] : form.items()) {
      if (value.is_string()) texts[key] = value;
    }
    r["form"] = texts;
    return r;
  };
  std::vector<domain::Application> forms;
  forms.push_back(Filled());
  domain::Application rich = Filled();
  rich.form.Set("16", "D");
  rich.form.Set("17a", "DOE JOHN (spouse)");
  rich.form.Set("seafarer", true);
  rich.form.Set("chosen_state", "fr");
  rich.form.Set("previous_stays", json::array({{{"from", "2026-06-01"}, {"to", "2026-06-20"}}}));
  rich.form.Set("itinerary",
                json::array({{{"state", "DE"}, {"from", "2027-03-01"}, {"to", "2027-03-03"}},
                             {{"state", "fr"}, {"from", "2027-03-03"}, {"to", "2027-03-20"}}}));
  rich.fee_paid = true;
  rich.fee_paid_cents = 4550;
  rich.lodging.biometrics_collected_on = D("2025-02-01");
  rich.lodging.biometrics_travel_document = "X7654321";
  forms.push_back(rich);
  const std::vector<std::pair<const char*, json>> bad = {
      {"7", "IN"},           {"7", "I1D"},           {"4", "1990-02-30"}, {"4", "2028-01-01"},
      {"14", "01/01/2020"},  {"15", "2019-12-31"},   {"16", "FRANCE"},    {"26", "FRA"},
      {"chosen_state", "F"}, {"23", {"Sightseeing"}}};
  for (const auto& [key, value] : bad) {
    domain::Application a = Filled();
    a.form.Set(key, value);
    forms.push_back(a);
  }
  for (const json& periods :
       {json::array({{{"from", "2026-06-20"}, {"to", "2026-06-01"}}}), json::array({"2026-06-01"}),
        json::array({{{"from", "2026-06-01"}}})}) {
    domain::Application a = Filled();
    a.form.Set("previous_stays", periods);
    forms.push_back(a);
  }
  for (const json& stays :
       {json::array({{{"state", "FR"}, {"from", "2027-03-10"}, {"to", "2027-03-01"}}}),
        json::array({{{"state", "FRA"}, {"from", "2027-03-01"}, {"to", "2027-03-10"}}}),
        json::array({{{"state", "FR"}, {"from", "2027-03-01"}, {"to", "2040-03-10"}}}),
        json::array({"FR"})}) {
    domain::Application a = Filled();
    a.form.Set("itinerary", stays);
    forms.push_back(a);
  }
  for (const domain::Application& a : forms) {
    const json request = as_json(a, "2027-01-15", false);
    const auto direct = RulesPreChecks::RequestFor(a, D("2027-01-15"), false);
    const auto parsed = rules::ParseCheckRequest(request);
    ASSERT_EQ(direct.ok(), parsed.ok())
        << request.dump() << "\n"
        << (direct.ok() ? parsed.error().message : direct.error().message);
    if (!parsed.ok()) {
      EXPECT_EQ(direct.error().message,
                "the form does not give what the checks need: " + parsed.error().message);
      continue;
    }
    const auto from_form = rules::Check(*direct);
    const auto from_json = rules::Check(*parsed);
    ASSERT_EQ(from_form.ok(), from_json.ok()) << request.dump();
    if (!from_json.ok()) {
      EXPECT_EQ(from_form.error().message, from_json.error().message);
      continue;
    }
    EXPECT_EQ(rules::ToJsonText(*from_form), rules::ToJsonText(*from_json)) << request.dump();
    EXPECT_EQ(direct->form_data.size(), parsed->form_data.size());
  }
}

TEST(AnnexViDecisionTexts, GroundsLanguagesAndStates) {
  const auto& data = rules::ReferenceData::Embedded();
  ASSERT_TRUE(data.ok());
  const AnnexViDecisionTexts texts(*data);
  EXPECT_EQ(texts.StateLanguage("FR"), "fr");
  EXPECT_EQ(texts.StateLanguage("DE"), "de");
  EXPECT_EQ(texts.StateAlpha3("DE"), "DEU");
  // States are named to people from refdata/schengen_states.csv; a code it lacks stays a code.
  EXPECT_EQ(texts.StateName("DE"), "Germany");
  EXPECT_EQ(texts.StateName("XX"), "XX");
  const SystemTimeZones zones;
  const RulesPreChecks prechecks(*data, zones);
  EXPECT_EQ(prechecks.StateName("FR"), "France");
  EXPECT_EQ(domain::StateLabel(prechecks, "FR"), "France (FR)");
  EXPECT_EQ(domain::StateLabel(prechecks, "XX"), "XX");
  // Where a visa can be valid: the states applying the Schengen acquis in full.
  EXPECT_TRUE(texts.VisaCanBeValidIn("FR", D("2027-01-15")));
  EXPECT_FALSE(texts.VisaCanBeValidIn("IE", D("2027-01-15")));
  EXPECT_FALSE(texts.VisaCanBeValidIn("XX", D("2027-01-15")));
  EXPECT_NE(texts.Ground(1, "en")->find("travel document"), std::string::npos);
  EXPECT_NE(texts.Ground(1, "fr")->find("document de voyage"), std::string::npos);
  EXPECT_NE(texts.Ground(16, "de")->find("Reisekrankenversicherung"), std::string::npos);
  EXPECT_EQ(texts.Ground(1, "pl").error().code, "translation-missing");
  EXPECT_EQ(texts.Ground(18, "en").error().code, "invalid-field");
  EXPECT_EQ(texts.Ground(0, "fr").error().code, "invalid-field");
  // VC Art 34 and Annex VI: ground 17 (the holder asked) only revokes.
  EXPECT_TRUE(texts.GroundAppliesTo(17, domain::DecisionKind::kRevoke));
  EXPECT_FALSE(texts.GroundAppliesTo(17, domain::DecisionKind::kRefuse));
  EXPECT_TRUE(texts.GroundAppliesTo(5, domain::DecisionKind::kRefuse));
  EXPECT_FALSE(texts.GroundAppliesTo(5, domain::DecisionKind::kIssue));
}

// VC Art 32(2): the eighth day after the message, counted where the applicant lives.
TEST(ResidenceCalendar, TheEighthDayInTheResidenceTimeZone) {
  const SystemTimeZones zones;
  const ResidenceCalendar calendar(zones);
  // 20:00 UTC on 1 January is 01:30 on 2 January in Kolkata.
  EXPECT_EQ(calendar.PresumedNotificationDay(T("2027-01-01T20:00:00Z"), "Asia/Kolkata"),
            D("2027-01-10"));
  EXPECT_EQ(calendar.PresumedNotificationDay(T("2027-01-01T20:00:00Z"), "America/New_York"),
            D("2027-01-09"));
  EXPECT_EQ(calendar.PresumedNotificationDay(T("2027-01-01T20:00:00Z"), "Not/AZone"),
            D("2027-01-09"));  // unknown zones count in UTC
}

TEST(MemberStateVisaSealer, SealsUnderTheIssuingStatesSignerAndVerifiesOffline) {
  SystemRandom random;
  CscaRequest ca;
  ca.country = "FR";
  ca.common_name = "CSCA France test";
  ca.not_before = T("2026-01-01T00:00:00Z");
  auto csca = IssueCsca(ca, random);
  ASSERT_TRUE(csca.ok());
  SignerRequest sr;
  sr.common_name = "VS visa signer";
  sr.document_types = {"V"};
  sr.not_before = T("2026-01-01T00:00:00Z");
  auto signer = IssueSigner(sr, *csca, random);
  ASSERT_TRUE(signer.ok());
  MemberStateVisaSealer sealer;
  sealer.AddSigner("FR",
                   *verify::CertificateSealSigner::Create(signer->key, signer->certificate, ""));

  domain::DigitalVisa visa;
  visa.number = VisaNumber("FRA123456784");
  visa.issuing_state = "FR";
  visa.issued_on = D("2027-01-01");
  visa.valid_from = D("2027-03-01");
  visa.valid_until = D("2027-03-25");
  visa.duration_of_stay_days = 10;
  visa.holder.surname = "DOE";
  visa.holder.nationality = "IND";
  visa.holder.travel_document_number = "X1234567";
  const auto sealed = sealer.Seal(visa, D("2027-01-01"));
  ASSERT_TRUE(sealed.ok()) << sealed.error().message;

  trust::TrustStore trust;
  trust.AddCertificate(csca->certificate);
  trust.AddCertificate(signer->certificate);
  const TrustStoreSealVerifier verifier(trust);
  const domain::SealCheck check = verifier.Check(*sealed, T("2027-01-02T00:00:00Z"));
  EXPECT_EQ(check.signature, "valid") << check.reason;
  EXPECT_EQ(check.document_type, "eu-digital-visa");
  EXPECT_EQ(check.document_number, "FRA123456784");
  EXPECT_EQ(check.valid_from, D("2027-03-01"));
  EXPECT_EQ(check.valid_until, D("2027-03-25"));
  EXPECT_EQ(check.fields["surname"], "DOE");

  // The signer (three years from 2026-01-01) must outlast the visa, or the seal would stop
  // verifying while the visa is valid.
  visa.valid_until = D("2028-12-31");
  EXPECT_TRUE(sealer.Seal(visa, D("2027-01-01")).ok());
  visa.valid_until = D("2029-01-01");
  const auto outlasting = sealer.Seal(visa, D("2027-01-01"));
  ASSERT_FALSE(outlasting.ok());
  EXPECT_EQ(outlasting.error().code, "signer-expires-first");
  EXPECT_NE(outlasting.error().message.find("valid until 2029-01-01"), std::string::npos)
      << outlasting.error().message;

  // A signer with a private key usage period of six months (2026-01-01T00:00Z to
  // 2026-07-01T00:00Z) signs on the days inside it only.
  sr.signing_months = 6;
  auto retiring = IssueSigner(sr, *csca, random);
  ASSERT_TRUE(retiring.ok());
  sealer.AddSigner(
      "FR", *verify::CertificateSealSigner::Create(retiring->key, retiring->certificate, ""));
  visa.issued_on = D("2026-06-30");
  visa.valid_from = D("2026-08-01");
  visa.valid_until = D("2026-08-31");
  const auto last_day = sealer.Seal(visa, D("2026-06-30"));
  EXPECT_TRUE(last_day.ok()) << last_day.error().message;
  const auto first_day = sealer.Seal(visa, D("2026-01-01"));
  EXPECT_TRUE(first_day.ok()) << first_day.error().message;
  const auto retired = sealer.Seal(visa, D("2026-07-01"));
  ASSERT_FALSE(retired.ok());
  EXPECT_EQ(retired.error().code, "signer-key-retired");
  EXPECT_NE(retired.error().message.find("signs until 2026-07-01T00:00:00Z"), std::string::npos)
      << retired.error().message;
  const auto early = sealer.Seal(visa, D("2025-12-31"));
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().code, "signer-key-not-yet-usable");
  EXPECT_NE(early.error().message.find("keep the signer it replaces"), std::string::npos)
      << early.error().message;

  visa.issuing_state = "DE";
  EXPECT_EQ(sealer.Seal(visa, D("2027-01-01")).error().code, "no-signer");
  EXPECT_EQ(verifier.Check(AsBytes("garbage"), T("2027-01-02T00:00:00Z")).signature, "malformed");
}

// VC Art 32(2), Annex VI: a deployment supplies the form's grounds in the languages the platform
// lacks (annex-vi.json); what it supplies is checked at start and then used.
TEST(AnnexViDecisionTexts, GroundsInOtherLanguagesComeFromTheDeployment) {
  const auto& data = rules::ReferenceData::Embedded();
  ASSERT_TRUE(data.ok());
  json italian = json::array();
  for (int i = 1; i <= 17; ++i) italian.push_back("motivo " + std::to_string(i));
  json dutch = italian;
  dutch[0] = "een vals reisdocument";
  const auto parsed = AnnexViDecisionTexts::ParseGroundTexts(
      json{{"grounds", {{"it", italian}, {"nl", dutch}}}}.dump());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const AnnexViDecisionTexts texts(*data, {}, *parsed);
  // A state's decisions are in the first of its languages that the form has: Belgium's in
  // Dutch once it is supplied, in French before.
  EXPECT_EQ(texts.StateLanguage("BE"), "nl");
  EXPECT_EQ(*texts.Ground(1, "nl"), "een vals reisdocument");
  const AnnexViDecisionTexts built_in(*data);
  EXPECT_EQ(built_in.StateLanguage("BE"), "fr");
  EXPECT_EQ(built_in.StateLanguage("LU"), "fr");  // Luxembourgish has no text of the form
  EXPECT_EQ(built_in.StateLanguage("MT"), "mt");  // English is the decision's other language
  EXPECT_EQ(built_in.StateLanguage("NO"), "no");  // none: its text is missing
  EXPECT_EQ(built_in.StateLanguage("IT"), "it");
  EXPECT_EQ(*texts.Ground(1, "it"), "motivo 1");
  EXPECT_EQ(*texts.Ground(17, "it"), "motivo 17");
  EXPECT_NE(texts.Ground(1, "fr")->find("document de voyage"), std::string::npos);
  const auto polish = texts.Ground(1, "pl");
  ASSERT_FALSE(polish.ok());
  EXPECT_EQ(polish.error().code, "translation-missing");
  EXPECT_NE(polish.error().message.find("annex-vi.json"), std::string::npos);

  json short_list = italian;
  short_list.erase(16);
  json blank = italian;
  blank[3] = "";
  json two_lines = italian;
  two_lines[0] = "one\ntwo";
  json number = italian;
  number[5] = 6;
  json hidden = italian;
  hidden[2] = "motivo\u202e 3";
  const std::pair<std::string, std::string> wrong[] = {
      {"[]", "not a JSON object"},
      {"{}", "no \"grounds\" object"},
      {json{{"grounds", {{"en", italian}}}}.dump(), "grounds.en: an ISO 639-1 code other than en"},
      {json{{"grounds", {{"ITA", italian}}}}.dump(), "grounds.ITA: an ISO 639-1 code"},
      {json{{"grounds", {{"it", short_list}}}}.dump(), "grounds.it: the 17 grounds"},
      {json{{"grounds", {{"it", blank}}}}.dump(), "grounds.it[3]: ground 4 as a non-empty"},
      {json{{"grounds", {{"it", two_lines}}}}.dump(), "grounds.it[0]: ground 1"},
      {json{{"grounds", {{"it", number}}}}.dump(), "grounds.it[5]: ground 6"},
      {json{{"grounds", {{"it", hidden}}}}.dump(), "grounds.it[2]: ground 3"},
  };
  for (const auto& [text, message] : wrong) {
    const auto refused = AnnexViDecisionTexts::ParseGroundTexts(text);
    ASSERT_FALSE(refused.ok()) << text;
    EXPECT_EQ(refused.error().code, "config-error");
    EXPECT_NE(refused.error().message.find("annex-vi.json: " + message), std::string::npos)
        << refused.error().message;
  }
}

// VC Art 32(3), Annex VI: the states' appeal information comes from appeals.json; a malformed
// file is refused at start with what is wrong, and a state without an entry gets a clear error
// rather than a refusal that does not say how to appeal.
TEST(AnnexViDecisionTexts, AppealInformationIsTheStatesOwn) {
  const auto& data = rules::ReferenceData::Embedded();
  ASSERT_TRUE(data.ok());
  const auto parsed = AnnexViDecisionTexts::ParseAppealTexts(
      R"({"states": {"FR": {"en": "Appeal to the CRRV.", "fr": "Recours devant la CRRV."}}})");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const AnnexViDecisionTexts texts(*data, *parsed);
  EXPECT_EQ(*texts.AppealInformation("FR", "fr"), "Recours devant la CRRV.");
  EXPECT_EQ(texts.AppealInformation("FR", "de").error().code, "translation-missing");
  const auto missing = texts.AppealInformation("DE", "en");
  EXPECT_EQ(missing.error().code, "appeal-information-missing");
  EXPECT_NE(missing.error().message.find("appeals.json"), std::string::npos);
  for (const char* bad : {"[]", "{}", R"({"states": []})", R"({"states": {"FRA": {"en": "x"}}})",
                          R"({"states": {"FR": {"en": 3}}})", R"({"states": {"FR": {"en": ""}}})",
                          R"({"states": {"FR": {}}})", R"({"states": {"fr": {"en": "x"}}})",
                          R"({"states": {"FR": {"EN": "x"}}})", "{not json"}) {
    const auto refused = AnnexViDecisionTexts::ParseAppealTexts(bad);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.error().code, "config-error") << bad;
  }
}

}  // namespace
}  // namespace openvap::app
