#include "adapters/storage/sqlite_database.h"

#include <sqlite3.h>

#include <condition_variable>
#include <deque>
#include <exception>
#include <future>
#include <map>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "adapters/storage/migrations.h"

namespace openvap::storage {
namespace {

Error SqliteError(sqlite3* db, int rc, std::string_view what) {
  const int extended = db != nullptr ? sqlite3_extended_errcode(db) : rc;
  const std::string message =
      std::string(what) + ": " + (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  if (extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return Error{"unique-violation", message};
  }
  if ((rc & 0xFF) == SQLITE_BUSY || (rc & 0xFF) == SQLITE_LOCKED) {
    return Error{"serialization-failure", message};
  }
  return Error{"storage-error", message};
}

// A connection with a cache of prepared statements. Used by one thread at a time.
class SqliteConnection final : public SqlConnection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Dialect dialect() const override { return Dialect::kSqlite; }

  Result<std::int64_t> Execute(std::string_view sql, const std::vector<SqlValue>& params) override {
    OPENVAP_RETURN_IF_ERROR(Run(sql, params, nullptr));
    return static_cast<std::int64_t>(sqlite3_changes(db_));
  }

  Result<std::vector<SqlRow>> Query(std::string_view sql,
                                    const std::vector<SqlValue>& params) override {
    std::vector<SqlRow> rows;
    OPENVAP_RETURN_IF_ERROR(Run(sql, params, &rows));
    return rows;
  }

  // Plain SQL without parameters (PRAGMAs, BEGIN/COMMIT, DDL scripts).
  Status Exec(const std::string& sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
      Error e = SqliteError(db_, rc, sql.substr(0, 60));
      sqlite3_free(message);
      return e;
    }
    return Ok();
  }

 private:
  Result<sqlite3_stmt*> Prepare(std::string_view sql) {
    const std::string key(sql);
    if (const auto it = statements_.find(key); it != statements_.end()) {
      sqlite3_reset(it->second);
      sqlite3_clear_bindings(it->second);
      return it->second;
    }
    sqlite3_stmt* stmt = nullptr;
    const int rc =
        sqlite3_prepare_v2(db_, key.c_str(), static_cast<int>(key.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "prepare " + key.substr(0, 60));
    statements_.emplace(key, stmt);
    return stmt;
  }

  Status Run(std::string_view sql, const std::vector<SqlValue>& params, std::vector<SqlRow>* rows) {
    OPENVAP_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
    for (std::size_t i = 0; i < params.size(); ++i) {
      const std::string name = "$" + std::to_string(i + 1);
      const int index = sqlite3_bind_parameter_index(stmt, name.c_str());
      if (index == 0) continue;  // parameter not used by this statement
      const SqlValue& v = params[i];
      int rc = SQLITE_OK;
      if (std::holds_alternative<std::nullptr_t>(v)) {
        rc = sqlite3_bind_null(stmt, index);
      } else if (const auto* n = std::get_if<std::int64_t>(&v)) {
        rc = sqlite3_bind_int64(stmt, index, *n);
      } else if (const auto* d = std::get_if<double>(&v)) {
        rc = sqlite3_bind_double(stmt, index, *d);
      } else if (const auto* s = std::get_if<std::string>(&v)) {
        rc = sqlite3_bind_text64(stmt, index, s->data(), s->size(), SQLITE_TRANSIENT, SQLITE_UTF8);
      } else if (const auto* b = std::get_if<Bytes>(&v)) {
        rc = sqlite3_bind_blob64(stmt, index, b->data(), b->size(), SQLITE_TRANSIENT);
      }
      if (rc != SQLITE_OK) return SqliteError(db_, rc, "bind");
    }
    for (;;) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        Error e = SqliteError(db_, rc, std::string(sql.substr(0, 60)));
        sqlite3_reset(stmt);
        return e;
      }
      if (rows == nullptr) continue;
      SqlRow row;
      const int n = sqlite3_column_count(stmt);
      row.values.reserve(static_cast<std::size_t>(n));
      for (int c = 0; c < n; ++c) {
        switch (sqlite3_column_type(stmt, c)) {
          case SQLITE_INTEGER:
            row.values.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(stmt, c)));
            break;
          case SQLITE_FLOAT:
            row.values.emplace_back(sqlite3_column_double(stmt, c));
            break;
          case SQLITE_TEXT:
            row.values.emplace_back(
                std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, c)),  // NOLINT
                            static_cast<std::size_t>(sqlite3_column_bytes(stmt, c))));
            break;
          case SQLITE_BLOB: {
            const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt, c));
            row.values.emplace_back(
                Bytes(data, data + static_cast<std::size_t>(sqlite3_column_bytes(stmt, c))));
            break;
          }
          default:
            row.values.emplace_back(nullptr);
        }
      }
      rows->push_back(std::move(row));
    }
    sqlite3_reset(stmt);
    return Ok();
  }

  sqlite3* db_;
  std::map<std::string, sqlite3_stmt*, std::less<>> statements_;
};

