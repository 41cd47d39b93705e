#ifndef OPENVAP_RULES_COMPETENCE_H_
#define OPENVAP_RULES_COMPETENCE_H_

// The automated competence pre-check (VAP-COMP; VIS Art 7d(1); Visa Code Art 5), which the
// consulate verifies by hand afterwards (Art 18(3); VIS Art 7d(9)):
//  - Art 5(1)(a): the state of the sole destination;
//  - Art 5(1)(b): with several destinations (or several visits within two months), the main
//    destination in terms of the length of stay counted in days, or the purpose of stay;
//  - Art 5(1)(c): if no main destination can be determined, the state of first entry;
//  - Art 5(2): transit through one state: that state; through several: the state of first entry;
//  - Art 5(3): airport transit: the state of the (first) transit airport;
//  - VIS Art 7d(1): the applicant may ask that another destination state examine the application
//    according to the main purpose of stay; flagged for manual confirmation;
//  - Art 8: bilateral representation arrangements (representation_arrangements.csv) decide where
//    the application is lodged.

#include <openvap/result.h>

#include <string>
#include <utility>
#include <vector>

#include "base/time.h"
#include "rules/reference_data.h"

namespace openvap::rules {

// Field 23 of the application form (Visa Code Annex I).
enum class Purpose {
  kTourism,
  kBusiness,
  kVisitingFamilyOrFriends,
  kCultural,
  kSports,
  kOfficialVisit,
  kMedicalReasons,
  kStudy,
  kTransit,
  kAirportTransit,
  kOther,
};

// A choice as the rules name it ("Visiting family" -> "visiting-family"): lower case, '-' for
// spaces and '_'. Purposes and travel document types are read through it.
std::string ChoiceKey(std::string_view text);

// "tourism", "business", "visiting-family-or-friends", "cultural", "sports", "official-visit",
// "medical-reasons", "study", "transit", "airport-transit", "other". Parsing also accepts '_'
// or ' ' for '-', any case, and "visit-family", "medical".
std::string PurposeName(Purpose purpose);
Result<Purpose> ParsePurpose(std::string_view text);

struct PlannedStay {
  std::string state;  // alpha-2 of a state applying the Schengen acquis in full
  Date from;
  Date to;
};

struct CompetenceFacts {
  std::vector<PlannedStay> stays;  // at least one
  std::string first_entry_state;   // empty: the state of the earliest stay
  Purpose purpose = Purpose::kTourism;
  std::string chosen_state;     // empty: none
  std::string lodging_country;  // alpha-3 where the applicant lodges; empty: unknown
  Date lodged_on;
};

enum class CompetenceReason {
  kSoleDestination,
  kMainDestination,
  kFirstEntry,
  kTransit,
  kAirportTransit,
  kChosenByPurpose,
};

// "sole-destination", "main-destination", "first-entry", "transit", "airport-transit",
// "chosen-by-purpose".
std::string CompetenceReasonName(CompetenceReason reason);

struct Competence {
  std::string competent_state;
  CompetenceReason reason = CompetenceReason::kSoleDestination;
  bool needs_confirmation = false;
  std::string basis;
  std::vector<std::pair<std::string, int>> days_by_state;  // in order of first appearance
  // Where to lodge: the competent state, or the state representing it at the lodging location
  // (Art 8); `represented` is true in the latter case.
  std::string lodge_with;
  bool represented = false;
  std::string representation_source;
  std::vector<std::string> notes;
};

// Errors: "unknown-state" when a state code is not a state applying the Schengen acquis in full
// on the day concerned; "invalid-stay" when there are no stays or a stay ends before it starts.
Result<Competence> DetermineCompetence(const ReferenceData& data, const CompetenceFacts& facts);

}  // namespace openvap::rules

#endif  // OPENVAP_RULES_COMPETENCE_H_
