#include "domain/examination_service.h"

#include <algorithm>
#include <set>
#include <tuple>
#include <utility>

#include "base/ids.h"
#include "domain/plain_text.h"
#include "domain/register_retention.h"
#include "domain/state_label.h"

namespace openvap::domain {
namespace {

using nlohmann::json;

std::string Actor(const Principal& who) {
  return who.account ? who.account->value() : std::string(RoleName(who.role));
}

// Every decision enters the register with the period it starts or moves (VIS Art 23(1)): its
// application's, and that of the visa it concerns when that is another (an extension asked for
// in an application of its own moves the period of the visa's first application too).
Status RecordDecision(UnitOfWork& uow, const Decision& decision) {
  OPENVAP_RETURN_IF_ERROR(uow.Registry().InsertDecision(decision));
  OPENVAP_RETURN_IF_ERROR(ReviewRegisterRetention(uow, decision.application));
  if (!decision.visa) return Ok();
  OPENVAP_ASSIGN_OR_RETURN(const auto visa, uow.Registry().FindVisa(*decision.visa));
  if (!visa || visa->application == decision.application) return Ok();
  return ReviewRegisterRetention(uow, visa->application);
}

AuditEvent Audit(const Principal& who, std::string action, std::string subject,
                 json details = json::object()) {
  return AuditEvent{Actor(who), std::string(RoleName(who.role)), std::move(action),
                    std::move(subject), std::move(details)};
}

// VIS Art 9(4)(a)-(c) from the Annex I fields.
VisaHolder HolderFromForm(const ApplicationForm& form) {
  VisaHolder h;
  h.surname = form.FieldText("1");
  h.given_names = form.FieldText("3");
  if (auto dob = ParseIsoDate(form.FieldText("4")); dob.ok()) h.date_of_birth = *dob;
  const std::string& sex = form.FieldText("8");
  h.sex = sex == "Male" || sex == "M" ? "M" : sex == "Female" || sex == "F" ? "F" : "X";
  h.nationality = form.FieldText("7");
  h.travel_document_type = form.FieldText("12");
  h.travel_document_number = form.FieldText("13");
  h.travel_document_issuing_country = form.FieldText("16");
  if (auto exp = ParseIsoDate(form.FieldText("15")); exp.ok()) {
    h.travel_document_expires_on = *exp;
  }
  return h;
}

// Lodged at the consulate on the person's behalf (VC Art 9(1b)): no secure account holds the
// decisions. The file says so once the application is accepted, the application before.
bool LodgedWithoutAccount(const std::optional<ApplicationFile>& file,
                          const std::optional<Application>& application) {
  return (file && file->lodged_by_official) || (application && application->lodged_by_official);
}

}  // namespace

ExaminationService::ExaminationService(Store& store, const VisaSealer& sealer,
                                       const DecisionTexts& texts,
                                       const NotificationCalendar& calendar, const Clock& clock,
                                       RandomSource& random)
    : store_(store),
      sealer_(sealer),
      texts_(texts),
      calendar_(calendar),
      clock_(clock),
      random_(random) {}

Status ExaminationService::CheckOfficial(const Principal& who) const {
  if (who.role != Role::kConsularOfficer && who.role != Role::kCentralAuthority) {
    return Error{"forbidden", "reserved for consular officers and central authorities"};
  }
  if (who.member_state.empty()) return Error{"forbidden", "the official has no Member State"};
  return Ok();
}

namespace {

// Which state's officials may take decision `kind` on `visa`. A long-stay visa is a national
// visa (CISA Art 18): only the issuing state annuls, revokes or extends it. A visa is confirmed
// in a new travel document, or confirmation refused, by the issuing state only (VC Art 32a(1),
// (9)). Other uniform visas may be annulled, revoked or extended by any state (VC Art 33(1),
// Art 34(1)-(2)).
// Where a visa of each type is valid, checked when it is issued (a visa issued before this
// check keeps its territory through an extension or a confirmation). VC Art 2(3): a uniform
// visa is valid for the whole territory of the Member States; one valid for some of them is a
// visa with limited territorial validity, valid for the issuing state and exceptionally for
// others as well (Art 25(2)). An A visa is valid in the airports' transit areas (Art 2(5),
// 26), a D visa in the issuing state (CISA Art 18, 21).
Status CheckTerritoryOfType(const VisaTerms& t, const std::string& issuing_state) {
  if (t.type != VisaType::kLimitedTerritorialValidity && !t.territory.empty()) {
    return Error{"invalid-field",
                 "territory: only a visa with limited territorial validity (LTV, VC Art 25) "
                 "names states; a " +
                     std::string(VisaTypeCode(t.type)) +
                     " visa is valid where its type says (VC Art 2(3), Art 26; CISA Art 18)"};
  }
  if (t.type == VisaType::kLimitedTerritorialValidity &&
      std::find(t.territory.begin(), t.territory.end(), issuing_state) == t.territory.end()) {
    return Error{"invalid-field", "territory: an LTV visa is valid for the issuing state, " +
                                      issuing_state +
                                      ", and exceptionally for others too (VC Art 25(2))"};
  }
  return Ok();
}

Status MayDecideOn(const Principal& official, const DigitalVisa& visa, DecisionKind kind) {
  if (official.member_state == visa.issuing_state) return Ok();
  if (kind == DecisionKind::kConfirm || kind == DecisionKind::kRefuseConfirmation) {
    return Error{"forbidden", "visa " + visa.number.value() +
                                  " is confirmed in a new travel "
                                  "document by the state that issued it, " +
                                  visa.issuing_state + " (VC Art 32a(1), (9))"};
  }
  if (visa.type == VisaType::kLongStay) {
    return Error{"forbidden", "visa " + visa.number.value() +
                                  " is a national long-stay visa: only its issuing state, " +
                                  visa.issuing_state +
                                  ", decides on it (Schengen Convention Art 18)"};
  }
  return Ok();
}

}  // namespace

Result<Application> ExaminationService::LoadForOfficial(UnitOfWork& uow, const Principal& official,
                                                        const ApplicationId& id,
                                                        ApplicationStatus expected) {
  OPENVAP_RETURN_IF_ERROR(CheckOfficial(official));
  OPENVAP_ASSIGN_OR_RETURN(auto found, uow.Applications().Find(id));
  if (!found || found->notified_state != official.member_state ||
      found->status == ApplicationStatus::kDraft) {
    return Error{"not-found",
                 "no application " + id.value() + " notified to " + official.member_state};
  }
  if (found->status != expected) {
    return Error{"invalid-transition", "the application is " +
                                           std::string(ApplicationStatusName(found->status)) +
                                           ", not " + std::string(ApplicationStatusName(expected))};
  }
  return *found;
}

Result<Page<Application>> ExaminationService::Queue(const Principal& official,
                                                    ApplicationStatus status,
                                                    const PageRequest& page) {
  OPENVAP_RETURN_IF_ERROR(CheckOfficial(official));
  // The files waiting for the state: the rest is another list's (a draft lodged on someone's
  // behalf is the officer's own application, a decided one is in the register).
  if (status != ApplicationStatus::kNotified && status != ApplicationStatus::kAccepted) {
    return Error{"invalid-field", "status: notified or accepted"};
  }
  Page<Application> out;
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(out,
                             uow.Applications().ListForState(official.member_state, status, page));
    return uow.Audit().Append(Audit(official, "application.list-queue",
                                    "state:" + official.member_state,
                                    {{"status", ApplicationStatusName(status)},
                                     {"count", out.items.size()},
                                     {"applications", ApplicationIds(out.items)}}));
  }));
  return out;
}

