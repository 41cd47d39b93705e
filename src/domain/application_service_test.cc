// The applicant's side of the procedure over the in-memory store. The pre-checks are a
// scripted stand-in here (the rules engine has its own tests); what is tested is the flow:
// steps, uploads, submission, notification, access and audit.
#include "domain/application_service.h"

#include <gtest/gtest.h>

#include <functional>

#include "fakes/in_memory_store.h"

namespace openvap::domain {
namespace {

using nlohmann::json;

class ScriptedPreChecks : public PreChecks {
 public:
  // Called at the start of every run: a test changes the application here to stand for a
  // change made by someone else while the checks run.
  std::function<void()> on_run;
  mutable int runs = 0;
  mutable std::vector<std::string> document_kinds;  // of the last run

  Result<PreCheckOutcome> Run(const Application& a, const PreCheckInputs& inputs,
                              Date) const override {
    ++runs;
    document_kinds.clear();
    for (const ApplicationDocument& d : inputs.documents) document_kinds.push_back(d.kind);
    if (on_run) on_run();
    PreCheckOutcome o;
    o.competent_state = "FR";
    o.competence_reason = "sole-destination";
    o.fee_eur = 90;
    o.admissible = a.fee_paid;
    if (!a.fee_paid) o.missing.push_back({"fee-not-paid", "pay the visa fee"});
    return o;
  }
  std::string StateName(const std::string& state) const override {
    return state == "FR" ? "France" : state;
  }
  bool IsTimeZone(std::string_view zone) const override {
    return zone == "UTC" || zone == "Asia/Kolkata" || zone == "Europe/Paris";
  }
  std::vector<std::string> NonLatinFields(const json& form) const override {
    std::vector<std::string> out;
    for (const auto& [k, v] : form.items()) {
      if (v.is_string() && v.get<std::string>().find("\xD0") != std::string::npos) out.push_back(k);
    }
    return out;
  }
};

Principal Applicant(const std::string& id) {
  Principal p;
  p.role = Role::kApplicant;
  p.account = AccountId(id);
  p.mfa_verified = true;
  return p;
}

Principal Official(Role role, const std::string& state, const std::string& org = "consulate") {
  Principal p;
  p.role = role;
  p.account = AccountId("acc-official-" + state);
  p.member_state = state;
  p.organisation = org;
  p.mfa_verified = true;
  return p;
}

const std::array<std::uint8_t, 9> kPdfBytes = {'%', 'P', 'D', 'F', '-', '1', '.', '7', '\n'};

class ApplicationServiceTest : public ::testing::Test {
 protected:
  const Bytes pdf_{kPdfBytes.begin(), kPdfBytes.end()};
  ApplicationServiceTest()
      : clock_(*ParseIsoTimestamp("2027-01-15T09:00:00Z")),
        random_(9),
        service_(store_, prechecks_, clock_, random_,
                 ApplicationLimits{.max_file_bytes = 100, .max_total_bytes = 250, .max_files = 3}) {
    store_.AddAccount("acc-anna");
    store_.AddAccount("acc-bob");
    store_.AddAccount("acc-agency", Role::kRepresentative);
  }

