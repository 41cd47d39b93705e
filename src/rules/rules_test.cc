// The Schengen rules at their edges, each test citing its article (issue 4 "Must show").
#include <gtest/gtest.h>

#include <vector>

#include "rules/admissibility.h"
#include "rules/check.h"
#include "rules/competence.h"
#include "rules/fees.h"
#include "rules/reference_data.h"
#include "rules/stay.h"
#include "rules/validity.h"
#include "rules/visa_requirement.h"

namespace openvap::rules {
namespace {

Date D(const char* text) { return ParseIsoDate(text).value(); }

const ReferenceData& Data() { return ReferenceData::Embedded().value(); }

// ---- Visa requirement: Reg 2018/1806 Annexes I and II; Visa Code Annex IV ----

TEST(VisaRequirement, AnnexOneNeedsAVisaAnnexTwoDoesNot) {
  const TravelDocumentKind passport;
  auto india = DetermineVisaRequirement(Data(), "IND", passport, D("2027-03-01"));
  ASSERT_TRUE(india.ok());
  EXPECT_TRUE(india->visa_required);
  EXPECT_EQ(india->basis, "Reg (EU) 2018/1806 Art 3(1), Annex I");
  EXPECT_FALSE(india->source.empty());
  auto usa = DetermineVisaRequirement(Data(), "USA", passport, D("2027-03-01"));
  ASSERT_TRUE(usa.ok());
  EXPECT_FALSE(usa->visa_required);
  EXPECT_EQ(usa->basis, "Reg (EU) 2018/1806 Art 4(1), Annex II");
  // Vanuatu moved to Annex I by Reg (EU) 2025/11.
  EXPECT_TRUE(DetermineVisaRequirement(Data(), "VUT", passport, D("2026-01-01"))->visa_required);
}

TEST(VisaRequirement, EuEeaAndSwissNationalsAreNotThirdCountryNationals) {
  for (const char* code : {"DEU", "D", "FRA", "CHE", "NOR", "IRL", "CYP"}) {
    auto r = DetermineVisaRequirement(Data(), code, {}, D("2027-03-01"));
    ASSERT_TRUE(r.ok()) << code;
    EXPECT_FALSE(r->third_country_national) << code;
    EXPECT_FALSE(r->visa_required) << code;
  }
}

TEST(VisaRequirement, AnnexTwoFootnoteConditions) {
  TravelDocumentKind non_biometric;
  non_biometric.biometric = false;
  // Ukraine: exemption limited to biometric passports (Annex II footnote).
  EXPECT_TRUE(
      DetermineVisaRequirement(Data(), "UKR", non_biometric, D("2027-03-01"))->visa_required);
  EXPECT_FALSE(DetermineVisaRequirement(Data(), "UKR", {}, D("2027-03-01"))->visa_required);
  // Hong Kong SAR: only HKSAR passports.
  TravelDocumentKind hksar;
  hksar.issuing_country = "HKG";
  TravelDocumentKind other;
  other.issuing_country = "GBR";
  EXPECT_FALSE(DetermineVisaRequirement(Data(), "HKG", hksar, D("2027-03-01"))->visa_required);
  EXPECT_TRUE(DetermineVisaRequirement(Data(), "HKG", other, D("2027-03-01"))->visa_required);
  // "RKS" (ICAO) is Kosovo, XKX in the table.
  EXPECT_FALSE(DetermineVisaRequirement(Data(), "RKS", {}, D("2027-03-01"))->visa_required);
}

TEST(VisaRequirement, GeorgianOfficialPassportSuspensionHasEdges) {
  // visa_requirement.csv: suspended for diplomatic, service/official and special passports from
  // 2026-03-06 until 2027-03-06 (Arts 8-8f as replaced by Reg 2025/2441).
  TravelDocumentKind diplomatic;
  diplomatic.type = "diplomatic-passport";
  EXPECT_FALSE(DetermineVisaRequirement(Data(), "GEO", diplomatic, D("2026-03-05"))->visa_required);
  EXPECT_TRUE(DetermineVisaRequirement(Data(), "GEO", diplomatic, D("2026-03-06"))->visa_required);
  EXPECT_TRUE(DetermineVisaRequirement(Data(), "GEO", diplomatic, D("2027-03-06"))->visa_required);
  EXPECT_FALSE(DetermineVisaRequirement(Data(), "GEO", diplomatic, D("2027-03-07"))->visa_required);
  EXPECT_FALSE(DetermineVisaRequirement(Data(), "GEO", {}, D("2026-06-01"))->visa_required);
}

TEST(VisaRequirement, StatelessAndRefugeesFollowTheIssuerOfTheirDocument) {
  TravelDocumentKind from_france;
  from_france.type = "refugee-travel-document";
  from_france.issuing_country = "FRA";
  EXPECT_FALSE(
      DetermineVisaRequirement(Data(), "XXB", from_france, D("2027-03-01"))->visa_required);
  TravelDocumentKind from_egypt;
  from_egypt.issuing_country = "EGY";
  EXPECT_TRUE(DetermineVisaRequirement(Data(), "XXA", from_egypt, D("2027-03-01"))->visa_required);
  EXPECT_FALSE(DetermineVisaRequirement(Data(), "XXA", {}, D("2027-03-01")).ok());
  auto unknown = DetermineVisaRequirement(Data(), "QQQ", {}, D("2027-03-01"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, "unknown-nationality");
}

TEST(AirportTransitVisa, AnnexFourListWithFamilyExemption) {
  EXPECT_TRUE(DetermineAirportTransitRequirement(Data(), "NGA", false, D("2027-01-01")).required);
  EXPECT_FALSE(DetermineAirportTransitRequirement(Data(), "NGA", true, D("2027-01-01")).required);
  EXPECT_FALSE(DetermineAirportTransitRequirement(Data(), "IND", false, D("2027-01-01")).required);
  // The common list applies from the Visa Code's date of application, 2010-04-05.
  EXPECT_FALSE(DetermineAirportTransitRequirement(Data(), "NGA", false, D("2010-04-04")).required);
  EXPECT_TRUE(DetermineAirportTransitRequirement(Data(), "NGA", false, D("2010-04-05")).required);
}

// ---- Competence: Visa Code Art 5, VIS Art 7d(1), Art 8 ----

CompetenceFacts Trip(std::vector<PlannedStay> stays) {
  CompetenceFacts facts;
  facts.stays = std::move(stays);
  facts.lodged_on = D("2027-01-15");
  return facts;
}

TEST(Competence, SoleDestinationArt5_1a) {
  auto c = DetermineCompetence(Data(), Trip({{"IT", D("2027-03-01"), D("2027-03-10")}}));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->competent_state, "IT");
  EXPECT_EQ(c->reason, CompetenceReason::kSoleDestination);
  EXPECT_FALSE(c->needs_confirmation);
}

TEST(Competence, MainDestinationByDaysArt5_1b) {
  // DE 4 days (1-4), FR 5 days (4-8): the changeover day counts for both.
  auto facts =
      Trip({{"DE", D("2027-03-01"), D("2027-03-04")}, {"FR", D("2027-03-04"), D("2027-03-08")}});
  facts.first_entry_state = "DE";
  auto c = DetermineCompetence(Data(), facts);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->competent_state, "FR");
  EXPECT_EQ(c->reason, CompetenceReason::kMainDestination);
  ASSERT_EQ(c->days_by_state.size(), 2U);
  EXPECT_EQ(c->days_by_state[0].second, 4);
  EXPECT_EQ(c->days_by_state[1].second, 5);
}

TEST(Competence, EqualDaysFallBackToFirstEntryArt5_1c) {
  auto facts =
      Trip({{"ES", D("2027-03-01"), D("2027-03-05")}, {"PT", D("2027-03-06"), D("2027-03-10")}});
  facts.first_entry_state = "PT";
  auto c = DetermineCompetence(Data(), facts);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->competent_state, "PT");
  EXPECT_EQ(c->reason, CompetenceReason::kFirstEntry);
  // Without a declared first entry: the state of the earliest stay.
  facts.first_entry_state.clear();
  EXPECT_EQ(DetermineCompetence(Data(), facts)->competent_state, "ES");
}