Result<Decision> ExaminationService::NewDecision(UnitOfWork& uow, const Principal& official,
                                                 DecisionKind kind,
                                                 const ApplicationId& application,
                                                 std::optional<VisaNumber> visa,
                                                 const OfficialAct& act) {
  Decision d;
  d.id = DecisionId("dec-" + random_.HexToken(10));
  d.application = application;
  d.visa = std::move(visa);
  d.kind = kind;
  d.member_state = official.member_state;
  d.authority = official.organisation;
  d.place = official.organisation;
  if (official.account) d.decided_by = *official.account;
  d.decided_at = clock_.Now();
  d.grounds = act.grounds;
  d.remarks = act.remarks;
  d.state_language = texts_.StateLanguage(official.member_state);
  OPENVAP_ASSIGN_OR_RETURN(const auto file, uow.Registry().FindFile(application));
  d.residence_time_zone = file ? file->residence_time_zone : "UTC";
  if (!act.grounds.empty()) {
    std::set<int> seen;
    std::string english = "Reasons (standard form, Visa Code Annex VI):";
    std::string local = english;
    if (d.state_language != "en") {
      local.clear();
    }
    for (int g : act.grounds) {
      if (!seen.insert(g).second) continue;
      if (!texts_.GroundAppliesTo(g, kind)) {
        return Error{"invalid-field", "grounds: ground " + std::to_string(g) +
                                          " cannot support a decision to " +
                                          std::string(DecisionKindName(kind))};
      }
      OPENVAP_ASSIGN_OR_RETURN(const std::string en, texts_.Ground(g, "en"));
      english += "\n" + std::to_string(g) + ". " + en;
      if (d.state_language != "en") {
        OPENVAP_ASSIGN_OR_RETURN(const std::string text, texts_.Ground(g, d.state_language));
        local += (local.empty() ? "" : "\n") + std::to_string(g) + ". " + text;
      }
    }
    // The officer's remarks, as written, in both texts (the state's text lacked them).
    if (!act.remarks.empty()) {
      english += "\nRemarks: " + act.remarks;
      local += "\n\n" + act.remarks;
    }
    // Annex VI: how to appeal, as the state gives it (not for ground 17, VC Art 34(7)). The
    // time limit runs from the opening of the decision or its presumed notification (Art 32(2)).
    if (IsAppealable(d)) {
      OPENVAP_ASSIGN_OR_RETURN(const std::string appeal_en,
                               texts_.AppealInformation(official.member_state, "en"));
      OPENVAP_ASSIGN_OR_RETURN(const auto lodged, uow.Applications().Find(application));
      english += "\n\nAppeal: " + appeal_en;
      english += LodgedWithoutAccount(file, lodged)
                     ? "\nThe time limit for an appeal runs from the day this decision is "
                       "notified to you (Visa Code Art 32(2))."
                     : "\nThe time limit for an appeal runs from the day you open this decision "
                       "in your secure account, or from the eighth day after the message telling "
                       "you of it, counted in the time zone of your residence (Visa Code Art "
                       "32(2)).";
      if (d.state_language != "en") {
        OPENVAP_ASSIGN_OR_RETURN(const std::string appeal,
                                 texts_.AppealInformation(official.member_state, d.state_language));
        local += "\n\n" + appeal;
      }
    }
    d.text_english = english;
    d.text_state_language = d.state_language == "en" ? english : local;
  }
  return d;
}

Status ExaminationService::Announce(UnitOfWork& uow, Decision& decision, const std::string& subject,
                                    const std::string& summary) {
  OPENVAP_ASSIGN_OR_RETURN(const auto application, uow.Applications().Find(decision.application));
  OPENVAP_ASSIGN_OR_RETURN(const auto file, uow.Registry().FindFile(decision.application));
  std::vector<std::string> to;
  if (file) to = file->notify_emails;
  if (to.empty() && application && !application->contact_email.empty()) {
    to.push_back(application->contact_email);
  }
  // VC Art 32(2), last sentence: an application not lodged through the platform (Art 9(1b))
  // has no secure account to hold the decision. The decision itself, in the state's language
  // and in English, goes out as the standard form; no message in the account of the official
  // who lodged it, and no presumed notification, which counts from an account message.
  if (LodgedWithoutAccount(file, application)) {
    if (to.empty()) return Ok();  // handed over in person by the consulate
    std::string form = "Decision on visa application " + decision.application.value() + "\n\n";
    if (decision.text_state_language != decision.text_english) {
      form += decision.text_state_language + "\n\n";
    }
    form += decision.text_english;
    return uow.Mail().Enqueue(OutgoingMail{to, subject, form, "decision"});
  }
  decision.message_sent_at = clock_.Now();
  if (application) {
    OPENVAP_RETURN_IF_ERROR(uow.Messages().Insert(AccountMessage{
        NewAccountMessageId(clock_.Now(), random_), application->owner, decision.application,
        "decision", subject, summary, clock_.Now(), std::nullopt}));
  }
  if (!to.empty()) {
    // The e-mail only says that a decision is available: the decision itself stays in the
    // secure account (VIS 7g; data minimisation, VAP-DP).
    OPENVAP_RETURN_IF_ERROR(uow.Mail().Enqueue(OutgoingMail{
        to, subject,
        "A decision on your visa application " + decision.application.value() +
            " is available in your secure account on the EU Visa Application Platform. Sign in "
            "to read it.",
        "decision"}));
  }
  return Ok();
}