  fakes::InMemoryStore store_;
  ScriptedPreChecks prechecks_;
  FixedClock clock_;
  SeededRandom random_;
  ApplicationService service_;
  Principal anna_ = Applicant("acc-anna");
};

TEST_F(ApplicationServiceTest, DraftsAreSavedInStepsWithVersions) {
  const auto draft = service_.CreateDraft(anna_, ApplicationKind::kShortStayVisa);
  ASSERT_TRUE(draft.ok());
  EXPECT_EQ(draft->status, ApplicationStatus::kDraft);
  auto step1 = service_.SaveForm(anna_, draft->id, {{"1", "ERIKSSON"}, {"3", "ANNA MARIA"}}, 0);
  ASSERT_TRUE(step1.ok()) << step1.error().message;
  auto step2 = service_.SaveForm(
      anna_, draft->id, {{"4", "1990-05-01"}, {"itinerary", json::array()}}, step1->version);
  ASSERT_TRUE(step2.ok());
  EXPECT_EQ(step2->form.Fields().at("1"), "ERIKSSON");
  EXPECT_EQ(step2->form.Fields().at("4"), "1990-05-01");
  // A stale version (another browser tab) is refused rather than overwritten.
  EXPECT_EQ(service_.SaveForm(anna_, draft->id, {{"1", "X"}}, step1->version).error().code,
            "conflict");
  // null removes a field.
  auto step3 = service_.SaveForm(anna_, draft->id, {{"3", nullptr}}, std::nullopt);
  EXPECT_FALSE(step3->form.Fields().contains("3"));
}

TEST_F(ApplicationServiceTest, FormFieldsAreCheckedWithTheirPath) {
  const auto draft = *service_.CreateDraft(anna_, ApplicationKind::kShortStayVisa);
  EXPECT_EQ(service_.SaveForm(anna_, draft.id, {{"99", "x"}}, {}).error().code, "invalid-field");
  EXPECT_EQ(service_.SaveForm(anna_, draft.id, {{"4", "01-05-1990"}}, {}).error().message,
            "form.4: not a date (YYYY-MM-DD)");
  EXPECT_EQ(service_.SaveForm(anna_, draft.id, {{"23", "tourism"}}, {}).error().message,
            "form.23: must be a list");
  const auto cyrillic = service_.SaveForm(anna_, draft.id, {{"1", "\xD0\x98\xD0\xB2"}}, {});
  EXPECT_EQ(cyrillic.error().code, "invalid-field");
  EXPECT_NE(cyrillic.error().message.find("Latin"), std::string::npos);
  EXPECT_EQ(service_.SaveForm(anna_, draft.id, json::array(), {}).error().code, "invalid-field");
  // Control and invisible formatting characters, which a signed visa, its MRZ or an e-mail
  // header would carry (a header injection through field 19, a right-to-left override in a
  // name), are refused wherever they are, in lists too; so is a contact address that is not one.
  for (const json& hidden :
       {json{{"1", std::string("O\0BRIEN", 7)}}, json{{"3", "ERIN\xE2\x80\xAEX"}},
        json{{"19", "ana@example.org\r\nBcc: evil@evil.example"}},
        json{{"itinerary", {{{"state", "FR\n"}, {"from", "2027-01-01"}}}}},
        json{{"contact_email", "not an address"}}}) {
    const auto refused = service_.SaveForm(anna_, draft.id, hidden, {});
    ASSERT_FALSE(refused.ok()) << hidden;
    EXPECT_EQ(refused.error().code, "invalid-field") << hidden;
    EXPECT_EQ(refused.error().message.rfind("form." + hidden.begin().key() + ":", 0), 0U)
        << refused.error().message;
  }
  EXPECT_TRUE(service_.Get(anna_, draft.id)->form.Fields().empty());
  // Lists hold what the form's lists are: texts, or stays with a state and dates in order; at
  // most 100 entries, and the whole form at most 64 kB.
  const json stay = {{"state", "FR"}, {"from", "2027-01-01"}, {"to", "2027-01-05"}};
  const std::pair<json, std::string> wrong[] = {
      {{{"23", {1, {{"x", 2}}}}}, "form.23[0]: a text"},
      {{{"25", {{"FR"}}}}, "form.25[0]: a text"},
      {{{"itinerary", {{{"state", "FRA"}, {"from", "2027-01-01"}, {"to", "2027-01-05"}}}}},
       "form.itinerary[0].state"},
      {{{"itinerary", {{{"state", "FR"}}}}}, "form.itinerary[0].from"},
      {{{"itinerary", {{{"state", "FR"}, {"from", "2027-01-05"}, {"to", "2027-01-01"}}}}},
       "form.itinerary[0].to: the last day (2027-01-01) is before the first (2027-01-05)"},
      {{{"itinerary", {{{"state", "FR"}, {"from", "x"}, {"to", "y"}}}}}, "form.itinerary[0].from"},
      {{{"itinerary",
         {stay, {{"state", "DE"}, {"from", "2027-01-06"}, {"to", "2027-01-09"}, {"hotel", "x"}}}}},
       "form.itinerary[1]:"},
      {{{"previous_stays", {{{"from", "2026-01-05"}, {"to", "2026-01-01"}}}}},
       "form.previous_stays[0].to"},
      {{{"itinerary", std::vector<json>(101, stay)}}, "form.itinerary: at most 100 entries"},
  };
  for (const auto& [fields, message] : wrong) {
    const auto refused = service_.SaveForm(anna_, draft.id, fields, {});
    ASSERT_FALSE(refused.ok()) << fields;
    EXPECT_EQ(refused.error().code, "invalid-field") << fields;
    EXPECT_EQ(refused.error().message.rfind(message, 0), 0U) << refused.error().message;
  }
  EXPECT_TRUE(service_.SaveForm(anna_, draft.id, {{"itinerary", {stay}}}, {}).ok());
  json big = json::object();
  for (const char* field : {"17a", "18", "20", "21", "22", "24", "30", "31", "32", "33"}) {
    big[field] = std::string(2000, 'A');
  }
  big["23"] = std::vector<std::string>(30, std::string(2000, 'B'));
  const auto too_big = service_.SaveForm(anna_, draft.id, big, {});
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.error().message,
            "form: at most 64 kB in all; shorten the longest texts or lists");
  // The visa an extension or a confirmation is about, by its number (with its check digit).
  EXPECT_EQ(service_.SaveForm(anna_, draft.id, {{"visa_number", "FRA000000012"}}, {}).error().code,
            "invalid-field");
  EXPECT_TRUE(service_.SaveForm(anna_, draft.id, {{"visa_number", "FRA000000013"}}, {}).ok());
  // The time zone of residence, which counts the days of a decision's notification.
  const auto mars =
      service_.SaveForm(anna_, draft.id, {{"residence_time_zone", "Mars/Olympus"}}, {});
  ASSERT_FALSE(mars.ok());
  EXPECT_NE(mars.error().message.find("form.residence_time_zone"), std::string::npos);
  EXPECT_TRUE(
      service_.SaveForm(anna_, draft.id, {{"residence_time_zone", "Asia/Kolkata"}}, {}).ok());
  // Annex I's choices (application_form_fields.csv), in any letter case; field 27 as a code.
  EXPECT_EQ(service_.SaveForm(anna_, draft.id, {{"8", "Banana"}}, {}).error().message,
            "form.8: one of Male, Female, Other");
  EXPECT_TRUE(service_.SaveForm(anna_, draft.id, {{"8", "female"}}, {}).ok());
  EXPECT_EQ(service_.SaveForm(anna_, draft.id, {{"9", "123"}}, {}).error().code, "invalid-field");
  EXPECT_TRUE(service_.SaveForm(anna_, draft.id, {{"9", "Widow(er)"}}, {}).ok());
  EXPECT_EQ(service_.SaveForm(anna_, draft.id, {{"12", "Passport of Atlantis"}}, {}).error().code,
            "invalid-field");
  EXPECT_TRUE(service_.SaveForm(anna_, draft.id, {{"12", "Other travel document"}}, {}).ok());
  EXPECT_EQ(service_.SaveForm(anna_, draft.id, {{"27", "seventeen"}}, {}).error().message,
            "form.27: one of single, two, multiple");
  // Exactly: the declarations needed are worked out from "multiple" (D2).
  EXPECT_EQ(service_.SaveForm(anna_, draft.id, {{"27", "Multiple"}}, {}).error().code,
            "invalid-field");
  // The first stay's departure is not before its arrival, whichever step brings the second.
  EXPECT_TRUE(service_.SaveForm(anna_, draft.id, {{"27a", "2027-03-10"}}, {}).ok());
  EXPECT_EQ(service_.SaveForm(anna_, draft.id, {{"27b", "2027-03-01"}}, {}).error().message,
            "form.27b: the departure (2027-03-01) is before the arrival (2027-03-10, form.27a)");
  EXPECT_TRUE(service_.SaveForm(anna_, draft.id, {{"27b", "2027-03-10"}}, {}).ok());
  // The platform's fields that take one of a few values (fee waiver, reason for an extension).
  EXPECT_NE(service_.SaveForm(anna_, draft.id, {{"fee_exemption", "klingon"}}, {})
                .error()
                .message.find("form.fee_exemption: none, pupil-student-teacher"),
            std::string::npos);
  EXPECT_TRUE(service_.SaveForm(anna_, draft.id, {{"fee_exemption", "researcher"}}, {}).ok());
  EXPECT_EQ(service_.SaveForm(anna_, draft.id, {{"extension_reason", "bored"}}, {}).error().code,
            "invalid-field");
  EXPECT_TRUE(service_.SaveForm(anna_, draft.id, {{"extension_reason", "force-majeure"}}, {}).ok());
}

// The schema the OpenAPI document gives for the form is the one SaveForm applies: every field
// it names is taken, every choice it lists is accepted, a field it does not name is refused.
TEST_F(ApplicationServiceTest, TheFormsSchemaIsWhatSavingTakes) {
  const json schema = ApplicationFormSchema();
  EXPECT_FALSE(schema["additionalProperties"].get<bool>());
  const json& fields = schema["properties"];
  EXPECT_EQ(fields.size(), 71U + 11U);  // Annex I and the platform's own
  const auto draft = *service_.CreateDraft(anna_, ApplicationKind::kShortStayVisa);
  for (const auto& [key, field] : fields.items()) {
    EXPECT_TRUE(service_.SaveForm(anna_, draft.id, {{key, nullptr}}, {}).ok()) << key;
    if (!field.contains("enum")) continue;
    for (const json& choice : field["enum"]) {
      const auto saved = service_.SaveForm(anna_, draft.id, {{key, choice}}, {});
      EXPECT_TRUE(saved.ok()) << key << " " << choice << " "
                              << (saved.ok() ? "" : saved.error().message);
    }
  }
  EXPECT_EQ(fields["27"]["enum"], (json{"single", "two", "multiple", nullptr}));
  EXPECT_EQ(fields["4"]["format"], "date");
  EXPECT_EQ(fields["23"]["type"], "array");
  EXPECT_TRUE(fields["23"]["nullable"].get<bool>());
  EXPECT_EQ(fields["itinerary"]["items"]["required"], (json{"state", "from", "to"}));
  EXPECT_FALSE(fields.contains("99"));
  EXPECT_FALSE(service_.SaveForm(anna_, draft.id, {{"99", "x"}}, {}).ok());
}

TEST_F(ApplicationServiceTest, UploadsAreCheckedByContentAndSize) {
  const auto draft = *service_.CreateDraft(anna_, ApplicationKind::kShortStayVisa);
  const auto doc = service_.AddDocument(anna_, draft.id, "travel-document", "pass port.pdf", pdf_);
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  EXPECT_EQ(doc->content_type, "application/pdf");
  EXPECT_EQ(doc->filename, "pass_port.pdf");
  EXPECT_EQ(*service_.DocumentContent(anna_, draft.id, doc->id), pdf_);
  const Bytes exe = {'M', 'Z', 0x90, 0};
  EXPECT_EQ(service_.AddDocument(anna_, draft.id, "supporting-document", "a.exe", exe).error().code,
            "unsupported-media-type");
  EXPECT_EQ(service_.AddDocument(anna_, draft.id, "photo", "p.pdf", pdf_).error().code,
            "unsupported-media-type");
  EXPECT_EQ(service_.AddDocument(anna_, draft.id, "selfie", "p.pdf", pdf_).error().code,
            "invalid-field");
  Bytes big(101, 'x');
  big[0] = '%', big[1] = 'P', big[2] = 'D', big[3] = 'F', big[4] = '-';
  EXPECT_EQ(service_.AddDocument(anna_, draft.id, "supporting-document", "b.pdf", big).error().code,
            "payload-too-large");
  Bytes ok(90, 'x');
  std::copy(pdf_.begin(), pdf_.begin() + 5, ok.begin());
  ASSERT_TRUE(service_.AddDocument(anna_, draft.id, "supporting-document", "1.pdf", ok).ok());
  ASSERT_TRUE(service_.AddDocument(anna_, draft.id, "supporting-document", "2.pdf", ok).ok());
  EXPECT_EQ(service_.AddDocument(anna_, draft.id, "supporting-document", "3.pdf", ok).error().code,
            "payload-too-large");  // 4th file and over the total
  EXPECT_TRUE(service_.RemoveDocument(anna_, draft.id, doc->id).ok());
  EXPECT_EQ(service_.ListDocuments(anna_, draft.id)->size(), 2U);
}

TEST_F(ApplicationServiceTest, SubmissionNeedsTheDeclarationsAndRecordsTheAddress) {
  const auto draft = *service_.CreateDraft(anna_, ApplicationKind::kShortStayVisa);
  // Annex I field 19 holds the home address and the e-mail address: the address for messages.
  ASSERT_TRUE(service_
                  .SaveForm(anna_, draft.id,
                            {{"27", "multiple"}, {"19", "12 Main St, Mumbai; Anna@Example.org"}},
                            {})
                  .ok());
  ASSERT_TRUE(service_.AddDocument(anna_, draft.id, "travel-document", "p.pdf", pdf_).ok());
  const auto missing =
      service_.Submit(anna_, draft.id, {"D1", "D3", "D4", "D5", "D6"}, "203.0.113.5");
  EXPECT_EQ(missing.error().code, "declaration-missing");
  EXPECT_NE(missing.error().message.find("D2"), std::string::npos);
  // Only the form's declarations, each once (they were stored as given).
  EXPECT_EQ(service_.Submit(anna_, draft.id, {"D1", "D2", "D3", "D4", "D5", "D6", "X"}, "")
                .error()
                .message,
            "declarations: \"X\" is not one of D1 to D6");
  EXPECT_EQ(service_.Submit(anna_, draft.id, {"D1", "D2", "D3", "D4", "D5", "D6", "D1"}, "")
                .error()
                .message,
            "declarations: D1 is ticked twice");
  const auto submitted =
      service_.Submit(anna_, draft.id, {"D1", "D2", "D3", "D4", "D5", "D6"}, "203.0.113.5");
  ASSERT_TRUE(submitted.ok()) << submitted.error().message;
  EXPECT_EQ(submitted->submitted_from_ip, "203.0.113.5");
  EXPECT_EQ(submitted->contact_email, "anna@example.org");
  // The pre-checks saw the uploads (a photo or not), read with the application.
  EXPECT_EQ(prechecks_.document_kinds, std::vector<std::string>{"travel-document"});
  // The fee is not paid: submitted, told what is missing, not notified.
  EXPECT_EQ(submitted->status, ApplicationStatus::kSubmitted);
  ASSERT_TRUE(submitted->prechecks.has_value());
  EXPECT_EQ(submitted->prechecks->missing[0].code, "fee-not-paid");
  const auto messages = store_.Snapshot().messages;
  ASSERT_EQ(messages.size(), 1U);
  EXPECT_EQ(messages[0].kind, "incomplete");
  EXPECT_NE(messages[0].body.find("pay the visa fee"), std::string::npos);

  // Saving what is already there (an autosave) changes nothing.
  const auto same = service_.SaveForm(anna_, draft.id, {{"27", "multiple"}}, {});
  ASSERT_TRUE(same.ok()) << same.error().message;
  EXPECT_EQ(same->status, ApplicationStatus::kSubmitted);
  EXPECT_EQ(same->declarations.size(), 6U);
  // The provider compared the travel document with the form (VC Art 12(4)) and reviewed it.
  ASSERT_TRUE(store_
                  .Write([&](UnitOfWork& u) -> Status {
                    OPENVAP_ASSIGN_OR_RETURN(auto a, u.Applications().Find(draft.id));
                    a->lodging.travel_document_verified = true;
                    a->lodging.provider_reviewed = true;
                    return u.Applications().Update(*a);
                  })
                  .ok());
  // A change after submission: the declarations signed the data as submitted (VIS 7d(6)), so the
  // application is a draft again, to be submitted once more with them; the surname changed, so
  // the provider compares the document again. A corrected address in field 19 is the one used.
  const auto changed = service_.SaveForm(
      anna_, draft.id, {{"1", "ERIKSSON-BERG"}, {"19", "12 Main St, Mumbai; anna.b@example.org"}},
      {});
  ASSERT_TRUE(changed.ok()) << changed.error().message;
  EXPECT_EQ(changed->status, ApplicationStatus::kDraft);
  EXPECT_TRUE(changed->declarations.empty());
  EXPECT_FALSE(changed->lodging.travel_document_verified);
  EXPECT_FALSE(changed->lodging.provider_reviewed);
  EXPECT_EQ(changed->contact_email, "anna.b@example.org");
  EXPECT_EQ(store_.Snapshot().audit.back().details["status"], "draft");
  const auto again =
      service_.Submit(anna_, draft.id, {"D1", "D2", "D3", "D4", "D5", "D6"}, "203.0.113.5");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->status, ApplicationStatus::kSubmitted);
  EXPECT_EQ(again->declarations.size(), 6U);
}

