#include "adapters/storage/postgres_database.h"

#include <libpq-fe.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <random>
#include <thread>
#include <utility>
#include <vector>

#include "adapters/storage/migrations.h"

namespace openvap::storage {
namespace {

// PostgreSQL type OIDs (pg_type.dat) of the columns we read.
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

Error ResultError(const PGresult* r, PGconn* conn, std::string_view sql) {
  const char* state = r != nullptr ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  const std::string message = std::string(sql.substr(0, 60)) + ": " +
                              (r != nullptr ? PQresultErrorMessage(r) : PQerrorMessage(conn));
  const std::string code = state != nullptr ? state : "";
  if (code == "23505") return Error{"unique-violation", message};
  if (code == "40001" || code == "40P01") return Error{"serialization-failure", message};
  return Error{"storage-error", message};
}

class PgConnection final : public SqlConnection {
 public:
  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  ~PgConnection() override { PQfinish(conn_); }
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  Dialect dialect() const override { return Dialect::kPostgres; }
  bool healthy() const { return PQstatus(conn_) == CONNECTION_OK; }

  Result<std::int64_t> Execute(std::string_view sql, const std::vector<SqlValue>& params) override {
    OPENVAP_ASSIGN_OR_RETURN(auto result, Run(sql, params));
    const char* tuples = PQcmdTuples(result.get());
    return static_cast<std::int64_t>(tuples != nullptr && *tuples != '\0' ? std::atoll(tuples) : 0);
  }

  Result<std::vector<SqlRow>> Query(std::string_view sql,
                                    const std::vector<SqlValue>& params) override {
    OPENVAP_ASSIGN_OR_RETURN(auto result, Run(sql, params));
    PGresult* r = result.get();
    const int rows = PQntuples(r);
    const int cols = PQnfields(r);
    std::vector<SqlRow> out;
    out.reserve(static_cast<std::size_t>(rows));
    for (int i = 0; i < rows; ++i) {
      SqlRow row;
      row.values.reserve(static_cast<std::size_t>(cols));
      for (int c = 0; c < cols; ++c) {
        if (PQgetisnull(r, i, c) != 0) {
          row.values.emplace_back(nullptr);
          continue;
        }
        const char* v = PQgetvalue(r, i, c);
        const int len = PQgetlength(r, i, c);
        switch (PQftype(r, c)) {
          case kInt2Oid:
          case kInt4Oid:
          case kInt8Oid:
            row.values.emplace_back(static_cast<std::int64_t>(std::atoll(v)));
            break;
          case kBoolOid:
            row.values.emplace_back(static_cast<std::int64_t>(v[0] == 't' ? 1 : 0));
            break;
          case kFloat4Oid:
          case kFloat8Oid:
          case kNumericOid:
            row.values.emplace_back(std::strtod(v, nullptr));
            break;
          case kByteaOid: {
            std::size_t size = 0;
            unsigned char* raw =
                PQunescapeBytea(reinterpret_cast<const unsigned char*>(v), &size);  // NOLINT
            row.values.emplace_back(Bytes(raw, raw + size));
            PQfreemem(raw);
            break;
          }
          default:
            row.values.emplace_back(std::string(v, static_cast<std::size_t>(len)));
        }
      }
      out.push_back(std::move(row));
    }
    return out;
  }

  Status Exec(const char* sql) {
    auto r = Run(sql, {});
    return r.ok() ? Ok() : Status(r.error());
  }

 private:
  using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

