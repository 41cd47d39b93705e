#include "rules/check.h"

#include <algorithm>
#include <cctype>

#include "base/json_text.h"
#include "rules/names.h"

namespace openvap::rules {
namespace {

using nlohmann::json;

Error Invalid(const std::string& path, const std::string& why) {
  return Error{"invalid-field", path + ": " + why};
}

std::string Join(const std::string& prefix, const std::string& key) {
  return prefix.empty() ? key : prefix + "." + key;
}

// The member `key` of `object`, or nullptr when absent or null.
const json* Member(const json& object, const std::string& key) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

Result<std::optional<std::string>> OptionalString(const json& object, const std::string& prefix,
                                                  const std::string& key) {
  const json* value = Member(object, key);
  if (value == nullptr) return std::optional<std::string>();
  if (!value->is_string()) return Invalid(Join(prefix, key), "expected a string");
  return std::optional<std::string>(value->get<std::string>());
}

Result<std::string> RequiredString(const json& object, const std::string& prefix,
                                   const std::string& key) {
  OPENVAP_ASSIGN_OR_RETURN(std::optional<std::string> text, OptionalString(object, prefix, key));
  if (!text || text->empty()) return Invalid(Join(prefix, key), "required");
  return *text;
}

// A date's text, named by `path` in the message when it is not one.
Result<Date> DateText(const std::string& path, std::string_view text) {
  auto date = ParseIsoDate(text);
  if (!date.ok()) {
    return Invalid(path,
                   "expected an ISO 8601 date (YYYY-MM-DD), got \"" + std::string(text) + "\"");
  }
  return *date;
}

Result<std::optional<Date>> OptionalDate(const json& object, const std::string& prefix,
                                         const std::string& key) {
  const json* value = Member(object, key);
  if (value == nullptr) return std::optional<Date>();
  const std::string path = Join(prefix, key);
  if (!value->is_string()) return Invalid(path, "expected an ISO 8601 date (YYYY-MM-DD)");
  OPENVAP_ASSIGN_OR_RETURN(const Date date, DateText(path, value->get_ref<const std::string&>()));
  return std::optional<Date>(date);
}

Result<Date> RequiredDate(const json& object, const std::string& prefix, const std::string& key) {
  OPENVAP_ASSIGN_OR_RETURN(std::optional<Date> date, OptionalDate(object, prefix, key));
  if (!date) return Invalid(Join(prefix, key), "required (an ISO 8601 date, YYYY-MM-DD)");
  return *date;
}

Result<std::optional<bool>> OptionalBool(const json& object, const std::string& prefix,
                                         const std::string& key) {
  const json* value = Member(object, key);
  if (value == nullptr) return std::optional<bool>();
  if (!value->is_boolean()) return Invalid(Join(prefix, key), "expected true or false");
  return std::optional<bool>(value->get<bool>());
}

Result<Timestamp> RequiredInstant(const json& object, const std::string& prefix,
                                  const std::string& key) {
  const json* value = Member(object, key);
  const std::string path = Join(prefix, key);
  if (value == nullptr) return Invalid(path, "required (an ISO 8601 instant)");
  if (!value->is_string()) return Invalid(path, "expected an ISO 8601 instant");
  auto instant = ParseIsoTimestamp(value->get<std::string>());
  if (!instant.ok()) return Invalid(path, instant.error().message);
  return *instant;
}

bool IsUpperAlpha(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

std::string Upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

Result<std::string> CountryCode(const json& object, const std::string& prefix,
                                const std::string& key, std::size_t length, bool required) {
  OPENVAP_ASSIGN_OR_RETURN(std::optional<std::string> text, OptionalString(object, prefix, key));
  return ReadCountryCode(Join(prefix, key), text.value_or(std::string()), length, required);
}

Status TravelDocumentDatesInOrder(const CheckTravelDocument& d) {
  if (d.expires_on < d.issued_on) {
    return Invalid("travel_document.expires_on", "before travel_document.issued_on");
  }
  return Ok();
}

Status BornBeforeLodging(const CheckRequest& r) {
  if (r.date_of_birth > r.lodged_on) return Invalid("date_of_birth", "after lodged_on");
  return Ok();
}

// A bound on planned stays that keeps the day-by-day rules cheap on hostile input.
constexpr int kMaxStayDays = 3653;

constexpr std::string_view kDocumentTypes[] = {
    "ordinary-passport",       "diplomatic-passport",       "service-passport",
    "official-passport",       "special-passport",          "alien-passport",
    "refugee-travel-document", "stateless-travel-document", "other"};

}  // namespace

std::optional<std::string> TravelDocumentTypeCode(std::string_view text) {
  std::string t = ChoiceKey(text);
  if (t == "passport") t = "ordinary-passport";
  if (std::find(std::begin(kDocumentTypes), std::end(kDocumentTypes), t) ==
      std::end(kDocumentTypes)) {
    return std::nullopt;
  }
  return t;
}

Result<std::string> ReadCountryCode(const std::string& path, std::string_view text,
                                    std::size_t length, bool required) {
  if (text.empty()) {
    if (required) return Invalid(path, "required");
    return std::string();
  }
  std::string code = Upper(std::string(text));
  const bool icao_germany = length == 3 && code == "D";
  if (!icao_germany && (code.size() != length || !IsUpperAlpha(code))) {
    return Invalid(path, "expected an ISO 3166-1 alpha-" + std::string(length == 2 ? "2" : "3") +
                             " code, got \"" + std::string(text) + "\"");
  }
  return code;
}

Result<Date> ReadRequiredDate(const std::string& path, std::string_view text) {
  if (text.empty()) return Invalid(path, "required (an ISO 8601 date, YYYY-MM-DD)");
  return DateText(path, text);
}

Result<std::vector<PlannedStay>> ReadStays(const json* list) {
  if (list == nullptr || list->is_null()) return Invalid("stays", "required (at least one stay)");
  if (!list->is_array()) return Invalid("stays", "expected an array");
  if (list->empty()) return Invalid("stays", "at least one stay is needed");
  std::vector<PlannedStay> out;
  out.reserve(list->size());
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string p = "stays[" + std::to_string(i) + "]";
    const json& item = (*list)[i];
    if (!item.is_object()) return Invalid(p, "expected an object {state, from, to}");
    PlannedStay stay;
    OPENVAP_ASSIGN_OR_RETURN(stay.state, CountryCode(item, p, "state", 2, true));
    OPENVAP_ASSIGN_OR_RETURN(stay.from, RequiredDate(item, p, "from"));
    OPENVAP_ASSIGN_OR_RETURN(stay.to, RequiredDate(item, p, "to"));
    if (stay.to < stay.from) return Invalid(p + ".to", "before " + p + ".from");
    if (DaysBetween(stay.from, stay.to) >= kMaxStayDays) {
      return Invalid(p + ".to", "a planned stay of more than ten years is not a short stay");
    }
    out.push_back(stay);
  }
  return out;
}

Result<std::vector<Period>> ReadPeriods(const std::string& key, const json* list) {
  std::vector<Period> out;
  if (list == nullptr || list->is_null()) return out;
  if (!list->is_array()) return Invalid(key, "expected an array");
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string p = key + "[" + std::to_string(i) + "]";
    const json& item = (*list)[i];
    if (!item.is_object()) return Invalid(p, "expected an object {from, to}");
    Period period;
    OPENVAP_ASSIGN_OR_RETURN(period.from, RequiredDate(item, p, "from"));
    OPENVAP_ASSIGN_OR_RETURN(period.to, RequiredDate(item, p, "to"));
    if (period.to < period.from) return Invalid(p + ".to", "before " + p + ".from");
    out.push_back(period);
  }
  return out;
}