TEST(Competence, ChoicesAreReadInAnyCaseWithSpacesOrUnderscores) {
  EXPECT_EQ(ChoiceKey("Visiting family_or Friends"), "visiting-family-or-friends");
  EXPECT_EQ(*ParsePurpose("Official Visit"), Purpose::kOfficialVisit);
  EXPECT_EQ(*ParsePurpose("MEDICAL"), Purpose::kMedicalReasons);
  EXPECT_EQ(ParsePurpose("Holiday").error().code, "invalid-purpose");
  EXPECT_EQ(TravelDocumentTypeCode("Alien passport"), "alien-passport");
  EXPECT_EQ(TravelDocumentTypeCode("PASSPORT"), "ordinary-passport");
  EXPECT_EQ(TravelDocumentTypeCode("Laissez-passer"), std::nullopt);
}

TEST(Competence, ChosenByPurposeIsFlaggedForConfirmationVis7d1) {
  auto facts =
      Trip({{"DE", D("2027-03-01"), D("2027-03-10")}, {"AT", D("2027-03-11"), D("2027-03-13")}});
  facts.chosen_state = "AT";
  auto c = DetermineCompetence(Data(), facts);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->competent_state, "AT");
  EXPECT_EQ(c->reason, CompetenceReason::kChosenByPurpose);
  EXPECT_TRUE(c->needs_confirmation);
  // Choosing the state that wins anyway needs no confirmation.
  facts.chosen_state = "DE";
  EXPECT_EQ(DetermineCompetence(Data(), facts)->reason, CompetenceReason::kMainDestination);
  // A state that is not a destination is ignored, with a note.
  facts.chosen_state = "NL";
  auto ignored = DetermineCompetence(Data(), facts);
  EXPECT_EQ(ignored->competent_state, "DE");
  EXPECT_FALSE(ignored->notes.empty());
}

