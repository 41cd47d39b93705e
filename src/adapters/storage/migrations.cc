#include "adapters/storage/migrations.h"

#include <chrono>

namespace openvap::storage {
namespace {

// Version 1: the whole platform. Conventions: instants are BIGINT milliseconds since the
// epoch (UTC); each aggregate keeps its columns for look-ups and its full state as JSON text
// in `doc`; booleans are INTEGER 0/1.
constexpr const char* kVersion1 = R"SQL(
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  doc TEXT NOT NULL
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  account TEXT NOT NULL,
  last_seen_ms BIGINT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX sessions_account ON sessions (account);
CREATE TABLE one_time_tokens (
  token_hash TEXT PRIMARY KEY,
  account TEXT NOT NULL,
  doc TEXT NOT NULL
);
CREATE TABLE provider_keys (
  key_hash TEXT PRIMARY KEY,
  account TEXT NOT NULL,
  doc TEXT NOT NULL
);
CREATE TABLE applications (
  id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  status TEXT NOT NULL,
  notified_state TEXT NOT NULL,
  appointment_location TEXT NOT NULL,
  submitted_ms BIGINT,
  created_ms BIGINT NOT NULL,
  updated_ms BIGINT NOT NULL,
  version BIGINT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX applications_owner ON applications (owner);
CREATE INDEX applications_queue ON applications (notified_state, status, submitted_ms);
CREATE INDEX applications_location ON applications (appointment_location);
CREATE TABLE application_documents (
  application TEXT NOT NULL,
  id TEXT NOT NULL,
  doc TEXT NOT NULL,
  content {BLOB} NOT NULL,
  PRIMARY KEY (application, id)
);
CREATE TABLE account_messages (
  id TEXT PRIMARY KEY,
  account TEXT NOT NULL,
  created_ms BIGINT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX account_messages_account ON account_messages (account, created_ms);
CREATE TABLE register_files (
  application TEXT PRIMARY KEY,
  doc TEXT NOT NULL
);
CREATE TABLE register_visas (
  number TEXT PRIMARY KEY,
  application TEXT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX register_visas_application ON register_visas (application);
CREATE TABLE register_decisions (
  id TEXT PRIMARY KEY,
  application TEXT NOT NULL,
  decided_ms BIGINT NOT NULL,
  message_sent_ms BIGINT,
  awaiting_notification INTEGER NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX register_decisions_application ON register_decisions (application);
CREATE INDEX register_decisions_awaiting ON register_decisions (awaiting_notification, message_sent_ms);
CREATE TABLE invalidated_stickers (
  sticker TEXT PRIMARY KEY,
  replaced_by TEXT NOT NULL,
  at_ms BIGINT NOT NULL
);
CREATE TABLE payments (
  id TEXT PRIMARY KEY,
  application TEXT NOT NULL,
  checkout_id TEXT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX payments_application ON payments (application);
CREATE INDEX payments_checkout ON payments (checkout_id);
CREATE TABLE payment_events (
  provider TEXT NOT NULL,
  event_id TEXT NOT NULL,
  PRIMARY KEY (provider, event_id)
);
CREATE TABLE appointment_slots (
  id TEXT PRIMARY KEY,
  member_state TEXT NOT NULL,
  organisation TEXT NOT NULL,
  starts_ms BIGINT NOT NULL,
  booked_by TEXT,
  doc TEXT NOT NULL
);
CREATE INDEX appointment_slots_free ON appointment_slots (member_state, starts_ms);
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  job_key TEXT NOT NULL UNIQUE,
  payload TEXT NOT NULL,
  run_at_ms BIGINT NOT NULL,
  attempts INTEGER NOT NULL,
  lease_until_ms BIGINT NOT NULL,
  state TEXT NOT NULL,
  last_error TEXT NOT NULL
);
CREATE INDEX jobs_due ON jobs (state, run_at_ms);
CREATE TABLE rate_limits (
  limit_key TEXT NOT NULL,
  window_start_ms BIGINT NOT NULL,
  hits INTEGER NOT NULL,
  PRIMARY KEY (limit_key, window_start_ms)
);
CREATE TABLE audit_trail (
  seq BIGINT PRIMARY KEY,
  at_ms BIGINT NOT NULL,
  actor TEXT NOT NULL,
  role TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  details TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
)
)SQL";

// Version 2: the built-in sandbox payment provider's own table (what a hosted payment page
// keeps on the provider's side; the platform's payments table has references only).
constexpr const char* kVersion2 = R"SQL(
CREATE TABLE sandbox_checkouts (
  id TEXT PRIMARY KEY,
  payment_id TEXT NOT NULL,
  amount_cents BIGINT NOT NULL,
  return_url TEXT NOT NULL,
  status TEXT NOT NULL,
  created_ms BIGINT NOT NULL
)
)SQL";

// Version 3: whether an application was reduced to its contact data (VAP-XFER), so that the
// retention job does not list it again.
constexpr const char* kVersion3 = R"SQL(
ALTER TABLE applications ADD COLUMN purged INTEGER NOT NULL DEFAULT 0;
CREATE INDEX applications_stale ON applications (status, purged, updated_ms)
)SQL";

// Version 4: the pre-check details beside the application's document instead of escaped into it
// (documents.h, DetailsKeptApart; docs/PERFORMANCE.md). Rows written before keep them in the
// document (NULL here) until their next write.
constexpr const char* kVersion4 = R"SQL(
ALTER TABLE applications ADD COLUMN precheck_details TEXT
)SQL";

// Version 5: biometric identifiers on record by travel document (VIS Art 9(6), 7d(4); VAP-BIO).
// collected_on is an ISO date, so that text order is date order.
constexpr const char* kVersion5 = R"SQL(
CREATE TABLE register_biometrics (
  document_key TEXT NOT NULL,
  application TEXT NOT NULL,
  collected_on TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (document_key, application)
);
CREATE INDEX register_biometrics_latest ON register_biometrics (document_key, collected_on)
)SQL";

// Version 6: the last day the register keeps each application's records (VIS Art 23(1);
// domain/register_retention.h), an ISO date so that text order is date order; NULL while no
// period runs. What the register held before gets '0000-00-00': due at the retention job's
// next run, which works out its period. The indexes let the job delete an application's
// biometrics and replaced stickers without reading the whole tables.
constexpr const char* kVersion6 = R"SQL(
CREATE TABLE register_retention (
  application TEXT PRIMARY KEY,
  retained_until TEXT
);
CREATE INDEX register_retention_until ON register_retention (retained_until);
CREATE INDEX register_biometrics_application ON register_biometrics (application);
CREATE INDEX invalidated_stickers_replaced_by ON invalidated_stickers (replaced_by);
INSERT INTO register_retention (application, retained_until)
  SELECT application, '0000-00-00' FROM register_files
  UNION SELECT application, '0000-00-00' FROM register_decisions
  UNION SELECT application, '0000-00-00' FROM register_visas
)SQL";

