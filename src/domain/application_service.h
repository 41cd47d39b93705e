#ifndef OPENVAP_DOMAIN_APPLICATION_SERVICE_H_
#define OPENVAP_DOMAIN_APPLICATION_SERVICE_H_

// The applicant's side of the procedure (VIS Arts 7b-7e; VC Arts 9-14, 19): drafts saved in
// steps, uploads, the automated competence and admissibility pre-checks, submission with the
// IP address, and notification to the competent state's consulate once the file is complete.

#include <openvap/result.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/random.h"
#include "domain/application.h"
#include "domain/principal.h"
#include "domain/store.h"

namespace openvap::domain {

// What the pre-checks read beside the application, in the same transaction: its uploads (is
// there a photo?), and the read-only copy of VIS (VIS 7d(3)-(4)): the latest biometrics on
// record for its travel document, when they are the same person's.
struct PreCheckInputs {
  std::vector<ApplicationDocument> documents;
  std::optional<BiometricsOnRecord> biometrics_on_record;
};

// The automated pre-checks (VIS 7d(1), 7d(4), 7d(7)): a port so that the domain does not
// depend on how the rules engine is called. `lodged_on` is the day of the check. Pure: no store,
// no clock.
class PreChecks {
 public:
  virtual ~PreChecks() = default;
  virtual Result<PreCheckOutcome> Run(const Application& application, const PreCheckInputs& inputs,
                                      Date lodged_on) const = 0;
  // VIS Art 7b(5): the alphabetic characters of the form data must be Latin. Returns the
  // fields (by number) that are not.
  virtual std::vector<std::string> NonLatinFields(const nlohmann::json& form) const = 0;
  // The English name of a Member State (alpha-2), e.g. "France" for FR; the code itself when
  // it is not one. Messages to the applicant name states this way (StateLabel).
  virtual std::string StateName(const std::string& state) const = 0;
  // Whether `zone` names a time zone the platform's calendar knows: an IANA name such as
  // Asia/Kolkata, or a fixed offset. The time zone of residence counts the days of a
  // decision's notification (VC Art 32(2)).
  virtual bool IsTimeZone(std::string_view zone) const = 0;
};

// What one account may keep in temporary storage: uploads per application (VAP-DOCS), and
// applications open at once, so that no account can fill the platform's storage. Open: still in
// the applicant's hands (IsEditableByApplicant), a draft or a file submitted and not yet
// complete, both of which take uploads. A representative (an agency, a company) prepares many
// people's applications.
struct ApplicationLimits {
  std::int64_t max_file_bytes = std::int64_t{10} * 1024 * 1024;
  std::int64_t max_total_bytes = std::int64_t{40} * 1024 * 1024;
  int max_files = 20;
  int max_open_of_applicant = 20;
  int max_open_of_representative = 1000;
};

// The staff of the organisation where the applicant's visit in person is booked, for the state
// of that slot: a service provider (VIS Art 7f) or the consulate whose slot it is (VIS 7e(2)).
bool IsVisitHost(const Principal& who, const Application& a);
// ... while the visit matters: they see the file for the visit (VC Arts 12(4)-(6), 13) while it
// is submitted or notified, without being officials of the competent state.
bool HostsTheVisit(const Principal& who, const Application& a);

class ApplicationService {
 public:
  ApplicationService(Store& store, const PreChecks& prechecks, const Clock& clock,
                     RandomSource& random, ApplicationLimits limits = {});

  // A new draft owned by the signed-in applicant or representative; `from_kept_data` starts its
  // form from what the account keeps for later applications (VIS Art 7b(4)). Submitting keeps
  // the applicant's own data of the form while they consent (KeptForLaterApplications). Errors:
  // "forbidden", "consent-required", "nothing-kept", "too-many-open-applications"
  // (ApplicationLimits: complete or withdraw one first).
  Result<Application> CreateDraft(const Principal& who, ApplicationKind kind,
                                  bool from_kept_data = false);

  // VAP-HUM: an official lodges an application on a person's behalf (humanitarian reasons,
  // force majeure, accessibility). The official's state becomes the notified state.
  Result<Application> CreateOnBehalf(const Principal& official, ApplicationKind kind,
                                     const std::string& contact_email, const std::string& reason);

