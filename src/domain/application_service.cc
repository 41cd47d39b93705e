#include "domain/application_service.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>
#include <utility>

#include "domain/plain_text.h"
#include "domain/register_retention.h"
#include "domain/state_label.h"
#include "domain/visa.h"

namespace openvap::domain {
namespace {

using nlohmann::json;

template <std::size_t N>
bool Contains(const std::array<std::string_view, N>& set, std::string_view key) {
  return std::find(set.begin(), set.end(), key) != set.end();
}

// The fields of the harmonised application form (Visa Code Annex I as replaced by Reg (EU)
// 2019/1155; data/refdata/forms/application_form_fields.csv) that an applicant fills in.
constexpr std::array<std::string_view, 71> kAnnexIFields = {
    "1",   "2",   "3",   "4",   "5",   "6",   "7",   "7a",  "7b",  "8",   "9",   "9a",
    "10a", "10b", "10c", "10d", "10e", "10f", "11",  "12",  "12a", "13",  "14",  "15",
    "16",  "17a", "17b", "17c", "17d", "17e", "18",  "18a", "19",  "19a", "20",  "20a",
    "20b", "20c", "21",  "22",  "23",  "23a", "24",  "25",  "26",  "27",  "27a", "27b",
    "28",  "28a", "28b", "29a", "29b", "29c", "30",  "30a", "30b", "31",  "31a", "31b",
    "32",  "32a", "32b", "32c", "32d", "32e", "32f", "33",  "33a", "33b", "S1"};

// What the online form asks beyond Annex I, because the platform's automated checks need it:
// the planned stays per state (VIS 7d(1): "the number of days for the applicant's intended
// stay"), a state chosen by main purpose (7d(1)), legal presence without residence (7d(1)
// last sentence; VC Art 6(2)), the time zone of residence (VC Art 32(2)), seafarers (VC Art
// 9(1)), previous stays in the last 180 days, the applicant's e-mail for messages, a mandatory
// fee waiver claimed (VC Art 16(4)(b)-(d), proven by the supporting documents) and the reason
// for an extension (VC Art 33(1): force majeure or humanitarian, free; 33(2): serious personal
// reasons, EUR 30), and for an extension or a confirmation the number of the visa it concerns.
constexpr std::array<std::string_view, 11> kPlatformFields = {"itinerary",
                                                              "chosen_state",
                                                              "legally_present_not_residing",
                                                              "residence_time_zone",
                                                              "seafarer",
                                                              "previous_stays",
                                                              "family_member_of_eu_citizen",
                                                              "contact_email",
                                                              "fee_exemption",
                                                              "extension_reason",
                                                              "visa_number"};

// The Annex I fields that are a choice (application_form_fields.csv), as the online form sends
// them; letter case does not matter. Field 8 also takes "Other" (the Spanish edition's box; a
// passport's sex may be X, ICAO 9303), fields 9 and 12 "Other" with the details in 9a / 12a.
// Field 27 is sent as a code, exactly: RequiredDeclarations reads it ("Multiple" would skip D2).
constexpr std::array<std::string_view, 3> kSexes = {"Male", "Female", "Other"};
constexpr std::array<std::string_view, 7> kCivilStatuses = {
    "Single", "Married", "Registered Partnership", "Separated", "Divorced", "Widow(er)", "Other"};
constexpr std::array<std::string_view, 6> kTravelDocumentTypes = {
    "Ordinary passport", "Diplomatic passport", "Service passport",
    "Official passport", "Special passport",    "Other travel document"};
constexpr std::array<std::string_view, 3> kEntries = {"single", "two", "multiple"};

template <std::size_t N>
bool ContainsIgnoringCase(const std::array<std::string_view, N>& set, std::string_view text) {
  return std::any_of(set.begin(), set.end(),
                     [text](std::string_view choice) { return EqualIgnoringCase(choice, text); });
}

template <std::size_t N>
std::string Choices(const std::array<std::string_view, N>& set) {
  std::string out;
  for (std::string_view choice : set) out += (out.empty() ? "" : ", ") + std::string(choice);
  return out;
}

// The values of the platform's fields that take one of a few.
constexpr std::array<std::string_view, 4> kFeeExemptions = {
    "none", "pupil-student-teacher", "researcher", "non-profit-representative"};
constexpr std::array<std::string_view, 3> kExtensionReasons = {"serious-personal-reasons",
                                                               "force-majeure", "humanitarian"};

// Date fields, entered as ISO 8601 (YYYY-MM-DD) online.
constexpr std::array<std::string_view, 10> kDateFields = {"4",   "14",  "15",  "17c", "20c",
                                                          "27a", "27b", "28a", "29b", "29c"};

// The whole form's JSON text, at most: a full Annex I form is a few kB.
constexpr std::size_t kMaxFormBytes = std::size_t{64} * 1024;

// Fields that hold a list of values.
constexpr std::array<std::string_view, 7> kListFields = {
    "7b", "23", "25", "32a", "32e", "itinerary", "previous_stays"};

// The declarations of Annex I that the applicant ticks (RequiredDeclarations: which are needed).
constexpr std::array<std::string_view, 6> kDeclarations = {"D1", "D2", "D3", "D4", "D5", "D6"};

constexpr std::array<std::string_view, 4> kDocumentKinds = {
    "travel-document", "photo", "supporting-document", "travel-insurance"};

std::string Describe(const Principal& who) {
  return who.account ? who.account->value() : std::string(RoleName(who.role));
}

AuditEvent Audit(const Principal& who, std::string action, const ApplicationId& id,
                 json details = json::object()) {
  return AuditEvent{Describe(who), std::string(RoleName(who.role)), std::move(action),
                    "application:" + id.value(), std::move(details)};
}

bool IsOfficialOfState(const Principal& who, const Application& a) {
  return (who.role == Role::kConsularOfficer || who.role == Role::kCentralAuthority) &&
         !a.notified_state.empty() && who.member_state == a.notified_state &&
         a.status != ApplicationStatus::kDraft;
}

bool IsOwner(const Principal& who, const Application& a) {
  return who.account && *who.account == a.owner;
}

// VIS Art 7b(4): the applicant's own data of the application `a` they submit are kept for their
// later applications, if they still consent in this transaction. Only a visa application's form
// filled in by the applicant: not one filled in for someone else (field 33 names who filled it
// in, a parent for a child, say), whose data would take the place of the holder's own; not the
// few fields of an extension or a confirmation.
Status KeepForLater(UnitOfWork& uow, const Principal& who, const Application& a) {
  const bool visa =
      a.kind == ApplicationKind::kShortStayVisa || a.kind == ApplicationKind::kLongStayVisa;
  if (!visa || !a.form.FieldText("33").empty()) return Ok();
  OPENVAP_ASSIGN_OR_RETURN(auto account, uow.Accounts().Find(a.owner));
  if (!account || !account->keep_data_consent) return Ok();
  account->kept = KeptApplicationData{KeptForLaterApplications(a.form), a.id, *a.submitted_at};
  OPENVAP_RETURN_IF_ERROR(uow.Accounts().Update(*account));
  return uow.Audit().Append(AuditEvent{Describe(who),
                                       std::string(RoleName(who.role)),
                                       "account.data-kept",
                                       "account:" + a.owner.value(),
                                       {{"from", a.id.value()}}});
}

// The fields a provider's comparison of the travel document with the form rests on (VC Art
// 12(4)): who the holder is and which document.
constexpr std::array<std::string_view, 10> kTravelDocumentCheckFields = {
    "1", "2", "3", "4", "7", "12", "13", "14", "15", "16"};

// Where messages about the application go: the form's contact_email, else the e-mail address in
// Annex I field 19 (home address and e-mail address), else `current` (an official lodging on a
// person's behalf gave it).
std::string ContactEmailOf(const ApplicationForm& form, const std::string& current) {
  if (const std::string* email = form.FindText("contact_email"); email && !email->empty()) {
    const auto normalised = NormaliseEmail(*email);  // CheckField refused other texts
    if (normalised.ok()) return *normalised;
  }
  return EmailAddressIn(form.FieldText("19")).value_or(current);
}

// Every text in a field's value, lists and their members included, is one a reader sees whole
// (HasHiddenCharacters): these texts go into the signed visa, its MRZ and e-mail headers.
Status CheckVisibleText(const std::string& key, const json& value) {
  if (value.is_string() && HasHiddenCharacters(value.get_ref<const std::string&>())) {
    return Error{"invalid-field",
                 "form." + key +
                     ": holds a control character, a line break or an invisible formatting "
                     "character (such as a right-to-left override); write the text on one line, "
                     "as it is printed"};
  }
  if (value.is_array() || value.is_object()) {
    for (const auto& member : value) OPENVAP_RETURN_IF_ERROR(CheckVisibleText(key, member));
  }
  return Ok();
}

// A list of the form: texts (purposes, states, ...), or for the itinerary and earlier stays
// objects of texts, {"state", "from", "to"} with the dates in order. At most 100 entries.
Status CheckListField(const std::string& key, const json& value) {
  if (!value.is_array()) return Error{"invalid-field", "form." + key + ": must be a list"};
  if (value.size() > 100) {
    return Error{"invalid-field", "form." + key + ": at most 100 entries"};
  }
  OPENVAP_RETURN_IF_ERROR(CheckVisibleText(key, value));
  const bool periods = key == "itinerary" || key == "previous_stays";
  for (std::size_t i = 0; i < value.size(); ++i) {
    const json& item = value[i];
    const std::string at = "form." + key + "[" + std::to_string(i) + "]";
    if (!periods) {
      if (!item.is_string() || item.get_ref<const std::string&>().size() > 2000) {
        return Error{"invalid-field", at + ": a text of at most 2000 characters"};
      }
      continue;
    }
    const auto text = [&item](const char* member) -> const std::string* {
      const auto it = item.find(member);
      return it != item.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
    };
    if (!item.is_object() || item.size() > 3) {
      return Error{"invalid-field", at + ": {\"state\": \"FR\", \"from\": \"YYYY-MM-DD\", \"to\": "
                                         "\"YYYY-MM-DD\"}"};
    }
    for (const auto& [member, member_value] : item.items()) {
      if (member != "state" && member != "from" && member != "to") {
        std::string where = at;
        where.append(".").append(member);
        return Error{"invalid-field", where + ": not a member of a stay (state, from, to)"};
      }
    }
    const std::string* state = text("state");
    if ((key == "itinerary" || item.contains("state")) &&
        (state == nullptr || state->size() != 2 ||
         !std::all_of(state->begin(), state->end(), [](char c) {
           return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');  // the rules upper-case it
         }))) {
      return Error{"invalid-field", at + ".state: the Member State's two-letter code, such as FR"};
    }
    const std::string* from = text("from");
    const std::string* to = text("to");
    if (from == nullptr || !ParseIsoDate(*from).ok()) {
      return Error{"invalid-field", at + ".from: the first day (YYYY-MM-DD)"};
    }
    if (to == nullptr || !ParseIsoDate(*to).ok()) {
      return Error{"invalid-field", at + ".to: the last day (YYYY-MM-DD)"};
    }
    if (*to < *from) {  // both ISO dates
      return Error{"invalid-field",
                   at + ".to: the last day (" + *to + ") is before the first (" + *from + ")"};
    }
  }
  return Ok();
}

Status CheckField(const std::string& key, const json& value) {
  const bool known = Contains(kAnnexIFields, key) || Contains(kPlatformFields, key);
  if (!known) {
    return Error{"invalid-field", "form." + key +
                                      ": not a field of the application form (Annex I numbers such "
                                      "as \"1\" or \"27a\", or itinerary, chosen_state, ...)"};
  }
  if (value.is_null()) return Ok();
  if (Contains(kListFields, key)) return CheckListField(key, value);
  if (key == "seafarer" || key == "legally_present_not_residing" ||
      key == "family_member_of_eu_citizen") {
    if (!value.is_boolean()) {
      return Error{"invalid-field", "form." + key + ": must be true or false"};
    }
    return Ok();
  }
  if (!value.is_string()) return Error{"invalid-field", "form." + key + ": must be text"};
  const auto& text = value.get_ref<const std::string&>();
  if (text.size() > 2000) {
    return Error{"invalid-field", "form." + key + ": at most 2000 characters"};
  }
  OPENVAP_RETURN_IF_ERROR(CheckVisibleText(key, value));
  if (key == "contact_email" && !text.empty() && !NormaliseEmail(text).ok()) {
    return Error{"invalid-field", "form.contact_email: an e-mail address (name@example.org)"};
  }
  if (Contains(kDateFields, key) && !ParseIsoDate(text).ok()) {
    return Error{"invalid-field", "form." + key + ": not a date (YYYY-MM-DD)"};
  }
  const auto choice = [&key, &text](const auto& set) -> Status {
    if (ContainsIgnoringCase(set, text)) return Ok();
    return Error{"invalid-field", "form." + key + ": one of " + Choices(set)};
  };
  if (key == "8") return choice(kSexes);
  if (key == "9") return choice(kCivilStatuses);
  if (key == "12") return choice(kTravelDocumentTypes);
  if (key == "27" && !Contains(kEntries, text)) {
    return Error{"invalid-field", "form.27: one of " + Choices(kEntries)};
  }
  if (key == "fee_exemption" && !Contains(kFeeExemptions, text)) {
    return Error{"invalid-field",
                 "form.fee_exemption: none, pupil-student-teacher, researcher or "
                 "non-profit-representative (Visa Code Art 16(4)(b)-(d))"};
  }
  if (key == "visa_number" && !ValidateVisaNumber(text).ok()) {
    return Error{"invalid-field",
                 "form.visa_number: the number of the visa to extend or confirm, as printed on "
                 "it (three letters and nine digits)"};
  }
  if (key == "extension_reason" && !Contains(kExtensionReasons, text)) {
    return Error{"invalid-field",
                 "form.extension_reason: serious-personal-reasons, force-majeure or humanitarian "
                 "(Visa Code Art 33)"};
  }
  return Ok();
}

// Whether the biometrics on record are those of the person filling in `form`: the same
// surname (case aside), date of birth and nationality as the earlier file's holder.
bool IsHolderOf(const BiometricsOnRecord& record, const ApplicationForm& form) {
  const auto date_of_birth = ParseIsoDate(form.FieldText("4"));
  return !record.surname.empty() && EqualIgnoringCase(record.surname, form.FieldText("1")) &&
         record.date_of_birth && date_of_birth.ok() && *record.date_of_birth == *date_of_birth &&
         EqualIgnoringCase(record.nationality, form.FieldText("7"));
}

}  // namespace

bool IsVisitHost(const Principal& who, const Application& a) {
  const bool staff = who.role == Role::kServiceProvider || who.role == Role::kConsularOfficer ||
                     who.role == Role::kCentralAuthority;
  // The organisation is the administrator's free text: the state of the slot must be the
  // staff's too (a booking made before the state was recorded has only the organisation).
  const bool same_state = a.appointment_state.empty() || who.member_state == a.appointment_state;
  return staff && same_state && a.appointment && !a.appointment_location.empty() &&
         who.organisation == a.appointment_location;
}

bool HostsTheVisit(const Principal& who, const Application& a) {
  // After submission, until the consulate takes the file over.
  const bool visit_due =
      a.status == ApplicationStatus::kSubmitted || a.status == ApplicationStatus::kNotified;
  return visit_due && IsVisitHost(who, a);
}

json ApplicationFormSchema() {
  // OpenAPI 3.0: null removes a field.
  const auto nullable = [](json schema) {
    schema["nullable"] = true;
    return schema;
  };
  const auto choices = [](const auto& set) {
    json values = json::array();
    for (std::string_view v : set) values.push_back(v);
    values.push_back(nullptr);
    return values;
  };
  const json text = {{"type", "string"}, {"maxLength", 2000}};
  json properties = json::object();
  for (std::string_view field : kAnnexIFields) {
    const std::string key(field);
    json schema = text;
    schema["description"] =
        "Annex I field " + key + " (data/refdata/forms/application_form_fields.csv)";
    if (Contains(kDateFields, field)) schema["format"] = "date";
    if (Contains(kListFields, field)) {
      schema = {{"type", "array"}, {"items", text}, {"description", schema["description"]}};
    }
    properties[key] = nullable(schema);
  }
  const auto describe = [&properties](const char* key, const char* description) {
    properties[key]["description"] = description;
  };
  properties["8"]["enum"] = choices(kSexes);
  properties["9"]["enum"] = choices(kCivilStatuses);
  properties["12"]["enum"] = choices(kTravelDocumentTypes);
  properties["27"]["enum"] = choices(kEntries);
  describe("8", "Annex I field 8, sex (any letter case)");
  describe("9", "Annex I field 9, civil status (any letter case; Other with 9a)");
  describe("12", "Annex I field 12, type of travel document (any letter case; Other with 12a)");
  describe("27", "Annex I field 27, entries requested, as a code (D2 is needed for multiple)");
  describe("23", "Annex I field 23, the purposes of the journey, the main one first");
  const json date = {{"type", "string"}, {"format", "date"}};
  const json state = {{"type", "string"}, {"pattern", "^[A-Za-z]{2}$"}};
  properties["itinerary"] =
      nullable({{"type", "array"},
                {"items",
                 {{"type", "object"},
                  {"properties", {{"state", state}, {"from", date}, {"to", date}}},
                  {"required", {"state", "from", "to"}}}},
                {"description",
                 "the planned stays, one per Member State, for the competence and the days "
                 "of stay (VIS 7d(1))"}});
  properties["previous_stays"] =
      nullable({{"type", "array"},
                {"items",
                 {{"type", "object"},
                  {"properties", {{"from", date}, {"to", date}}},
                  {"required", {"from", "to"}}}},
                {"description", "stays in the Schengen area in the last 180 days (VC Art 24)"}});
  properties["chosen_state"] =
      nullable({{"type", "string"},
                {"description",
                 "the state chosen by the main purpose when stays are equally long (VIS "
                 "7d(1)), alpha-2"}});
  for (const char* flag :
       {"legally_present_not_residing", "seafarer", "family_member_of_eu_citizen"}) {
    properties[flag] = nullable({{"type", "boolean"}});
  }
  describe("legally_present_not_residing",
           "legally present in the country of application without residing there (VC Art 6(2))");
  describe("seafarer", "a seafarer in the exercise of their duties (VC Art 9(1))");
  describe("family_member_of_eu_citizen",
           "family member of an EU, EEA or Swiss citizen (Directive 2004/38)");
  properties["residence_time_zone"] =
      nullable({{"type", "string"},
                {"description",
                 "the IANA time zone of residence, e.g. Asia/Kolkata: the days of a "
                 "decision's notification count in it (VC Art 32(2))"}});
  properties["contact_email"] = nullable(
      {{"type", "string"},
       {"format", "email"},
       {"description", "where messages about the application go (else the address in field 19)"}});
  properties["fee_exemption"] =
      nullable({{"type", "string"},
                {"enum", choices(kFeeExemptions)},
                {"description",
                 "a fee waiver claimed, proven by the supporting documents (VC Art "
                 "16(4)(b)-(d))"}});
  properties["extension_reason"] =
      nullable({{"type", "string"},
                {"enum", choices(kExtensionReasons)},
                {"description", "why a visa-extension application is made (VC Art 33)"}});
  properties["visa_number"] = nullable(
      {{"type", "string"},
       {"pattern", "^[A-Z]{3}[0-9]{9}$"},
       {"description", "a visa-extension or visa-confirmation application: the visa it concerns"}});
  return {
      {"type", "object"},
      {"description", "the fields to save, by Annex I number or platform name; null removes one"},
      {"properties", properties},
      {"additionalProperties", false}};
}

std::vector<std::string> RequiredDeclarations(const json& form) {
  std::vector<std::string> out = {"D1", "D3", "D4", "D5", "D6"};
  const auto entries = form.find("27");
  if (entries != form.end() && entries->is_string() && *entries == "multiple") {
    out.insert(out.begin() + 1, "D2");
  }
  return out;
}

std::string SniffContentType(ByteView c) {
  if (c.size() >= 5 && c[0] == '%' && c[1] == 'P' && c[2] == 'D' && c[3] == 'F' && c[4] == '-') {
    return "application/pdf";
  }
  if (c.size() >= 3 && c[0] == 0xFF && c[1] == 0xD8 && c[2] == 0xFF) return "image/jpeg";
  if (c.size() >= 8 && c[0] == 0x89 && c[1] == 'P' && c[2] == 'N' && c[3] == 'G' && c[4] == 0x0D &&
      c[5] == 0x0A && c[6] == 0x1A && c[7] == 0x0A) {
    return "image/png";
  }
  return "";
}

ApplicationService::ApplicationService(Store& store, const PreChecks& prechecks, const Clock& clock,
                                       RandomSource& random, ApplicationLimits limits)
    : store_(store), prechecks_(prechecks), clock_(clock), random_(random), limits_(limits) {}

Result<Application> ApplicationService::Load(UnitOfWork& uow, const Principal& who,
                                             const ApplicationId& id, bool for_change) {
  OPENVAP_ASSIGN_OR_RETURN(auto found, uow.Applications().Find(id));
  // Someone else's application looks the same as a missing one (no probing of ids).
  const Error not_found{"not-found", "no application " + id.value() + " in your account"};
  if (!found) return not_found;
  if (IsOwner(who, *found)) {
    if (for_change && !IsEditableByApplicant(found->status)) {
      if (found->status == ApplicationStatus::kWithdrawn) {
        return Error{"invalid-transition",
                     "the application was withdrawn; start a new one to apply again"};
      }
      return Error{"invalid-transition",
                   "the application is " + std::string(ApplicationStatusName(found->status)) +
                       ": it went to the consulate and can no longer be changed here (write to "
                       "the consulate instead)"};
    }
    return std::move(*found);
  }
  if (!for_change && (IsOfficialOfState(who, *found) || HostsTheVisit(who, *found))) {
    OPENVAP_RETURN_IF_ERROR(uow.Audit().Append(Audit(who, "application.read", id)));
    return std::move(*found);
  }
  return not_found;
}

Result<Application> ApplicationService::CreateDraft(const Principal& who, ApplicationKind kind,
                                                    bool from_kept_data) {
  if ((who.role != Role::kApplicant && who.role != Role::kRepresentative) || !who.account) {
    return Error{"forbidden",
                 "applications are started from an applicant's or a "
                 "representative's account"};
  }
  Application a;
  a.id = ApplicationId("app-" + random_.HexToken(10));
  a.kind = kind;
  a.owner = *who.account;
  a.created_at = a.updated_at = clock_.Now();
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    a.form = ApplicationForm();
    // The account is read first, locked (PostgreSQL): two requests at once do not both pass the
    // limit below, and an account being closed gets no new application.
    OPENVAP_ASSIGN_OR_RETURN(const auto account, uow.Accounts().Find(a.owner));
    if (!account) return Error{"unauthenticated", "sign in first"};
    if (from_kept_data) {
      if (!account->keep_data_consent) {
        return Error{"consent-required",
                     "this account keeps no data for later applications: give your consent "
                     "(PUT /api/v1/me/consent), and the data of the next application you submit "
                     "are kept"};
      }
      if (!account->kept) {
        return Error{"nothing-kept",
                     "nothing is kept for later applications in this account: an applicant's "
                     "account keeps the data of the next visa application they fill in and "
                     "submit themselves"};
      }
      a.form = account->kept->form;
      a.contact_email = ContactEmailOf(a.form, a.contact_email);
    }
    const int max_open = who.role == Role::kRepresentative ? limits_.max_open_of_representative
                                                           : limits_.max_open_of_applicant;
    OPENVAP_ASSIGN_OR_RETURN(const std::int64_t open, uow.Applications().CountOpenOf(a.owner));
    if (open >= max_open) {
      return Error{"too-many-open-applications",
                   "this account has " + std::to_string(open) +
                       " applications not yet complete (drafts, or submitted with something "
                       "missing), the most it may keep at once: complete or withdraw one first"};
    }
    OPENVAP_RETURN_IF_ERROR(uow.Applications().Insert(a));
    json details = {{"kind", ApplicationKindName(kind)}};
    if (from_kept_data) details["from_kept_data"] = true;
    return uow.Audit().Append(Audit(who, "application.create", a.id, std::move(details)));
  }));
  return a;
}

