#ifndef OPENVAP_DOMAIN_STORE_H_
#define OPENVAP_DOMAIN_STORE_H_

// The persistence port of the domain (DESIGN.md: storage is an interface passed in). A use case
// runs its reads and writes in one unit of work; the store runs it as one transaction and
// retries it on a serialisation conflict, so a unit of work must not have side effects outside
// the store (mail goes through the outbox, which is in the store).

#include <openvap/result.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "base/ids.h"
#include "base/random.h"
#include "domain/account.h"
#include "domain/application.h"
#include "domain/decision.h"
#include "domain/page.h"
#include "domain/payment.h"
#include "domain/visa.h"

namespace openvap::domain {

class AccountRepository {
 public:
  virtual ~AccountRepository() = default;
  // Errors: "already-exists" when the e-mail is taken.
  virtual Status Insert(const Account& account) = 0;
  virtual Status Update(const Account& account) = 0;
  virtual Result<std::optional<Account>> Find(const AccountId& id) = 0;
  virtual Result<std::optional<Account>> FindByEmail(const std::string& normalised_email) = 0;

  virtual Status InsertSession(const Session& session) = 0;
  virtual Status UpdateSession(const Session& session) = 0;
  virtual Result<std::optional<Session>> FindSession(const std::string& token_hash) = 0;
  virtual Status DeleteSession(const std::string& token_hash) = 0;
  virtual Status DeleteSessionsOf(const AccountId& account) = 0;
  // Deletes the account with its sessions and one-time tokens (the account is closed).
  virtual Status Delete(const AccountId& account) = 0;
  // Removes sessions idle since before `cutoff`; returns how many.
  virtual Result<std::int64_t> DeleteSessionsIdleSince(Timestamp cutoff) = 0;

  virtual Status InsertToken(const OneTimeToken& token) = 0;
  virtual Status UpdateToken(const OneTimeToken& token) = 0;
  virtual Result<std::optional<OneTimeToken>> FindToken(const std::string& token_hash) = 0;
  // Removes tokens that expired before `cutoff`; returns how many.
  virtual Result<std::int64_t> DeleteTokensExpiredBefore(Timestamp cutoff) = 0;

  virtual Status InsertServiceProviderKey(const ServiceProviderKey& key) = 0;
  virtual Status UpdateServiceProviderKey(const ServiceProviderKey& key) = 0;
  virtual Result<std::optional<ServiceProviderKey>> FindServiceProviderKey(
      const std::string& key_hash) = 0;
  // Every key issued to `account`, revoked ones included.
  virtual Result<std::vector<ServiceProviderKey>> ServiceProviderKeysOf(
      const AccountId& account) = 0;
};

class ApplicationRepository {
 public:
  virtual ~ApplicationRepository() = default;
  virtual Status Insert(const Application& application) = 0;
  // Stores `application` if the stored version equals application.version, then increments
  // application.version. Errors: "conflict" (someone else changed it), "not-found".
  virtual Status Update(Application& application) = 0;
  virtual Result<std::optional<Application>> Find(const ApplicationId& id) = 0;
  // How many of the account's applications are still in its hands (IsEditableByApplicant: drafts
  // and files submitted but not yet complete).
  virtual Result<std::int64_t> CountOpenOf(const AccountId& owner) = 0;
  // The account's applications, newest first.
  virtual Result<Page<Application>> ListByOwner(const AccountId& owner,
                                                const PageRequest& page) = 0;
  // Applications with an appointment at `organisation` (a consulate or service provider),
  // not yet decided, oldest submission first: the service provider's work list.
  virtual Result<Page<Application>> ListByAppointmentLocation(const std::string& organisation,
                                                              const PageRequest& page) = 0;
  // Applications notified to `state` in `status`, oldest submission first (the queue).
  virtual Result<Page<Application>> ListForState(const std::string& state, ApplicationStatus status,
                                                 const PageRequest& page) = 0;