// The outcome says when the checks ran (the applicant and the officer see it): on submission, on
// a check asked for later, and when a change (a payment) makes the platform check again.
TEST_F(ApplicationServiceTest, ThePreChecksAreStampedWithTheTimeTheyRan) {
  const auto draft = *service_.CreateDraft(anna_, ApplicationKind::kShortStayVisa);
  const Timestamp submitted_at = clock_.Now();
  const auto submitted = service_.Submit(anna_, draft.id, RequiredDeclarations({}), "ip");
  ASSERT_TRUE(submitted.ok()) << submitted.error().message;
  EXPECT_EQ(submitted->prechecks->checked_at, submitted_at);
  EXPECT_EQ(store_.Snapshot().applications.at(draft.id.value()).prechecks->checked_at,
            submitted_at);

  clock_.Advance(std::chrono::hours(2));
  const auto asked = service_.PreCheck(anna_, draft.id);
  ASSERT_TRUE(asked.ok()) << asked.error().message;
  EXPECT_EQ(asked->checked_at, submitted_at + std::chrono::hours(2));

  clock_.Advance(std::chrono::hours(1));
  ASSERT_TRUE(store_
                  .Write([&](UnitOfWork& uow) -> Status {
                    auto a = **uow.Applications().Find(draft.id);
                    a.fee_paid = true;
                    return service_.Reevaluate(uow, a);
                  })
                  .ok());
  const Application rechecked = store_.Snapshot().applications.at(draft.id.value());
  EXPECT_EQ(rechecked.status, ApplicationStatus::kNotified);
  EXPECT_EQ(rechecked.prechecks->checked_at, submitted_at + std::chrono::hours(3));
}