Result<Application> ApplicationService::CreateOnBehalf(const Principal& official,
                                                       ApplicationKind kind,
                                                       const std::string& contact_email,
                                                       const std::string& reason) {
  if ((official.role != Role::kConsularOfficer && official.role != Role::kCentralAuthority) ||
      !official.account) {
    return Error{"forbidden",
                 "only consular officers and central authorities lodge "
                 "applications on a person's behalf"};
  }
  if (reason.empty()) {
    return Error{"invalid-field", "reason: say why the person cannot use the platform"};
  }
  if (reason.size() > 2000) return Error{"invalid-field", "reason: at most 2000 characters"};
  // Decisions and messages go to this address (VAP-NOTIFY): it must be one.
  std::string email;
  if (!contact_email.empty()) {
    auto normalised = NormaliseEmail(contact_email);
    if (!normalised.ok()) {
      return Error{"invalid-field", "contact_email: '" + contact_email +
                                        "' is not an e-mail address (name@example.org)"};
    }
    email = *std::move(normalised);
  }
  Application a;
  a.id = ApplicationId("app-" + random_.HexToken(10));
  a.kind = kind;
  a.owner = *official.account;
  a.lodged_by_official = true;
  a.notified_state = official.member_state;
  a.contact_email = email;
  a.humanitarian_derogation = reason;
  a.created_at = a.updated_at = clock_.Now();
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_RETURN_IF_ERROR(uow.Applications().Insert(a));
    return uow.Audit().Append(
        Audit(official, "application.create-on-behalf", a.id, {{"reason", reason}}));
  }));
  return a;
}