// Version 7: what leaves with the application, and copies kept elsewhere (RetentionService;
// VAP-DP). Account messages name their application in a column of their own, so that they are
// deleted with it (through the account's index: an index of its own would cost every
// submission's message a random page). Finished jobs say when they finished, so that done ones
// (e-mails with their addresses and texts) are deleted after a period; jobs finished before get
// their last due time. One-time tokens say when they expire, so that they are deleted then.
// Closed applications an older version reduced although the register holds nothing of them
// (withdrawn before acceptance; or the register's records already deleted) are marked not
// reduced, so that the retention job's next run deletes them, with their audit entries.
constexpr const char* kVersion7 = R"SQL(
ALTER TABLE account_messages ADD COLUMN application TEXT;
UPDATE account_messages SET application = {JSON_TEXT(doc, application)};
ALTER TABLE jobs ADD COLUMN finished_ms BIGINT;
UPDATE jobs SET finished_ms = run_at_ms WHERE state IN ('done', 'dead');
CREATE INDEX jobs_finished ON jobs (state, finished_ms);
ALTER TABLE one_time_tokens ADD COLUMN expires_ms BIGINT;
UPDATE one_time_tokens SET expires_ms = {JSON_INT(doc, expires_at)};
CREATE INDEX one_time_tokens_expires ON one_time_tokens (expires_ms);
UPDATE applications SET purged = 0 WHERE purged = 1
  AND status IN ('refused', 'issued', 'withdrawn', 'not-competent', 'inadmissible')
  AND NOT EXISTS (SELECT 1 FROM register_files f WHERE f.application = applications.id)
  AND NOT EXISTS (SELECT 1 FROM register_decisions d WHERE d.application = applications.id)
  AND NOT EXISTS (SELECT 1 FROM register_visas v WHERE v.application = applications.id)
)SQL";