Result<Purpose> ReadMainPurpose(std::string_view text) {
  auto parsed = ParsePurpose(text);
  if (!parsed.ok()) return Invalid("main_purpose", parsed.error().message);
  return *parsed;
}

Status CheckRequestConsistency(const CheckRequest& r) {
  OPENVAP_RETURN_IF_ERROR(TravelDocumentDatesInOrder(r.travel_document));
  return BornBeforeLodging(r);
}

namespace {

Result<CheckTravelDocument> ParseTravelDocument(const json& root) {
  const json* doc = Member(root, "travel_document");
  if (doc == nullptr) return Invalid("travel_document", "required");
  if (!doc->is_object()) return Invalid("travel_document", "expected an object");
  const std::string p = "travel_document";
  CheckTravelDocument out;
  OPENVAP_ASSIGN_OR_RETURN(std::optional<std::string> type, OptionalString(*doc, p, "type"));
  if (type) {
    std::optional<std::string> t = TravelDocumentTypeCode(*type);
    if (!t) {
      std::string names;
      for (const auto n : kDocumentTypes) names += (names.empty() ? "" : ", ") + std::string(n);
      return Invalid(p + ".type", "\"" + *type + "\" is not one of " + names);
    }
    out.type = *t;
  }
  OPENVAP_ASSIGN_OR_RETURN(out.number, RequiredString(*doc, p, "number"));
  OPENVAP_ASSIGN_OR_RETURN(out.issuing_country, CountryCode(*doc, p, "issuing_country", 3, false));
  OPENVAP_ASSIGN_OR_RETURN(out.issued_on, RequiredDate(*doc, p, "issued_on"));
  OPENVAP_ASSIGN_OR_RETURN(out.expires_on, RequiredDate(*doc, p, "expires_on"));
  OPENVAP_RETURN_IF_ERROR(TravelDocumentDatesInOrder(out));
  OPENVAP_ASSIGN_OR_RETURN(std::optional<bool> biometric, OptionalBool(*doc, p, "biometric"));
  out.biometric = biometric.value_or(true);
  return out;
}

Result<std::vector<PreviousVisa>> ParsePreviousVisas(const json& root) {
  std::vector<PreviousVisa> out;
  const json* list = Member(root, "previous_visas");
  if (list == nullptr) return out;
  if (!list->is_array()) return Invalid("previous_visas", "expected an array");
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string p = "previous_visas[" + std::to_string(i) + "]";
    const json& item = (*list)[i];
    if (!item.is_object()) return Invalid(p, "expected an object");
    PreviousVisa visa;
    OPENVAP_ASSIGN_OR_RETURN(std::optional<std::string> type, OptionalString(item, p, "type"));
    visa.type = Upper(type.value_or("C"));
    if (visa.type != "A" && visa.type != "C" && visa.type != "D" && visa.type != "LTV") {
      return Invalid(p + ".type", "expected A, C, D or LTV");
    }
    OPENVAP_ASSIGN_OR_RETURN(std::optional<std::string> entries,
                             OptionalString(item, p, "entries"));
    const std::string e = entries.value_or("single");
    if (e != "single" && e != "double" && e != "two" && e != "multiple" && e != "1" && e != "2" &&
        e != "MULT") {
      return Invalid(p + ".entries", "expected single, double or multiple");
    }
    visa.multiple_entry = e == "multiple" || e == "MULT";
    OPENVAP_ASSIGN_OR_RETURN(visa.valid_from, RequiredDate(item, p, "valid_from"));
    OPENVAP_ASSIGN_OR_RETURN(visa.valid_until, RequiredDate(item, p, "valid_until"));
    if (visa.valid_until < visa.valid_from) {
      return Invalid(p + ".valid_until", "before " + p + ".valid_from");
    }
    OPENVAP_ASSIGN_OR_RETURN(std::optional<bool> used, OptionalBool(item, p, "used"));
    visa.lawfully_used = used.value_or(false);
    out.push_back(visa);
  }
  return out;
}

