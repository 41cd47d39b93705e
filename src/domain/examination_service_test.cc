// The consulate's side over the in-memory store, from a notified application to decisions on
// issued visas. Seals, Annex VI texts and the residence calendar are stand-ins here (the seal,
// rules and adapters have their own tests); what is tested is the procedure.
#include "domain/examination_service.h"

#include <gtest/gtest.h>

#include "domain/application_service.h"
#include "domain/retention.h"
#include "fakes/in_memory_store.h"

namespace openvap::domain {
namespace {

using nlohmann::json;

class PassingPreChecks : public PreChecks {
 public:
  Result<PreCheckOutcome> Run(const Application&, const PreCheckInputs& inputs,
                              Date) const override {
    last_on_record = inputs.biometrics_on_record;
    PreCheckOutcome o;
    o.competent_state = "FR";
    o.competence_reason = "sole-destination";
    o.admissible = true;
    return o;
  }
  std::vector<std::string> NonLatinFields(const json&) const override { return {}; }
  std::string StateName(const std::string& state) const override { return state; }
  bool IsTimeZone(std::string_view zone) const override {
    return zone == "UTC" || zone == "Asia/Kolkata" || zone == "Europe/Paris";
  }
  mutable std::optional<BiometricsOnRecord> last_on_record;  // of the last run
};

class StubSealer : public VisaSealer {
 public:
  Result<Bytes> Seal(const DigitalVisa& v, Date) const override {
    ++count;
    const std::string text = "seal:" + v.number.value() + ":" + FormatIsoDate(v.valid_until) + ":" +
                             v.holder.travel_document_number;
    return Bytes(text.begin(), text.end());
  }
  mutable int count = 0;
};

class StubTexts : public DecisionTexts {
 public:
  Result<std::string> Ground(int n, const std::string& language) const override {
    if (n < 1 || n > 17) return Error{"invalid-field", "no ground"};
    if (language == "en") return "ground " + std::to_string(n);
    if (language == "fr") return "motif " + std::to_string(n);
    if (language == "de") return "Grund " + std::to_string(n);
    return Error{"translation-missing", "no " + language};
  }
  bool GroundAppliesTo(int n, DecisionKind kind) const override {
    return n != 17 || kind == DecisionKind::kRevoke;
  }
  std::string StateLanguage(const std::string& state) const override {
    return state == "FR" ? "fr" : state == "DE" ? "de" : state == "IT" ? "it" : "en";
  }
  std::string StateName(const std::string& state) const override {
    return state == "FR" ? "France" : state == "DE" ? "Germany" : state;
  }
  std::string StateAlpha3(const std::string& state) const override {
    return state == "FR" ? "FRA" : state == "DE" ? "DEU" : "XXX";
  }
  bool VisaCanBeValidIn(const std::string& state, Date) const override {
    return state == "FR" || state == "DE" || state == "IT" || state == "BE";
  }
  Result<std::string> AppealInformation(const std::string& state,
                                        const std::string& language) const override {
    if (state == "BE") return Error{"appeal-information-missing", "none for BE"};
    return "appeal " + state + " " + language;
  }
};

class UtcCalendar : public NotificationCalendar {
 public:
  Date PresumedNotificationDay(Timestamp sent, const std::string&) const override {
    return AddDays(UtcDateOf(sent), 8);
  }
  Date LocalDate(Timestamp now, const std::string&) const override { return UtcDateOf(now); }
};

Principal Person(Role role, const std::string& id, const std::string& state = "") {
  Principal p;
  p.role = role;
  p.account = AccountId(id);
  p.member_state = state;
  p.organisation = state.empty() ? "" : state + "-consulate-delhi";
  p.mfa_verified = true;
  return p;
}

Date D(const char* iso) { return *ParseIsoDate(iso); }

class ExaminationTest : public ::testing::Test {
 protected:
  ExaminationTest()
      : clock_(*ParseIsoTimestamp("2027-01-15T09:00:00Z")),
        random_(5),
        applications_(store_, prechecks_, clock_, random_),
        exam_(store_, sealer_, texts_, calendar_, clock_, random_) {
    EXPECT_TRUE(store_
                    .Write([](UnitOfWork& uow) {
                      Account a;
                      a.id = AccountId("acc-anna");
                      a.email = "anna@example.org";
                      return uow.Accounts().Insert(a);
                    })
                    .ok());
    store_.AddAccount("acc-bob");
  }

  // An application by Anna (or by someone of `surname` in her account), notified to France.
  ApplicationId Notified(ApplicationKind kind = ApplicationKind::kShortStayVisa,
                         const std::string& surname = "ERIKSSON",
                         const json& more_fields = json::object()) {
    auto a = *applications_.CreateDraft(anna_, kind);
    if (!more_fields.empty()) {
      EXPECT_TRUE(applications_.SaveForm(anna_, a.id, more_fields, {}).ok());
    }
    EXPECT_TRUE(
        applications_
            .SaveForm(anna_, a.id,
                      {{"1", surname},
                       {"3", "ANNA MARIA"},
                       {"4", "1990-05-01"},
                       {"7", "IND"},
                       {"8", "Female"},
                       {"12", "Ordinary passport"},
                       {"13", "X1234567"},
                       {"15", "2030-01-01"},
                       {"16", "IND"},
                       {"33", "SINGH RAVI"},
                       {"33a", "Sunrise Travel, 1 Janpath, New Delhi; Agent@Travel.example"}},
                      {})
            .ok());
    const auto s = applications_.Submit(anna_, a.id, RequiredDeclarations({}), "203.0.113.9");
    EXPECT_EQ(s->status, ApplicationStatus::kNotified);
    return a.id;
  }

  ApplicationId Accepted() {
    ApplicationId id = Notified();
    EXPECT_TRUE(exam_.Accept(consul_fr_, id).ok());
    return id;
  }