TEST(Competence, TransitArt5_2AndAirportTransitArt5_3) {
  auto one = Trip({{"AT", D("2027-03-01"), D("2027-03-02")}});
  one.purpose = Purpose::kTransit;
  EXPECT_EQ(DetermineCompetence(Data(), one)->reason, CompetenceReason::kTransit);
  EXPECT_EQ(DetermineCompetence(Data(), one)->competent_state, "AT");
  auto several =
      Trip({{"HU", D("2027-03-01"), D("2027-03-01")}, {"AT", D("2027-03-01"), D("2027-03-02")}});
  several.purpose = Purpose::kTransit;
  several.first_entry_state = "HU";
  EXPECT_EQ(DetermineCompetence(Data(), several)->competent_state, "HU");
  auto airport =
      Trip({{"NL", D("2027-03-01"), D("2027-03-01")}, {"DE", D("2027-03-01"), D("2027-03-01")}});
  airport.purpose = Purpose::kAirportTransit;
  auto c = DetermineCompetence(Data(), airport);
  EXPECT_EQ(c->reason, CompetenceReason::kAirportTransit);
  EXPECT_EQ(c->competent_state, "NL");
}

TEST(Competence, StatesMustApplyTheAcquisInFull) {
  auto ireland = DetermineCompetence(Data(), Trip({{"IE", D("2027-03-01"), D("2027-03-05")}}));
  ASSERT_FALSE(ireland.ok());
  EXPECT_EQ(ireland.error().code, "unknown-state");
  EXPECT_NE(ireland.error().message.find("stays[0].state"), std::string::npos);
  // Bulgaria from 2024-03-31 (Council Decision 2024/210).
  EXPECT_FALSE(DetermineCompetence(Data(), Trip({{"BG", D("2024-03-30"), D("2024-04-02")}})).ok());
  EXPECT_TRUE(DetermineCompetence(Data(), Trip({{"BG", D("2024-03-31"), D("2024-04-02")}})).ok());
  EXPECT_EQ(DetermineCompetence(Data(), Trip({{"EL", D("2027-03-01"), D("2027-03-02")}}))
                ->competent_state,
            "GR");
}