Result<Application> ApplicationService::Get(const Principal& who, const ApplicationId& id) {
  Result<Application> out = Error{"not-found", ""};
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    out = Load(uow, who, id, false);
    return out.ok() ? Ok() : Status(out.error());
  }));
  return out;
}

Result<Page<Application>> ApplicationService::ListMine(const Principal& who,
                                                       const PageRequest& page) {
  if (!who.account) return Error{"unauthenticated", "sign in first"};
  Page<Application> out;
  OPENVAP_RETURN_IF_ERROR(store_.Read([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(out, uow.Applications().ListByOwner(*who.account, page));
    return Ok();
  }));
  return out;
}

Result<Application> ApplicationService::SaveForm(const Principal& who, const ApplicationId& id,
                                                 const json& fields,
                                                 std::optional<std::int64_t> expected_version) {
  if (!fields.is_object()) return Error{"invalid-field", "form: must be an object of fields"};
  for (const auto& [key, value] : fields.items()) {
    OPENVAP_RETURN_IF_ERROR(CheckField(key, value));
  }
  // VC Art 32(2): the days of a decision's notification count in the time zone of residence.
  if (const auto zone = fields.find("residence_time_zone");
      zone != fields.end() && zone->is_string() && !zone->get_ref<const std::string&>().empty() &&
      !prechecks_.IsTimeZone(zone->get_ref<const std::string&>())) {
    return Error{"invalid-field",
                 "form.residence_time_zone: the time zone where you live, an IANA name such as "
                 "Asia/Kolkata or America/Sao_Paulo ('" +
                     zone->get<std::string>() + "' is not one)"};
  }
  const std::vector<std::string> non_latin = prechecks_.NonLatinFields(fields);
  if (!non_latin.empty()) {
    std::string list;
    for (const std::string& f : non_latin) list += (list.empty() ? "" : ", ") + f;
    return Error{"invalid-field",
                 "form." + non_latin.front() +
                     ": use Latin letters only (VIS Art 7b(5)); the surname and first names "
                     "(fields 1 and 3) as the travel document prints them: letters with their "
                     "accents, spaces, hyphens, apostrophes, full stops and commas; fields: " +
                     list};
  }
  Application saved;
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(Application a, Load(uow, who, id, true));
    if (expected_version && *expected_version != a.version) {
      return Error{"conflict", "the application changed in another window; reload it"};
    }
    const ApplicationForm before = a.form;
    a.form.Apply(fields);
    // A whole Annex I form is a few kB; more is not a form (and would be stored and sent back
    // with every read).
    if (a.form.Text().size() > kMaxFormBytes) {
      return Error{"invalid-field", "form: at most " + std::to_string(kMaxFormBytes / 1024) +
                                        " kB in all; shorten the longest texts or lists"};
    }
    const bool back_to_draft =
        a.status == ApplicationStatus::kSubmitted && a.form.Text() != before.Text();
    if (back_to_draft) {
      // VIS 7d(6): the declarations signed the data as submitted; changed, they are a draft's
      // again, to be submitted with the declarations once more.
      OPENVAP_RETURN_IF_ERROR(CheckTransition(a.status, ApplicationStatus::kDraft, who.role));
      a.status = ApplicationStatus::kDraft;
      a.declarations.clear();
    }
    // VC Art 12(4): the provider compared the travel document with these data; changed, it
    // compares again (and reviews the file again) before the file can be complete.
    if (std::any_of(
            kTravelDocumentCheckFields.begin(), kTravelDocumentCheckFields.end(),
            [&](std::string_view f) { return a.form.FieldText(f) != before.FieldText(f); })) {
      a.lodging.travel_document_verified = false;
      a.lodging.provider_reviewed = false;
    }
    // Annex I field 27: the first stay's departure is not before its arrival.
    const std::string& arrival = a.form.FieldText("27a");
    const std::string& departure = a.form.FieldText("27b");
    if (!arrival.empty() && !departure.empty() && departure < arrival) {  // both ISO dates
      return Error{"invalid-field", "form.27b: the departure (" + departure +
                                        ") is before the arrival (" + arrival + ", form.27a)"};
    }
    a.contact_email = ContactEmailOf(a.form, a.contact_email);
    a.updated_at = clock_.Now();
    OPENVAP_RETURN_IF_ERROR(uow.Applications().Update(a));
    json keys = json::array();
    for (const auto& [key, value] : fields.items()) keys.push_back(key);
    json details = {{"fields", keys}};
    if (back_to_draft) details["status"] = "draft";
    OPENVAP_RETURN_IF_ERROR(
        uow.Audit().Append(Audit(who, "application.save-form", id, std::move(details))));
    saved = a;
    return Ok();
  }));
  return saved;
}