Result<std::optional<BiometricsRecord>> ParseBiometrics(const json& root) {
  const json* bio = Member(root, "biometrics");
  if (bio == nullptr) return std::optional<BiometricsRecord>();
  if (!bio->is_object()) return Invalid("biometrics", "expected an object");
  BiometricsRecord record;
  OPENVAP_ASSIGN_OR_RETURN(record.collected_on, RequiredDate(*bio, "biometrics", "collected_on"));
  OPENVAP_ASSIGN_OR_RETURN(record.travel_document_number,
                           RequiredString(*bio, "biometrics", "travel_document_number"));
  return std::optional<BiometricsRecord>(record);
}

Result<std::optional<RefusalNotificationFacts>> ParseDecision(const json& root) {
  const json* decision = Member(root, "decision");
  if (decision == nullptr) return std::optional<RefusalNotificationFacts>();
  if (!decision->is_object()) return Invalid("decision", "expected an object");
  const std::string p = "decision";
  RefusalNotificationFacts facts;
  OPENVAP_ASSIGN_OR_RETURN(facts.message_sent_at, RequiredInstant(*decision, p, "message_sent_at"));
  OPENVAP_ASSIGN_OR_RETURN(facts.residence_time_zone,
                           RequiredString(*decision, p, "residence_time_zone"));
  if (Member(*decision, "accessed_at") != nullptr) {
    OPENVAP_ASSIGN_OR_RETURN(facts.accessed_at, RequiredInstant(*decision, p, "accessed_at"));
  }
  if (const json* days = Member(*decision, "appeal_period_days")) {
    if (!days->is_number_integer() || days->get<long long>() <= 0 ||
        days->get<long long>() > 3650) {
      return Invalid(p + ".appeal_period_days", "expected a whole number of days (1 to 3650)");
    }
    facts.appeal_period_days = static_cast<int>(days->get<long long>());
  }
  return std::optional<RefusalNotificationFacts>(facts);
}

}  // namespace

