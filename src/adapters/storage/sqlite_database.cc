#include "adapters/storage/sqlite_database.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "adapters/storage/migrations.h"
#include "base/fibers.h"

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
    for (auto& [sql, prepared] : statements_) sqlite3_finalize(prepared.stmt);
    sqlite3_close_v2(db_);
  }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Dialect dialect() const override { return Dialect::kSqlite; }
  sqlite3* handle() const { return db_; }

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

  // One statement without parameters, prepared once and kept (BEGIN, COMMIT, SAVEPOINT...).
  Status Step(std::string_view sql) { return Run(sql, {}, nullptr); }

  // Plain SQL without parameters, parsed on every call (PRAGMAs, DDL scripts).
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
  // A prepared statement and, for each `$n` placeholder, its SQLite parameter index (0 when the
  // statement does not use it), worked out once when the statement is prepared.
  struct Prepared {
    sqlite3_stmt* stmt = nullptr;
    std::vector<int> index_of;
  };

  Result<Prepared*> Prepare(std::string_view sql) {
    if (const auto it = statements_.find(sql); it != statements_.end()) {
      sqlite3_reset(it->second.stmt);
      sqlite3_clear_bindings(it->second.stmt);
      return &it->second;
    }
    Prepared prepared;
    const int rc =
        sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &prepared.stmt, nullptr);
    if (rc != SQLITE_OK) {
      return SqliteError(db_, rc, "prepare " + std::string(sql.substr(0, 60)));
    }
    const int count = sqlite3_bind_parameter_count(prepared.stmt);
    for (int n = 1; n <= count; ++n) {
      const std::string name = "$" + std::to_string(n);
      prepared.index_of.push_back(sqlite3_bind_parameter_index(prepared.stmt, name.c_str()));
    }
    return &statements_.emplace(std::string(sql), prepared).first->second;
  }

  Status Run(std::string_view sql, const std::vector<SqlValue>& params, std::vector<SqlRow>* rows) {
    OPENVAP_ASSIGN_OR_RETURN(Prepared * prepared, Prepare(sql));
    sqlite3_stmt* stmt = prepared->stmt;
    for (std::size_t i = 0; i < params.size() && i < prepared->index_of.size(); ++i) {
      const int index = prepared->index_of[i];
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
  std::map<std::string, Prepared, std::less<>> statements_;
};

// SQLite counts the memory it allocates under one process-wide mutex unless told not to: every
// allocation of every connection then takes that lock, and the handlers' readers and the writer
// queue on it (docs/PERFORMANCE.md). Nothing here reads those counts. sqlite3_config works only
// before SQLite is initialised; if something in the process initialised it earlier, the counts
// stay on and only the speed differs.
void TurnOffMemoryStatistics() {
  static std::once_flag once;
  std::call_once(once, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

Result<std::unique_ptr<SqliteConnection>> Connect(const std::string& path, bool read_only) {
  TurnOffMemoryStatistics();
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
    // The file grows by 8 MiB at a time rather than a page at a time.
    int chunk = 8 << 20;
    (void)sqlite3_file_control(db, "main", SQLITE_FCNTL_CHUNK_SIZE, &chunk);
    OPENVAP_RETURN_IF_ERROR(conn->Exec("PRAGMA journal_mode = WAL"));
    OPENVAP_RETURN_IF_ERROR(conn->Exec("PRAGMA synchronous = FULL"));
    // A batch of group-committed transactions dirties many pages: up to 64 MiB of them stay in
    // memory until COMMIT instead of being spilled to the WAL in the middle, and the savepoint of
    // each unit of work keeps its undo records in memory rather than in a temporary file.
    OPENVAP_RETURN_IF_ERROR(conn->Exec("PRAGMA cache_size = -65536"));
    OPENVAP_RETURN_IF_ERROR(conn->Exec("PRAGMA temp_store = MEMORY"));
    // After a checkpoint the WAL file is cut back to 64 MiB at most.
    OPENVAP_RETURN_IF_ERROR(conn->Exec("PRAGMA journal_size_limit = 67108864"));
  }
  return conn;
}

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::string path, DatabaseOptions options,
                 std::unique_ptr<SqliteConnection> writer,
                 std::unique_ptr<SqliteConnection> checkpointer)
      : path_(std::move(path)),
        options_(options),
        writer_(std::move(writer)),
        checkpointer_(std::move(checkpointer)) {
    // Replaces SQLite's automatic checkpoint, which ran inside the COMMIT of the transaction that
    // crossed the threshold and so held up every write of its batch (docs/PERFORMANCE.md).
    sqlite3_wal_hook(writer_->handle(), &SqliteDatabase::AfterWalCommit, this);
    checkpoint_thread_ = std::thread([this] { CheckpointLoop(); });
    writer_thread_ = std::thread([this] { WriterLoop(); });
  }

  ~SqliteDatabase() override {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    work_cv_.notify_all();
    writer_thread_.join();
    {
      std::lock_guard lock(checkpoint_mu_);
      checkpoint_stopping_ = true;
    }
    checkpoint_cv_.notify_all();
    checkpoint_thread_.join();
  }

  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  Dialect dialect() const override { return Dialect::kSqlite; }

  Status Write(const Work& work) override {
    if (std::this_thread::get_id() == writer_thread_.get_id()) {
      return Error{"storage-error", "a write transaction cannot start inside another one"};
    }
    PendingWrite pending;
    pending.work = &work;
    {
      std::lock_guard lock(mu_);
      queue_.push_back(&pending);
    }
    work_cv_.notify_one();
    // Until the batch is durable: a handler on a fiber is suspended (its thread serves others),
    // any other caller blocks.
    const bool suspended = SuspendCurrentFiber([&pending](const std::function<void()>& resume) {
      std::unique_lock lock(pending.mu);
      if (pending.done) {
        lock.unlock();
        resume();
        return;
      }
      pending.resume = resume;
    });
    std::unique_lock lock(pending.mu);
    if (!suspended) pending.cv.wait(lock, [&pending] { return pending.done; });
    return pending.status;
  }

  Status Read(const Work& work) override {
    OPENVAP_ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> conn, TakeReader());
    Status status = conn->Step("BEGIN");
    if (status.ok()) {
      try {
        status = work(*conn);
      } catch (const std::exception& e) {
        status = Error{"storage-error", std::string("read failed: ") + e.what()};
      }
      (void)conn->Step("COMMIT");
    }
    ReturnReader(std::move(conn));
    return status;
  }

 private:
  struct PendingWrite {
    const Work* work;
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    Status status = Ok();
    std::function<void()> resume;  // set when a suspended fiber waits for it

    // Acknowledges the write to the handler waiting for it. The handler drops this object as
    // soon as it sees `done`, so nothing here touches it after that.
    void Finish(Status s) {
      std::function<void()> resume_waiter;
      {
        std::lock_guard lock(mu);
        status = std::move(s);
        done = true;
        resume_waiter = resume;
        if (!resume_waiter) cv.notify_one();
      }
      if (resume_waiter) resume_waiter();
    }
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
    // Readers are kept for every handler that may read at once: a new connection re-reads the
    // schema and prepares its statements again.
    if (static_cast<int>(readers_.size()) < std::max(options_.pool_size, kReadersKept)) {
      readers_.push_back(std::move(conn));
    }
  }

  // Runs one unit of work inside its savepoint; a failure or exception rolls back only it.
  Status RunInSavepoint(const Work& work) {
    OPENVAP_RETURN_IF_ERROR(writer_->Step("SAVEPOINT unit"));
    Status status = Ok();
    try {
      status = work(*writer_);
    } catch (const std::exception& e) {
      status = Error{"storage-error", std::string("write failed: ") + e.what()};
    }
    if (status.ok()) {
      const Status released = writer_->Step("RELEASE unit");
      if (released.ok()) return Ok();
      status = released;
    }
    (void)writer_->Step("ROLLBACK TO unit");
    (void)writer_->Step("RELEASE unit");
    return status;
  }

  // Called by SQLite on the writer's thread after each commit, with the frames now in the WAL.
  static int AfterWalCommit(void* self, sqlite3* /*db*/, const char* /*schema*/, int frames) {
    auto* db = static_cast<SqliteDatabase*>(self);
    if (frames >= db->options_.checkpoint_frames) {
      {
        std::lock_guard lock(db->checkpoint_mu_);
        db->checkpoint_due_ = true;
      }
      db->checkpoint_cv_.notify_one();
    }
    return SQLITE_OK;
  }

  // Copies the WAL back into the database file on a connection of its own, beside the writer and
  // the readers: PASSIVE never waits for them (frames still read by a reader are copied by a
  // later run). Once all is copied the writer starts the WAL again from its beginning.
  void CheckpointLoop() {
    std::unique_lock lock(checkpoint_mu_);
    for (;;) {
      checkpoint_cv_.wait(lock, [this] { return checkpoint_stopping_ || checkpoint_due_; });
      if (checkpoint_stopping_) return;
      checkpoint_due_ = false;
      lock.unlock();
      (void)sqlite3_wal_checkpoint_v2(checkpointer_->handle(), "main", SQLITE_CHECKPOINT_PASSIVE,
                                      nullptr, nullptr);
      lock.lock();
    }
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
      Status begun = writer_->Step("BEGIN IMMEDIATE");
      for (int attempt = 0;
           !begun.ok() && begun.error().code == "serialization-failure" && attempt < 20;
           ++attempt) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        begun = writer_->Step("BEGIN IMMEDIATE");
      }
      if (!begun.ok()) {
        for (PendingWrite* p : batch) p->Finish(begun);
        continue;
      }
      for (std::size_t i = 0; i < batch.size(); ++i) results[i] = RunInSavepoint(*batch[i]->work);
      const Status committed = writer_->Step("COMMIT");
      if (!committed.ok()) {
        (void)writer_->Step("ROLLBACK");
        for (Status& r : results) {
          if (r.ok()) r = committed;
        }
      }
      // Acknowledged only now: the batch is durable (synchronous=FULL).
      for (std::size_t i = 0; i < batch.size(); ++i) batch[i]->Finish(results[i]);
    }
  }

  static constexpr int kReadersKept = 128;

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
  std::unique_ptr<SqliteConnection> checkpointer_;
  std::thread checkpoint_thread_;
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool checkpoint_due_ = false;
  bool checkpoint_stopping_ = false;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path,
                                             const DatabaseOptions& options) {
  // The database holds personal data and TOTP secrets: a new file is the owner's only (SQLite
  // gives its WAL and shared-memory files the database file's mode), wherever it is put. A file
  // that cannot be made here is left to SQLite, which says why.
  // Without migrations the database must be there already: nothing is made.
  if (!path.starts_with(":") && !path.starts_with("file:")) {
    if (!options.migrate && ::access(path.c_str(), F_OK) != 0) {
      return Error{"storage-error", "no database at " + path};
    }
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) ::close(fd);
  }
  OPENVAP_ASSIGN_OR_RETURN(auto writer, Connect(path, /*read_only=*/false));
  // Migrations run on the writer connection before any other connection opens.
  OPENVAP_RETURN_IF_ERROR(writer->Exec("BEGIN IMMEDIATE"));
  Status migrated = PrepareSchema(*writer, options.migrate);
  if (!migrated.ok()) {
    (void)writer->Exec("ROLLBACK");
    return migrated.error();
  }
  OPENVAP_RETURN_IF_ERROR(writer->Exec("COMMIT"));
  OPENVAP_ASSIGN_OR_RETURN(auto checkpointer, Connect(path, /*read_only=*/false));
  return std::unique_ptr<Database>(
      std::make_unique<SqliteDatabase>(path, options, std::move(writer), std::move(checkpointer)));
}

}  // namespace openvap::storage