Result<ApplicationDocument> ApplicationService::AddDocument(const Principal& who,
                                                            const ApplicationId& id,
                                                            const std::string& kind,
                                                            const std::string& filename,
                                                            ByteView content) {
  if (!Contains(kDocumentKinds, kind)) {
    return Error{"invalid-field",
                 "kind: one of travel-document, photo, supporting-document, "
                 "travel-insurance"};
  }
  if (content.empty()) return Error{"invalid-field", "file: the file is empty"};
  if (static_cast<std::int64_t>(content.size()) > limits_.max_file_bytes) {
    return Error{"payload-too-large",
                 "file: at most " +
                     std::to_string(limits_.max_file_bytes / (std::int64_t{1024} * 1024)) +
                     " MB per file"};
  }
  const std::string type = SniffContentType(content);
  if (type.empty()) {
    return Error{"unsupported-media-type", "file: upload a PDF, JPEG or PNG file"};
  }
  if (kind == "photo" && type == "application/pdf") {
    return Error{"unsupported-media-type", "file: the photo must be a JPEG or PNG image"};
  }
  std::string safe_name;
  for (char ch : filename.substr(0, 120)) {
    safe_name.push_back(
        std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' || ch == '_' ? ch
                                                                                            : '_');
  }
  ApplicationDocument doc;
  doc.id = "doc-" + random_.HexToken(8);
  doc.kind = kind;
  doc.filename = safe_name.empty() ? "upload" : safe_name;
  doc.content_type = type;
  doc.size = static_cast<std::int64_t>(content.size());
  doc.uploaded_at = clock_.Now();
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(Application a, Load(uow, who, id, true));
    OPENVAP_ASSIGN_OR_RETURN(const auto existing, uow.Applications().ListDocuments(id));
    std::int64_t total = doc.size;
    for (const ApplicationDocument& d : existing) total += d.size;
    if (static_cast<int>(existing.size()) >= limits_.max_files) {
      return Error{"payload-too-large",
                   "file: at most " + std::to_string(limits_.max_files) + " files per application"};
    }
    if (total > limits_.max_total_bytes) {
      return Error{"payload-too-large",
                   "file: all files together may not exceed " +
                       std::to_string(limits_.max_total_bytes / (std::int64_t{1024} * 1024)) +
                       " MB"};
    }
    OPENVAP_RETURN_IF_ERROR(uow.Applications().InsertDocument(id, doc, content));
    a.updated_at = clock_.Now();
    OPENVAP_RETURN_IF_ERROR(uow.Applications().Update(a));
    return uow.Audit().Append(Audit(who, "application.add-document", id,
                                    {{"document", doc.id}, {"kind", kind}, {"size", doc.size}}));
  }));
  return doc;
}