TEST(Competence, RepresentationArrangementArt8) {
  ReferenceData data = Data();
  RepresentationArrangement row;
  row.location_iso3 = "RWA";
  row.represented_state = "LU";
  row.representing_state = "BE";
  row.visa_types = "C";
  row.valid_from = D("2026-01-01");
  row.source = "test";
  data.set_representation({row});
  auto facts = Trip({{"LU", D("2027-03-01"), D("2027-03-05")}});
  facts.lodging_country = "RWA";
  auto c = DetermineCompetence(data, facts);
  EXPECT_EQ(c->competent_state, "LU");
  EXPECT_EQ(c->lodge_with, "BE");
  EXPECT_TRUE(c->represented);
  facts.lodging_country = "KEN";
  EXPECT_EQ(DetermineCompetence(data, facts)->lodge_with, "LU");
}

// ---- Admissibility: Visa Code Art 19 with Arts 9, 10, 12 ----

AdmissibilityFacts Application() {
  AdmissibilityFacts f;
  f.first_day = D("2027-03-16");
  f.last_day = D("2027-03-25");
  f.lodged_on = D("2027-01-15");
  f.travel_document_issued_on = D("2020-01-01");
  f.travel_document_expires_on = D("2030-01-01");
  f.biometrics_reusable = true;
  return f;
}

std::vector<std::string> Codes(const Admissibility& a) {
  std::vector<std::string> out;
  for (const auto& e : a.missing) out.push_back(e.code);
  return out;
}

TEST(Admissibility, FifteenthDayBeforeTheTripIsTheLastDayArt9_1) {
  auto f = Application();
  f.lodged_on = D("2027-03-01");  // 15 calendar days before 2027-03-16
  EXPECT_TRUE(AssessAdmissibility(f).admissible);
  f.lodged_on = D("2027-03-02");  // 14 days before
  const auto late = AssessAdmissibility(f);
  EXPECT_FALSE(late.admissible);
  EXPECT_EQ(Codes(late), std::vector<std::string>{"lodged-too-late"});
  EXPECT_NE(late.missing[0].message.find("2027-03-01"), std::string::npos);
  f.urgent = true;  // justified case of urgency
  EXPECT_TRUE(AssessAdmissibility(f).admissible);
}

TEST(Admissibility, SixMonthsAndNineForSeafarersArt9_1) {
  auto f = Application();
  f.lodged_on = D("2026-09-16");  // exactly six months before 2027-03-16
  EXPECT_TRUE(AssessAdmissibility(f).admissible);
  f.lodged_on = D("2026-09-15");
  EXPECT_EQ(Codes(AssessAdmissibility(f)), std::vector<std::string>{"lodged-too-early"});
  f.seafarer = true;
  EXPECT_TRUE(AssessAdmissibility(f).admissible);
  f.lodged_on = D("2026-06-16");  // exactly nine months before
  EXPECT_TRUE(AssessAdmissibility(f).admissible);
  f.lodged_on = D("2026-06-15");
  EXPECT_EQ(Codes(AssessAdmissibility(f)), std::vector<std::string>{"lodged-too-early"});
}

TEST(Admissibility, TravelDocumentValidThreeMonthsAfterDepartureArt12a) {
  auto f = Application();
  f.travel_document_expires_on = D("2027-06-25");  // exactly 3 months after 2027-03-25
  EXPECT_TRUE(AssessAdmissibility(f).admissible);
  f.travel_document_expires_on = D("2027-06-24");
  const auto a = AssessAdmissibility(f);
  EXPECT_EQ(Codes(a), std::vector<std::string>{"travel-document-expires-too-soon"});
  EXPECT_NE(a.missing[0].message.find("2027-06-25"), std::string::npos);
}

TEST(Admissibility, TravelDocumentIssuedWithinTenYearsArt12c) {
  auto f = Application();
  f.travel_document_issued_on = D("2017-01-15");  // exactly ten years before lodging
  EXPECT_TRUE(AssessAdmissibility(f).admissible);
  f.travel_document_issued_on = D("2017-01-14");
  EXPECT_EQ(Codes(AssessAdmissibility(f)), std::vector<std::string>{"travel-document-too-old"});
}

