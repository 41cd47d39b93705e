#ifndef OPENVAP_ADAPTERS_STORAGE_SQL_H_
#define OPENVAP_ADAPTERS_STORAGE_SQL_H_

// A small SQL interface with two drivers: SQLite (the embedded default) and PostgreSQL (for
// several servers behind a load balancer). Statements use `$1`, `$2`, ... placeholders in both.
// Values are null, 64-bit integers, doubles, text or blobs; instants are stored as
// milliseconds since the epoch (UTC) and dates as ISO text, the same in both engines.

#include <openvap/result.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/bytes.h"

namespace openvap::storage {

using SqlValue = std::variant<std::nullptr_t, std::int64_t, double, std::string, Bytes>;

struct SqlRow {
  std::vector<SqlValue> values;

  bool IsNull(std::size_t i) const { return std::holds_alternative<std::nullptr_t>(values.at(i)); }
  std::int64_t Int(std::size_t i) const;  // 0 for null
  double Real(std::size_t i) const;       // 0 for null
  std::string Text(std::size_t i) const;  // "" for null
  Bytes Blob(std::size_t i) const;        // empty for null
};

enum class Dialect { kSqlite, kPostgres };

// One connection inside a transaction. Errors carry stable codes: "unique-violation",
// "serialization-failure" (retried by the database), "storage-error".
class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  virtual Dialect dialect() const = 0;
  // Runs a statement; returns the number of rows it changed.
  virtual Result<std::int64_t> Execute(std::string_view sql,
                                       const std::vector<SqlValue>& params = {}) = 0;
  virtual Result<std::vector<SqlRow>> Query(std::string_view sql,
                                            const std::vector<SqlValue>& params = {}) = 0;
  // The first row, if any.
  Result<std::optional<SqlRow>> QueryOne(std::string_view sql,
                                         const std::vector<SqlValue>& params = {});
};

using Work = std::function<Status(SqlConnection&)>;

class Database {
 public:
  virtual ~Database() = default;
  virtual Dialect dialect() const = 0;
  // One read-write transaction: committed when `work` returns Ok (and only then is Write's
  // result Ok: the write is durable), rolled back on an Error. Retried from the start on
  // serialisation failures and deadlocks, a bounded number of times.
  virtual Status Write(const Work& work) = 0;
  // A read-only transaction (a consistent snapshot).
  virtual Status Read(const Work& work) = 0;
};

struct DatabaseOptions {
  int pool_size = 8;  // PostgreSQL connections; SQLite read connections
  // SQLite: group commit batches of at most this many write transactions per fsync.
  int max_batch = 64;
  // SQLite: the WAL is copied back into the database file (checkpoint, two flushes) once it holds
  // this many pages. SQLite's default of 1,000 (4 MiB) is for a writer that commits now and then:
  // at 10,000 submissions a second it ran a checkpoint 25 times a second, and pages that every
  // batch changes (the audit trail's and the messages' last ones, index pages) were copied each
  // time. 8,000 (32 MiB of WAL at most between checkpoints) wrote a quarter fewer bytes per
  // submission (docs/PERFORMANCE.md).
  int checkpoint_frames = 8000;
  // Whether opening applies the migrations this version has and the database lacks. A tool that
  // reads a database the servers use (openvap audit) opens it without: it changes nothing, and
  // only checks that the database is an OpenVAP one.
  bool migrate = true;
};

// The engine `url` names, as OpenDatabase reads it: PostgreSQL for "postgresql://" and
// "postgres://", SQLite for anything else.
Dialect DialectOfUrl(std::string_view url);

// Opens `url`: "sqlite:///abs/path.db", "sqlite:relative.db", a plain file path (SQLite), or
// "postgresql://user@host:port/db" / "postgres://..." (libpq connection URI). Applies the
// migrations unless `options.migrate` is false. Errors: "storage-error" saying what failed.
Result<std::unique_ptr<Database>> OpenDatabase(const std::string& url,
                                               const DatabaseOptions& options = {});

}  // namespace openvap::storage

#endif  // OPENVAP_ADAPTERS_STORAGE_SQL_H_