Status ExaminationService::Accept(const Principal& official, const ApplicationId& id) {
  return store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(Application a,
                             LoadForOfficial(uow, official, id, ApplicationStatus::kNotified));
    OPENVAP_RETURN_IF_ERROR(CheckTransition(a.status, ApplicationStatus::kAccepted, official.role));
    ApplicationFile file;
    file.application = a.id;
    file.owner = a.owner;
    file.member_state = official.member_state;
    file.authority = official.organisation;
    file.holder = HolderFromForm(a.form);
    file.data = a.form.Fields();
    file.prechecks = a.prechecks ? a.prechecks->details : json::object();
    file.lodged_at = a.submitted_at.value_or(clock_.Now());
    file.created_at = clock_.Now();
    file.lodged_by_official = a.lodged_by_official;
    file.residence_time_zone = a.form.FieldText("residence_time_zone");
    if (file.residence_time_zone.empty()) file.residence_time_zone = "UTC";
    OPENVAP_ASSIGN_OR_RETURN(const auto owner, uow.Accounts().Find(a.owner));
    std::set<std::string> emails;
    if (owner && !a.lodged_by_official) emails.insert(owner->email);
    if (!a.contact_email.empty()) emails.insert(a.contact_email);
    // VC Art 32(2): the decision is also notified to the person who filled in the form for the
    // applicant (Annex I field 33 names them, 33a gives their address and e-mail address).
    if (auto representative = a.form.FieldText("33").empty()
                                  ? std::nullopt
                                  : EmailAddressIn(a.form.FieldText("33a"))) {
      emails.insert(*std::move(representative));
    }
    file.notify_emails.assign(emails.begin(), emails.end());
    OPENVAP_RETURN_IF_ERROR(uow.Registry().InsertFile(file));
    // VIS Art 9(6): the biometrics taken for this application stay with the file, found again
    // by the travel document at the next application (VIS 7d(4)).
    if (a.lodging.biometrics_collected_on) {
      const std::string& number = a.lodging.biometrics_travel_document.empty()
                                      ? a.form.FieldText("13")
                                      : a.lodging.biometrics_travel_document;
      if (!number.empty()) {
        OPENVAP_RETURN_IF_ERROR(uow.Registry().RecordBiometrics(BiometricsOnRecord{
            TravelDocumentIssuer(a.form), number, *a.lodging.biometrics_collected_on, a.id,
            file.holder.surname, file.holder.date_of_birth, file.holder.nationality}));
      }
    }
    a.status = ApplicationStatus::kAccepted;
    a.updated_at = clock_.Now();
    OPENVAP_RETURN_IF_ERROR(uow.Applications().Update(a));
    // VIS 7d(10): to the national system, then deleted from temporary storage.
    OPENVAP_RETURN_IF_ERROR(
        uow.Jobs().Schedule(Job{"national-transfer",
                                "national-transfer:" + a.id.value(),
                                {{"application", a.id.value()}, {"state", official.member_state}},
                                clock_.Now()}));
    // An application an official lodged for a person without an account (VAP-HUM) is owned by
    // that official's account: the notice is not for them.
    if (!a.lodged_by_official) {
      OPENVAP_RETURN_IF_ERROR(uow.Messages().Insert(AccountMessage{
          NewAccountMessageId(clock_.Now(), random_), a.owner, a.id, "accepted",
          "Your application is being examined",
          "The authorities of " + StateLabel(texts_, official.member_state) +
              " confirmed that they are competent and that your application is admissible. "
              "They are now examining it.",
          clock_.Now(), std::nullopt}));
    }
    return uow.Audit().Append(Audit(official, "application.accept", "application:" + id.value()));
  });
}

Status ExaminationService::DeclineCompetence(const Principal& official, const ApplicationId& id,
                                             const std::string& competent_state,
                                             const std::string& remarks) {
  // The state named must be one that examines visa applications, and not the official's own.
  if (!competent_state.empty() &&
      (competent_state == official.member_state ||
       !texts_.VisaCanBeValidIn(competent_state, UtcDateOf(clock_.Now())))) {
    return Error{"invalid-field", "competent_state: " + competent_state +
                                      " is not another state of the Schengen area (alpha-2, "
                                      "e.g. DE)"};
  }
  return store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(Application a,
                             LoadForOfficial(uow, official, id, ApplicationStatus::kNotified));
    OPENVAP_RETURN_IF_ERROR(
        CheckTransition(a.status, ApplicationStatus::kNotCompetent, official.role));
    a.status = ApplicationStatus::kNotCompetent;
    a.updated_at = clock_.Now();
    OPENVAP_RETURN_IF_ERROR(uow.Applications().Update(a));
    OPENVAP_ASSIGN_OR_RETURN(Decision d, NewDecision(uow, official, DecisionKind::kNotCompetent, id,
                                                     std::nullopt, {{}, remarks}));
    d.text_english = StateLabel(texts_, official.member_state) +
                     " is not competent to examine this application" +
                     (competent_state.empty() ? "."
                                              : "; it should be lodged with " +
                                                    StateLabel(texts_, competent_state) + ".") +
                     (remarks.empty() ? "" : " " + remarks);
    d.text_state_language = d.text_english;
    OPENVAP_RETURN_IF_ERROR(
        Announce(uow, d, "Your application was sent to the wrong state", d.text_english));
    OPENVAP_RETURN_IF_ERROR(RecordDecision(uow, d));
    // VIS Art 7d(11) with VC Art 18(4): the file is not re-submitted to the competent state, so
    // the fee is reimbursed.
    OPENVAP_RETURN_IF_ERROR(uow.Jobs().Schedule(Job{
        "refund-fee", "refund-fee:" + id.value(), {{"application", id.value()}}, clock_.Now()}));
    return uow.Audit().Append(Audit(official, "application.decline-competence",
                                    "application:" + id.value(),
                                    {{"competent_state", competent_state}}));
  });
}

Status ExaminationService::DeclareInadmissible(const Principal& official, const ApplicationId& id,
                                               const std::string& remarks) {
  if (remarks.empty()) {
    return Error{"invalid-field", "remarks: tell the applicant what is missing (VC Art 19(3))"};
  }
  return store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(Application a,
                             LoadForOfficial(uow, official, id, ApplicationStatus::kNotified));
    OPENVAP_RETURN_IF_ERROR(
        CheckTransition(a.status, ApplicationStatus::kInadmissible, official.role));
    a.status = ApplicationStatus::kInadmissible;
    a.updated_at = clock_.Now();
    OPENVAP_RETURN_IF_ERROR(uow.Applications().Update(a));
    OPENVAP_ASSIGN_OR_RETURN(Decision d, NewDecision(uow, official, DecisionKind::kInadmissible, id,
                                                     std::nullopt, {{}, remarks}));
    d.text_english = "The application is inadmissible (Visa Code Art 19(3)): " + remarks;
    d.text_state_language = d.text_english;
    OPENVAP_RETURN_IF_ERROR(Announce(uow, d, "Your application is inadmissible", d.text_english));
    OPENVAP_RETURN_IF_ERROR(RecordDecision(uow, d));
    // VC Art 19(3): the fee is reimbursed.
    OPENVAP_RETURN_IF_ERROR(uow.Jobs().Schedule(Job{
        "refund-fee", "refund-fee:" + id.value(), {{"application", id.value()}}, clock_.Now()}));
    return uow.Audit().Append(
        Audit(official, "application.inadmissible", "application:" + id.value()));
  });
}

Status ExaminationService::ValidateHolder(const VisaHolder& h) const {
  for (const auto& [name, text] :
       {std::pair<const char*, const std::string*>{"surname", &h.surname},
        {"given_names", &h.given_names},
        {"travel_document_number", &h.travel_document_number},
        {"travel_document_type", &h.travel_document_type}}) {
    if (!IsPlainText(*text))
      return Error{"invalid-field", std::string("holder.") + name + ": plain text"};
  }
  if (h.surname.empty()) return Error{"invalid-field", "holder.surname: is required"};
  if (!h.sex.empty() && h.sex != "F" && h.sex != "M" && h.sex != "X") {
    return Error{"invalid-field", "holder.sex: F, M or X (ICAO 9303)"};
  }
  if (!h.nationality.empty() && !IsUpperCaseCode(h.nationality, 3)) {
    return Error{"invalid-field", "holder.nationality: an ICAO alpha-3 code such as IND"};
  }
  if (!h.travel_document_issuing_country.empty() &&
      !IsUpperCaseCode(h.travel_document_issuing_country, 3)) {
    return Error{"invalid-field",
                 "holder.travel_document_issuing_country: an ICAO alpha-3 code such as IND"};
  }
  if (h.date_of_birth && DaysBetween(*h.date_of_birth, UtcDateOf(clock_.Now())) < 0) {
    return Error{"invalid-field", "holder.date_of_birth: is in the future"};
  }
  return Ok();
}

