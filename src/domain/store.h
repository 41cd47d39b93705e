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

#include "domain/account.h"

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
