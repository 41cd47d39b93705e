// `openvap audit verify|list` (VAP-DP): the platform's audit trail of who read or changed whose
// data, for the data protection officer and the operator, straight from the database the
// servers write (docs/architecture.md says how each entry's hash chains to the one before).
//   verify  checks the hash chain; prints {entries, intact, first_broken}; exit 0 when intact,
//           1 when an entry was changed, removed or inserted
//   list    prints the entries (of one subject), oldest first, as JSON lines

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>

#include "adapters/storage/sql.h"
#include "adapters/storage/sql_store.h"
#include "app/cli.h"
#include "base/time.h"

namespace openvap::app {
namespace {

struct DatabaseOptions {
  std::string data_dir = "openvap-data";
  std::string database_url;  // --database or OPENVAP_DATABASE_URL; else SQLite in data_dir
};

struct ListOptions {
  DatabaseOptions db;
  std::string subject;
  std::int64_t after = 0;
  int limit = 1000;
};

// The database `openvap serve` with the same options uses. An SQLite file that is not there is
// an error: this command reads, it does not make a new platform.
Result<std::unique_ptr<storage::Database>> Open(const DatabaseOptions& o) {
  std::string url = o.database_url;
  if (url.empty()) {
    const std::string file = (std::filesystem::path(o.data_dir) / "openvap.db").string();
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) {
      return Error{"not-found", "no database at " + file + " (give --data-dir or --database)"};
    }
    url = "sqlite:" + file;
  }
  storage::DatabaseOptions reading;
  reading.migrate = false;  // a newer openvap than the servers' leaves their schema alone
  return storage::OpenDatabase(url, reading);
}

void AddDatabaseOptions(CLI::App* cmd, DatabaseOptions& o) {
  cmd->add_option("--data-dir", o.data_dir, "The server's data directory (its SQLite database)")
      ->capture_default_str();
  cmd->add_option("--database", o.database_url, "sqlite:PATH or postgresql://USER@HOST:PORT/DB")
      ->envname("OPENVAP_DATABASE_URL");
}

int Verify(const DatabaseOptions& o, CliContext& ctx) {
  auto db = Open(o);
  if (!db.ok()) {
    ctx.err << "openvap audit verify: " << db.error().message << "\n";
    return kExitFailure;
  }
  const auto entries = storage::CountAuditEntries(**db);
  const auto broken = storage::VerifyAuditChain(**db);
  if (!entries.ok() || !broken.ok()) {
    ctx.err << "openvap audit verify: "
            << (entries.ok() ? broken.error().message : entries.error().message) << "\n";
    return kExitFailure;
  }
  const nlohmann::json out = {
      {"entries", *entries},
      {"intact", !broken->has_value()},
      {"first_broken", broken->has_value() ? nlohmann::json(**broken) : nlohmann::json(nullptr)}};
  ctx.out << out.dump(2) << "\n";
  return broken->has_value() ? kExitFailure : kExitOk;
}

int List(const ListOptions& o, CliContext& ctx) {
  auto db = Open(o.db);
  if (!db.ok()) {
    ctx.err << "openvap audit list: " << db.error().message << "\n";
    return kExitFailure;
  }
  const auto entries = storage::ListAuditEntries(**db, o.subject, o.after, o.limit);
  if (!entries.ok()) {
    ctx.err << "openvap audit list: " << entries.error().message << "\n";
    return kExitFailure;
  }
  for (const storage::StoredAuditEntry& e : *entries) {
    const nlohmann::json line = {
        {"seq", e.seq},
        {"at", FormatIsoTimestamp(Timestamp(std::chrono::milliseconds(e.at_ms)))},
        {"actor", e.event.actor},
        {"role", e.event.role},
        {"action", e.event.action},
        {"subject", e.event.subject},
        {"details", e.event.details},
        {"prev_hash", e.prev_hash},
        {"hash", e.hash}};
    ctx.out << line.dump() << "\n";
  }
  return kExitOk;
}

}  // namespace

void AddAuditCommands(CLI::App& root, CliContext& ctx, CommandAction& action) {
  CLI::App* group = root.add_subcommand(
      "audit", "The audit trail of who read or changed whose data (VAP-DP): verify, list");
  group->require_subcommand(1);

  auto verify = std::make_shared<DatabaseOptions>();
  CLI::App* verify_cmd = group->add_subcommand(
      "verify",
      "Check the audit trail's hash chain. Prints JSON {entries, intact, first_broken}.\n"
      "Exit 0 when intact, 1 when an entry was changed, removed or inserted.");
  AddDatabaseOptions(verify_cmd, *verify);
  verify_cmd->callback(
      [verify, &ctx, &action] { action = [verify, &ctx] { return Verify(*verify, ctx); }; });

  auto list = std::make_shared<ListOptions>();
  CLI::App* list_cmd =
      group->add_subcommand("list", "Print audit entries, oldest first, one JSON object a line");
  AddDatabaseOptions(list_cmd, list->db);
  list_cmd->add_option("--subject", list->subject,
                       "Only entries about this subject: application:ID, visa:NUMBER, "
                       "account:ID, ...");
  list_cmd->add_option("--after", list->after, "Only entries after this sequence number")
      ->check(CLI::NonNegativeNumber);
  list_cmd->add_option("--limit", list->limit, "At most this many entries")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  list_cmd->callback([list, &ctx, &action] { action = [list, &ctx] { return List(*list, ctx); }; });
}

}  // namespace openvap::app