namespace {

// VC Art 12(a): the last day a visa of `type` may be valid in a travel document that expires on
// `expires`: it must outlast a short-stay visa by three months.
Date LatestVisaEnd(VisaType type, Date expires) {
  return type == VisaType::kUniform || type == VisaType::kLimitedTerritorialValidity
             ? AddMonths(expires, -3)
             : expires;
}

}  // namespace

Status ExaminationService::ValidateTerms(const VisaTerms& t, const VisaHolder& holder) const {
  if (DaysBetween(t.valid_from, t.valid_until) < 0) {
    return Error{"invalid-field", "valid_until: must not be before valid_from"};
  }
  if (!IsPlainText(t.remarks)) return Error{"invalid-field", "remarks: plain text"};
  const Date today = UtcDateOf(clock_.Now());
  if (DaysBetween(today, t.valid_until) < 0) {
    return Error{"invalid-field", "valid_until: " + FormatIsoDate(t.valid_until) +
                                      " has passed; the visa would never be valid"};
  }
  if (t.entries < 0 || t.entries > 2) {
    return Error{"invalid-field", "entries: 1, 2 or 0 for multiple entries"};
  }
  if (t.type == VisaType::kUniform || t.type == VisaType::kLimitedTerritorialValidity) {
    if (t.duration_of_stay_days < 1 || t.duration_of_stay_days > 90) {
      return Error{"invalid-field", "duration_of_stay_days: 1 to 90 for a short-stay visa"};
    }
    // VC Art 24(1): validity of at most five years for short stays.
    if (DaysBetween(t.valid_from, t.valid_until) > 5 * 366) {
      return Error{"invalid-field", "valid_until: at most five years of validity (VC Art 24)"};
    }
  }
  if (t.type == VisaType::kLongStay &&
      (t.duration_of_stay_days < 91 || DaysBetween(t.valid_from, t.valid_until) > 366)) {
    return Error{"invalid-field",
                 "a long-stay D visa is for more than 90 days and valid for at most one year "
                 "(CISA Art 18(2))"};
  }
  // The stay is taken within the validity (VC Art 24(1), CISA Art 18(2)): it cannot be longer.
  const auto validity_days = DaysBetween(t.valid_from, t.valid_until) + 1;
  if (t.type != VisaType::kAirportTransit && t.duration_of_stay_days > validity_days) {
    return Error{"invalid-field",
                 "duration_of_stay_days: " + std::to_string(t.duration_of_stay_days) +
                     " days do not fit in a validity of " + std::to_string(validity_days) +
                     " days"};
  }
  // VC Art 2(5), Art 3, Art 26: an airport transit visa allows passage through the airports'
  // international transit areas, never a stay (nor an extension to one, Art 33).
  if (t.type == VisaType::kAirportTransit && t.duration_of_stay_days != 0) {
    return Error{"invalid-field",
                 "duration_of_stay_days: an airport transit visa (A) allows no stay, only passage "
                 "through international transit areas (VC Art 2(5), Art 3): give 0"};
  }
  if (t.type == VisaType::kLimitedTerritorialValidity && t.territory.empty()) {
    return Error{"invalid-field", "territory: name the states where the LTV visa is valid"};
  }
  for (std::size_t i = 0; i < t.territory.size(); ++i) {
    const std::string& s = t.territory[i];
    if (s.size() != 2) return Error{"invalid-field", "territory: use ISO alpha-2 codes"};
    if (!texts_.VisaCanBeValidIn(s, t.valid_from)) {
      return Error{"invalid-field",
                   "territory: " + s + " is not a state where a Schengen visa can be valid"};
    }
    if (std::find(t.territory.begin(), t.territory.begin() + static_cast<std::ptrdiff_t>(i), s) !=
        t.territory.begin() + static_cast<std::ptrdiff_t>(i)) {
      return Error{"invalid-field", "territory: " + s + " is named twice"};
    }
  }
  if (holder.travel_document_expires_on) {
    const Date limit = LatestVisaEnd(t.type, *holder.travel_document_expires_on);
    if (DaysBetween(t.valid_until, limit) < 0) {
      return Error{"invalid-field", "valid_until: the visa may not end after " +
                                        FormatIsoDate(limit) +
                                        " (travel document validity, VC Art 12)"};
    }
  }
  return Ok();
}

Result<DigitalVisa> ExaminationService::NewVisa(UnitOfWork& uow, const Principal& official,
                                                const ApplicationId& application,
                                                const VisaHolder& holder, const VisaTerms& terms,
                                                bool family_member) {
  OPENVAP_RETURN_IF_ERROR(ValidateTerms(terms, holder));
  OPENVAP_RETURN_IF_ERROR(CheckTerritoryOfType(terms, official.member_state));
  DigitalVisa v;
  for (int attempt = 0;; ++attempt) {
    v.number = NewVisaNumber(texts_.StateAlpha3(official.member_state), random_);
    OPENVAP_ASSIGN_OR_RETURN(const auto taken, uow.Registry().FindVisa(v.number));
    if (!taken) break;
    if (attempt == 8) return Error{"conflict", "could not allocate a free visa number"};
  }
  v.application = application;
  v.type = terms.type;
  v.issuing_state = official.member_state;
  v.issuing_authority = official.organisation;
  v.place_of_issue = official.organisation;
  v.issued_on = UtcDateOf(clock_.Now());
  v.territory = terms.territory;
  v.valid_from = terms.valid_from;
  v.valid_until = terms.valid_until;
  v.entries = terms.entries;
  v.duration_of_stay_days = terms.duration_of_stay_days;
  v.holder = holder;
  v.remarks = terms.remarks;
  v.family_member_of_eu_citizen = family_member;
  OPENVAP_ASSIGN_OR_RETURN(v.seal, sealer_.Seal(v, v.issued_on));
  OPENVAP_RETURN_IF_ERROR(uow.Registry().InsertVisa(v));
  return v;
}