Result<std::unique_ptr<SqliteConnection>> Connect(const std::string& path, bool read_only) {
  sqlite3* db = nullptr;
  const int flags =
      (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
      SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error e = SqliteError(db, rc, "cannot open SQLite database " + path);
    sqlite3_close_v2(db);
    return e;
  }
  auto conn = std::make_unique<SqliteConnection>(db);
  OPENVAP_RETURN_IF_ERROR(conn->Exec("PRAGMA busy_timeout = 15000"));
  OPENVAP_RETURN_IF_ERROR(conn->Exec("PRAGMA foreign_keys = ON"));
  if (!read_only) {
    OPENVAP_RETURN_IF_ERROR(conn->Exec("PRAGMA journal_mode = WAL"));
    OPENVAP_RETURN_IF_ERROR(conn->Exec("PRAGMA synchronous = FULL"));
  }
  return conn;
}

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::string path, DatabaseOptions options,
                 std::unique_ptr<SqliteConnection> writer)
      : path_(std::move(path)), options_(options), writer_(std::move(writer)) {
    writer_thread_ = std::thread([this] { WriterLoop(); });
  }

  ~SqliteDatabase() override {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    work_cv_.notify_all();
    writer_thread_.join();
  }

  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  Dialect dialect() const override { return Dialect::kSqlite; }

  Status Write(const Work& work) override {
    if (std::this_thread::get_id() == writer_thread_.get_id()) {
      return Error{"storage-error", "a write transaction cannot start inside another one"};
    }
    PendingWrite pending{&work, {}};
    std::future<Status> done = pending.result.get_future();
    {
      std::lock_guard lock(mu_);
      queue_.push_back(&pending);
    }
    work_cv_.notify_one();
    return done.get();
  }

  Status Read(const Work& work) override {
    OPENVAP_ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> conn, TakeReader());
    Status status = conn->Exec("BEGIN");
    if (status.ok()) {
      try {
        status = work(*conn);
      } catch (const std::exception& e) {
        status = Error{"storage-error", std::string("read failed: ") + e.what()};
      }
      (void)conn->Exec("COMMIT");
    }
    ReturnReader(std::move(conn));
    return status;
  }

 private:
  struct PendingWrite {
    const Work* work;
    std::promise<Status> result;
  };

  Result<std::unique_ptr<SqliteConnection>> TakeReader() {
    {
      std::lock_guard lock(readers_mu_);
      if (!readers_.empty()) {
        auto conn = std::move(readers_.back());
        readers_.pop_back();
        return conn;
      }
    }
    return Connect(path_, /*read_only=*/true);
  }

  void ReturnReader(std::unique_ptr<SqliteConnection> conn) {
    std::lock_guard lock(readers_mu_);
    if (static_cast<int>(readers_.size()) < options_.pool_size) {
      readers_.push_back(std::move(conn));
    }
  }

  // Runs one unit of work inside its savepoint; a failure or exception rolls back only it.
  Status RunInSavepoint(const Work& work) {
    OPENVAP_RETURN_IF_ERROR(writer_->Exec("SAVEPOINT unit"));
    Status status = Ok();
    try {
      status = work(*writer_);
    } catch (const std::exception& e) {
      status = Error{"storage-error", std::string("write failed: ") + e.what()};
    }
    if (status.ok()) {
      const Status released = writer_->Exec("RELEASE unit");
      if (released.ok()) return Ok();
      status = released;
    }
    (void)writer_->Exec("ROLLBACK TO unit");
    (void)writer_->Exec("RELEASE unit");
    return status;
  }

  void WriterLoop() {
    for (;;) {
      std::vector<PendingWrite*> batch;
      {
        std::unique_lock lock(mu_);
        work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping with nothing left
        while (!queue_.empty() && static_cast<int>(batch.size()) < options_.max_batch) {
          batch.push_back(queue_.front());
          queue_.pop_front();
        }
      }
      std::vector<Status> results(batch.size(), Ok());
      Status begun = writer_->Exec("BEGIN IMMEDIATE");
      for (int attempt = 0;
           !begun.ok() && begun.error().code == "serialization-failure" && attempt < 20;
           ++attempt) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        begun = writer_->Exec("BEGIN IMMEDIATE");
      }
      if (!begun.ok()) {
        for (PendingWrite* p : batch) p->result.set_value(begun);
        continue;
      }
      for (std::size_t i = 0; i < batch.size(); ++i) results[i] = RunInSavepoint(*batch[i]->work);
      const Status committed = writer_->Exec("COMMIT");
      if (!committed.ok()) {
        (void)writer_->Exec("ROLLBACK");
        for (Status& r : results) {
          if (r.ok()) r = committed;
        }
      }
      // Acknowledged only now: the batch is durable (synchronous=FULL).
      for (std::size_t i = 0; i < batch.size(); ++i) batch[i]->result.set_value(results[i]);
    }
  }

  std::string path_;
  DatabaseOptions options_;
  std::unique_ptr<SqliteConnection> writer_;
  std::thread writer_thread_;
  std::mutex mu_;
  std::condition_variable work_cv_;
  std::deque<PendingWrite*> queue_;
  bool stopping_ = false;
  std::mutex readers_mu_;
  std::vector<std::unique_ptr<SqliteConnection>> readers_;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path,
                                             const DatabaseOptions& options) {
  OPENVAP_ASSIGN_OR_RETURN(auto writer, Connect(path, /*read_only=*/false));
  // Migrations run on the writer connection before any other connection opens.
  OPENVAP_RETURN_IF_ERROR(writer->Exec("BEGIN IMMEDIATE"));
  Status migrated = ApplyMigrations(*writer);
  if (!migrated.ok()) {
    (void)writer->Exec("ROLLBACK");
    return migrated.error();
  }
  OPENVAP_RETURN_IF_ERROR(writer->Exec("COMMIT"));
  return std::unique_ptr<Database>(
      std::make_unique<SqliteDatabase>(path, options, std::move(writer)));
}

}  // namespace openvap::storage