// A payment for a lower fee than the one due now (the date of birth corrected from a child's
// to an adult's after paying, say) leaves the balance to pay.
TEST(Admissibility, AFeePaidInPartLeavesTheBalance) {
  auto f = Application();
  f.fee_due_eur = 90;
  f.fee_paid = true;
  f.fee_paid_eur = 45;
  const auto part = AssessAdmissibility(f);
  EXPECT_FALSE(part.admissible);
  ASSERT_EQ(Codes(part), std::vector<std::string>{"fee-not-paid"});
  EXPECT_EQ(part.missing[0].message,
            "Pay the remaining EUR 45 of the visa fee of EUR 90 (EUR 45 paid; Visa Code Art "
            "10(3)(d); Visa Code Art 16).");
  // The fee's own legal basis: a confirmation's is Art 32a(3), not Art 16.
  f.fee_legal_basis = "Visa Code Art 32a(3)";
  EXPECT_NE(AssessAdmissibility(f).missing[0].message.find("; Visa Code Art 32a(3))"),
            std::string::npos);
  f.fee_legal_basis = "Visa Code Art 16";
  f.fee_paid_eur = 77.5;
  EXPECT_NE(AssessAdmissibility(f).missing[0].message.find("remaining EUR 12.50 "),
            std::string::npos);
  f.fee_paid_eur = 90;
  EXPECT_TRUE(AssessAdmissibility(f).admissible);
  f.fee_paid_eur = 120;  // more than due: admissible (a refund of the difference is the state's)
  EXPECT_TRUE(AssessAdmissibility(f).admissible);
  f.fee_paid_eur.reset();  // paid, amount unknown (recorded before amounts were): the whole fee
  EXPECT_TRUE(AssessAdmissibility(f).admissible);
}

TEST(Admissibility, FormPhotoFeeBiometricsAndHumanitarianDerogationArt19_4) {
  auto f = Application();
  f.form_complete = false;
  f.photo = false;
  f.fee_due_eur = 90;
  f.fee_paid = false;
  f.biometrics_reusable = false;
  f.form_data_errors.push_back(Error{"non-latin-characters", "surname: ..."});
  const auto a = AssessAdmissibility(f);
  EXPECT_FALSE(a.admissible);
  EXPECT_EQ(Codes(a),
            (std::vector<std::string>{"form-incomplete", "photo-missing", "fee-not-paid",
                                      "biometrics-not-collected", "non-latin-characters"}));
  f.humanitarian = true;
  const auto derogation = AssessAdmissibility(f);
  EXPECT_TRUE(derogation.admissible);
  EXPECT_TRUE(derogation.by_derogation);
  EXPECT_EQ(derogation.missing.size(), 5U);
  // No fee due (e.g. a child under six): nothing to pay.
  auto free = Application();
  free.fee_paid = false;
  free.fee_due_eur = 0;
  EXPECT_TRUE(AssessAdmissibility(free).admissible);
  auto collected = Application();
  collected.biometrics_reusable = false;
  collected.biometrics_collected = true;
  EXPECT_TRUE(AssessAdmissibility(collected).admissible);
}

// ---- Biometrics reuse: VIS Art 7d(4), Visa Code Art 13(3) ----

TEST(Biometrics, FiftyNineMonthBoundary) {
  const BiometricsRecord record{D("2022-01-10"), "X1234567"};
  // 59 months after 2022-01-10 is 2026-12-10: "less than 59 months" ends the day before.
  auto inside = AssessBiometricsReuse(record, "X1234567", D("2026-12-09"));
  EXPECT_TRUE(inside.reusable);
  EXPECT_FALSE(inside.visit_required);
  EXPECT_EQ(inside.reusable_until, D("2026-12-09"));
  auto outside = AssessBiometricsReuse(record, "X1234567", D("2026-12-10"));
  EXPECT_FALSE(outside.reusable);
  EXPECT_TRUE(outside.visit_required);
}

TEST(Biometrics, SameTravelDocumentOnly) {
  const BiometricsRecord record{D("2025-01-10"), "x 1234567"};
  EXPECT_TRUE(AssessBiometricsReuse(record, "X1234567", D("2026-01-01")).reusable);
  EXPECT_FALSE(AssessBiometricsReuse(record, "Y7654321", D("2026-01-01")).reusable);
  EXPECT_TRUE(AssessBiometricsReuse(std::nullopt, "X1234567", D("2026-01-01")).visit_required);
}

// ---- Fees: Visa Code Art 16 (Reg 2024/1415), Art 32a, Art 33 ----