  // The application if `who` may see it (owner; officials of the notified state; the service
  // provider of its appointment). Reads of personal data are audited (VAP-DP).
  Result<Application> Get(const Principal& who, const ApplicationId& id);

  // The owner's applications, newest first, a page at a time.
  Result<Page<Application>> ListMine(const Principal& who, const PageRequest& page = {});

  // Saves fields of the form (a step): `fields` maps field numbers to values; null removes a
  // field. Only while editable. Errors: "invalid-field" for non-Latin text (VIS 7b(5)) or
  // unknown fields, "conflict" when `expected_version` is stale.
  Result<Application> SaveForm(const Principal& who, const ApplicationId& id,
                               const nlohmann::json& fields,
                               std::optional<std::int64_t> expected_version);

  // VAP-DOCS. The content type is decided from the file's signature (PDF, JPEG, PNG).
  Result<ApplicationDocument> AddDocument(const Principal& who, const ApplicationId& id,
                                          const std::string& kind, const std::string& filename,
                                          ByteView content);
  Status RemoveDocument(const Principal& who, const ApplicationId& id,
                        const std::string& document_id);
  Result<std::vector<ApplicationDocument>> ListDocuments(const Principal& who,
                                                         const ApplicationId& id);
  Result<Bytes> DocumentContent(const Principal& who, const ApplicationId& id,
                                const std::string& document_id);

  // Runs the pre-checks on the current data without submitting (shown while filling in).
  Result<PreCheckOutcome> PreCheck(const Principal& who, const ApplicationId& id);

  // VIS 7d(6)-(8): submits with the declarations, records the IP address (7b(6)), runs the
  // pre-checks; an admissible file is notified to the competent state at once, otherwise the
  // applicant sees what is missing and can complete it.
  Result<Application> Submit(const Principal& who, const ApplicationId& id,
                             const std::vector<std::string>& declarations,
                             const std::string& ip_address);

  // Stores `application` after a lodging step (fee paid, biometrics collected, review done);
  // while it is submitted, first re-runs the admissibility pre-check and notifies the
  // consulate when the file became complete.
  Status Reevaluate(UnitOfWork& uow, Application& application);

  // The fee `application` is due as of now (the pre-checks run in `uow`): what a payment is
  // measured against when it arrives, whatever the form held when it was started.
  Result<double> FeeDueNow(UnitOfWork& uow, const Application& application) const;

  Status Withdraw(const Principal& who, const ApplicationId& id);

 private:
  Result<Application> Load(UnitOfWork& uow, const Principal& who, const ApplicationId& id,
                           bool for_change);
  // Notify = MarkNotified (the application's new state) + RecordNotification (in the write:
  // the audit entry and the applicant's message), VAP-NOTIFY.
  Status Notify(UnitOfWork& uow, Application& application);
  static Status MarkNotified(Application& application);
  Status RecordNotification(UnitOfWork& uow, const Application& application);
  // The pre-checks of `application` as of now: lodged today, the outcome stamped with the time
  // it was checked (shown to the applicant and the officer).
  Result<PreCheckOutcome> RunPreChecks(const Application& application,
                                       const PreCheckInputs& inputs) const;
  static Result<PreCheckInputs> LoadPreCheckInputs(UnitOfWork& uow, const Application& a);

  Store& store_;
  const PreChecks& prechecks_;
  const Clock& clock_;
  RandomSource& random_;
  ApplicationLimits limits_;
};

// The form's fields as SaveForm takes them, as an OpenAPI 3.0 schema object: every
// Annex I field by number, the platform's own fields, their types and choices.
nlohmann::json ApplicationFormSchema();

// The declarations every submission needs (Annex I D1, D3-D6) and D2 for multiple entries.
std::vector<std::string> RequiredDeclarations(const nlohmann::json& form);

// "application/pdf", "image/jpeg" or "image/png" from the file's first bytes; empty otherwise.
std::string SniffContentType(ByteView content);

}  // namespace openvap::domain

#endif  // OPENVAP_DOMAIN_APPLICATION_SERVICE_H_