// Version 8: lists are read a page at a time in keyset order (domain/page.h). An account's
// applications page by creation time, newest first, from an index that has it, so that a page
// of an agency's thousands is a range of the index instead of a sort of them all. Neither column
// ever changes, so no write of an application updates this index.
constexpr const char* kVersion8 = R"SQL(
CREATE INDEX applications_owner_created ON applications (owner, created_ms, id);
DROP INDEX applications_owner
)SQL";

// Version 9: what the fee's payments came to, for applications paid before the application
// kept it (domain/application.h `fee_paid_cents`; lodging_service.cc BalanceDue). Such a fee
// counted as the whole fee due, also after a correction that raised it (a child's date of birth
// corrected to an adult's left the rest unpaid); each payment row holds its amount, so the sum
// of an application's paid payments is what was paid. Refunded payments are not paid.
constexpr const char* kVersion9Sqlite = R"SQL(
UPDATE applications SET doc = json_set(doc, '$.fee_paid_cents',
    (SELECT SUM(CAST(json_extract(p.doc, '$.amount_cents') AS INTEGER)) FROM payments p
     WHERE p.application = applications.id AND json_extract(p.doc, '$.status') = 'paid'))
  WHERE json_extract(doc, '$.fee_paid') = 1
  AND json_extract(doc, '$.fee_paid_cents') IS NULL
  AND EXISTS (SELECT 1 FROM payments p
              WHERE p.application = applications.id AND json_extract(p.doc, '$.status') = 'paid')
)SQL";
constexpr const char* kVersion9Postgres = R"SQL(
UPDATE applications SET doc = jsonb_set(doc::jsonb, '{fee_paid_cents}', to_jsonb(
    (SELECT SUM(CAST(p.doc::json ->> 'amount_cents' AS BIGINT)) FROM payments p
     WHERE p.application = applications.id AND p.doc::json ->> 'status' = 'paid')))::text
  WHERE doc::json ->> 'fee_paid' = 'true'
  AND doc::json ->> 'fee_paid_cents' IS NULL
  AND EXISTS (SELECT 1 FROM payments p
              WHERE p.application = applications.id AND p.doc::json ->> 'status' = 'paid')
)SQL";

std::string Render(const std::string& sql, Dialect dialect) {
  std::string out = sql;
  const auto replace = [&out](const std::string& from, const std::string& to) {
    for (std::size_t pos; (pos = out.find(from)) != std::string::npos;) {
      out.replace(pos, from.size(), to);
    }
  };
  const bool postgres = dialect == Dialect::kPostgres;
  replace("{BLOB}", postgres ? "BYTEA" : "BLOB");
  replace("{JSON_TEXT(doc, application)}",
          postgres ? "(doc::json ->> 'application')" : "json_extract(doc, '$.application')");
  replace("{JSON_INT(doc, expires_at)}", postgres
                                             ? "CAST(doc::json ->> 'expires_at' AS BIGINT)"
                                             : "CAST(json_extract(doc, '$.expires_at') AS BIGINT)");
  return out;
}