Fee FeeFor(const char* birth, const char* lodged, bool family = false,
           FeeExemption exemption = FeeExemption::kNone,
           Procedure procedure = Procedure::kApplication) {
  FeeFacts facts;
  facts.date_of_birth = D(birth);
  facts.lodged_on = D(lodged);
  facts.family_member = family;
  facts.exemption = exemption;
  facts.procedure = procedure;
  auto fee = DetermineFee(Data(), facts);
  EXPECT_TRUE(fee.ok()) << fee.error().message;
  return fee.ok() ? *fee : Fee{};
}

TEST(Fees, SixthBirthdayArt16_2And16_4a) {
  EXPECT_EQ(FeeFor("2021-03-10", "2027-03-09").amount_eur, 0);   // day before the 6th birthday
  EXPECT_EQ(FeeFor("2021-03-10", "2027-03-10").amount_eur, 45);  // the 6th birthday
  EXPECT_EQ(FeeFor("2021-03-10", "2027-03-10").category, "child_6_to_under_12");
}

TEST(Fees, TwelfthBirthdayArt16_1And16_2) {
  EXPECT_EQ(FeeFor("2015-03-10", "2027-03-09").amount_eur, 45);  // day before the 12th birthday
  EXPECT_EQ(FeeFor("2015-03-10", "2027-03-10").amount_eur, 90);  // the 12th birthday
  EXPECT_EQ(FeeFor("2015-03-10", "2027-03-10").legal_basis, "Visa Code Art 16(1)");
}

TEST(Fees, LeapDayBirthdays) {
  // Born 29 February: the birthday falls on 28 February in common years (base AddYears).
  EXPECT_EQ(AgeOn(D("2016-02-29"), D("2022-02-27")), 5);
  EXPECT_EQ(AgeOn(D("2016-02-29"), D("2022-02-28")), 6);
  EXPECT_EQ(AgeOn(D("2016-02-29"), D("2024-02-29")), 8);
}

TEST(Fees, AmountsInForceFrom11June2024) {
  FeeFacts facts;
  facts.date_of_birth = D("1990-01-01");
  facts.lodged_on = D("2024-06-10");
  auto before = DetermineFee(Data(), facts);
  ASSERT_FALSE(before.ok());
  EXPECT_EQ(before.error().code, "no-fee-in-force");
  EXPECT_EQ(FeeFor("1990-01-01", "2024-06-11").amount_eur, 90);
}

TEST(Fees, ExemptionsArt16_4AndFamilyMembers) {
  EXPECT_EQ(
      FeeFor("2000-01-01", "2027-01-01", false, FeeExemption::kPupilStudentTeacher).amount_eur, 0);
  EXPECT_EQ(FeeFor("1980-01-01", "2027-01-01", false, FeeExemption::kResearcher).amount_eur, 0);
  // Art 16(4)(d): aged 25 years or less.
  EXPECT_EQ(
      FeeFor("2001-01-02", "2027-01-01", false, FeeExemption::kNonProfitRepresentative).amount_eur,
      0);
  EXPECT_EQ(
      FeeFor("2001-01-01", "2027-01-01", false, FeeExemption::kNonProfitRepresentative).amount_eur,
      90);
  // Directive 2004/38/EC Art 5(2); VIS Art 7c(4)-(5).
  EXPECT_EQ(FeeFor("1980-01-01", "2027-01-01", true).amount_eur, 0);
}

TEST(Fees, ExtensionAndConfirmation) {
  EXPECT_EQ(FeeFor("1980-01-01", "2027-01-01", false, FeeExemption::kNone, Procedure::kExtension)
                .amount_eur,
            30);  // Art 33(2)
  EXPECT_EQ(FeeFor("1980-01-01", "2027-01-01", false, FeeExemption::kNone,
                   Procedure::kExtensionForceMajeure)
                .amount_eur,
            0);  // Art 33(1)
  const Fee confirmation =
      FeeFor("1980-01-01", "2027-01-01", false, FeeExemption::kNone, Procedure::kConfirmation);
  EXPECT_EQ(confirmation.amount_eur, 20);  // Art 32a(3)
  EXPECT_FALSE(confirmation.applicable);   // from the EU VAP start date only
  EXPECT_EQ(FeeFor("1980-01-01", "2027-01-01", true, FeeExemption::kNone, Procedure::kConfirmation)
                .amount_eur,
            0);
  EXPECT_EQ(FeeFor("1980-01-01", "2027-01-01", true, FeeExemption::kNone, Procedure::kExtension)
                .amount_eur,
            0);
}