  Result<ResultPtr> Run(std::string_view sql, const std::vector<SqlValue>& params) {
    std::vector<std::string> text(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    std::vector<int> lengths(params.size(), 0);
    std::vector<int> formats(params.size(), 0);
    std::vector<Oid> types(params.size(), 0);
    for (std::size_t i = 0; i < params.size(); ++i) {
      const SqlValue& v = params[i];
      if (std::holds_alternative<std::nullptr_t>(v)) continue;
      if (const auto* n = std::get_if<std::int64_t>(&v)) {
        text[i] = std::to_string(*n);
        types[i] = kInt8Oid;
      } else if (const auto* d = std::get_if<double>(&v)) {
        text[i] = std::to_string(*d);
        types[i] = kFloat8Oid;
      } else if (const auto* s = std::get_if<std::string>(&v)) {
        text[i] = *s;
      } else if (const auto* b = std::get_if<Bytes>(&v)) {
        values[i] = reinterpret_cast<const char*>(b->data());  // NOLINT
        lengths[i] = static_cast<int>(b->size());
        formats[i] = 1;  // binary
        types[i] = kByteaOid;
        continue;
      }
      values[i] = text[i].c_str();
      lengths[i] = static_cast<int>(text[i].size());
    }
    const std::string query(sql);
    ResultPtr r(PQexecParams(conn_, query.c_str(), static_cast<int>(params.size()), types.data(),
                             values.data(), lengths.data(), formats.data(), 0),
                &PQclear);
    const ExecStatusType status = PQresultStatus(r.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      return ResultError(r.get(), conn_, sql);
    }
    return r;
  }

  PGconn* conn_;
};

Result<std::unique_ptr<PgConnection>> Connect(const std::string& uri) {
  PGconn* conn = PQconnectdb(uri.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    const std::string message = PQerrorMessage(conn);
    PQfinish(conn);
    return Error{"storage-error", "cannot connect to PostgreSQL: " + message};
  }
  // The server's notices ("relation ... already exists, skipping" from the migrations' IF NOT
  // EXISTS, on every process after the first) are not errors: libpq would print them raw on
  // standard error, between the server's log lines. Errors come back as results.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  auto c = std::make_unique<PgConnection>(conn);
  OPENVAP_RETURN_IF_ERROR(c->Exec("SET TIME ZONE 'UTC'"));
  return c;
}

class PostgresDatabase final : public Database {
 public:
  PostgresDatabase(std::string uri, DatabaseOptions options)
      : uri_(std::move(uri)), options_(options) {}

  Dialect dialect() const override { return Dialect::kPostgres; }

  Status Write(const Work& work) override { return Transact(work, "BEGIN"); }

  Status Read(const Work& work) override {
    return Transact(work, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  }

 private:
  Status Transact(const Work& work, const char* begin) {
    std::minstd_rand jitter(
        static_cast<unsigned>(std::hash<std::thread::id>{}(std::this_thread::get_id())));
    Status last = Ok();
    for (int attempt = 0; attempt < 12; ++attempt) {
      OPENVAP_ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> conn, Take());
      Status status = conn->Exec(begin);
      if (status.ok()) {
        try {
          status = work(*conn);
        } catch (const std::exception& e) {
          status = Error{"storage-error", std::string("transaction failed: ") + e.what()};
        }
        if (status.ok()) {
          status = conn->Exec("COMMIT");
        } else {
          (void)conn->Exec("ROLLBACK");
        }
      }
      Give(std::move(conn));
      if (status.ok() || status.error().code != "serialization-failure") return status;
      last = status;
      std::this_thread::sleep_for(std::chrono::milliseconds(1 + jitter() % (5 << attempt)));
    }
    return last;
  }

  Result<std::unique_ptr<PgConnection>> Take() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return !idle_.empty() || open_ < options_.pool_size; });
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      if (conn->healthy()) return conn;
      --open_;  // a broken connection is replaced below
    }
    ++open_;
    lock.unlock();
    auto conn = Connect(uri_);
    if (!conn.ok()) {
      std::lock_guard relock(mu_);
      --open_;
      cv_.notify_one();
    }
    return conn;
  }

  void Give(std::unique_ptr<PgConnection> conn) {
    {
      std::lock_guard lock(mu_);
      if (conn->healthy()) {
        idle_.push_back(std::move(conn));
      } else {
        --open_;
      }
    }
    cv_.notify_one();
  }

  std::string uri_;
  DatabaseOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PgConnection>> idle_;
  int open_ = 0;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenPostgres(const std::string& uri,
                                               const DatabaseOptions& options) {
  auto db = std::make_unique<PostgresDatabase>(uri, options);
  OPENVAP_RETURN_IF_ERROR(
      db->Write([&options](SqlConnection& c) { return PrepareSchema(c, options.migrate); }));
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace openvap::storage