namespace {

// The decision to issue, as the holder reads it: what the visa allows (VC Art 24, 25; CISA
// Art 18), the terms of the sticker it replaces.
std::string IssuedVisaText(const DigitalVisa& v) {
  std::string kind;
  switch (v.type) {
    case VisaType::kAirportTransit:
      kind = "an airport transit visa (type A)";
      break;
    case VisaType::kUniform:
      kind = "a uniform visa (type C)";
      break;
    case VisaType::kLimitedTerritorialValidity:
      kind = "a visa with limited territorial validity (LTV)";
      break;
    case VisaType::kLongStay:
      kind = "a national long-stay visa (type D)";
      break;
  }
  const std::string entries =
      v.entries == 0 ? "multiple entries"
                     : std::to_string(v.entries) + " entr" + (v.entries == 1 ? "y" : "ies");
  return "Visa " + v.number.value() + " was issued: " + kind + ", valid in " + ValidityArea(v) +
         " from " + FormatIsoDate(v.valid_from) + " until " + FormatIsoDate(v.valid_until) + ", " +
         entries + ", " + std::to_string(v.duration_of_stay_days) + " days of stay.";
}

}  // namespace

Result<DigitalVisa> ExaminationService::Issue(const Principal& official, const ApplicationId& id,
                                              const VisaTerms& terms) {
  DigitalVisa issued;
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(Application a,
                             LoadForOfficial(uow, official, id, ApplicationStatus::kAccepted));
    OPENVAP_RETURN_IF_ERROR(CheckTransition(a.status, ApplicationStatus::kIssued, official.role));
    OPENVAP_ASSIGN_OR_RETURN(const auto file, uow.Registry().FindFile(id));
    if (!file) return Error{"not-found", "no application file in the register"};
    // The visa the application asked for: an extension or a confirmation extends or confirms
    // the visa it is about (VC Art 32a, 33), it gets no new one (a confirmation's EUR 20 then
    // bought a new visa without the examination).
    if (a.kind == ApplicationKind::kVisaExtension || a.kind == ApplicationKind::kVisaConfirmation) {
      return Error{"invalid-transition",
                   std::string("a ") + std::string(ApplicationKindName(a.kind)) +
                       " application is decided by " +
                       (a.kind == ApplicationKind::kVisaExtension
                            ? "extending the visa (POST /consulate/visas/{number}/extend) or "
                              "refusing"
                            : "confirming the visa (POST /consulate/visas/{number}/confirm) or "
                              "refusing confirmation") +
                       ", not with a new visa"};
    }
    if (a.kind == ApplicationKind::kLongStayVisa && terms.type != VisaType::kLongStay) {
      return Error{"invalid-field", "type: a long-stay application is decided with a D visa"};
    }
    if (a.kind == ApplicationKind::kShortStayVisa && terms.type == VisaType::kLongStay) {
      return Error{"invalid-field",
                   "type: a short-stay application is decided with an A, C or LTV visa (VC Art "
                   "1); a D visa needs a long-stay application"};
    }
    // A visa is valid from its decision on, not before (it would cover stays made without one).
    // The decision's day is the consulate's: west of Greenwich it is still yesterday in UTC terms
    // for up to twelve hours.
    if (terms.valid_from < UtcDateOf(clock_.Now() - std::chrono::hours(12))) {
      return Error{"invalid-field", "valid_from: " + FormatIsoDate(terms.valid_from) +
                                        " is before today, the decision's date"};
    }
    const bool family = file->data.value("family_member_of_eu_citizen", false);
    OPENVAP_ASSIGN_OR_RETURN(issued, NewVisa(uow, official, id, file->holder, terms, family));
    a.status = ApplicationStatus::kIssued;
    a.updated_at = clock_.Now();
    OPENVAP_RETURN_IF_ERROR(uow.Applications().Update(a));
    OPENVAP_ASSIGN_OR_RETURN(
        Decision d, NewDecision(uow, official, DecisionKind::kIssue, id, issued.number, {}));
    d.text_english = IssuedVisaText(issued);
    d.text_state_language = d.text_english;
    OPENVAP_RETURN_IF_ERROR(Announce(uow, d, "Your visa was issued", d.text_english));
    OPENVAP_RETURN_IF_ERROR(RecordDecision(uow, d));
    return uow.Audit().Append(Audit(official, "visa.issue", "visa:" + issued.number.value(),
                                    {{"application", id.value()}}));
  }));
  return issued;
}

Result<Decision> ExaminationService::Refuse(const Principal& official, const ApplicationId& id,
                                            const OfficialAct& act) {
  if (act.grounds.empty()) {
    return Error{"invalid-field", "grounds: a refusal states its reasons (VC Art 32(2))"};
  }
  Decision out;
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(Application a,
                             LoadForOfficial(uow, official, id, ApplicationStatus::kAccepted));
    OPENVAP_RETURN_IF_ERROR(CheckTransition(a.status, ApplicationStatus::kRefused, official.role));
    OPENVAP_ASSIGN_OR_RETURN(
        out, NewDecision(uow, official, DecisionKind::kRefuse, id, std::nullopt, act));
    a.status = ApplicationStatus::kRefused;
    a.updated_at = clock_.Now();
    OPENVAP_RETURN_IF_ERROR(uow.Applications().Update(a));
    OPENVAP_RETURN_IF_ERROR(Announce(uow, out, "A decision on your visa application",
                                     "Your visa application was refused. The decision, its "
                                     "reasons and how to appeal are available here."));
    OPENVAP_RETURN_IF_ERROR(RecordDecision(uow, out));
    return uow.Audit().Append(Audit(official, "application.refuse", "application:" + id.value(),
                                    {{"grounds", act.grounds}}));
  }));
  return out;
}

Result<Decision> ExaminationService::WithdrawVisa(const Principal& official,
                                                  const VisaNumber& number, const OfficialAct& act,
                                                  DecisionKind kind,
                                                  const std::optional<ApplicationId>& request) {
  OPENVAP_RETURN_IF_ERROR(CheckOfficial(official));
  if (act.grounds.empty()) {
    return Error{"invalid-field", "grounds: state the reasons (VC Art 34(6), Annex VI)"};
  }
  Decision out;
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(auto visa, uow.Registry().FindVisa(number));
    if (!visa) return Error{"not-found", "no visa " + number.value()};
    OPENVAP_RETURN_IF_ERROR(MayDecideOn(official, *visa, kind));
    if (visa->status != VisaStatus::kIssued) {
      return Error{"invalid-transition",
                   "the visa is already " + std::string(VisaStatusName(visa->status))};
    }
    OPENVAP_ASSIGN_OR_RETURN(
        auto asked, LoadRequest(uow, official, request, ApplicationKind::kVisaConfirmation, *visa));
    OPENVAP_RETURN_IF_ERROR(CloseRequest(uow, official, asked, ApplicationStatus::kRefused));
    OPENVAP_ASSIGN_OR_RETURN(
        out,
        NewDecision(uow, official, kind, asked ? asked->id : visa->application, visa->number, act));
    visa->status = kind == DecisionKind::kAnnul ? VisaStatus::kAnnulled : VisaStatus::kRevoked;
    visa->withdrawn_at = clock_.Now();
    OPENVAP_RETURN_IF_ERROR(uow.Registry().UpdateVisa(*visa));
    const bool annul = kind == DecisionKind::kAnnul;
    OPENVAP_RETURN_IF_ERROR(Announce(
        uow, out, annul ? "Your visa was annulled" : "Your visa was revoked",
        std::string("Your visa ") + number.value() + (annul ? " was annulled" : " was revoked") +
            (IsAppealable(out) ? ". The decision, its reasons and how to appeal are available here."
                               : " at your request. The decision is available here.")));
    OPENVAP_RETURN_IF_ERROR(RecordDecision(uow, out));
    // VIS Art 13(3): the data go to the Entry/Exit System.
    OPENVAP_RETURN_IF_ERROR(
        uow.Jobs().Schedule(Job{"ees-export",
                                "ees-export:" + out.id.value(),
                                {{"visa", number.value()}, {"decision", out.id.value()}},
                                clock_.Now()}));
    return uow.Audit().Append(Audit(official, annul ? "visa.annul" : "visa.revoke",
                                    "visa:" + number.value(), {{"grounds", act.grounds}}));
  }));
  return out;
}