// ---- 90/180 days: Schengen Borders Code Art 6(1) ----

TEST(Stay, EntryAndExitDaysCount) {
  const std::vector<Period> previous;
  const std::vector<Period> planned{{D("2027-03-01"), D("2027-03-01")}};
  const auto one_day = AssessStay(previous, planned);
  EXPECT_EQ(one_day.days_used, 0);
  EXPECT_EQ(one_day.days_remaining, 90);
  EXPECT_EQ(one_day.latest_exit, D("2027-05-29"));  // 90 days: 1 March .. 29 May
}

TEST(Stay, TheWindowEdgeIs179DaysBefore) {
  // The window for 2027-03-01 is 2026-09-03 .. 2027-03-01 (180 days).
  const std::vector<Period> planned{{D("2027-03-01"), D("2027-03-10")}};
  const std::vector<Period> at_edge{{D("2026-09-03"), D("2026-09-03")}};
  EXPECT_EQ(AssessStay(at_edge, planned).days_used, 1);
  const std::vector<Period> outside{{D("2026-09-02"), D("2026-09-02")}};
  EXPECT_EQ(AssessStay(outside, planned).days_used, 0);
  EXPECT_EQ(DaysInWindowEnding(at_edge, D("2027-03-01")), 1);
  EXPECT_EQ(DaysInWindowEnding(at_edge, D("2027-03-02")), 0);
}

TEST(Stay, NinetyDaysFitANinetyFirstDoesNot) {
  // 80 days used just before; 10 more fit, 11 do not.
  const std::vector<Period> previous{{D("2026-12-01"), D("2027-02-18")}};  // 80 days
  EXPECT_EQ(AssessStay(previous, std::vector<Period>{{D("2027-02-20"), D("2027-03-01")}}).fits,
            true);
  const auto over = AssessStay(previous, std::vector<Period>{{D("2027-02-20"), D("2027-03-02")}});
  EXPECT_EQ(over.days_used, 80);
  EXPECT_EQ(over.days_remaining, 10);
  EXPECT_FALSE(over.fits);
  EXPECT_EQ(over.first_day_over, D("2027-03-02"));
  EXPECT_EQ(over.latest_exit, D("2027-03-01"));
}

TEST(Stay, DaysDropOutOfTheWindowAsItMoves) {
  // 90 days used from 2026-09-03 to 2026-12-01: on 2027-03-01 every day is in the window.
  const std::vector<Period> previous{{D("2026-09-03"), D("2026-12-01")}};
  const auto full = AssessStay(previous, std::vector<Period>{{D("2027-03-01"), D("2027-03-01")}});
  EXPECT_EQ(full.days_used, 90);
  EXPECT_EQ(full.days_remaining, 0);
  EXPECT_FALSE(full.fits);
  EXPECT_FALSE(full.latest_exit.has_value());
  // A day later 2026-09-03 has left the window: one day fits, then one more each day.
  const auto next = AssessStay(previous, std::vector<Period>{{D("2027-03-02"), D("2027-03-20")}});
  EXPECT_EQ(next.days_used, 89);
  EXPECT_TRUE(next.fits);
  EXPECT_EQ(next.latest_exit, D("2027-05-30"));
}

// ---- Validity cascade: Visa Code Art 24(2) ----

