#ifndef OPENVAP_ADAPTERS_STORAGE_SQL_STORE_H_
#define OPENVAP_ADAPTERS_STORAGE_SQL_STORE_H_

// The domain's persistence ports over a Database (SQLite or PostgreSQL): the repositories of
// the temporary storage and of the register (kept in separate tables, VAP-XFER), the
// transactional outbox and job queue, the throttle shared by every server process, and the
// append-only, hash-chained audit trail (VAP-DP).

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "adapters/storage/decoded_documents.h"
#include "adapters/storage/sql.h"
#include "base/clock.h"
#include "base/random.h"
#include "domain/account.h"
#include "domain/application.h"
#include "domain/store.h"

namespace openvap::storage {

// The documents read on nearly every request, kept decoded for at most five minutes (see
// DecodedDocuments).
struct DecodedDocumentCaches {
  static constexpr std::chrono::seconds kMaxAge{300};
  DecodedDocuments<domain::Session> sessions{4096, kMaxAge};
  DecodedDocuments<domain::Account> accounts{4096, kMaxAge};
  DecodedDocuments<domain::Application> applications{2048, kMaxAge};
};

class SqlStore final : public domain::Store, public domain::Throttle {
 public:
  SqlStore(Database& db, const Clock& clock, RandomSource& random);

  Status Write(const std::function<Status(domain::UnitOfWork&)>& work) override;
  Status Read(const std::function<Status(domain::UnitOfWork&)>& work) override;
  Result<bool> Allow(const std::string& key, int limit, std::chrono::seconds window) override;
  // Deletes the counts of windows that started before `cutoff`: their keys hold e-mail and IP
  // addresses (VAP-DP). Windows are at most an hour long; a day's margin is plenty. Returns how
  // many were deleted.
  Result<std::int64_t> ForgetAttemptsBefore(Timestamp cutoff);

  Database& database() { return db_; }
  // What is kept decoded (for tests: what it holds of deleted rows).
  const DecodedDocumentCaches& decoded_documents() const { return decoded_; }

 private:
  Database& db_;
  const Clock& clock_;
  RandomSource& random_;
  DecodedDocumentCaches decoded_;
};

// A job taken from the queue by one worker until its lease ends.
struct ClaimedJob {
  std::string id;
  std::string kind;
  std::string key;
  nlohmann::json payload;
  int attempts = 0;  // including this one
};

// The queue of background jobs (mail delivery, transfers, exports, scheduled tasks), shared
// by every server process: each due job is claimed by exactly one worker (PostgreSQL: FOR
// UPDATE SKIP LOCKED; SQLite: the single writer); a worker that dies loses its lease and the
// job is claimed again.
class JobQueue {
 public:
  JobQueue(Database& db, const Clock& clock, RandomSource& random);

  Result<std::optional<ClaimedJob>> Claim(std::chrono::seconds lease);
  Status Complete(const std::string& id);
  // Retries after `backoff`, or gives up ("dead") after `max_attempts` or when `permanent`.
  Status Fail(const ClaimedJob& job, const std::string& error, bool permanent,
              std::chrono::seconds backoff, int max_attempts);
  Status Schedule(const domain::Job& job);

  struct Counts {
    std::int64_t pending = 0, running = 0, done = 0, dead = 0;
  };
  Result<Counts> Count();

 private:
  Database& db_;
  const Clock& clock_;
  RandomSource& random_;
};

// Checks the audit trail's hash chain. Returns the sequence number of the first entry whose
// hash does not match (tampered with, or a gap), or nullopt when the chain is intact.
Result<std::optional<std::int64_t>> VerifyAuditChain(Database& db);

// An entry of the audit trail as stored: `hash` is SHA-256, in hex, of the previous entry's
// hash (64 zeros before the first), a line feed, and the entry's canonical JSON (its members
// action, actor, at_ms, details, role, seq and subject, in that order, without spaces).
struct StoredAuditEntry {
  std::int64_t seq = 0;
  std::int64_t at_ms = 0;
  domain::AuditEvent event;
  std::string prev_hash;
  std::string hash;
};

// The entries about `subject` ("application:app-…", "visa:FRA…", "account:acc-…"; every entry
// when empty) after sequence number `after`, oldest first, at most `limit` of them; and the
// number of entries in the whole trail.
Result<std::vector<StoredAuditEntry>> ListAuditEntries(Database& db, const std::string& subject,
                                                       std::int64_t after, int limit);
Result<std::int64_t> CountAuditEntries(Database& db);

}  // namespace openvap::storage

#endif  // OPENVAP_ADAPTERS_STORAGE_SQL_STORE_H_