TEST_F(ApplicationServiceTest,
       AChangeDuringThePreChecksIsCheckedAgainBeforeTheSubmissionIsWritten) {
  const auto draft = *service_.CreateDraft(anna_, ApplicationKind::kShortStayVisa);
  // The payment webhook records the fee while the checks of the submission run on the older
  // version: writing their outcome would hide the payment (and notify nobody).
  prechecks_.on_run = [&] {
    prechecks_.on_run = nullptr;
    ASSERT_TRUE(store_
                    .Write([&](UnitOfWork& uow) -> Status {
                      auto a = **uow.Applications().Find(draft.id);
                      a.fee_paid = true;
                      return uow.Applications().Update(a);
                    })
                    .ok());
  };
  const auto submitted = service_.Submit(anna_, draft.id, RequiredDeclarations({}), "ip");
  ASSERT_TRUE(submitted.ok()) << submitted.error().message;
  EXPECT_EQ(prechecks_.runs, 2);
  EXPECT_TRUE(submitted->fee_paid);
  EXPECT_TRUE(submitted->prechecks->admissible);
  EXPECT_EQ(submitted->status, ApplicationStatus::kNotified);
  EXPECT_EQ(submitted->version, draft.version + 2);  // the payment, then the submission
  // The message names the state to the applicant by its name, not only its code.
  EXPECT_NE(store_.Snapshot().messages.back().body.find("the authorities of France (FR), who"),
            std::string::npos)
      << store_.Snapshot().messages.back().body;
  int submissions = 0;
  for (const auto& e : store_.Snapshot().audit) submissions += e.action == "application.submit";
  EXPECT_EQ(submissions, 1);  // the refused first write left nothing behind
  // Without a concurrent change the checks run once.
  const auto second = *service_.CreateDraft(anna_, ApplicationKind::kShortStayVisa);
  ASSERT_TRUE(service_.Submit(anna_, second.id, RequiredDeclarations({}), "ip").ok());
  EXPECT_EQ(prechecks_.runs, 3);
}