Result<Decision> ExaminationService::Annul(const Principal& official, const VisaNumber& visa,
                                           const OfficialAct& act) {
  return WithdrawVisa(official, visa, act, DecisionKind::kAnnul, std::nullopt);
}

Result<Decision> ExaminationService::Revoke(const Principal& official, const VisaNumber& visa,
                                            const OfficialAct& act) {
  return WithdrawVisa(official, visa, act, DecisionKind::kRevoke, std::nullopt);
}

Result<std::optional<Application>> ExaminationService::LoadRequest(
    UnitOfWork& uow, const Principal& official, const std::optional<ApplicationId>& request,
    ApplicationKind kind, const DigitalVisa& visa) {
  if (!request) return std::optional<Application>();
  OPENVAP_ASSIGN_OR_RETURN(Application a,
                           LoadForOfficial(uow, official, *request, ApplicationStatus::kAccepted));
  if (a.kind != kind) {
    return Error{"invalid-field", "application: " + request->value() + " is not a " +
                                      std::string(ApplicationKindName(kind)) + " application"};
  }
  OPENVAP_ASSIGN_OR_RETURN(const auto file, uow.Registry().FindFile(*request));
  const bool same_holder = file && EqualIgnoringCase(file->holder.surname, visa.holder.surname) &&
                           file->holder.date_of_birth == visa.holder.date_of_birth &&
                           EqualIgnoringCase(file->holder.nationality, visa.holder.nationality);
  if (!same_holder) {
    return Error{"invalid-field",
                 "application: " + request->value() + " was not lodged by the holder of visa " +
                     visa.number.value() + " (surname, date of birth, nationality)"};
  }
  // The visa the applicant named in the form, if they did, is this one.
  if (const auto named = file->data.find("visa_number");
      named != file->data.end() && named->is_string() && *named != visa.number.value()) {
    return Error{"invalid-field", "application: " + request->value() + " is about visa " +
                                      named->get<std::string>() + ", not " + visa.number.value()};
  }
  return std::optional<Application>(std::move(a));
}

Status ExaminationService::CloseRequest(UnitOfWork& uow, const Principal& official,
                                        std::optional<Application>& request,
                                        ApplicationStatus outcome) {
  if (!request) return Ok();
  OPENVAP_RETURN_IF_ERROR(CheckTransition(request->status, outcome, official.role));
  request->status = outcome;
  request->updated_at = clock_.Now();
  return uow.Applications().Update(*request);
}

Result<Decision> ExaminationService::Extend(const Principal& official, const VisaNumber& number,
                                            Date new_valid_until, int new_duration_days,
                                            const OfficialAct& act,
                                            const std::optional<ApplicationId>& request) {
  OPENVAP_RETURN_IF_ERROR(CheckOfficial(official));
  if (act.remarks.empty()) {
    return Error{"invalid-field",
                 "remarks: the reason for the extension (force majeure, "
                 "humanitarian, serious occupational or personal reasons, "
                 "VC Art 33)"};
  }
  Decision out;
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(auto visa, uow.Registry().FindVisa(number));
    if (!visa) return Error{"not-found", "no visa " + number.value()};
    OPENVAP_RETURN_IF_ERROR(MayDecideOn(official, *visa, DecisionKind::kExtend));
    if (ValidityOn(*visa, UtcDateOf(clock_.Now())) != VisaValidity::kValid) {
      return Error{"invalid-transition", "only a visa that is valid today can be extended"};
    }
    if (DaysBetween(visa->valid_until, new_valid_until) < 0 ||
        new_duration_days < visa->duration_of_stay_days ||
        (DaysBetween(visa->valid_until, new_valid_until) == 0 &&
         new_duration_days == visa->duration_of_stay_days)) {
      return Error{"invalid-field",
                   "valid_until/duration_of_stay_days: an extension lengthens the validity or "
                   "the duration of stay"};
    }
    VisaTerms terms{visa->type,    visa->territory,   visa->valid_from, new_valid_until,
                    visa->entries, new_duration_days, visa->remarks};
    OPENVAP_RETURN_IF_ERROR(ValidateTerms(terms, visa->holder));
    OPENVAP_ASSIGN_OR_RETURN(
        auto asked, LoadRequest(uow, official, request, ApplicationKind::kVisaExtension, *visa));
    visa->valid_until = new_valid_until;
    visa->duration_of_stay_days = new_duration_days;
    OPENVAP_ASSIGN_OR_RETURN(visa->seal, sealer_.Seal(*visa, UtcDateOf(clock_.Now())));
    OPENVAP_RETURN_IF_ERROR(uow.Registry().UpdateVisa(*visa));
    OPENVAP_RETURN_IF_ERROR(CloseRequest(uow, official, asked, ApplicationStatus::kIssued));
    OPENVAP_ASSIGN_OR_RETURN(out,
                             NewDecision(uow, official, DecisionKind::kExtend,
                                         asked ? asked->id : visa->application, visa->number, act));
    out.text_english = "Visa " + number.value() + " was extended until " +
                       FormatIsoDate(new_valid_until) + " for a stay of " +
                       std::to_string(new_duration_days) + " days. Reason: " + act.remarks;
    out.text_state_language = out.text_english;
    OPENVAP_RETURN_IF_ERROR(Announce(uow, out, "Your visa was extended", out.text_english));
    OPENVAP_RETURN_IF_ERROR(RecordDecision(uow, out));
    OPENVAP_RETURN_IF_ERROR(
        uow.Jobs().Schedule(Job{"ees-export",
                                "ees-export:" + out.id.value(),
                                {{"visa", number.value()}, {"decision", out.id.value()}},
                                clock_.Now()}));
    return uow.Audit().Append(Audit(official, "visa.extend", "visa:" + number.value()));
  }));
  return out;
}