  virtual Status InsertDocument(const ApplicationId& application,
                                const ApplicationDocument& document, ByteView content) = 0;
  virtual Status DeleteDocument(const ApplicationId& application,
                                const std::string& document_id) = 0;
  virtual Result<std::vector<ApplicationDocument>> ListDocuments(
      const ApplicationId& application) = 0;
  virtual Result<std::optional<Bytes>> DocumentContent(const ApplicationId& application,
                                                       const std::string& document_id) = 0;
  // Deletes every uploaded file of the application (VAP-XFER, retention).
  virtual Status DeleteDocuments(const ApplicationId& application) = 0;
  // Deletes the application and its files from temporary storage.
  virtual Status Delete(const ApplicationId& application) = 0;
  // Applications in `status` last changed before `cutoff` (retention), oldest first.
  virtual Result<std::vector<Application>> ListStale(ApplicationStatus status, Timestamp cutoff,
                                                     int limit) = 0;
};

class PaymentRepository {
 public:
  virtual ~PaymentRepository() = default;
  virtual Status Insert(const Payment& payment) = 0;
  virtual Status Update(const Payment& payment) = 0;
  virtual Result<std::optional<Payment>> FindByCheckout(const std::string& checkout_id) = 0;
  virtual Result<std::vector<Payment>> OfApplication(const ApplicationId& application) = 0;
  // Records a provider event id; false if it was already processed (webhooks are retried).
  virtual Result<bool> FirstTimeEvent(const std::string& provider, const std::string& event_id) = 0;
};

class AppointmentRepository {
 public:
  virtual ~AppointmentRepository() = default;
  virtual Status InsertSlot(const AppointmentSlot& slot) = 0;
  virtual Result<std::optional<AppointmentSlot>> FindSlot(const std::string& id) = 0;
  // Free slots of a state (and organisation, when not empty) starting in [from, to).
  virtual Result<std::vector<AppointmentSlot>> FreeSlots(const std::string& member_state,
                                                         const std::string& organisation,
                                                         Timestamp from, Timestamp to) = 0;
  // Books the slot for the application if it is still free. Errors: "slot-taken" when someone
  // else booked it first (also under concurrency: the store guarantees one winner).
  virtual Status Book(const std::string& slot_id, const ApplicationId& application) = 0;
  virtual Status Release(const std::string& slot_id, const ApplicationId& application) = 0;
};

// A message in the secure account (VIS 7g; VC Art 32(2)): decisions and communication with
// the consulate are made available here; an e-mail tells the person to look.
struct AccountMessage {
  std::string id;
  AccountId account;
  std::optional<ApplicationId> application;
  std::string kind;  // "submitted", "incomplete", "decision", "consulate", ...
  std::string subject;
  std::string body;
  Timestamp created_at{};
  std::optional<Timestamp> read_at;
};

// A new message's id: "msg-", its creation time in milliseconds (12 hex digits), '-', 16 random
// hex digits. Newer messages sort after older ones, so the store's index of ids grows at its end
// instead of at a random place (a random id dirtied one more index page per message in every
// commit, more as the table grew; docs/PERFORMANCE.md).
std::string NewAccountMessageId(Timestamp created_at, RandomSource& random);

class MessageRepository {
 public:
  virtual ~MessageRepository() = default;
  virtual Status Insert(const AccountMessage& message) = 0;
  // Marks `account`'s message `id` read at `at` (the first time only) and returns it. Errors:
  // "not-found" (no such message in that account).
  virtual Result<AccountMessage> MarkRead(const AccountId& account, const std::string& id,
                                          Timestamp at) = 0;
  // The account's messages, newest first.
  virtual Result<Page<AccountMessage>> ListFor(const AccountId& account,
                                               const PageRequest& page) = 0;
  // Deletes `account`'s messages about `application` (it leaves the platform, retention.h).
  virtual Status DeleteAbout(const AccountId& account, const ApplicationId& application) = 0;
  // Deletes every message of `account` (the account is closed).
  virtual Status DeleteAllOf(const AccountId& account) = 0;
};

// The register (the role the VIS plays, VIS Arts 9-14): application files of accepted
// applications, decisions and digital visas. Separate from the temporary storage above
// (VAP-XFER).
struct ApplicationFile {
  ApplicationId application;
  AccountId owner;
  std::string member_state;  // the state examining it
  std::string authority;
  VisaHolder holder;         // VIS Art 9(4)(a)-(c)
  nlohmann::json data;       // the other VIS Art 9 data kept for the examination
  nlohmann::json prechecks;  // the automated pre-check results at notification
  Timestamp lodged_at{};
  // When the file was created in the register: at acceptance (VIS Art 8(1), 7d(10)); the start
  // of the register's period for a file closed without a decision (VIS Art 23(1)(c)).
  Timestamp created_at{};
  std::string residence_time_zone;
  std::vector<std::string> notify_emails;  // applicant and representative (VC Art 32(2))
  // Lodged at the consulate on the person's behalf, without an account on the platform (VC
  // Art 9(1b)): decisions reach the person by the standard form, not the secure account.
  bool lodged_by_official = false;
};

// Biometric identifiers kept with an examined file (VIS Art 9(6)), found again by the travel
// document they were collected with: the read-only copy the pre-checks consult (VIS 7d(3)-(4);
// VAP-BIO), so that someone who gave them in the last 59 months with the same document need not
// come back for a visit.
struct BiometricsOnRecord {
  std::string issuing_country;         // of the travel document, as in the form (field 16)
  std::string travel_document_number;  // as collected
  Date collected_on{};
  ApplicationId application;
  // Whose they are (the file's holder): a record is used only for the same person, so that
  // typing someone else's passport number shows nothing of their visa history.
  std::string surname;
  std::optional<Date> date_of_birth;
  std::string nationality;
};

// The key under which such records are found: issuing country and number, compared the way
// numbers are (TravelDocumentNumberKey).
inline std::string TravelDocumentKey(std::string_view issuing_country,
                                     std::string_view travel_document_number) {
  std::string key = TravelDocumentNumberKey(issuing_country);
  key += ':';
  key += TravelDocumentNumberKey(travel_document_number);
  return key;
}

class Register {
 public:
  virtual ~Register() = default;
  virtual Status InsertFile(const ApplicationFile& file) = 0;
  virtual Result<std::optional<ApplicationFile>> FindFile(const ApplicationId& application) = 0;