// A store that runs every write twice, as a database does that retries a transaction from
// the start (PostgreSQL on a serialisation failure): the first run's effects are discarded.
class RetryingStore final : public Store {
 public:
  explicit RetryingStore(Store& inner) : inner_(inner) {}
  Status Write(const std::function<Status(UnitOfWork&)>& work) override {
    Status first = inner_.Write([&](UnitOfWork& uow) -> Status {
      OPENVAP_RETURN_IF_ERROR(work(uow));
      return Error{"serialization-failure", "could not serialize access"};
    });
    if (first.ok() || first.error().code != "serialization-failure") return first;
    return inner_.Write(work);
  }
  Status Read(const std::function<Status(UnitOfWork&)>& work) override { return inner_.Read(work); }

 private:
  Store& inner_;
};

// Submission prepares the submitted application before its write; the write's unit, run again
// from the start, stores the same: one version on, one audit entry of each kind, one message.
TEST_F(ApplicationServiceTest, ASubmissionWhoseTransactionIsRetriedIsStoredOnce) {
  RetryingStore retrying(store_);
  ApplicationService service(retrying, prechecks_, clock_, random_, ApplicationLimits{});
  for (const bool paid : {false, true}) {
    auto draft = *service.CreateDraft(anna_, ApplicationKind::kShortStayVisa);
    ASSERT_TRUE(store_
                    .Write([&](UnitOfWork& uow) -> Status {
                      draft.fee_paid = paid;
                      return uow.Applications().Update(draft);
                    })
                    .ok());
    const int runs_before = prechecks_.runs;
    const auto submitted = service.Submit(anna_, draft.id, RequiredDeclarations({}), "ip");
    ASSERT_TRUE(submitted.ok()) << submitted.error().message;
    EXPECT_EQ(prechecks_.runs, runs_before + 1);  // the second run is no conflict with the first
    EXPECT_EQ(submitted->status,
              paid ? ApplicationStatus::kNotified : ApplicationStatus::kSubmitted);
    EXPECT_EQ(submitted->version, draft.version + 1);
    const fakes::StoreState state = store_.Snapshot();
    EXPECT_EQ(state.applications.at(draft.id.value()).version, draft.version + 1);
    EXPECT_EQ(state.applications.at(draft.id.value()).status, submitted->status);
    int submits = 0;
    int notifies = 0;
    for (const auto& e : state.audit) {
      if (e.subject != "application:" + draft.id.value()) continue;
      submits += e.action == "application.submit";
      notifies += e.action == "application.notify";
    }
    EXPECT_EQ(submits, 1);
    EXPECT_EQ(notifies, paid ? 1 : 0);
    int messages = 0;
    for (const auto& m : state.messages) messages += m.application == draft.id;
    EXPECT_EQ(messages, 1);  // "complete" (notified) or "not complete yet"
  }
}