Result<FeeExemption> ReadFeeExemption(const std::optional<std::string>& text) {
  if (!text || text->empty() || *text == "none") return FeeExemption::kNone;
  if (*text == "pupil-student-teacher") return FeeExemption::kPupilStudentTeacher;
  if (*text == "researcher") return FeeExemption::kResearcher;
  if (*text == "non-profit-representative") return FeeExemption::kNonProfitRepresentative;
  return Invalid("fee_exemption",
                 "expected none, pupil-student-teacher, researcher or non-profit-representative");
}

Result<Procedure> ReadProcedure(const std::optional<std::string>& text) {
  if (!text || text->empty() || *text == "application") return Procedure::kApplication;
  if (*text == "extension") return Procedure::kExtension;
  if (*text == "extension-force-majeure") return Procedure::kExtensionForceMajeure;
  if (*text == "confirmation") return Procedure::kConfirmation;
  return Invalid("procedure",
                 "expected application, extension, extension-force-majeure or confirmation");
}

Result<CheckRequest> ParseCheckRequest(const json& root) {
  if (!root.is_object()) return Invalid("(request)", "expected a JSON object");
  CheckRequest r;
  OPENVAP_ASSIGN_OR_RETURN(r.nationality, CountryCode(root, "", "nationality", 3, true));
  OPENVAP_ASSIGN_OR_RETURN(r.date_of_birth, RequiredDate(root, "", "date_of_birth"));
  OPENVAP_ASSIGN_OR_RETURN(r.travel_document, ParseTravelDocument(root));
  OPENVAP_ASSIGN_OR_RETURN(r.stays, ReadStays(Member(root, "stays")));
  OPENVAP_ASSIGN_OR_RETURN(r.first_entry_state,
                           CountryCode(root, "", "first_entry_state", 2, false));
  OPENVAP_ASSIGN_OR_RETURN(std::optional<std::string> purpose,
                           OptionalString(root, "", "main_purpose"));
  if (purpose) {
    OPENVAP_ASSIGN_OR_RETURN(r.main_purpose, ReadMainPurpose(*purpose));
  }
  OPENVAP_ASSIGN_OR_RETURN(r.chosen_state, CountryCode(root, "", "chosen_state", 2, false));
  OPENVAP_ASSIGN_OR_RETURN(r.lodging_country, CountryCode(root, "", "lodging_country", 3, false));
  OPENVAP_ASSIGN_OR_RETURN(r.lodged_on, RequiredDate(root, "", "lodged_on"));
  OPENVAP_RETURN_IF_ERROR(BornBeforeLodging(r));
  OPENVAP_ASSIGN_OR_RETURN(r.previous_stays,
                           ReadPeriods("previous_stays", Member(root, "previous_stays")));
  OPENVAP_ASSIGN_OR_RETURN(r.previous_visas, ParsePreviousVisas(root));
  OPENVAP_ASSIGN_OR_RETURN(r.biometrics, ParseBiometrics(root));
  OPENVAP_ASSIGN_OR_RETURN(std::optional<bool> family,
                           OptionalBool(root, "", "family_member_of_eu_citizen"));
  r.family_member_of_eu_citizen = family.value_or(false);
  OPENVAP_ASSIGN_OR_RETURN(
      std::optional<bool> wa,
      OptionalBool(root, "", "family_member_of_withdrawal_agreement_beneficiary"));
  r.family_member_of_withdrawal_agreement_beneficiary = wa.value_or(false);
  OPENVAP_ASSIGN_OR_RETURN(std::optional<bool> seafarer, OptionalBool(root, "", "seafarer"));
  r.seafarer = seafarer.value_or(false);
  OPENVAP_ASSIGN_OR_RETURN(r.form_complete, OptionalBool(root, "", "form_complete"));
  OPENVAP_ASSIGN_OR_RETURN(r.photo, OptionalBool(root, "", "photo"));
  OPENVAP_ASSIGN_OR_RETURN(r.fee_paid, OptionalBool(root, "", "fee_paid"));
  if (const json* paid = Member(root, "fee_paid_eur")) {
    if (!paid->is_number() || paid->get<double>() < 0 || paid->get<double>() > 100000) {
      return Invalid("fee_paid_eur", "expected the euros paid so far (a number, 0 or more)");
    }
    r.fee_paid_eur = paid->get<double>();
  }
  OPENVAP_ASSIGN_OR_RETURN(r.biometrics_collected, OptionalBool(root, "", "biometrics_collected"));
  OPENVAP_ASSIGN_OR_RETURN(std::optional<bool> humanitarian,
                           OptionalBool(root, "", "humanitarian"));
  r.humanitarian = humanitarian.value_or(false);
  OPENVAP_ASSIGN_OR_RETURN(std::optional<bool> urgent, OptionalBool(root, "", "urgent"));
  r.urgent = urgent.value_or(false);
  OPENVAP_ASSIGN_OR_RETURN(std::optional<std::string> exemption,
                           OptionalString(root, "", "fee_exemption"));
  OPENVAP_ASSIGN_OR_RETURN(r.fee_exemption, ReadFeeExemption(exemption));
  OPENVAP_ASSIGN_OR_RETURN(std::optional<std::string> procedure,
                           OptionalString(root, "", "procedure"));
  OPENVAP_ASSIGN_OR_RETURN(r.procedure, ReadProcedure(procedure));
  // Name fields and free form data, checked for Latin characters.
  for (const char* key : {"surname", "given_names"}) {
    OPENVAP_ASSIGN_OR_RETURN(std::optional<std::string> text, OptionalString(root, "", key));
    if (text) r.form_data.emplace_back(key, *text);
  }
  if (const json* form = Member(root, "form")) {
    if (!form->is_object()) return Invalid("form", "expected an object of text fields");
    for (const auto& [key, value] : form->items()) {
      if (value.is_null()) continue;
      if (!value.is_string()) return Invalid("form." + key, "expected a string");
      r.form_data.emplace_back("form." + key, value.get<std::string>());
    }
  }
  OPENVAP_ASSIGN_OR_RETURN(r.decision, ParseDecision(root));
  return r;
}