Status ApplicationService::RemoveDocument(const Principal& who, const ApplicationId& id,
                                          const std::string& document_id) {
  return store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(Application a, Load(uow, who, id, true));
    OPENVAP_RETURN_IF_ERROR(uow.Applications().DeleteDocument(id, document_id));
    a.updated_at = clock_.Now();
    OPENVAP_RETURN_IF_ERROR(uow.Applications().Update(a));
    return uow.Audit().Append(
        Audit(who, "application.remove-document", id, {{"document", document_id}}));
  });
}

Result<std::vector<ApplicationDocument>> ApplicationService::ListDocuments(
    const Principal& who, const ApplicationId& id) {
  std::vector<ApplicationDocument> out;
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    auto loaded = Load(uow, who, id, false);
    if (!loaded.ok()) return loaded.error();
    OPENVAP_ASSIGN_OR_RETURN(out, uow.Applications().ListDocuments(id));
    return Ok();
  }));
  return out;
}

Result<Bytes> ApplicationService::DocumentContent(const Principal& who, const ApplicationId& id,
                                                  const std::string& document_id) {
  std::optional<Bytes> content;
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    auto loaded = Load(uow, who, id, false);
    if (!loaded.ok()) return loaded.error();
    OPENVAP_ASSIGN_OR_RETURN(content, uow.Applications().DocumentContent(id, document_id));
    if (!IsOwner(who, *loaded)) {
      OPENVAP_RETURN_IF_ERROR(uow.Audit().Append(
          Audit(who, "application.read-document", id, {{"document", document_id}})));
    }
    return Ok();
  }));
  if (!content) return Error{"not-found", "no document " + document_id};
  return *content;
}