// VIS Art 7b(4): with consent, submitting keeps the applicant's own data, from which the next
// application starts; without consent nothing is kept, and nothing of a representative's.
TEST_F(ApplicationServiceTest, WithConsentTheApplicantsOwnDataStartTheNextApplication) {
  const auto add_account = [&](const std::string& id, Role role, bool consent) {
    ASSERT_TRUE(store_
                    .Write([&](UnitOfWork& uow) -> Status {
                      auto account = *uow.Accounts().Find(AccountId(id));
                      if (!account) {
                        account = Account{};
                        account->id = AccountId(id);
                        account->email = id + "@example.org";
                        OPENVAP_RETURN_IF_ERROR(uow.Accounts().Insert(*account));
                      }
                      account->role = role;
                      account->keep_data_consent = consent;
                      return uow.Accounts().Update(*account);
                    })
                    .ok());
  };
  const auto kept_of = [&](const std::string& id) {
    std::optional<KeptApplicationData> kept;
    EXPECT_TRUE(store_
                    .Read([&](UnitOfWork& uow) -> Status {
                      kept = (*uow.Accounts().Find(AccountId(id)))->kept;
                      return Ok();
                    })
                    .ok());
    return kept;
  };
  const json form = {{"1", "ERIKSSON"},        {"3", "ANNA MARIA"},
                     {"4", "1990-05-01"},      {"13", "X1234567"},
                     {"19", "Main St 1"},      {"contact_email", "anna@example.org"},
                     {"23", {"Tourism"}},      {"27", "multiple"},
                     {"24", "A family visit"}, {"itinerary", json::array()}};
  const auto submit_new = [&](const Principal& who) {
    const auto draft = *service_.CreateDraft(who, ApplicationKind::kShortStayVisa);
    EXPECT_TRUE(service_.SaveForm(who, draft.id, form, {}).ok());
    const auto submitted = service_.Submit(who, draft.id, RequiredDeclarations(form), "ip");
    EXPECT_TRUE(submitted.ok()) << submitted.error().message;
    return draft.id;
  };

  add_account("acc-anna", Role::kApplicant, false);
  EXPECT_EQ(service_.CreateDraft(anna_, ApplicationKind::kShortStayVisa, true).error().code,
            "consent-required");
  submit_new(anna_);
  EXPECT_FALSE(kept_of("acc-anna").has_value());  // no consent: nothing kept

  ASSERT_TRUE(store_
                  .Write([&](UnitOfWork& uow) -> Status {
                    auto account = *uow.Accounts().Find(AccountId("acc-anna"));
                    account->keep_data_consent = true;
                    return uow.Accounts().Update(*account);
                  })
                  .ok());
  EXPECT_EQ(service_.CreateDraft(anna_, ApplicationKind::kShortStayVisa, true).error().code,
            "nothing-kept");
  clock_.Advance(std::chrono::hours(1));
  const ApplicationId first = submit_new(anna_);
  const auto kept = kept_of("acc-anna");
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(kept->from, first);
  EXPECT_EQ(kept->kept_at, clock_.Now());
  EXPECT_EQ(kept->form.Fields(), json({{"1", "ERIKSSON"},
                                       {"3", "ANNA MARIA"},
                                       {"4", "1990-05-01"},
                                       {"13", "X1234567"},
                                       {"19", "Main St 1"},
                                       {"contact_email", "anna@example.org"}}));
  const auto audit = store_.Snapshot().audit;
  EXPECT_EQ(std::count_if(audit.begin(), audit.end(),
                          [](const AuditEvent& e) { return e.action == "account.data-kept"; }),
            1);

  const auto next = service_.CreateDraft(anna_, ApplicationKind::kShortStayVisa, true);
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(next->status, ApplicationStatus::kDraft);
  EXPECT_EQ(next->form.Fields(), kept->form.Fields());
  EXPECT_EQ(store_.Snapshot().applications.at(next->id.value()).form.Fields(), kept->form.Fields());

  // A form filled in for someone else (field 33: a parent for a child) does not replace the
  // holder's own data; nor does an extension's form.
  const auto child = *service_.CreateDraft(anna_, ApplicationKind::kShortStayVisa);
  json child_form = form;
  child_form["1"] = "ERIKSSON JUNIOR";
  child_form["33"] = "ANNA ERIKSSON";
  ASSERT_TRUE(service_.SaveForm(anna_, child.id, child_form, {}).ok());
  ASSERT_TRUE(service_.Submit(anna_, child.id, RequiredDeclarations(child_form), "ip").ok());
  const auto extension = *service_.CreateDraft(anna_, ApplicationKind::kVisaExtension);
  ASSERT_TRUE(service_.SaveForm(anna_, extension.id, {{"1", "OTHER"}}, {}).ok());
  const auto extended =
      service_.Submit(anna_, extension.id, RequiredDeclarations(json::object()), "ip");
  ASSERT_TRUE(extended.ok()) << extended.error().message;
  EXPECT_EQ(kept_of("acc-anna")->from, first);
  EXPECT_EQ(next->contact_email, "anna@example.org");

  // A representative fills in other people's forms: nothing of them is kept in their account.
  add_account("acc-agency", Role::kRepresentative, true);
  Principal agency = Applicant("acc-agency");
  agency.role = Role::kRepresentative;
  submit_new(agency);
  EXPECT_FALSE(kept_of("acc-agency").has_value());
  EXPECT_EQ(service_.CreateDraft(agency, ApplicationKind::kShortStayVisa, true).error().code,
            "nothing-kept");
}

