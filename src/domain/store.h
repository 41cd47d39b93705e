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
#include <vector>

#include "base/bytes.h"
#include "domain/account.h"
#include "domain/application.h"

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

  virtual Status InsertToken(const OneTimeToken& token) = 0;
  virtual Status UpdateToken(const OneTimeToken& token) = 0;
  virtual Result<std::optional<OneTimeToken>> FindToken(const std::string& token_hash) = 0;

  virtual Status InsertServiceProviderKey(const ServiceProviderKey& key) = 0;
  virtual Status UpdateServiceProviderKey(const ServiceProviderKey& key) = 0;
  virtual Result<std::optional<ServiceProviderKey>> FindServiceProviderKey(
      const std::string& key_hash) = 0;
};

class ApplicationRepository {
 public:
  virtual ~ApplicationRepository() = default;
  virtual Status Insert(const Application& application) = 0;
  // Stores `application` if the stored version equals application.version, then increments
  // application.version. Errors: "conflict" (someone else changed it), "not-found".
  virtual Status Update(Application& application) = 0;
  virtual Result<std::optional<Application>> Find(const ApplicationId& id) = 0;
  virtual Result<std::vector<Application>> ListByOwner(const AccountId& owner) = 0;
  // Applications notified to `state` in `status`, oldest submission first (the queue).
  virtual Result<std::vector<Application>> ListForState(const std::string& state,
                                                        ApplicationStatus status) = 0;

  virtual Status InsertDocument(const ApplicationId& application,
                                const ApplicationDocument& document, ByteView content) = 0;
  virtual Status DeleteDocument(const ApplicationId& application,
                                const std::string& document_id) = 0;
  virtual Result<std::vector<ApplicationDocument>> ListDocuments(
      const ApplicationId& application) = 0;
  virtual Result<std::optional<Bytes>> DocumentContent(const ApplicationId& application,
                                                       const std::string& document_id) = 0;
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

class MessageRepository {
 public:
  virtual ~MessageRepository() = default;
  virtual Status Insert(const AccountMessage& message) = 0;
  virtual Status MarkRead(const std::string& id, Timestamp at) = 0;
  virtual Result<std::vector<AccountMessage>> ListFor(const AccountId& account) = 0;
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
  virtual Status Enqueue(const OutgoingMail& mail) = 0;
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
  // `window`.
  virtual Result<bool> Allow(const std::string& key, int limit, std::chrono::seconds window) = 0;
};

}  // namespace openvap::domain

#endif  // OPENVAP_DOMAIN_STORE_H_