Result<Decision> ExaminationService::ConfirmInNewTravelDocument(
    const Principal& official, const VisaNumber& number, const VisaHolder& doc,
    const std::optional<ApplicationId>& request) {
  OPENVAP_RETURN_IF_ERROR(CheckOfficial(official));
  Decision out;
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(auto visa, uow.Registry().FindVisa(number));
    if (!visa) return Error{"not-found", "no visa " + number.value()};
    OPENVAP_RETURN_IF_ERROR(MayDecideOn(official, *visa, DecisionKind::kConfirm));
    if (ValidityOn(*visa, UtcDateOf(clock_.Now())) != VisaValidity::kValid) {
      return Error{"invalid-transition", "only a valid visa can be confirmed (VC Art 32a(1))"};
    }
    // VC Art 32a(1): a new travel document of the same type, issued by the same country.
    if (doc.travel_document_type != visa->holder.travel_document_type ||
        doc.travel_document_issuing_country != visa->holder.travel_document_issuing_country) {
      const auto shown = [](const std::string& type, const std::string& country) {
        return "'" + type + "' issued by '" + country + "'";
      };
      return Error{"invalid-field",
                   "travel_document: the new document must be of the same type and issued by "
                   "the same country as the one the visa was issued for (VC Art 32a(1)): it is " +
                       shown(doc.travel_document_type, doc.travel_document_issuing_country) +
                       ", the visa's is " +
                       shown(visa->holder.travel_document_type,
                             visa->holder.travel_document_issuing_country) +
                       " (travel_document_type, travel_document_issuing_country)"};
    }
    // The person stays the visa's holder: a new document of someone born another day, of
    // another sex or nationality is a doubt about identity, which refuses confirmation and
    // revokes the visa (VC Art 32a(9)), not something to leave out silently. Names may change
    // (by marriage, say) and are not compared; the visa keeps the name it was issued in. A
    // value the record lacks is not compared either.
    for (const auto& [field, given, held] :
         {std::tuple{"sex", doc.sex, visa->holder.sex},
          std::tuple{"nationality", doc.nationality, visa->holder.nationality},
          std::tuple{"date_of_birth",
                     doc.date_of_birth ? FormatIsoDate(*doc.date_of_birth) : std::string(),
                     visa->holder.date_of_birth ? FormatIsoDate(*visa->holder.date_of_birth)
                                                : std::string()}}) {
      if (!given.empty() && !held.empty() && !EqualIgnoringCase(given, held)) {
        return Error{"invalid-field",
                     std::string("travel_document.") + field +
                         ": differs from the visa holder's; the new document must be the "
                         "holder's (VC Art 32a(1)); where identity is in doubt, refuse "
                         "confirmation instead (Art 32a(9))"};
      }
    }
    if (doc.travel_document_number.empty() ||
        TravelDocumentNumberKey(doc.travel_document_number) ==
            TravelDocumentNumberKey(visa->holder.travel_document_number)) {
      return Error{"invalid-field",
                   "travel_document.travel_document_number: give the new document's number"};
    }
    // The number goes into the seal and the PDF (ICAO 9303: at most 9 characters in the MRZ,
    // with an extension for longer ones).
    if (doc.travel_document_number.size() > 50 || !IsPlainText(doc.travel_document_number)) {
      return Error{"invalid-field",
                   "travel_document.travel_document_number: the number printed in the new "
                   "document, as text"};
    }
    if (doc.travel_document_expires_on &&
        DaysBetween(UtcDateOf(clock_.Now()), *doc.travel_document_expires_on) < 0) {
      return Error{"invalid-field",
                   "travel_document.travel_document_expires_on: the new document expired on " +
                       FormatIsoDate(*doc.travel_document_expires_on) +
                       "; a visa is confirmed in a valid one (VC Art 32a(1))"};
    }
    VisaHolder holder = visa->holder;
    holder.travel_document_number = doc.travel_document_number;
    holder.travel_document_expires_on = doc.travel_document_expires_on;
    VisaTerms terms{visa->type,        visa->territory, visa->valid_from,
                    visa->valid_until, visa->entries,   visa->duration_of_stay_days,
                    visa->remarks};
    // VC Art 32a(5) with Art 12: the visa is the same, so what is wrong is the new document.
    if (doc.travel_document_expires_on &&
        DaysBetween(visa->valid_until, LatestVisaEnd(visa->type, *doc.travel_document_expires_on)) <
            0) {
      return Error{"invalid-field",
                   "travel_document.travel_document_expires_on: the new document "
                   "expires on " +
                       FormatIsoDate(*doc.travel_document_expires_on) +
                       ", too soon for the visa, valid until " + FormatIsoDate(visa->valid_until) +
                       " (VC Art 12, 32a(5))"};
    }
    OPENVAP_RETURN_IF_ERROR(ValidateTerms(terms, holder));
    OPENVAP_ASSIGN_OR_RETURN(
        auto asked, LoadRequest(uow, official, request, ApplicationKind::kVisaConfirmation, *visa));
    visa->holder = holder;
    OPENVAP_ASSIGN_OR_RETURN(visa->seal, sealer_.Seal(*visa, UtcDateOf(clock_.Now())));
    OPENVAP_RETURN_IF_ERROR(uow.Registry().UpdateVisa(*visa));
    OPENVAP_RETURN_IF_ERROR(CloseRequest(uow, official, asked, ApplicationStatus::kIssued));
    OPENVAP_ASSIGN_OR_RETURN(out,
                             NewDecision(uow, official, DecisionKind::kConfirm,
                                         asked ? asked->id : visa->application, visa->number, {}));
    out.confirmation_number = "CNF-" + random_.HexToken(6);
    out.text_english = "Visa " + number.value() + " is confirmed in travel document " +
                       doc.travel_document_number + ". Confirmation number " +
                       out.confirmation_number + ".";
    out.text_state_language = out.text_english;
    OPENVAP_RETURN_IF_ERROR(Announce(
        uow, out, "Your visa was confirmed in your new travel document", out.text_english));
    OPENVAP_RETURN_IF_ERROR(RecordDecision(uow, out));
    // VIS Art 12a(2): exported to the EES on confirmation (DV-EES).
    OPENVAP_RETURN_IF_ERROR(
        uow.Jobs().Schedule(Job{"ees-export",
                                "ees-export:" + out.id.value(),
                                {{"visa", number.value()}, {"decision", out.id.value()}},
                                clock_.Now()}));
    return uow.Audit().Append(Audit(official, "visa.confirm", "visa:" + number.value(),
                                    {{"confirmation", out.confirmation_number}}));
  }));
  return out;
}

Result<Decision> ExaminationService::RefuseConfirmation(
    const Principal& official, const VisaNumber& visa, const OfficialAct& act,
    const std::optional<ApplicationId>& request) {
  return WithdrawVisa(official, visa, act, DecisionKind::kRefuseConfirmation, request);
}