TEST_F(ApplicationServiceTest, ACompletedFileIsNotifiedToTheCompetentState) {
  const auto draft = *service_.CreateDraft(anna_, ApplicationKind::kShortStayVisa);
  ASSERT_TRUE(service_.Submit(anna_, draft.id, RequiredDeclarations({}), "ip").ok());
  ASSERT_TRUE(store_
                  .Write([&](UnitOfWork& uow) -> Status {
                    auto a = **uow.Applications().Find(draft.id);
                    a.fee_paid = true;  // what the payment slice records
                    return service_.Reevaluate(uow, a);
                  })
                  .ok());
  const auto notified = service_.Get(anna_, draft.id);
  EXPECT_EQ(notified->status, ApplicationStatus::kNotified);
  EXPECT_EQ(notified->notified_state, "FR");
  // Now the consulate of France sees it; Germany's does not; the applicant cannot edit it.
  EXPECT_TRUE(service_.Get(Official(Role::kConsularOfficer, "FR"), draft.id).ok());
  EXPECT_EQ(service_.Get(Official(Role::kConsularOfficer, "DE"), draft.id).error().code,
            "not-found");
  EXPECT_EQ(service_.SaveForm(anna_, draft.id, {{"1", "X"}}, {}).error().code,
            "invalid-transition");
  bool audited_read = false;
  for (const auto& e : store_.Snapshot().audit) {
    audited_read = audited_read || (e.action == "application.read" && e.role == "consular-officer");
  }
  EXPECT_TRUE(audited_read);
}

// ApplicationLimits: an account keeps a bounded number of applications open at once (three for
// an applicant and five for a representative here): drafts and files submitted with
// something missing, which both take uploads. Complete and withdrawn ones do not count.
TEST_F(ApplicationServiceTest, AnAccountKeepsABoundedNumberOfApplicationsOpenAtOnce) {
  ApplicationService service(
      store_, prechecks_, clock_, random_,
      ApplicationLimits{.max_open_of_applicant = 3, .max_open_of_representative = 5});
  std::vector<ApplicationId> open;
  for (int i = 0; i < 3; ++i) {
    const auto d = service.CreateDraft(anna_, ApplicationKind::kShortStayVisa);
    ASSERT_TRUE(d.ok()) << d.error().message;
    open.push_back(d->id);
  }
  const auto fourth = service.CreateDraft(anna_, ApplicationKind::kShortStayVisa);
  ASSERT_FALSE(fourth.ok());
  EXPECT_EQ(fourth.error().code, "too-many-open-applications");
  EXPECT_NE(fourth.error().message.find("has 3 applications not yet complete"), std::string::npos)
      << fourth.error().message;
  EXPECT_EQ(store_.Snapshot().applications.size(), 3U);
  // Submitted without the fee: still open (still takes uploads), so still no room.
  ASSERT_EQ(service.Submit(anna_, open[1], RequiredDeclarations({}), "ip")->status,
            ApplicationStatus::kSubmitted);
  EXPECT_EQ(service.CreateDraft(anna_, ApplicationKind::kShortStayVisa).error().code,
            "too-many-open-applications");
  // Another applicant is not held back by Anna's.
  EXPECT_TRUE(service.CreateDraft(Applicant("acc-bob"), ApplicationKind::kShortStayVisa).ok());
  // One withdrawn, one complete (paid, so notified): room for two more.
  ASSERT_TRUE(service.Withdraw(anna_, open[0]).ok());
  ASSERT_TRUE(store_
                  .Write([&](UnitOfWork& uow) -> Status {
                    auto a = **uow.Applications().Find(open[2]);
                    a.fee_paid = true;
                    return uow.Applications().Update(a);
                  })
                  .ok());
  ASSERT_EQ(service.Submit(anna_, open[2], RequiredDeclarations({}), "ip")->status,
            ApplicationStatus::kNotified);
  EXPECT_TRUE(service.CreateDraft(anna_, ApplicationKind::kShortStayVisa).ok());
  EXPECT_TRUE(service.CreateDraft(anna_, ApplicationKind::kShortStayVisa).ok());
  EXPECT_EQ(service.CreateDraft(anna_, ApplicationKind::kShortStayVisa).error().code,
            "too-many-open-applications");
  // A representative prepares other people's applications: a limit of their own.
  Principal agency = Applicant("acc-agency");
  agency.role = Role::kRepresentative;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(service.CreateDraft(agency, ApplicationKind::kShortStayVisa).ok()) << i;
  }
  EXPECT_EQ(service.CreateDraft(agency, ApplicationKind::kShortStayVisa).error().code,
            "too-many-open-applications");
  // An account that is gone (closed meanwhile) starts nothing.
  EXPECT_EQ(
      service.CreateDraft(Applicant("acc-gone"), ApplicationKind::kShortStayVisa).error().code,
      "unauthenticated");
}