  // A C visa for March 2027, valid from today when the clock is already in it (a visa is valid
  // from its decision on).
  VisaTerms Terms() const {
    return VisaTerms{VisaType::kUniform,
                     {},
                     std::max(D("2027-03-01"), UtcDateOf(clock_.Now())),
                     D("2027-03-31"),
                     1,
                     15,
                     ""};
  }

  fakes::InMemoryStore store_;
  PassingPreChecks prechecks_;
  StubSealer sealer_;
  StubTexts texts_;
  UtcCalendar calendar_;
  FixedClock clock_;
  SeededRandom random_;
  ApplicationService applications_;
  ExaminationService exam_;
  Principal anna_ = Person(Role::kApplicant, "acc-anna");
  Principal consul_fr_ = Person(Role::kConsularOfficer, "acc-consul-fr", "FR");
  Principal consul_de_ = Person(Role::kConsularOfficer, "acc-consul-de", "DE");
};

TEST_F(ExaminationTest, TheQueueShowsNotifiedFilesOfTheOfficialsStateOnly) {
  const ApplicationId id = Notified();
  const auto fr = exam_.Queue(consul_fr_, ApplicationStatus::kNotified);
  ASSERT_EQ(fr->items.size(), 1U);
  EXPECT_EQ(fr->items.front().id, id);
  EXPECT_TRUE(fr->items.front().prechecks.has_value());
  // VAP-DP: the list showed this file's data, and its audit entry says whose.
  const AuditEvent listed = store_.Snapshot().audit.back();
  EXPECT_EQ(listed.action, "application.list-queue");
  EXPECT_EQ(listed.details["applications"], nlohmann::json::array({id.value()}));
  EXPECT_TRUE(exam_.Queue(consul_de_, ApplicationStatus::kNotified)->items.empty());
  EXPECT_EQ(exam_.Queue(anna_, ApplicationStatus::kNotified).error().code, "forbidden");
  EXPECT_EQ(exam_.Queue(consul_fr_, ApplicationStatus::kDraft).error().code, "invalid-field");
  EXPECT_EQ(exam_.Queue(consul_fr_, ApplicationStatus::kIssued).error().code, "invalid-field");
  EXPECT_TRUE(exam_.Queue(consul_fr_, ApplicationStatus::kAccepted)->items.empty());
  EXPECT_EQ(exam_.Accept(consul_de_, id).error().code, "not-found");
  ASSERT_TRUE(exam_.Accept(consul_fr_, id).ok());
  EXPECT_EQ(exam_.Queue(consul_fr_, ApplicationStatus::kAccepted)->items.size(), 1U);
  EXPECT_NE(store_.Snapshot().messages.back().body.find("The authorities of France (FR) confirmed"),
            std::string::npos)
      << store_.Snapshot().messages.back().body;
}

TEST_F(ExaminationTest, AcceptanceMovesTheFileToTheRegisterAndSchedulesTheTransfer) {
  const ApplicationId id = Accepted();
  const auto state = store_.Snapshot();
  const ApplicationFile& file = state.files.at(id.value());
  EXPECT_EQ(file.holder.surname, "ERIKSSON");
  EXPECT_EQ(file.holder.sex, "F");
  EXPECT_EQ(file.holder.travel_document_number, "X1234567");
  EXPECT_EQ(file.notify_emails,
            (std::vector<std::string>{"agent@travel.example", "anna@example.org"}));
  ASSERT_EQ(state.jobs.size(), 1U);
  EXPECT_EQ(state.jobs[0].kind, "national-transfer");
  EXPECT_EQ(state.applications.at(id.value()).status, ApplicationStatus::kAccepted);
  EXPECT_EQ(exam_.Accept(consul_fr_, id).error().code, "invalid-transition");
}

TEST_F(ExaminationTest, IssuingCreatesASealedDigitalVisaAndTellsTheApplicant) {
  const ApplicationId id = Accepted();
  const auto visa = exam_.Issue(consul_fr_, id, Terms());
  ASSERT_TRUE(visa.ok()) << visa.error().message;
  EXPECT_TRUE(ValidateVisaNumber(visa->number.value()).ok());
  EXPECT_EQ(visa->number.value().substr(0, 3), "FRA");
  EXPECT_EQ(AsString(visa->seal), "seal:" + visa->number.value() + ":2027-03-31:X1234567");
  EXPECT_EQ(visa->holder.given_names, "ANNA MARIA");
  const auto state = store_.Snapshot();
  EXPECT_EQ(state.applications.at(id.value()).status, ApplicationStatus::kIssued);
  // The applicant and the representative (VC 32(2)) each get a message of their own: neither
  // sees the other's address, and one refused address does not stop the other's (VAP-NOTIFY).
  ASSERT_GE(state.mail.size(), 2U);
  const auto& first = state.mail[state.mail.size() - 2];
  const auto& second = state.mail.back();
  for (const auto* mail : {&first, &second}) {
    EXPECT_EQ(mail->kind, "decision");
    EXPECT_EQ(mail->text.find("ERIKSSON"), std::string::npos);  // no data by e-mail
  }
  EXPECT_EQ(first.to, std::vector<std::string>{"agent@travel.example"});
  EXPECT_EQ(second.to, std::vector<std::string>{"anna@example.org"});
  EXPECT_EQ(first.text, second.text);
  EXPECT_EQ(state.messages.back().kind, "decision");
  // The decision says what the visa allows, in words (it read "A A visa", "A LTV visa").
  std::string issued_text;
  for (const auto& [decision_id, d] : state.decisions) {
    if (d.kind == DecisionKind::kIssue) issued_text = d.text_english;
  }
  EXPECT_EQ(issued_text,
            "Visa " + visa->number.value() +
                " was issued: a uniform visa (type C), valid in all Schengen States from "
                "2027-03-01 until 2027-03-31, 1 entry, 15 days of stay.");
  // The owner, officials and border guards see it; other applicants do not.
  EXPECT_TRUE(exam_.GetVisa(anna_, visa->number).ok());
  EXPECT_TRUE(exam_.GetVisa(Person(Role::kBorderGuard, "acc-bg", "DE"), visa->number).ok());
  EXPECT_EQ(exam_.GetVisa(Person(Role::kApplicant, "acc-bob"), visa->number).error().code,
            "not-found");
}

TEST_F(ExaminationTest, VisaTermsFollowTheCode) {
  const ApplicationId id = Accepted();
  VisaTerms t = Terms();
  t.duration_of_stay_days = 91;
  EXPECT_EQ(exam_.Issue(consul_fr_, id, t).error().code, "invalid-field");
  t = Terms();
  t.type = VisaType::kLimitedTerritorialValidity;
  EXPECT_NE(exam_.Issue(consul_fr_, id, t).error().message.find("territory"), std::string::npos);
  // The stay fits in the validity; a visa is not issued already expired; the territory names
  // states where a visa can be valid, each once (all were accepted before).
  t = Terms();  // 2027-03-01 to 2027-03-31: 31 days
  t.duration_of_stay_days = 32;
  EXPECT_NE(exam_.Issue(consul_fr_, id, t).error().message.find("validity of 31 days"),
            std::string::npos);
  // A short-stay application gets an A, C or LTV visa, not a D (CISA Art 18).
  t.type = VisaType::kLongStay;
  t.duration_of_stay_days = 180;
  EXPECT_NE(exam_.Issue(consul_fr_, id, t)
                .error()
                .message.find("a short-stay application is "
                              "decided with an A, C or LTV"),
            std::string::npos);
  // Valid from the decision on, not before (the clock says 2027-01-15T09:00Z, still the 14th
  // twelve hours west).
  t = Terms();
  t.valid_from = D("2027-01-13");
  EXPECT_EQ(exam_.Issue(consul_fr_, id, t).error().message,
            "valid_from: 2027-01-13 is before today, the decision's date");
  t.valid_from = D("2026-12-01");
  t.valid_until = D("2027-01-14");
  EXPECT_EQ(exam_.Issue(consul_fr_, id, t).error().code, "invalid-field");
  t = Terms();
  t.type = VisaType::kLimitedTerritorialValidity;
  t.territory = {"FR", "XX"};
  EXPECT_NE(exam_.Issue(consul_fr_, id, t).error().message.find("XX is not a state"),
            std::string::npos);
  t.territory = {"FR", "DE", "FR"};
  EXPECT_NE(exam_.Issue(consul_fr_, id, t).error().message.find("FR is named twice"),
            std::string::npos);
  t = Terms();
  t.valid_until = D("2029-10-02");  // passport expires 2030-01-01: limit 2029-10-01
  EXPECT_NE(exam_.Issue(consul_fr_, id, t).error().message.find("2029-10-01"), std::string::npos);
  t.valid_until = D("2029-10-01");
  t.entries = 0;
  EXPECT_TRUE(exam_.Issue(consul_fr_, id, t).ok());
}

// An extension or a confirmation is decided on the visa it is about (VC Art 32a, 33): issuing
// a new visa on it would sell a visa for the confirmation's EUR 20 without its examination.
TEST_F(ExaminationTest, AnExtensionOrAConfirmationGetsNoNewVisa) {
  for (const ApplicationKind kind :
       {ApplicationKind::kVisaExtension, ApplicationKind::kVisaConfirmation}) {
    const ApplicationId id = Notified(kind);
    ASSERT_TRUE(exam_.Accept(consul_fr_, id).ok());
    const auto refused = exam_.Issue(consul_fr_, id, Terms());
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, "invalid-transition");
    EXPECT_NE(refused.error().message.find("not with a new visa"), std::string::npos);
  }
}

TEST_F(ExaminationTest, RefusalsAreBilingualAndPresumedNotifiedOnTheEighthDay) {
  const ApplicationId id = Accepted();
  EXPECT_EQ(exam_.Refuse(consul_fr_, id, {{}, ""}).error().code, "invalid-field");
  EXPECT_EQ(exam_.Refuse(consul_fr_, id, {{17}, ""}).error().code, "invalid-field");
  const auto refusal = exam_.Refuse(consul_fr_, id, {{2, 9}, "no hotel booking"});
  ASSERT_TRUE(refusal.ok()) << refusal.error().message;
  EXPECT_EQ(refusal->state_language, "fr");
  EXPECT_NE(refusal->text_state_language.find("motif 2"), std::string::npos);
  EXPECT_NE(refusal->text_english.find("2. ground 2"), std::string::npos);
  EXPECT_NE(refusal->text_english.find("no hotel booking"), std::string::npos);
  EXPECT_NE(refusal->text_state_language.find("no hotel booking"), std::string::npos);

  clock_.Advance(std::chrono::hours(24 * 7));
  EXPECT_EQ(*exam_.ApplyPresumedNotifications(), 0);
  clock_.Advance(std::chrono::hours(24));  // the eighth day after the message
  EXPECT_EQ(*exam_.ApplyPresumedNotifications(), 1);
  EXPECT_EQ(*exam_.ApplyPresumedNotifications(), 0);
  const auto decisions = *exam_.DecisionsFor(anna_, id);
  ASSERT_EQ(decisions.size(), 1U);
  EXPECT_EQ(FormatIsoDate(*decisions[0].presumed_notified_on), "2027-01-23");
  EXPECT_FALSE(decisions[0].accessed_at.has_value());
  EXPECT_EQ(store_.Snapshot().messages.back().kind, "presumed-notification");
}

// VIS Art 9(6) with 7d(4) (VAP-BIO): the biometrics taken for an examined file stay on record,
// and the next application with the same travel document is checked against them.
TEST_F(ExaminationTest, BiometricsOfAnExaminedFileAreOnRecordForTheNextApplication) {
  const ApplicationId first = Notified();
  EXPECT_FALSE(prechecks_.last_on_record.has_value());
  ASSERT_TRUE(store_
                  .Write([&](UnitOfWork& uow) -> Status {
                    OPENVAP_ASSIGN_OR_RETURN(auto a, uow.Applications().Find(first));
                    a->lodging.biometrics_collected_on = D("2027-01-10");
                    a->lodging.biometrics_travel_document = "X1234567";
                    return uow.Applications().Update(*a);
                  })
                  .ok());
  Notified();  // another application, before the first was examined: nothing on record yet
  EXPECT_FALSE(prechecks_.last_on_record.has_value());
  ASSERT_TRUE(exam_.Accept(consul_fr_, first).ok());
  Notified();
  ASSERT_TRUE(prechecks_.last_on_record.has_value());
  EXPECT_EQ(FormatIsoDate(prechecks_.last_on_record->collected_on), "2027-01-10");
  EXPECT_EQ(prechecks_.last_on_record->application, first);
  EXPECT_EQ(prechecks_.last_on_record->issuing_country, "IND");
  EXPECT_EQ(prechecks_.last_on_record->surname, "ERIKSSON");

  // Someone else typing that passport's number learns nothing of Anna's record (VAP-DP).
  const Principal bob = Person(Role::kApplicant, "acc-bob");
  auto other = *applications_.CreateDraft(bob, ApplicationKind::kShortStayVisa);
  ASSERT_TRUE(applications_
                  .SaveForm(bob, other.id,
                            {{"1", "ERIKSON"},
                             {"4", "1990-05-01"},
                             {"7", "IND"},
                             {"13", "X1234567"},
                             {"16", "IND"}},
                            {})
                  .ok());
  ASSERT_TRUE(applications_.PreCheck(bob, other.id).ok());
  EXPECT_FALSE(prechecks_.last_on_record.has_value());
}

// VC Art 32(2), last sentence: lodged at the consulate without an account (Art 9(1b)), the
// refusal goes to the person as the standard form itself, in the state's language and English.
// It was a "sign in to read it" e-mail to someone without an account, and the officer's own
// reading of the file counted as the applicant opening the decision (the appeal period ran).
TEST_F(ExaminationTest, APersonWithoutAnAccountGetsTheStandardFormByEMail) {
  const auto lodged = applications_.CreateOnBehalf(consul_fr_, ApplicationKind::kShortStayVisa,
                                                   "ravi@example.org", "no internet access");
  ASSERT_TRUE(lodged.ok()) << lodged.error().message;
  ASSERT_TRUE(
      applications_.Submit(consul_fr_, lodged->id, RequiredDeclarations({}), "10.0.0.1").ok());
  // The official's own account gets none of the person's notices (the acceptance's included).
  const std::size_t messages = store_.Snapshot().messages.size();
  ASSERT_TRUE(exam_.Accept(consul_fr_, lodged->id).ok());
  EXPECT_EQ(store_.Snapshot().messages.size(), messages);
  ASSERT_TRUE(exam_.Refuse(consul_fr_, lodged->id, {{2}, "no hotel booking"}).ok());
  const auto mail = store_.Snapshot().mail.back();
  EXPECT_EQ(mail.to, std::vector<std::string>{"ravi@example.org"});
  EXPECT_NE(mail.text.find("motif 2"), std::string::npos) << mail.text;
  EXPECT_NE(mail.text.find("ground 2"), std::string::npos) << mail.text;
  EXPECT_EQ(mail.text.find("Sign in"), std::string::npos) << mail.text;
  EXPECT_EQ(mail.text.find("secure account"), std::string::npos) << mail.text;
  EXPECT_NE(mail.text.find("from the day this decision is notified to you"), std::string::npos)
      << mail.text;
  EXPECT_EQ(store_.Snapshot().messages.size(), messages);  // nothing in the officer's account
  const auto read = exam_.DecisionsFor(consul_fr_, lodged->id);
  ASSERT_TRUE(read.ok());
  EXPECT_FALSE(read->front().accessed_at.has_value());
  clock_.Advance(std::chrono::hours(24 * 9));
  EXPECT_EQ(*exam_.ApplyPresumedNotifications(), 0);

  // The consulate records when it handed the form over: the appeal period runs from then.
  const DecisionId refusal = read->front().id;
  EXPECT_EQ(exam_.RecordHandedOver(consul_de_, lodged->id, refusal).error().code, "not-found");
  EXPECT_EQ(exam_.RecordHandedOver(anna_, lodged->id, refusal).error().code, "forbidden");
  const auto handed = exam_.RecordHandedOver(consul_fr_, lodged->id, refusal);
  ASSERT_TRUE(handed.ok()) << handed.error().message;
  EXPECT_EQ(FormatIsoTimestamp(*handed->accessed_at), "2027-01-24T09:00:00Z");
  EXPECT_EQ(store_.Snapshot().audit.back().action, "decision.handed-over");
  EXPECT_TRUE(exam_.DecisionsFor(consul_fr_, lodged->id)->front().accessed_at.has_value());
  EXPECT_EQ(exam_.RecordHandedOver(consul_fr_, lodged->id, refusal).error().code,
            "invalid-transition");
  // A person with an account opens the decision there instead.
  const ApplicationId own = Accepted();
  const auto refused = *exam_.Refuse(consul_fr_, own, {{2}, ""});
  EXPECT_EQ(exam_.RecordHandedOver(consul_fr_, own, refused.id).error().code, "invalid-transition");
  EXPECT_EQ(exam_.RecordHandedOver(consul_fr_, lodged->id, refused.id).error().code, "not-found");
}

TEST_F(ExaminationTest, OpeningTheDecisionStartsTheAppealPeriodInstead) {
  const ApplicationId id = Accepted();
  ASSERT_TRUE(exam_.Refuse(consul_fr_, id, {{1}, ""}).ok());
  clock_.Advance(std::chrono::hours(30));
  const auto opened = *exam_.DecisionsFor(anna_, id);
  EXPECT_EQ(FormatIsoTimestamp(*opened[0].accessed_at), "2027-01-16T15:00:00Z");
  clock_.Advance(std::chrono::hours(24 * 10));
  EXPECT_EQ(*exam_.ApplyPresumedNotifications(), 0);
  EXPECT_EQ(exam_.DecisionsFor(Person(Role::kApplicant, "acc-bob"), id).error().code, "not-found");
}

TEST_F(ExaminationTest, AnnulmentRevocationAndTheEes) {
  const auto visa = *exam_.Issue(consul_fr_, Accepted(), Terms());
  EXPECT_EQ(exam_.Annul(consul_de_, visa.number, {{}, ""}).error().code, "invalid-field");
  // Without the state's language the decision cannot be made (VC Art 32(2), Art 34(6)).
  EXPECT_EQ(exam_.Annul(Person(Role::kConsularOfficer, "acc-it", "IT"), visa.number, {{1}, ""})
                .error()
                .code,
            "translation-missing");
  const auto annulled = exam_.Annul(consul_de_, visa.number, {{1}, "forged passport"});
  ASSERT_TRUE(annulled.ok()) << annulled.error().message;
  EXPECT_EQ(annulled->member_state, "DE");
  EXPECT_EQ(exam_.GetVisa(anna_, visa.number)->status, VisaStatus::kAnnulled);
  EXPECT_EQ(exam_.Revoke(consul_fr_, visa.number, {{17}, ""}).error().code, "invalid-transition");
  const auto jobs = store_.Snapshot().jobs;
  EXPECT_EQ(jobs.back().kind, "ees-export");
  EXPECT_EQ(exam_.Annul(anna_, visa.number, {{1}, ""}).error().code, "forbidden");
}

// VC Art 34(7), Annex VI ground 17: a revocation at the holder's own request is not subject to
// appeal, and the message does not say how to appeal; any other ground is.
TEST_F(ExaminationTest, ARevocationAtTheHoldersRequestIsNotAppealable) {
  const auto asked = *exam_.Issue(consul_fr_, Accepted(), Terms());
  const auto revoked = exam_.Revoke(consul_fr_, asked.number, {{17}, ""});
  ASSERT_TRUE(revoked.ok()) << revoked.error().message;
  EXPECT_FALSE(IsAppealable(*revoked));
  EXPECT_EQ(revoked->text_english.find("Appeal:"), std::string::npos) << revoked->text_english;
  const auto message = store_.Snapshot().messages.back();
  EXPECT_NE(message.body.find("at your request"), std::string::npos) << message.body;
  EXPECT_EQ(message.body.find("appeal"), std::string::npos) << message.body;

  const auto other = *exam_.Issue(consul_fr_, Accepted(), Terms());
  const auto withdrawn = exam_.Revoke(consul_fr_, other.number, {{2}, "the purpose changed"});
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.error().message;
  EXPECT_TRUE(IsAppealable(*withdrawn));
  EXPECT_NE(store_.Snapshot().messages.back().body.find("how to appeal"), std::string::npos);
  EXPECT_NE(withdrawn->text_english.find("Appeal: appeal FR en"), std::string::npos);
  EXPECT_NE(withdrawn->text_state_language.find("appeal FR fr"), std::string::npos);
}

// VC Art 32(3) and Annex VI: a refusal, annulment or revocation tells the person how to appeal,
// in both languages, with the information the state gives; without it the decision does not go
// out (as without the state's language).
TEST_F(ExaminationTest, AppealableDecisionsSayHowToAppeal) {
  const ApplicationId id = Accepted();
  const auto refusal = exam_.Refuse(consul_fr_, id, {{2}, ""});
  ASSERT_TRUE(refusal.ok()) << refusal.error().message;
  EXPECT_NE(refusal->text_english.find("\n\nAppeal: appeal FR en\nThe time limit for an appeal "
                                       "runs from the day you open this decision"),
            std::string::npos)
      << refusal->text_english;
  EXPECT_NE(refusal->text_state_language.find("\n\nappeal FR fr"), std::string::npos)
      << refusal->text_state_language;
  const auto visa = *exam_.Issue(consul_fr_, Accepted(), Terms());
  const auto without = exam_.Annul(Person(Role::kConsularOfficer, "acc-be", "BE"), visa.number,
                                   {{1}, "forged passport"});
  EXPECT_EQ(without.error().code, "appeal-information-missing");
  EXPECT_EQ(exam_.GetVisa(anna_, visa.number)->status, VisaStatus::kIssued);
}

TEST_F(ExaminationTest, ExtensionReSealsTheVisa) {
  clock_.Set(*ParseIsoTimestamp("2027-03-05T10:00:00Z"));
  const auto visa = *exam_.Issue(consul_fr_, Accepted(), Terms());
  EXPECT_EQ(exam_.Extend(consul_fr_, visa.number, D("2027-04-10"), 20, {{}, ""}).error().code,
            "invalid-field");
  EXPECT_EQ(
      exam_.Extend(consul_fr_, visa.number, D("2027-03-20"), 15, {{}, "illness"}).error().code,
      "invalid-field");
  const auto ext = exam_.Extend(consul_fr_, visa.number, D("2027-04-10"), 25, {{}, "illness"});
  ASSERT_TRUE(ext.ok()) << ext.error().message;
  const auto now = *exam_.GetVisa(anna_, visa.number);
  EXPECT_EQ(FormatIsoDate(now.valid_until), "2027-04-10");
  EXPECT_NE(AsString(now.seal).find("2027-04-10"), std::string::npos);
}

TEST_F(ExaminationTest, ConfirmationInANewTravelDocument) {
  clock_.Set(*ParseIsoTimestamp("2027-03-05T10:00:00Z"));
  const auto visa = *exam_.Issue(consul_fr_, Accepted(), Terms());
  VisaHolder doc;
  doc.travel_document_type = "Diplomatic passport";
  doc.travel_document_issuing_country = "IND";
  doc.travel_document_number = "Z7654321";
  // The refusal says what differs.
  EXPECT_NE(
      exam_.ConfirmInNewTravelDocument(consul_fr_, visa.number, doc)
          .error()
          .message.find("it is 'Diplomatic passport' issued by 'IND', the visa's is 'Ordinary "
                        "passport' issued by 'IND'"),
      std::string::npos);
  doc.travel_document_type = "Ordinary passport";
  // The new document is printed in the seal: no control characters, and not expired.
  doc.travel_document_number = std::string(
      "Z765\0"
      "4321",
      8);
  EXPECT_EQ(exam_.ConfirmInNewTravelDocument(consul_fr_, visa.number, doc).error().code,
            "invalid-field");
  doc.travel_document_number = "Z7654321";
  doc.travel_document_expires_on = D("2027-03-04");
  EXPECT_NE(exam_.ConfirmInNewTravelDocument(consul_fr_, visa.number, doc)
                .error()
                .message.find("expired on 2027-03-04"),
            std::string::npos);
  // Valid, but not three months beyond the visa (until 2027-03-31): the document is named.
  doc.travel_document_expires_on = D("2027-05-01");
  EXPECT_EQ(exam_.ConfirmInNewTravelDocument(consul_fr_, visa.number, doc).error().message,
            "travel_document.travel_document_expires_on: the new document expires on "
            "2027-05-01, too soon for the visa, valid until 2027-03-31 (VC Art 12, 32a(5))");
  doc.travel_document_expires_on = D("2035-01-01");
  // The new document is the holder's: another person's data is refused, not left out.
  doc.date_of_birth = D("1990-01-01");
  EXPECT_NE(exam_.ConfirmInNewTravelDocument(consul_fr_, visa.number, doc)
                .error()
                .message.find("travel_document.date_of_birth: differs"),
            std::string::npos);
  doc.date_of_birth.reset();
  const auto confirmed = exam_.ConfirmInNewTravelDocument(consul_fr_, visa.number, doc);
  ASSERT_TRUE(confirmed.ok()) << confirmed.error().message;
  EXPECT_EQ(confirmed->confirmation_number.rfind("CNF-", 0), 0U);
  EXPECT_EQ(exam_.GetVisa(anna_, visa.number)->holder.travel_document_number, "Z7654321");
  EXPECT_EQ(store_.Snapshot().jobs.back().kind, "ees-export");  // DV-EES
  // Another state neither confirms nor refuses to (VC Art 32a(1), (9)).
  doc.travel_document_number = "Z1111111";
  EXPECT_EQ(exam_.ConfirmInNewTravelDocument(consul_de_, visa.number, doc).error().code,
            "forbidden");
  EXPECT_EQ(
      exam_.RefuseConfirmation(consul_de_, visa.number, {{1}, "identity"}, ApplicationId("app-x"))
          .error()
          .code,
      "forbidden");
  EXPECT_EQ(exam_.GetVisa(anna_, visa.number)->status, VisaStatus::kIssued);
}

// What each type of visa is valid for, and who decides on it later.
TEST_F(ExaminationTest, EachTypeOfVisaHasItsTerritoryItsStayAndItsDecidingStates) {
  clock_.Set(*ParseIsoTimestamp("2027-03-05T10:00:00Z"));
  const auto issue = [&](VisaType type, std::vector<std::string> territory, int days) {
    VisaTerms t = Terms();
    t.type = type;
    t.territory = std::move(territory);
    t.duration_of_stay_days = days;
    if (type != VisaType::kLongStay) return exam_.Issue(consul_fr_, Accepted(), t);
    t.valid_until = D("2027-12-31");
    const ApplicationId long_stay = Notified(ApplicationKind::kLongStayVisa);
    EXPECT_TRUE(exam_.Accept(consul_fr_, long_stay).ok());
    return exam_.Issue(consul_fr_, long_stay, t);
  };
  // VC Art 2(5), 3: an A visa allows no stay, and an extension gives it none.
  EXPECT_EQ(issue(VisaType::kAirportTransit, {}, 30).error().code, "invalid-field");
  const auto transit = issue(VisaType::kAirportTransit, {}, 0);
  ASSERT_TRUE(transit.ok()) << transit.error().message;
  EXPECT_EQ(
      exam_.Extend(consul_fr_, transit->number, D("2027-04-10"), 30, {{}, "strike"}).error().code,
      "invalid-field");
  EXPECT_TRUE(exam_.Extend(consul_fr_, transit->number, D("2027-04-10"), 0, {{}, "strike"}).ok());
  // VC Art 24(1), 25(2): a C visa is valid everywhere; an LTV names states, the issuer first.
  EXPECT_EQ(issue(VisaType::kUniform, {"DE"}, 15).error().code, "invalid-field");
  EXPECT_EQ(issue(VisaType::kAirportTransit, {"FR"}, 0).error().code, "invalid-field");
  EXPECT_EQ(issue(VisaType::kLimitedTerritorialValidity, {"DE"}, 15).error().code, "invalid-field");
  EXPECT_TRUE(issue(VisaType::kLimitedTerritorialValidity, {"FR", "DE"}, 15).ok());
  // CISA Art 18: a D visa is national; another state neither annuls, revokes nor extends it.
  const auto national = issue(VisaType::kLongStay, {}, 180);
  ASSERT_TRUE(national.ok()) << national.error().message;
  EXPECT_EQ(exam_.Annul(consul_de_, national->number, {{1}, ""}).error().code, "forbidden");
  EXPECT_EQ(exam_.Revoke(consul_de_, national->number, {{1}, ""}).error().code, "forbidden");
  EXPECT_EQ(exam_.Extend(consul_de_, national->number, D("2028-01-31"), 180, {{}, "illness"})
                .error()
                .code,
            "forbidden");
  // A uniform visa: any state may revoke it (VC Art 34(2)).
  const auto uniform = issue(VisaType::kUniform, {}, 15);
  ASSERT_TRUE(uniform.ok());
  EXPECT_TRUE(exam_.Revoke(consul_de_, uniform->number, {{1}, ""}).ok());
}

TEST_F(ExaminationTest, AnErroneousStickerIsReplacedByADigitalVisa) {
  VisaHolder holder;
  holder.surname = "DOE";
  holder.travel_document_number = "P1";
  const auto visa = exam_.ReplaceSticker(consul_fr_, "FRA012345678", holder, Terms());
  ASSERT_TRUE(visa.ok()) << visa.error().message;
  EXPECT_EQ(*visa->replaces_sticker, "FRA012345678");
  EXPECT_EQ(store_.Snapshot().invalidated_stickers.at("FRA012345678"), visa->number.value());
  EXPECT_EQ(exam_.ReplaceSticker(consul_fr_, "FRA012345678", holder, Terms()).error().code,
            "already-exists");
  // The state's own sticker number (ICAO code and nine digits), and a holder that can be
  // sealed and printed (each was issued before).
  for (const std::string& number : std::vector<std::string>{
           "x", "FRA1", "DEU012345678", "FRA01234567X", "FRA0123456789", std::string("FRA\0", 4)}) {
    EXPECT_NE(exam_.ReplaceSticker(consul_fr_, number, holder, Terms())
                  .error()
                  .message.find("sticker_number: FRA and the nine digits"),
              std::string::npos)
        << number;
  }
  const auto refused = [&](const VisaHolder& h) {
    const auto r = exam_.ReplaceSticker(consul_fr_, "FRA012345679", h, Terms());
    return r.ok() ? std::string("issued") : r.error().message;
  };
  VisaHolder wrong = holder;
  wrong.given_names = std::string("ANA\0MARIA", 9);
  EXPECT_EQ(refused(wrong), "holder.given_names: plain text");
  wrong = holder;
  wrong.sex = "Q";
  EXPECT_EQ(refused(wrong), "holder.sex: F, M or X (ICAO 9303)");
  wrong = holder;
  wrong.nationality = "india";
  EXPECT_EQ(refused(wrong), "holder.nationality: an ICAO alpha-3 code such as IND");
  wrong = holder;
  wrong.date_of_birth = D("2030-01-01");
  EXPECT_EQ(refused(wrong), "holder.date_of_birth: is in the future");
  wrong = holder;
  wrong.surname.clear();
  EXPECT_EQ(refused(wrong), "holder.surname: is required");
  VisaTerms terms = Terms();
  terms.remarks = std::string("a\nb");
  EXPECT_EQ(exam_.ReplaceSticker(consul_fr_, "FRA012345679", holder, terms).error().message,
            "remarks: plain text");
  EXPECT_TRUE(exam_.ReplaceSticker(consul_fr_, "FRA012345679", holder, Terms()).ok());
}

TEST_F(ExaminationTest, DecliningCompetenceAndInadmissibility) {
  const ApplicationId a = Notified();
  for (const char* wrong : {"FR", "XX", "de", "Deutschland"}) {
    EXPECT_EQ(exam_.DeclineCompetence(consul_fr_, a, wrong, "").error().code, "invalid-field")
        << wrong;
  }
  ASSERT_TRUE(exam_.DeclineCompetence(consul_fr_, a, "DE", "main destination is Berlin").ok());
  EXPECT_EQ(store_.Snapshot().applications.at(a.value()).status, ApplicationStatus::kNotCompetent);
  EXPECT_EQ(exam_.DecisionsFor(anna_, a)->front().text_english,
            "France (FR) is not competent to examine this application; it should be lodged with "
            "Germany (DE). main destination is Berlin");
  // Not re-submitted to the competent state: the fee is reimbursed (VC Art 18(4)).
  EXPECT_EQ(store_.Snapshot().jobs.back().kind, "refund-fee");
  EXPECT_EQ(store_.Snapshot().jobs.back().payload["application"], a.value());
  const ApplicationId b = Notified();
  EXPECT_EQ(exam_.DeclareInadmissible(consul_fr_, b, "").error().code, "invalid-field");
  ASSERT_TRUE(exam_.DeclareInadmissible(consul_fr_, b, "travel document copy unreadable").ok());
  EXPECT_EQ(store_.Snapshot().jobs.back().kind, "refund-fee");
  // VC Art 19(3) gives no appeal: no presumed notification starts a time limit; nor for the
  // state that was not competent.
  clock_.Advance(std::chrono::hours(24 * 9));
  EXPECT_EQ(*exam_.ApplyPresumedNotifications(), 0);
  const Decision inadmissible = exam_.DecisionsFor(anna_, b)->front();
  EXPECT_EQ(inadmissible.kind, DecisionKind::kInadmissible);
  EXPECT_FALSE(IsAppealable(inadmissible));
  EXPECT_FALSE(inadmissible.presumed_notified_on.has_value());
  EXPECT_FALSE(exam_.DecisionsFor(anna_, a)->front().presumed_notified_on.has_value());
}

// VC Art 33 and 32a (VAP-EXT, VAP-CONF): the holder's own application for an extension or a
// confirmation is answered by that decision and closed with it; the register keeps its records
// as long as the visa's.
TEST_F(ExaminationTest, AnExtensionAnswersTheHoldersApplicationForIt) {
  clock_.Set(*ParseIsoTimestamp("2027-03-05T08:00:00Z"));
  const ApplicationId first = Accepted();
  const auto visa = *exam_.Issue(consul_fr_, first, Terms());
  const ApplicationId asked = Notified(ApplicationKind::kVisaExtension);
  ASSERT_TRUE(exam_.Accept(consul_fr_, asked).ok());
  const ApplicationId other_kind = Accepted();
  const ApplicationId other_person = Notified(ApplicationKind::kVisaExtension, "LINDQVIST");
  ASSERT_TRUE(exam_.Accept(consul_fr_, other_person).ok());
  const auto extend = [&](const ApplicationId& request) {
    return exam_.Extend(consul_fr_, visa.number, D("2027-04-10"), 25, {{}, "illness"}, request);
  };
  EXPECT_EQ(extend(other_kind).error().code, "invalid-field");
  EXPECT_EQ(extend(other_person).error().code, "invalid-field");
  // An application that names another of the holder's visas is not answered by this one.
  const ApplicationId other_visa =
      Notified(ApplicationKind::kVisaExtension, "ERIKSSON", {{"visa_number", "FRA000000013"}});
  ASSERT_TRUE(exam_.Accept(consul_fr_, other_visa).ok());
  const auto named = extend(other_visa);
  ASSERT_FALSE(named.ok());
  EXPECT_NE(named.error().message.find("is about visa FRA000000013"), std::string::npos)
      << named.error().message;
  EXPECT_EQ(exam_.Extend(consul_de_, visa.number, D("2027-04-10"), 25, {{}, "illness"}, asked)
                .error()
                .code,
            "not-found");
  EXPECT_EQ(exam_.GetVisa(anna_, visa.number)->valid_until, D("2027-03-31"));  // nothing changed

  const auto extended = extend(asked);
  ASSERT_TRUE(extended.ok()) << extended.error().message;
  EXPECT_EQ(extended->application, asked);
  EXPECT_EQ(extended->visa, visa.number);
  const auto state = store_.Snapshot();
  EXPECT_EQ(state.applications.at(asked.value()).status, ApplicationStatus::kIssued);
  EXPECT_EQ(FormatIsoDate(*state.retained_until.at(asked.value())), "2032-04-10");
  EXPECT_EQ(FormatIsoDate(*state.retained_until.at(first.value())), "2032-04-10");
  EXPECT_FALSE(extend(asked).ok());  // answered already

  // A refused confirmation closes the application for it as refused (and revokes the visa).
  const ApplicationId confirmation = Notified(ApplicationKind::kVisaConfirmation);
  ASSERT_TRUE(exam_.Accept(consul_fr_, confirmation).ok());
  const auto refused = exam_.RefuseConfirmation(consul_fr_, visa.number, {{1}, ""}, confirmation);
  ASSERT_TRUE(refused.ok()) << refused.error().message;
  EXPECT_EQ(refused->application, confirmation);
  EXPECT_EQ(store_.Snapshot().applications.at(confirmation.value()).status,
            ApplicationStatus::kRefused);
  EXPECT_EQ(FormatIsoDate(*store_.Snapshot().retained_until.at(first.value())), "2032-03-05");
}

// VIS Art 23(1): every decision sets or moves the five years of the register's records, and the
// retention job deletes them, and only them, once the five years are over.
TEST_F(ExaminationTest, TheRegisterKeepsAnApplicationsRecordsFiveYears) {
  const auto until = [&](const ApplicationId& id) -> std::string {
    const auto periods = store_.Snapshot().retained_until;
    const auto it = periods.find(id.value());
    if (it == periods.end()) return "none";
    return it->second ? FormatIsoDate(*it->second) : "open";
  };
  clock_.Set(*ParseIsoTimestamp("2027-03-05T08:00:00Z"));
  const ApplicationId issued = Accepted();
  EXPECT_EQ(until(issued), "none");  // examined: nothing ends it yet
  const auto visa = *exam_.Issue(consul_fr_, issued, Terms());
  EXPECT_EQ(until(issued), "2032-03-31");  // five years from the expiry
  ASSERT_TRUE(exam_.Extend(consul_fr_, visa.number, D("2027-04-10"), 25, {{}, "illness"}).ok());
  EXPECT_EQ(until(issued), "2032-04-10");  // from the new expiry

  const ApplicationId refused = Accepted();
  ASSERT_TRUE(exam_.Refuse(consul_fr_, refused, {{2}, ""}).ok());
  EXPECT_EQ(until(refused), "2032-03-05");  // from the decision
  // From the creation of the file at acceptance, two days after the submission.
  const ApplicationId withdrawn = Notified();
  clock_.Advance(std::chrono::hours(48));
  ASSERT_TRUE(exam_.Accept(consul_fr_, withdrawn).ok());
  ASSERT_TRUE(applications_.Withdraw(anna_, withdrawn).ok());
  EXPECT_EQ(until(withdrawn), "2032-03-07");
  const ApplicationId draft = applications_.CreateDraft(anna_, ApplicationKind::kShortStayVisa)->id;
  ASSERT_TRUE(applications_.Withdraw(anna_, draft).ok());
  EXPECT_EQ(until(draft), "none");  // the register never held it

  RetentionService retention(store_, clock_);
  clock_.Set(*ParseIsoTimestamp("2032-03-05T23:00:00Z"));  // the refusal's last day
  EXPECT_EQ(retention.Apply()->register_records_deleted, 0);
  clock_.Set(*ParseIsoTimestamp("2032-03-06T00:30:00Z"));
  EXPECT_EQ(retention.Apply()->register_records_deleted, 1);
  auto state = store_.Snapshot();
  EXPECT_FALSE(state.files.contains(refused.value()));
  EXPECT_TRUE(state.files.contains(withdrawn.value()));
  EXPECT_TRUE(state.files.contains(issued.value()));
  EXPECT_TRUE(state.visas.contains(visa.number.value()));
  EXPECT_EQ(state.audit.back().action, "register.delete-expired");
  clock_.Set(*ParseIsoTimestamp("2032-03-08T00:30:00Z"));
  EXPECT_EQ(retention.Apply()->register_records_deleted, 1);
  EXPECT_FALSE(store_.Snapshot().files.contains(withdrawn.value()));

  clock_.Set(*ParseIsoTimestamp("2032-04-11T08:00:00Z"));
  EXPECT_EQ(retention.Apply()->register_records_deleted, 1);
  state = store_.Snapshot();
  EXPECT_TRUE(state.files.empty());
  EXPECT_TRUE(state.visas.empty());
  EXPECT_TRUE(state.decisions.empty());
  EXPECT_TRUE(state.retained_until.empty());
  EXPECT_EQ(exam_.GetVisa(anna_, visa.number).error().code, "not-found");
  EXPECT_EQ(retention.Apply()->register_records_deleted, 0);
}

}  // namespace
}  // namespace openvap::domain