Result<CheckResponse> Check(const CheckRequest& request) {
  const FixedOffsetTimeZones zones;
  return Check(request, zones);
}

Result<CheckResponse> Check(const CheckRequest& request, const TimeZones& zones) {
  const Result<ReferenceData>& data = ReferenceData::Embedded();
  if (!data.ok()) return data.error();
  return Check(request, *data, zones);
}

Result<CheckResponse> Check(const CheckRequest& request, const ReferenceData& data,
                            const TimeZones& zones) {
  if (request.stays.empty()) return Invalid("stays", "at least one stay is needed");
  CheckResponse out;
  Date first_day = request.stays.front().from;
  Date last_day = request.stays.front().to;
  for (const PlannedStay& s : request.stays) {
    first_day = std::min(first_day, s.from);
    last_day = std::max(last_day, s.to);
  }
  const bool family = request.family_member_of_eu_citizen ||
                      request.family_member_of_withdrawal_agreement_beneficiary;

  // Visa requirement on the day of entry (Reg 2018/1806).
  TravelDocumentKind kind;
  kind.type = request.travel_document.type;
  kind.issuing_country = request.travel_document.issuing_country;
  kind.biometric = request.travel_document.biometric;
  auto visa = DetermineVisaRequirement(data, request.nationality, kind, first_day);
  if (!visa.ok()) return Invalid("nationality", visa.error().message);
  out.visa = *visa;
  out.airport_transit =
      DetermineAirportTransitRequirement(data, request.nationality, family, first_day);
  if (!out.visa.third_country_national) {
    out.notes.push_back(out.visa.explanation +
                        "; the answers below apply to third-country "
                        "nationals only");
  } else if (!out.visa.visa_required) {
    out.notes.push_back("no visa is needed for this stay (" + out.visa.basis +
                        "); the other answers describe an application made anyway");
  }

  // Competence (Art 5) and representation (Art 8).
  CompetenceFacts competence;
  competence.stays = request.stays;
  competence.first_entry_state = request.first_entry_state;
  competence.purpose = request.main_purpose;
  competence.chosen_state = request.chosen_state;
  competence.lodging_country = request.lodging_country;
  competence.lodged_on = request.lodged_on;
  auto decided = DetermineCompetence(data, competence);
  if (!decided.ok()) return Error{"invalid-field", decided.error().message};
  out.competence = *decided;
  for (const std::string& note : out.competence.notes) out.notes.push_back(note);

  // Fee (Art 16, Art 32a, Art 33).
  FeeFacts fee_facts;
  fee_facts.date_of_birth = request.date_of_birth;
  fee_facts.lodged_on = request.lodged_on;
  fee_facts.family_member = family;
  fee_facts.exemption = request.fee_exemption;
  fee_facts.procedure = request.procedure;
  auto fee = DetermineFee(data, fee_facts);
  if (fee.ok()) {
    out.fee = *fee;
    if (!fee->note.empty()) out.notes.push_back(fee->note);
  } else {
    out.notes.push_back(fee.error().message);
  }

  // Biometrics (VIS Art 7d(4)).
  out.biometrics =
      AssessBiometricsReuse(request.biometrics, request.travel_document.number, request.lodged_on);
  const bool collected = request.biometrics_collected.value_or(false);
  if (collected) out.biometrics.visit_required = false;

  // Admissibility (Art 19 with Arts 9, 10, 12; VIS Art 7b(5)).
  AdmissibilityFacts adm;
  adm.lodged_on = request.lodged_on;
  adm.first_day = first_day;
  adm.last_day = last_day;
  adm.seafarer = request.seafarer;
  adm.urgent = request.urgent;
  adm.travel_document_issued_on = request.travel_document.issued_on;
  adm.travel_document_expires_on = request.travel_document.expires_on;
  adm.form_complete = request.form_complete.value_or(true);
  adm.photo = request.photo.value_or(true);
  adm.fee_due_eur = out.fee ? out.fee->amount_eur : 0;
  if (out.fee) adm.fee_legal_basis = out.fee->legal_basis;
  adm.fee_paid = request.fee_paid.value_or(true);
  adm.fee_paid_eur = request.fee_paid_eur;
  adm.biometrics_collected = collected;
  adm.biometrics_reusable = out.biometrics.reusable;
  adm.humanitarian = request.humanitarian;
  for (const auto& [field, text] : request.form_data) {
    const Status latin = CheckLatinAlphabet(field, text);
    if (!latin.ok()) adm.form_data_errors.push_back(latin.error());
  }
  out.admissibility = AssessAdmissibility(adm);
  if (out.admissibility.by_derogation) {
    out.notes.emplace_back(
        "admissible on humanitarian grounds, for reasons of national interest or "
        "international obligations (Visa Code Art 19(4))");
  }
  if (family) {
    out.notes.emplace_back(
        "family member of an EU/EEA/CH citizen or of a Withdrawal Agreement beneficiary: may "
        "apply outside the EU VAP, fields 21, 22, 30, 31 and 32 are not filled in, no fee, "
        "facilitated procedure (VIS Reg Art 7c; Directive 2004/38/EC Art 5(2))");
  }

  // 90/180 days (Schengen Borders Code Art 6(1)).
  std::vector<Period> planned;
  for (const PlannedStay& s : request.stays) planned.push_back(Period{s.from, s.to});
  out.stay = AssessStay(request.previous_stays, planned);

  // Validity (Art 24).
  out.validity = AssessValidity(request.previous_visas, request.lodged_on, first_day, last_day,
                                request.travel_document.expires_on);

  // Decision dates (Art 32(2)).
  if (request.decision) {
    auto decision = DetermineRefusalNotification(zones, *request.decision);
    if (!decision.ok()) {
      if (decision.error().code == "unknown-time-zone") {
        return Invalid("decision.residence_time_zone", decision.error().message);
      }
      return decision.error();
    }
    out.decision = *decision;
  }
  return out;
}