Result<DigitalVisa> ExaminationService::ReplaceSticker(const Principal& official,
                                                       const std::string& sticker_number,
                                                       const VisaHolder& holder,
                                                       const VisaTerms& corrected) {
  OPENVAP_RETURN_IF_ERROR(CheckOfficial(official));
  // The state's own sticker: its ICAO code and the nine digits printed on it (Reg (EC) No
  // 1683/95 Annex, items 5-6).
  const std::string prefix = texts_.StateAlpha3(official.member_state);
  if (sticker_number.size() != prefix.size() + 9 || sticker_number.rfind(prefix, 0) != 0 ||
      !std::all_of(sticker_number.begin() + static_cast<std::ptrdiff_t>(prefix.size()),
                   sticker_number.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return Error{"invalid-field", "sticker_number: " + prefix +
                                      " and the nine digits printed on the sticker, e.g. " +
                                      prefix + "012345678"};
  }
  OPENVAP_RETURN_IF_ERROR(ValidateHolder(holder));
  DigitalVisa visa;
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    const ApplicationId legacy("legacy-sticker-" + sticker_number);
    OPENVAP_ASSIGN_OR_RETURN(visa, NewVisa(uow, official, legacy, holder, corrected, false));
    visa.replaces_sticker = sticker_number;
    OPENVAP_RETURN_IF_ERROR(uow.Registry().UpdateVisa(visa));
    OPENVAP_RETURN_IF_ERROR(
        uow.Registry().InsertInvalidatedSticker(sticker_number, visa.number, clock_.Now()));
    OPENVAP_RETURN_IF_ERROR(ReviewRegisterRetention(uow, legacy));
    return uow.Audit().Append(Audit(official, "visa.replace-sticker", "visa:" + visa.number.value(),
                                    {{"sticker", sticker_number}}));
  }));
  return visa;
}

Result<std::vector<Decision>> ExaminationService::DecisionsFor(const Principal& who,
                                                               const ApplicationId& id) {
  std::vector<Decision> out;
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(const auto a, uow.Applications().Find(id));
    const bool owner = a && who.account && *who.account == a->owner;
    const bool official = a && CheckOfficial(who).ok() && who.member_state == a->notified_state;
    if (!owner && !official) return Error{"not-found", "no application " + id.value()};
    OPENVAP_ASSIGN_OR_RETURN(out, uow.Registry().DecisionsOfApplication(id));
    // Only the applicant's own reading starts the appeal period; an application lodged on the
    // person's behalf is "owned" by the official who lodged it (VC Art 9(1b)).
    if (owner && !a->lodged_by_official) {
      for (Decision& d : out) {
        if (!d.accessed_at && !d.presumed_notified_on) {
          d.accessed_at = clock_.Now();  // VC Art 32(2): the appeal period starts now
          OPENVAP_RETURN_IF_ERROR(uow.Registry().UpdateDecision(d));
          OPENVAP_RETURN_IF_ERROR(
              uow.Audit().Append(Audit(who, "decision.accessed", "decision:" + d.id.value())));
        }
      }
    } else {
      OPENVAP_RETURN_IF_ERROR(
          uow.Audit().Append(Audit(who, "decision.read", "application:" + id.value())));
    }
    return Ok();
  }));
  return out;
}

Result<Decision> ExaminationService::RecordHandedOver(const Principal& official,
                                                      const ApplicationId& id,
                                                      const DecisionId& decision) {
  OPENVAP_RETURN_IF_ERROR(CheckOfficial(official));
  Decision out;
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(auto d, uow.Registry().FindDecision(decision));
    if (!d || d->application != id || d->member_state != official.member_state) {
      return Error{"not-found", "no decision " + decision.value() + " of " + official.member_state +
                                    " on application " + id.value()};
    }
    OPENVAP_ASSIGN_OR_RETURN(const auto file, uow.Registry().FindFile(id));
    OPENVAP_ASSIGN_OR_RETURN(const auto application, uow.Applications().Find(id));
    if (!LodgedWithoutAccount(file, application)) {
      return Error{"invalid-transition",
                   "the applicant reads this decision in the secure account, and opening it "
                   "there notifies it (Visa Code Art 32(2))"};
    }
    if (d->accessed_at) {
      return Error{"invalid-transition",
                   "this decision was handed over at " + FormatIsoTimestamp(*d->accessed_at)};
    }
    d->accessed_at = clock_.Now();
    OPENVAP_RETURN_IF_ERROR(uow.Registry().UpdateDecision(*d));
    out = *d;
    return uow.Audit().Append(Audit(official, "decision.handed-over",
                                    "decision:" + decision.value(), {{"application", id.value()}}));
  }));
  return out;
}

Result<DigitalVisa> ExaminationService::GetVisa(const Principal& who, const VisaNumber& number) {
  std::optional<DigitalVisa> visa;
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(visa, uow.Registry().FindVisa(number));
    if (!visa) return Ok();
    OPENVAP_ASSIGN_OR_RETURN(const auto a, uow.Applications().Find(visa->application));
    const bool owner = a && who.account && *who.account == a->owner;
    const bool official = CheckOfficial(who).ok() || who.role == Role::kBorderGuard;
    if (!owner && !official) {
      visa.reset();
      return Ok();
    }
    if (!owner) {
      // DV-CHECK: checks by visa number are logged with who made them.
      OPENVAP_RETURN_IF_ERROR(
          uow.Audit().Append(Audit(who, "visa.read", "visa:" + number.value())));
    }
    return Ok();
  }));
  if (!visa) return Error{"not-found", "no visa " + number.value()};
  return *visa;
}

Result<int> ExaminationService::ApplyPresumedNotifications() {
  const Timestamp now = clock_.Now();
  int updated = 0;
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    updated = 0;
    OPENVAP_ASSIGN_OR_RETURN(auto due, uow.Registry().DecisionsAwaitingPresumedNotification(
                                           now - std::chrono::hours(24 * 7)));
    for (Decision& d : due) {
      if (!IsAppealable(d)) {
        // A store written by an older version may still list it: written again, it leaves the
        // list, where it would take a place in every run's batch.
        OPENVAP_RETURN_IF_ERROR(uow.Registry().UpdateDecision(d));
        continue;
      }
      const Date presumed =
          calendar_.PresumedNotificationDay(*d.message_sent_at, d.residence_time_zone);
      if (DaysBetween(presumed, calendar_.LocalDate(now, d.residence_time_zone)) < 0) continue;
      d.presumed_notified_on = presumed;
      d.presumed_message_sent_at = now;
      OPENVAP_RETURN_IF_ERROR(uow.Registry().UpdateDecision(d));
      OPENVAP_ASSIGN_OR_RETURN(const auto a, uow.Applications().Find(d.application));
      const std::string text = "The decision of " + FormatIsoTimestamp(d.decided_at) +
                               " on application " + d.application.value() +
                               " is presumed to have been notified to you on " +
                               FormatIsoDate(presumed) +
                               " (Visa Code Art 32(2)). The time limit for an appeal runs "
                               "from that day.";
      if (a) {
        OPENVAP_RETURN_IF_ERROR(uow.Messages().Insert(
            AccountMessage{NewAccountMessageId(clock_.Now(), random_), a->owner, d.application,
                           "presumed-notification", "Presumed notification of a decision", text,
                           now, std::nullopt}));
      }
      OPENVAP_ASSIGN_OR_RETURN(const auto file, uow.Registry().FindFile(d.application));
      if (file && !file->notify_emails.empty()) {
        OPENVAP_RETURN_IF_ERROR(uow.Mail().Enqueue(
            OutgoingMail{file->notify_emails, "Presumed notification of a decision", text,
                         "presumed-notification"}));
      }
      OPENVAP_RETURN_IF_ERROR(uow.Audit().Append(
          Audit(Principal::System(), "decision.presumed-notified", "decision:" + d.id.value())));
      ++updated;
    }
    return Ok();
  }));
  return updated;
}

}  // namespace openvap::domain