  // Recording the same application twice keeps the first record.
  virtual Status RecordBiometrics(const BiometricsOnRecord& record) = 0;
  // The most recent record for the travel document, if any.
  virtual Result<std::optional<BiometricsOnRecord>> LatestBiometrics(
      std::string_view issuing_country, std::string_view travel_document_number) = 0;

  // Errors: "already-exists" when the visa number is taken.
  virtual Status InsertVisa(const DigitalVisa& visa) = 0;
  virtual Status UpdateVisa(const DigitalVisa& visa) = 0;
  virtual Result<std::optional<DigitalVisa>> FindVisa(const VisaNumber& number) = 0;
  virtual Result<std::vector<DigitalVisa>> VisasOfApplication(const ApplicationId& id) = 0;

  virtual Status InsertDecision(const Decision& decision) = 0;
  virtual Status UpdateDecision(const Decision& decision) = 0;
  virtual Result<std::optional<Decision>> FindDecision(const DecisionId& id) = 0;
  virtual Result<std::vector<Decision>> DecisionsOfApplication(const ApplicationId& id) = 0;
  // Appealable decisions (IsAppealable) whose message was sent before `cutoff` and that were
  // neither accessed nor presumed notified yet (VC Art 32(2)). A decision written by this
  // version is listed only when appealable; one written by an older version may be listed
  // until it is written again (UpdateDecision).
  virtual Result<std::vector<Decision>> DecisionsAwaitingPresumedNotification(Timestamp cutoff) = 0;

  // VIS Art 23(1) (register_retention.h): the last day the register keeps what it holds on
  // `application`; nullopt while no period runs. Replaces what was set before.
  virtual Status KeepUntil(const ApplicationId& application, std::optional<Date> until) = 0;
  // Applications whose last day is before `today`, the earliest first, at most `limit`.
  virtual Result<std::vector<ApplicationId>> RetentionEndedBefore(Date today, int limit) = 0;
  // Deletes everything the register holds on `application`: its file, the biometrics taken for
  // it, its decisions, its visas with the stickers they replaced, and its period.
  virtual Status DeleteRecordsOf(const ApplicationId& application) = 0;