TEST(Validity, CascadeSteps) {
  const Date lodged = D("2027-01-15");
  const Date first = D("2027-03-01");
  const Date last = D("2027-03-10");
  const Date expiry = D("2035-01-01");
  EXPECT_EQ(AssessValidity({}, lodged, first, last, expiry).max_validity_until,
            D("2027-03-25"));  // the stay + 15 days of grace, Art 24(1)
  const std::vector<PreviousVisa> three{{"C", false, D("2025-02-01"), D("2025-02-20"), true},
                                        {"C", false, D("2025-08-01"), D("2025-08-20"), true},
                                        {"C", false, D("2026-05-01"), D("2026-05-20"), true}};
  auto a = AssessValidity(three, lodged, first, last, expiry);
  EXPECT_EQ(a.step, CascadeStep::kOneYear);
  EXPECT_EQ(a.max_validity_until, D("2028-02-29"));
  // One not lawfully used: no step.
  auto unused = three;
  unused[0].lawfully_used = false;
  EXPECT_EQ(AssessValidity(unused, lodged, first, last, expiry).step, CascadeStep::kNone);
  const std::vector<PreviousVisa> one_year{{"C", true, D("2025-06-01"), D("2026-05-31"), true}};
  auto b = AssessValidity(one_year, lodged, first, last, expiry);
  EXPECT_EQ(b.step, CascadeStep::kTwoYears);
  EXPECT_EQ(b.max_validity_until, D("2029-02-28"));
  // A multiple-entry visa one day short of a year is not "valid for one year".
  const std::vector<PreviousVisa> short_year{{"C", true, D("2025-06-01"), D("2026-05-30"), true}};
  EXPECT_EQ(AssessValidity(short_year, lodged, first, last, expiry).step, CascadeStep::kNone);
  const std::vector<PreviousVisa> two_years{{"C", true, D("2024-02-01"), D("2026-01-31"), true}};
  auto c = AssessValidity(two_years, lodged, first, last, expiry);
  EXPECT_EQ(c.step, CascadeStep::kFiveYears);
  EXPECT_EQ(c.max_validity_until, D("2032-02-29"));
}

TEST(Validity, LookBackPeriodsEndOnTheLodgingDate) {
  const Date first = D("2027-03-01");
  const Date expiry = D("2035-01-01");
  // A one-year MEV whose validity ended exactly two years before lodging still counts.
  const std::vector<PreviousVisa> mev{{"C", true, D("2024-01-15"), D("2025-01-15"), true}};
  EXPECT_EQ(AssessValidity(mev, D("2027-01-15"), first, first, expiry).step,
            CascadeStep::kTwoYears);
  EXPECT_EQ(AssessValidity(mev, D("2027-01-16"), first, first, expiry).step, CascadeStep::kNone);
}

TEST(Validity, NeverBeyondTheTravelDocumentLessThreeMonths) {
  const std::vector<PreviousVisa> two_years{{"C", true, D("2024-02-01"), D("2026-01-31"), true}};
  auto v =
      AssessValidity(two_years, D("2027-01-15"), D("2027-03-01"), D("2027-03-10"), D("2029-08-31"));
  EXPECT_EQ(v.step, CascadeStep::kFiveYears);
  EXPECT_TRUE(v.limited_by_travel_document);
  EXPECT_EQ(v.max_validity_until, D("2029-05-31"));
}

// ---- FTD / FRTD: Reg (EC) 693/2003 Art 6 ----

TEST(FacilitatedTransit, FtdThreeYearsFrtdThreeMonthsTravelDocumentOutlastsThem) {
  auto ftd = DetermineFacilitatedTransitLimits(FacilitatedTransitDocument::kFtd, D("2027-01-10"),
                                               D("2035-01-01"));
  ASSERT_TRUE(ftd.ok());
  EXPECT_EQ(ftd->max_valid_until, D("2030-01-09"));
  EXPECT_EQ(ftd->max_transit, std::chrono::hours(24));
  auto frtd = DetermineFacilitatedTransitLimits(FacilitatedTransitDocument::kFrtd, D("2027-01-10"),
                                                D("2035-01-01"));
  EXPECT_EQ(frtd->max_valid_until, D("2027-04-09"));
  EXPECT_EQ(frtd->max_transit, std::chrono::hours(6));
  auto short_doc = DetermineFacilitatedTransitLimits(FacilitatedTransitDocument::kFtd,
                                                     D("2027-01-10"), D("2028-06-30"));
  EXPECT_EQ(short_doc->max_valid_until, D("2028-06-29"));
  auto expired = DetermineFacilitatedTransitLimits(FacilitatedTransitDocument::kFtd,
                                                   D("2027-01-10"), D("2027-01-09"));
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, "travel-document-expired");
  EXPECT_FALSE(DetermineFacilitatedTransitLimits(FacilitatedTransitDocument::kFrtd, D("2027-01-10"),
                                                 D("2027-01-10"))
                   .ok());
}

}  // namespace
}  // namespace openvap::rules