Result<PreCheckOutcome> ApplicationService::PreCheck(const Principal& who,
                                                     const ApplicationId& id) {
  Application a;
  PreCheckInputs inputs;
  // A write, as Get: an official's read of the application is audited (VAP-DP).
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(a, Load(uow, who, id, false));
    OPENVAP_ASSIGN_OR_RETURN(inputs, LoadPreCheckInputs(uow, a));
    return Ok();
  }));
  return RunPreChecks(a, inputs);
}

Result<PreCheckInputs> ApplicationService::LoadPreCheckInputs(UnitOfWork& uow,
                                                              const Application& a) {
  PreCheckInputs inputs;
  OPENVAP_ASSIGN_OR_RETURN(inputs.documents, uow.Applications().ListDocuments(a.id));
  // VIS 7d(3)-(4): fingerprints on record for this travel document spare a visit. Those taken
  // for this application are in its lodging record.
  const std::string& number = a.form.FieldText("13");
  if (!number.empty() && !a.lodging.biometrics_collected_on) {
    OPENVAP_ASSIGN_OR_RETURN(inputs.biometrics_on_record,
                             uow.Registry().LatestBiometrics(TravelDocumentIssuer(a.form), number));
    // Someone else's record (another person typed that passport's number) is not looked at:
    // the pre-check would show when that person gave fingerprints (VAP-DP).
    if (inputs.biometrics_on_record && !IsHolderOf(*inputs.biometrics_on_record, a.form)) {
      inputs.biometrics_on_record.reset();
    }
  }
  return inputs;
}