  // DV-STICKER (VC Art 28): an erroneous sticker, invalidated and replaced by a digital visa.
  virtual Status InsertInvalidatedSticker(const std::string& sticker_number,
                                          const VisaNumber& replaced_by, Timestamp at) = 0;
};

// Work for later, done by background jobs with retries: transfer to the national system
// (VIS 7d(10)), export to the Entry/Exit System (VIS 12a(2), 13(3), 14(3)), presumed
// notification (VC 32(2)), e-mail delivery.
struct Job {
  std::string kind;  // "national-transfer", "ees-export", "presumed-notification", ...
  std::string key;   // idempotency key: a second job with the same key is not added
  nlohmann::json payload;
  Timestamp run_at{};
};

class JobScheduler {
 public:
  virtual ~JobScheduler() = default;
  virtual Status Schedule(const Job& job) = 0;
  // Deletes at most `limit` finished jobs: those done before `done_before`, and e-mails and
  // password-reset requests given up ("dead") before `dead_mail_before`; other jobs given up
  // stay for the operator. Returns how
  // many. A deleted job's key can be scheduled again: keys name one event (an application's
  // transfer, a day's retention run), never scheduled again after so long.
  virtual Result<std::int64_t> DeleteFinished(Timestamp done_before, Timestamp dead_mail_before,
                                              int limit) = 0;
};

// An e-mail waiting to be sent (transactional outbox, VAP-NOTIFY): written in the same
// transaction as the change it reports, delivered later by a job with retries.
struct OutgoingMail {
  std::vector<std::string> to;
  std::string subject;
  std::string text;
  std::string kind;  // "verify-email", "decision", "presumed-notification", ...
};

class Outbox {
 public:
  virtual ~Outbox() = default;
  // Each address in `mail.to` gets a message of its own (VAP-NOTIFY: the applicant and their
  // representative): no recipient sees another's address, and an address refused for good does
  // not stop the others' message. A repeated address gets one; no address, nothing.
  Status Enqueue(const OutgoingMail& mail);

 protected:
  // Schedules the delivery of `mail`, which has exactly one address.
  virtual Status EnqueueOne(const OutgoingMail& mail) = 0;
};

// VAP-DP: who read or changed which personal data, and why. Append-only, hash-chained.
struct AuditEvent {
  std::string actor;    // account id, "system" or "public"
  std::string role;     // RoleName of the actor
  std::string action;   // "account.register", "application.read", ...
  std::string subject;  // "account:<id>", "application:<id>", ...
  nlohmann::json details;
};

class AuditLog {
 public:
  virtual ~AuditLog() = default;
  virtual Status Append(const AuditEvent& event) = 0;
};

class UnitOfWork {
 public:
  virtual ~UnitOfWork() = default;
  virtual AccountRepository& Accounts() = 0;
  virtual ApplicationRepository& Applications() = 0;
  virtual MessageRepository& Messages() = 0;
  virtual Register& Registry() = 0;
  virtual PaymentRepository& Payments() = 0;
  virtual AppointmentRepository& Appointments() = 0;
  virtual JobScheduler& Jobs() = 0;
  virtual Outbox& Mail() = 0;
  virtual AuditLog& Audit() = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  // Runs `work` in one read-write transaction; commits when it returns Ok, rolls back on an
  // Error (which is returned). Retried on serialisation conflicts.
  virtual Status Write(const std::function<Status(UnitOfWork&)>& work) = 0;
  // Runs `work` in a read-only transaction.
  virtual Status Read(const std::function<Status(UnitOfWork&)>& work) = 0;
};

// Throttling of attempts (login, anti-enumeration look-ups), shared by every server process.
class Throttle {
 public:
  virtual ~Throttle() = default;
  // Counts one attempt for `key`; false once more than `limit` attempts fell in the current
  // `window`. Called outside any unit of work of the Store: the SQL store counts in a write
  // transaction of its own, and SQLite's one writer cannot start one inside another.
  virtual Result<bool> Allow(const std::string& key, int limit, std::chrono::seconds window) = 0;
};

}  // namespace openvap::domain

#endif  // OPENVAP_DOMAIN_STORE_H_