std::vector<std::string> Statements(const std::string& script) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < script.size()) {
    std::size_t end = script.find(";\n", start);
    if (end == std::string::npos) end = script.size();
    std::string stmt = script.substr(start, end - start);
    if (stmt.find_first_not_of(" \n\t") != std::string::npos) out.push_back(stmt);
    start = end + 2;
  }
  return out;
}

}  // namespace

const std::vector<Migration>& Migrations() {
  static const auto* migrations = new std::vector<Migration>{
      {1, "accounts, applications, register, payments, appointments, jobs, limits, audit",
       kVersion1},
      {2, "sandbox payment provider", kVersion2},
      {3, "purged applications", kVersion3},
      {4, "pre-check details beside the application document", kVersion4},
      {5, "biometric identifiers on record by travel document", kVersion5},
      {6, "retention periods of the register", kVersion6},
      {7, "messages by application, finished jobs by time", kVersion7},
      {8, "an account's applications by creation time", kVersion8},
      {9, "what paid fees came to", kVersion9Sqlite, kVersion9Postgres},
  };
  return *migrations;
}

Result<int> SchemaVersion(SqlConnection& c) {
  OPENVAP_ASSIGN_OR_RETURN(auto row,
                           c.QueryOne("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  return row ? static_cast<int>(row->Int(0)) : 0;
}

Status PrepareSchema(SqlConnection& c, bool migrate) {
  if (migrate) return ApplyMigrations(c);
  // Only a missing table means another database; any other failure (a role that may not read
  // it, say) is said as it is.
  OPENVAP_ASSIGN_OR_RETURN(
      const auto table,
      c.QueryOne(c.dialect() == Dialect::kPostgres
                     ? "SELECT 1 WHERE to_regclass('schema_migrations') IS NOT NULL"
                     : "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = "
                       "'schema_migrations'"));
  OPENVAP_ASSIGN_OR_RETURN(const int version, table ? SchemaVersion(c) : Result<int>(0));
  if (version < 1) {
    return Error{"storage-error",
                 "not an OpenVAP database (it has no schema_migrations): give the database that "
                 "openvap serve uses"};
  }
  return Ok();
}

Status ApplyMigrations(SqlConnection& c) {
  if (c.dialect() == Dialect::kPostgres) {
    // One migrator at a time across every server process (released at commit).
    OPENVAP_RETURN_IF_ERROR(c.Query("SELECT pg_advisory_xact_lock(728301)").ok()
                                ? Ok()
                                : Status(Error{"storage-error", "cannot lock the schema"}));
  }
  OPENVAP_RETURN_IF_ERROR(
      c.Execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                "description TEXT NOT NULL, applied_ms BIGINT NOT NULL)"));
  OPENVAP_ASSIGN_OR_RETURN(const int current, SchemaVersion(c));
  for (const Migration& m : Migrations()) {
    if (m.version <= current) continue;
    const bool own_postgres = c.dialect() == Dialect::kPostgres && !m.postgres_sql.empty();
    for (const std::string& stmt :
         Statements(Render(own_postgres ? m.postgres_sql : m.sql, c.dialect()))) {
      auto done = c.Execute(stmt);
      if (!done.ok()) {
        return Error{"storage-error",
                     "migration " + std::to_string(m.version) + " failed: " + done.error().message};
      }
    }
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    OPENVAP_RETURN_IF_ERROR(c.Execute(
        "INSERT INTO schema_migrations (version, description, applied_ms) VALUES ($1, $2, $3)",
        {std::int64_t{m.version}, m.description, static_cast<std::int64_t>(now_ms)}));
  }
  return Ok();
}

}  // namespace openvap::storage