Result<PreCheckOutcome> ApplicationService::RunPreChecks(const Application& application,
                                                         const PreCheckInputs& inputs) const {
  const Timestamp now = clock_.Now();
  OPENVAP_ASSIGN_OR_RETURN(PreCheckOutcome outcome,
                           prechecks_.Run(application, inputs, UtcDateOf(now)));
  outcome.checked_at = now;
  return outcome;
}

Status ApplicationService::Notify(UnitOfWork& uow, Application& a) {
  OPENVAP_RETURN_IF_ERROR(MarkNotified(a));
  return RecordNotification(uow, a);
}

Status ApplicationService::MarkNotified(Application& a) {
  OPENVAP_RETURN_IF_ERROR(CheckTransition(a.status, ApplicationStatus::kNotified, Role::kSystem));
  a.status = ApplicationStatus::kNotified;
  if (!a.lodged_by_official) a.notified_state = a.prechecks->competent_state;
  return Ok();
}

Status ApplicationService::RecordNotification(UnitOfWork& uow, const Application& a) {
  OPENVAP_RETURN_IF_ERROR(uow.Audit().Append(
      Audit(Principal::System(), "application.notify", a.id, {{"state", a.notified_state}})));
  if (!a.lodged_by_official) {
    OPENVAP_RETURN_IF_ERROR(uow.Messages().Insert(
        AccountMessage{NewAccountMessageId(clock_.Now(), random_), a.owner, a.id, "notified",
                       "Your application is complete",
                       "Your application " + a.id.value() +
                           " passed the automated checks and was sent to the authorities of " +
                           StateLabel(prechecks_, a.notified_state) +
                           ", who will confirm that they are competent and examine it.",
                       clock_.Now(), std::nullopt}));
  }
  return Ok();
}

Result<double> ApplicationService::FeeDueNow(UnitOfWork& uow, const Application& a) const {
  OPENVAP_ASSIGN_OR_RETURN(const auto inputs, LoadPreCheckInputs(uow, a));
  OPENVAP_ASSIGN_OR_RETURN(const PreCheckOutcome checked, RunPreChecks(a, inputs));
  return checked.fee_eur;
}

Status ApplicationService::Reevaluate(UnitOfWork& uow, Application& a) {
  if (a.status == ApplicationStatus::kSubmitted) {
    OPENVAP_ASSIGN_OR_RETURN(const auto inputs, LoadPreCheckInputs(uow, a));
    OPENVAP_ASSIGN_OR_RETURN(a.prechecks, RunPreChecks(a, inputs));
    if (a.prechecks->admissible || a.humanitarian_derogation) {
      OPENVAP_RETURN_IF_ERROR(Notify(uow, a));
    }
  }
  a.updated_at = clock_.Now();
  return uow.Applications().Update(a);
}