std::string ToJsonText(const CheckResponse& r) {
  JsonWriter w;
  const auto date = [&w](const std::optional<Date>& d) -> JsonWriter& {
    return d ? w.String(FormatIsoDate(*d)) : w.Null();
  };
  w.BeginObject();
  w.Key("visa_required").Bool(r.visa.visa_required);
  w.Key("airport_transit_visa_required").Bool(r.airport_transit.required);
  w.Key("competent_state").String(r.competence.competent_state);
  w.Key("competence_reason").String(CompetenceReasonName(r.competence.reason));
  w.Key("competence_needs_confirmation").Bool(r.competence.needs_confirmation);
  w.Key("admissible").Bool(r.admissibility.admissible);
  w.Key("missing").BeginArray();
  for (const Error& e : r.admissibility.missing) {
    w.BeginObject().Key("code").String(e.code).Key("message").String(e.message).EndObject();
  }
  w.EndArray();
  w.Key("fee_eur");
  if (r.fee) {
    w.Number(r.fee->amount_eur);
  } else {
    w.Null();
  }
  w.Key("visit_required").Bool(r.biometrics.visit_required);
  w.Key("stay").BeginObject();
  w.Key("days_used").Int(r.stay.days_used).Key("days_remaining").Int(r.stay.days_remaining);
  w.Key("fits").Bool(r.stay.fits);
  w.Key("latest_exit");
  date(r.stay.latest_exit);
  w.Key("first_day_over");
  date(r.stay.first_day_over).EndObject();
  w.Key("max_validity_until").String(FormatIsoDate(r.validity.max_validity_until));

  // The basis of each answer.
  w.Key("third_country_national").Bool(r.visa.third_country_national);
  w.Key("visa_requirement").BeginObject().Key("basis").String(r.visa.basis);
  w.Key("list_code").String(r.visa.list_code).Key("explanation").String(r.visa.explanation);
  w.Key("source").String(r.visa.source).EndObject();
  w.Key("airport_transit_visa").BeginObject().Key("basis").String(r.airport_transit.basis);
  w.Key("source").String(r.airport_transit.source).EndObject();
  w.Key("competence").BeginObject().Key("basis").String(r.competence.basis);
  w.Key("days_by_state").BeginArray();
  for (const auto& [state, n] : r.competence.days_by_state) {
    w.BeginObject().Key("state").String(state).Key("days").Int(n).EndObject();
  }
  w.EndArray();
  w.Key("lodge_with").String(r.competence.lodge_with);
  w.Key("represented").Bool(r.competence.represented).EndObject();
  w.Key("admissibility").BeginObject().Key("by_derogation").Bool(r.admissibility.by_derogation);
  w.Key("earliest_lodging").String(FormatIsoDate(r.admissibility.earliest_lodging));
  w.Key("latest_lodging").String(FormatIsoDate(r.admissibility.latest_lodging)).EndObject();
  if (r.fee) {
    w.Key("fee").BeginObject().Key("category").String(r.fee->category);
    w.Key("legal_basis").String(r.fee->legal_basis).Key("valid_from");
    date(r.fee->valid_from).Key("applicable").Bool(r.fee->applicable);
    w.Key("source").String(r.fee->source).EndObject();
  }
  w.Key("biometrics").BeginObject().Key("reusable").Bool(r.biometrics.reusable);
  w.Key("reusable_until");
  date(r.biometrics.reusable_until).Key("basis").String(r.biometrics.basis).EndObject();
  w.Key("validity").BeginObject().Key("cascade_step").String(CascadeStepName(r.validity.step));
  w.Key("basis").String(r.validity.basis);
  w.Key("travel_document_limit").String(FormatIsoDate(r.validity.travel_document_limit));
  w.Key("limited_by_travel_document").Bool(r.validity.limited_by_travel_document).EndObject();
  if (r.decision) {
    const RefusalNotification& d = *r.decision;
    w.Key("decision").BeginObject();
    w.Key("message_sent_on").String(FormatIsoDate(d.message_sent_on));
    w.Key("presumed_access_on").String(FormatIsoDate(d.presumed_access_on));
    w.Key("notified_on").String(FormatIsoDate(d.notified_on)).Key("presumed").Bool(d.presumed);
    w.Key("appeal_period_starts_at").String(FormatIsoTimestamp(d.appeal_period_starts_at));
    w.Key("appeal_deadline");
    date(d.appeal_deadline).Key("basis").String(d.basis).EndObject();
  }
  w.Key("notes").Strings(r.notes).EndObject();
  return std::move(w).Text();
}

nlohmann::json ToJson(const CheckResponse& r) { return json::parse(ToJsonText(r)); }

}  // namespace openvap::rules
