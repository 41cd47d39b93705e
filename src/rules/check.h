#ifndef OPENVAP_RULES_CHECK_H_
#define OPENVAP_RULES_CHECK_H_

// The guidance and pre-check entry point (VAP-INFO, VAP-COMP, VAP-ADM, VAP-BIO, VAP-FAM): one
// request about an applicant and a planned trip, one answer with every rule's result. This is
// the JSON contract of `openvap rules check` (issue 4; docs/rules.md).

#include <openvap/result.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/time.h"
#include "rules/admissibility.h"
#include "rules/competence.h"
#include "rules/fees.h"
#include "rules/notification.h"
#include "rules/reference_data.h"
#include "rules/stay.h"
#include "rules/validity.h"
#include "rules/visa_requirement.h"

namespace openvap::rules {

struct CheckTravelDocument {
  std::string type = "ordinary-passport";
  std::string number;
  std::string issuing_country;
  Date issued_on;
  Date expires_on;
  bool biometric = true;
};

struct CheckRequest {
  std::string nationality;
  Date date_of_birth;
  CheckTravelDocument travel_document;
  std::vector<PlannedStay> stays;
  std::string first_entry_state;  // empty: the state of the earliest stay
  Purpose main_purpose = Purpose::kTourism;
  std::string chosen_state;
  std::string lodging_country;
  Date lodged_on;
  std::vector<Period> previous_stays;
  std::vector<PreviousVisa> previous_visas;
  std::optional<BiometricsRecord> biometrics;
  bool family_member_of_eu_citizen = false;
  bool family_member_of_withdrawal_agreement_beneficiary = false;
  bool seafarer = false;
  // Facts the platform knows from its own state; absent in a bare request. The CLI assumes the
  // form complete, the photo present and the fee paid when absent (it checks the rules that
  // follow from the data given), and biometrics not yet collected (so they must be reusable or
  // a visit is needed).
  std::optional<bool> form_complete;
  std::optional<bool> photo;
  std::optional<bool> fee_paid;
  // What was paid so far, in euros, when known: less than the fee due (a fee that rose with a
  // corrected date of birth, say) leaves the balance to pay.
  std::optional<double> fee_paid_eur;
  std::optional<bool> biometrics_collected;
  bool humanitarian = false;
  bool urgent = false;
  FeeExemption fee_exemption = FeeExemption::kNone;
  Procedure procedure = Procedure::kApplication;
  // Form data checked for Latin characters (VIS Art 7b(5)), as (field, text).
  std::vector<std::pair<std::string, std::string>> form_data;
  std::optional<RefusalNotificationFacts> decision;
};

struct CheckResponse {
  VisaRequirement visa;
  AirportTransitRequirement airport_transit;
  Competence competence;
  Admissibility admissibility;
  std::optional<Fee> fee;  // empty when no fee rule is in force on the lodging date
  BiometricsReuse biometrics;
  StayAssessment stay;
  ValidityAssessment validity;
  std::optional<RefusalNotification> decision;
  std::vector<std::string> notes;
};

// A travel document type as the rules know it ("ordinary-passport", "diplomatic-passport", ...,
// "other"), from any case with spaces or '_' for '-' ("Diplomatic passport"); "passport" is an
// ordinary passport. nullopt for anything else.
std::optional<std::string> TravelDocumentTypeCode(std::string_view text);

// Reads a request. Errors: code "invalid-field" with a message that starts with the field's
// path, e.g. "travel_document.expires_on: expected an ISO 8601 date (YYYY-MM-DD)".
Result<CheckRequest> ParseCheckRequest(const nlohmann::json& json);

// ParseCheckRequest's readers of single members, for callers that hold the facts apart instead
// of in a JSON request (the platform reads them from the application form on every
// submission): the same checks and the same messages, which start with `path`. An empty text is
// an absent member.
Result<std::string> ReadCountryCode(const std::string& path, std::string_view text,
                                    std::size_t length, bool required);  // alpha-2 or alpha-3
Result<Date> ReadRequiredDate(const std::string& path, std::string_view text);
// The member "stays" (null when absent): at least one {state, from, to}.
Result<std::vector<PlannedStay>> ReadStays(const nlohmann::json* stays);
// A member `key` of periods {from, to} (null when absent: none).
Result<std::vector<Period>> ReadPeriods(const std::string& key, const nlohmann::json* periods);
Result<Purpose> ReadMainPurpose(std::string_view text);
// "fee_exemption": none (or absent), pupil-student-teacher, researcher, non-profit-representative.
Result<FeeExemption> ReadFeeExemption(const std::optional<std::string>& text);
// "procedure": application (or absent), extension, extension-force-majeure, confirmation.
Result<Procedure> ReadProcedure(const std::optional<std::string>& text);
// The checks across members: the travel document expires after its issue, the applicant was
// born on or before the lodging date.
Status CheckRequestConsistency(const CheckRequest& request);

// Runs every rule over the embedded reference data. Time zones are fixed offsets only unless
// `zones` is given. Errors "invalid-field" (a state or nationality the tables do not know, an
// unknown time zone) or the reference data's own parse error.
Result<CheckResponse> Check(const CheckRequest& request);
Result<CheckResponse> Check(const CheckRequest& request, const TimeZones& zones);
Result<CheckResponse> Check(const CheckRequest& request, const ReferenceData& data,
                            const TimeZones& zones);

// The response fields of issue 4 (visa_required, airport_transit_visa_required, competent_state,
// competence_reason, competence_needs_confirmation, admissible, missing, fee_eur,
// visit_required, stay, max_validity_until) plus the basis of each answer. ToJsonText writes the
// same as compact JSON text directly, members in the order listed (what the platform keeps with
// an application on every submission); ToJson is that text read into a tree.
std::string ToJsonText(const CheckResponse& response);
nlohmann::json ToJson(const CheckResponse& response);

}  // namespace openvap::rules

#endif  // OPENVAP_RULES_CHECK_H_