Result<Application> ApplicationService::Submit(const Principal& who, const ApplicationId& id,
                                               const std::vector<std::string>& declarations,
                                               const std::string& ip_address) {
  // The declarations are those of the form (Annex I, D1 to D6), each ticked once: they are
  // stored as the applicant's signature.
  for (auto d = declarations.begin(); d != declarations.end(); ++d) {
    if (!Contains(kDeclarations, *d)) {
      return Error{"invalid-field", "declarations: \"" + *d + "\" is not one of D1 to D6"};
    }
    if (std::find(declarations.begin(), d, *d) != d) {
      return Error{"invalid-field", "declarations: " + *d + " is ticked twice"};
    }
  }
  const auto check = [&](const Application& a) -> Status {
    if (a.status != ApplicationStatus::kDraft && a.status != ApplicationStatus::kSubmitted) {
      return Error{"invalid-transition", "this application was already submitted"};
    }
    // Every text as SaveForm checks it, the form's whole: data kept from an earlier application
    // or saved before the check existed reach the visa too.
    for (const auto& [key, value] : a.form.Fields().items()) {
      OPENVAP_RETURN_IF_ERROR(CheckVisibleText(key, value));
    }
    for (const std::string& required : RequiredDeclarations(a.form.Fields())) {
      if (std::find(declarations.begin(), declarations.end(), required) == declarations.end()) {
        return Error{"declaration-missing",
                     "declarations: tick declaration " + required +
                         " of the form to submit (it acts as your signature)"};
      }
    }
    return Ok();
  };
  // The pre-checks are the costly part and only read: they run on a snapshot outside the write
  // transaction, so that submissions are checked in parallel. The write applies their outcome to
  // that snapshot; the version check of Update refuses it if the application changed meanwhile,
  // and then a second write loads it again and checks it afresh.
  Application snapshot;
  PreCheckInputs inputs;
  bool keep_for_later = false;  // VIS Art 7b(4), read again in the write (KeepForLater)
  OPENVAP_RETURN_IF_ERROR(store_.Read([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(snapshot, Load(uow, who, id, true));
    OPENVAP_ASSIGN_OR_RETURN(inputs, LoadPreCheckInputs(uow, snapshot));
    if (who.role == Role::kApplicant && IsOwner(who, snapshot)) {
      OPENVAP_ASSIGN_OR_RETURN(const auto account, uow.Accounts().Find(snapshot.owner));
      keep_for_later = account && account->keep_data_consent;
    }
    return Ok();
  }));
  OPENVAP_RETURN_IF_ERROR(check(snapshot));
  OPENVAP_ASSIGN_OR_RETURN(PreCheckOutcome checked, RunPreChecks(snapshot, inputs));
  // The submitted version of `a`, made before the write: the one SQLite writer serves every
  // write in turn, so it is spared what needs no transaction (and nothing is copied).
  const auto submitted = [&](Application a, PreCheckOutcome outcome) -> Result<Application> {
    // A visit booked while a draft (before any pre-check) must be with the competent state:
    // the staff of another state's slot would receive the file (HostsTheVisit).
    if (a.appointment && !a.appointment_state.empty() && !outcome.competent_state.empty() &&
        a.appointment_state != outcome.competent_state) {
      const std::string competent = StateLabel(prechecks_, outcome.competent_state);
      return Error{"invalid-field",
                   "appointment: the visit you booked is with " +
                       StateLabel(prechecks_, a.appointment_state) + ", but " + competent +
                       " examines this application; book a visit with " + competent + " instead"};
    }
    if (a.status == ApplicationStatus::kDraft) {
      OPENVAP_RETURN_IF_ERROR(CheckTransition(a.status, ApplicationStatus::kSubmitted, who.role));
      a.status = ApplicationStatus::kSubmitted;
    }
    a.declarations = declarations;
    a.submitted_at = clock_.Now();
    a.submitted_from_ip = ip_address;  // VIS Art 7b(6)
    a.contact_email = ContactEmailOf(a.form, a.contact_email);
    a.prechecks = std::move(outcome);
    if (a.prechecks->admissible || a.humanitarian_derogation) {
      OPENVAP_RETURN_IF_ERROR(MarkNotified(a));
    }
    a.updated_at = clock_.Now();
    return a;
  };
  // Stores the submitted `a` in the write: the audit entries, the message, the new version. A
  // unit may run again from the start (a retried transaction): it changes nothing of `a` but the
  // version Update raises, which it sets back first.
  const auto record = [&](UnitOfWork& uow, Application& a, std::int64_t read_version) -> Status {
    a.version = read_version;
    OPENVAP_RETURN_IF_ERROR(
        uow.Audit().Append(Audit(who, "application.submit", id, {{"ip", ip_address}})));
    if (keep_for_later) OPENVAP_RETURN_IF_ERROR(KeepForLater(uow, who, a));
    if (a.status == ApplicationStatus::kNotified) {
      OPENVAP_RETURN_IF_ERROR(RecordNotification(uow, a));
    } else if (!a.lodged_by_official) {
      std::string list;
      for (const MissingItem& m : a.prechecks->missing) list += "\n- " + m.message;
      OPENVAP_RETURN_IF_ERROR(uow.Messages().Insert(
          AccountMessage{NewAccountMessageId(clock_.Now(), random_), a.owner, a.id, "incomplete",
                         "Your application is not complete yet",
                         "Your application " + a.id.value() +
                             " was submitted, but these parts are still "
                             "missing:" +
                             list,
                         clock_.Now(), std::nullopt}));
    }
    return uow.Applications().Update(a);
  };
  OPENVAP_ASSIGN_OR_RETURN(Application out, submitted(std::move(snapshot), std::move(checked)));
  const std::int64_t read_version = out.version;
  Status written = store_.Write([&](UnitOfWork& uow) { return record(uow, out, read_version); });
  if (!written.ok() && written.error().code == "conflict") {
    written = store_.Write([&](UnitOfWork& uow) -> Status {
      OPENVAP_ASSIGN_OR_RETURN(Application a, Load(uow, who, id, true));
      OPENVAP_RETURN_IF_ERROR(check(a));
      OPENVAP_ASSIGN_OR_RETURN(const auto again_inputs, LoadPreCheckInputs(uow, a));
      OPENVAP_ASSIGN_OR_RETURN(PreCheckOutcome again, RunPreChecks(a, again_inputs));
      const std::int64_t version = a.version;
      OPENVAP_ASSIGN_OR_RETURN(out, submitted(std::move(a), std::move(again)));
      return record(uow, out, version);
    });
  }
  OPENVAP_RETURN_IF_ERROR(written);
  return out;
}

Status ApplicationService::Withdraw(const Principal& who, const ApplicationId& id) {
  return store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(auto found, uow.Applications().Find(id));
    if (!found || !IsOwner(who, *found)) {
      return Error{"not-found", "no application " + id.value() + " in your account"};
    }
    OPENVAP_RETURN_IF_ERROR(
        CheckTransition(found->status, ApplicationStatus::kWithdrawn, who.role));
    found->status = ApplicationStatus::kWithdrawn;
    found->updated_at = clock_.Now();
    // The visit is no longer needed: its slot goes back to the consulate's free ones.
    if (found->appointment) {
      OPENVAP_RETURN_IF_ERROR(uow.Appointments().Release(*found->appointment, id));
      found->appointment.reset();
      found->appointment_location.clear();
      found->appointment_state.clear();
    }
    OPENVAP_RETURN_IF_ERROR(uow.Applications().Update(*found));
    // Withdrawn after acceptance: the register's file starts its five years (VIS Art 23(1)(c)).
    OPENVAP_RETURN_IF_ERROR(ReviewRegisterRetention(uow, id));
    return uow.Audit().Append(Audit(who, "application.withdraw", id));
  });
}

}  // namespace openvap::domain