TEST_F(ApplicationServiceTest, OthersCannotSeeOrChangeSomeonesApplication) {
  const auto draft = *service_.CreateDraft(anna_, ApplicationKind::kShortStayVisa);
  const Principal bob = Applicant("acc-bob");
  EXPECT_EQ(service_.Get(bob, draft.id).error().code, "not-found");
  EXPECT_EQ(service_.SaveForm(bob, draft.id, {{"1", "X"}}, {}).error().code, "not-found");
  EXPECT_EQ(service_.Withdraw(bob, draft.id).error().code, "not-found");
  // Officials see nothing before the file is notified to their state.
  EXPECT_EQ(service_.Get(Official(Role::kConsularOfficer, "FR"), draft.id).error().code,
            "not-found");
  EXPECT_EQ(
      service_.CreateDraft(Official(Role::kBorderGuard, "FR"), ApplicationKind::kShortStayVisa)
          .error()
          .code,
      "forbidden");
  EXPECT_TRUE(service_.ListMine(bob)->items.empty());
  EXPECT_EQ(service_.ListMine(anna_)->items.size(), 1U);
}

TEST_F(ApplicationServiceTest, AnOfficerLodgesOnAPersonsBehalfUnderTheDerogation) {
  const Principal consul = Official(Role::kConsularOfficer, "DE");
  EXPECT_EQ(service_.CreateOnBehalf(consul, ApplicationKind::kShortStayVisa, "x@example.org", "")
                .error()
                .code,
            "invalid-field");
  // Decisions are sent to the contact address: it must be one.
  EXPECT_EQ(
      service_.CreateOnBehalf(consul, ApplicationKind::kShortStayVisa, "not-an-email", "flood")
          .error()
          .message,
      "contact_email: 'not-an-email' is not an e-mail address (name@example.org)");
  const auto a = service_.CreateOnBehalf(consul, ApplicationKind::kShortStayVisa, "x@example.org",
                                         "no internet access after flood");
  ASSERT_TRUE(a.ok());
  const auto submitted = service_.Submit(consul, a->id, RequiredDeclarations({}), "10.0.0.1");
  ASSERT_TRUE(submitted.ok()) << submitted.error().message;
  // VC Art 19(4): considered admissible on humanitarian grounds, notified to the officer's state.
  EXPECT_EQ(submitted->status, ApplicationStatus::kNotified);
  EXPECT_EQ(submitted->notified_state, "DE");
}

// Withdrawn, an application needs no visit: the slot it booked is free again.
TEST_F(ApplicationServiceTest, WithdrawalEndsTheApplication) {
  auto draft = *service_.CreateDraft(anna_, ApplicationKind::kShortStayVisa);
  const AppointmentSlot slot{"slot-1", "FR", "fr-delhi", "1 Rd", clock_.Now(), 15, std::nullopt};
  ASSERT_TRUE(store_
                  .Write([&](UnitOfWork& u) -> Status {
                    OPENVAP_RETURN_IF_ERROR(u.Appointments().InsertSlot(slot));
                    OPENVAP_RETURN_IF_ERROR(u.Appointments().Book("slot-1", draft.id));
                    draft.appointment = "slot-1";
                    return u.Applications().Update(draft);
                  })
                  .ok());
  ASSERT_TRUE(service_.Withdraw(anna_, draft.id).ok());
  EXPECT_EQ(service_.Get(anna_, draft.id)->status, ApplicationStatus::kWithdrawn);
  EXPECT_FALSE(service_.Get(anna_, draft.id)->appointment.has_value());
  EXPECT_FALSE(store_.Snapshot().slots.at("slot-1").booked_by.has_value());
  EXPECT_EQ(service_.Withdraw(anna_, draft.id).error().code, "invalid-transition");
  // A change says why it cannot be made: withdrawn, not "notified".
  const auto change = service_.SaveForm(anna_, draft.id, {{"1", "DOE"}}, std::nullopt);
  EXPECT_EQ(change.error().code, "invalid-transition");
  EXPECT_NE(change.error().message.find("was withdrawn"), std::string::npos)
      << change.error().message;
}

}  // namespace
}  // namespace openvap::domain
