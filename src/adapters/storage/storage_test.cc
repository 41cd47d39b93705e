// The storage contract, run against SQLite and against a real PostgreSQL 15 server started by
// the test (issue 5): migrations, every repository, optimistic versions, blobs, one winner per
// appointment slot under concurrency, the throttle, the job queue, the audit chain.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <set>
#include <thread>
#include <tuple>

#include "adapters/storage/documents.h"
#include "adapters/storage/migrations.h"
#include "adapters/storage/sql.h"
#include "adapters/storage/sql_store.h"
#include "base/fibers.h"
#include "base/time.h"
#include "crypto/digest.h"
#include "domain/examination_service.h"
#include "domain/retention.h"
#include "support/postgres_server.h"
#include "support/process.h"

namespace openvap::storage {
namespace {

using domain::UnitOfWork;
using openvap::testing::PostgresServer;
using openvap::testing::TempDir;

enum class Engine { kSqlite, kPostgres };

// Runs one statement in a write transaction of its own.
Status ExecuteInWrite(Database& db, const std::string& sql,
                      const std::vector<SqlValue>& params = {}) {
  return db.Write([&](SqlConnection& c) -> Status {
    auto done = c.Execute(sql, params);
    return done.ok() ? Ok() : Status(done.error());
  });
}

// Application `id` as a read transaction of `store` finds it (nullopt: none, or the read failed).
std::optional<domain::Application> FindApplication(SqlStore& store, const ApplicationId& id) {
  std::optional<domain::Application> found;
  const Status read = store.Read([&](UnitOfWork& u) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(found, u.Applications().Find(id));
    return Ok();
  });
  EXPECT_TRUE(read.ok()) << read.error().message;
  return found;
}

// The applications whose register period ended before `today` (at most `limit`), by id.
std::vector<std::string> RetentionEnded(SqlStore& store, const char* today, int limit) {
  std::vector<std::string> ids;
  EXPECT_TRUE(store
                  .Read([&](UnitOfWork& u) -> Status {
                    OPENVAP_ASSIGN_OR_RETURN(
                        auto due, u.Registry().RetentionEndedBefore(*ParseIsoDate(today), limit));
                    for (const ApplicationId& id : due) ids.push_back(id.value());
                    return Ok();
                  })
                  .ok());
  return ids;
}

class StorageTest : public ::testing::TestWithParam<Engine> {
 protected:
  StorageTest() : clock_(*ParseIsoTimestamp("2027-01-15T09:00:00Z")), random_(17) {}

  void SetUp() override {
    url_ = Url();
    auto db = OpenDatabase(url_);
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(*db);
    store_ = std::make_unique<SqlStore>(*db_, clock_, random_);
  }

  // Undoes the migrations after `version`, so that a test can write what an older version
  // wrote; Reopen() then migrates again.
  void BackToSchema(int version) {
    const std::vector<std::pair<int, std::vector<const char*>>> undo = {
        {8,
         {"CREATE INDEX applications_owner ON applications (owner)",
          "DROP INDEX applications_owner_created"}},
        {7,
         {"DROP INDEX jobs_finished", "ALTER TABLE jobs DROP COLUMN finished_ms",
          "ALTER TABLE account_messages DROP COLUMN application",
          "DROP INDEX one_time_tokens_expires",
          "ALTER TABLE one_time_tokens DROP COLUMN expires_ms"}},
        {6,
         {"DROP TABLE register_retention", "DROP INDEX register_biometrics_application",
          "DROP INDEX invalidated_stickers_replaced_by"}},
    };
    for (const auto& [undone, statements] : undo) {
      if (undone <= version) continue;
      for (const char* sql : statements) ASSERT_TRUE(ExecuteInWrite(*db_, sql).ok()) << sql;
    }
    ASSERT_TRUE(ExecuteInWrite(*db_, "DELETE FROM schema_migrations WHERE version > $1",
                               {std::int64_t{version}})
                    .ok());
  }
  void Reopen() {
    store_.reset();
    db_.reset();
    auto reopened = OpenDatabase(url_);
    ASSERT_TRUE(reopened.ok()) << reopened.error().message;
    db_ = std::move(*reopened);
    store_ = std::make_unique<SqlStore>(*db_, clock_, random_);
  }

  std::string Url() {
    static std::atomic<int> counter{0};
    if (GetParam() == Engine::kSqlite) return "sqlite://" + tmp_.path() + "/openvap.db";
    return PostgresServer::Shared().CreateDatabase("t" + std::to_string(::getpid()) + "_" +
                                                   std::to_string(counter++));
  }

  TempDir tmp_;
  FixedClock clock_;
  SeededRandom random_;
  std::string url_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<SqlStore> store_;
};

domain::Account SomeAccount(const std::string& id, const std::string& email) {
  domain::Account a;
  a.id = AccountId(id);
  a.email = email;
  a.display_name = "Ana Lopez";
  a.role = domain::Role::kConsularOfficer;
  a.member_state = "FR";
  a.organisation = "fr-delhi";
  a.password_hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";
  a.totp_secret = "JBSWY3DPEHPK3PXP";
  a.mfa_enabled = true;
  a.last_totp_step = 59678712;
  a.recovery_code_hashes = {"r1", "r2"};
  a.keep_data_consent = true;
  a.kept = domain::KeptApplicationData{
      domain::ApplicationForm(nlohmann::json{{"1", "LOPEZ"}, {"7b", {"ES", "MX"}}}),
      ApplicationId("app-7"), *ParseIsoTimestamp("2027-01-02T08:00:00.5Z")};
  a.created_at = *ParseIsoTimestamp("2027-01-01T10:00:00.123Z");
  return a;
}

TEST_P(StorageTest, MigrationsApplyOnceAndReopenIsANoOp) {
  int version = 0;
  ASSERT_TRUE(db_->Read([&](SqlConnection& c) -> Status {
                   OPENVAP_ASSIGN_OR_RETURN(version, SchemaVersion(c));
                   return Ok();
                 })
                  .ok());
  EXPECT_EQ(version, static_cast<int>(Migrations().size()));
  store_.reset();
  db_.reset();
  auto again = OpenDatabase(url_);
  ASSERT_TRUE(again.ok()) << again.error().message;
}

// A tool that reads a database the servers use (openvap audit) opens it without migrating: a
// newer openvap leaves the servers' schema as it is, and a database that is not OpenVAP's, or
// not there, is refused rather than made.
TEST_P(StorageTest, OpeningWithoutMigrationsChangesNothing) {
  BackToSchema(8);
  store_.reset();
  db_.reset();
  DatabaseOptions reading;
  reading.migrate = false;
  auto read_only = OpenDatabase(url_, reading);
  ASSERT_TRUE(read_only.ok()) << read_only.error().message;
  int version = 0;
  ASSERT_TRUE((*read_only)
                  ->Read([&](SqlConnection& c) -> Status {
                    OPENVAP_ASSIGN_OR_RETURN(version, SchemaVersion(c));
                    return Ok();
                  })
                  .ok());
  EXPECT_EQ(version, 8);
  read_only->reset();
  Reopen();  // the servers' own opening migrates it

  if (GetParam() == Engine::kSqlite) {
    const std::string missing = tmp_.path() + "/missing.db";
    const auto absent = OpenDatabase("sqlite:" + missing, reading);
    ASSERT_FALSE(absent.ok());
    EXPECT_EQ(absent.error().message, "no database at " + missing);
    EXPECT_FALSE(std::filesystem::exists(missing));
  }
  // Another program's database, or an empty one.
  const std::string other =
      GetParam() == Engine::kSqlite ? "sqlite://" + tmp_.path() + "/other.db" : Url();
  {
    auto made = OpenDatabase(other);
    ASSERT_TRUE(made.ok()) << made.error().message;
    ASSERT_TRUE(ExecuteInWrite(**made, "DROP TABLE schema_migrations").ok());
  }
  const auto foreign = OpenDatabase(other, reading);
  ASSERT_FALSE(foreign.ok());
  EXPECT_NE(foreign.error().message.find("not an OpenVAP database"), std::string::npos)
      << foreign.error().message;
}

TEST_P(StorageTest, AccountsRoundTripWithEveryField) {
  const domain::Account a = SomeAccount("acc-1", "ana@example.org");
  ASSERT_TRUE(store_->Write([&](UnitOfWork& u) { return u.Accounts().Insert(a); }).ok());
  EXPECT_EQ(store_
                ->Write([&](UnitOfWork& u) {
                  return u.Accounts().Insert(SomeAccount("acc-2", "ana@example.org"));
                })
                .error()
                .code,
            "already-exists");
  std::optional<domain::Account> read;
  ASSERT_TRUE(store_
                  ->Read([&](UnitOfWork& u) -> Status {
                    OPENVAP_ASSIGN_OR_RETURN(read, u.Accounts().FindByEmail("ana@example.org"));
                    return Ok();
                  })
                  .ok());
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(read->role, domain::Role::kConsularOfficer);
  EXPECT_EQ(*read->last_totp_step, 59678712);
  EXPECT_EQ(read->recovery_code_hashes, a.recovery_code_hashes);
  EXPECT_EQ(read->created_at, a.created_at);
  EXPECT_EQ(read->password_hash, a.password_hash);
  ASSERT_TRUE(read->kept.has_value());
  EXPECT_EQ(read->kept->form.Fields(), a.kept->form.Fields());
  EXPECT_EQ(read->kept->from, a.kept->from);
  EXPECT_EQ(read->kept->kept_at, a.kept->kept_at);
  // Nothing kept reads back as nothing.
  domain::Account b = SomeAccount("acc-3", "bo@example.org");
  b.kept.reset();
  ASSERT_TRUE(store_->Write([&](UnitOfWork& u) { return u.Accounts().Insert(b); }).ok());
  ASSERT_TRUE(store_
                  ->Read([&](UnitOfWork& u) -> Status {
                    OPENVAP_ASSIGN_OR_RETURN(read, u.Accounts().Find(b.id));
                    return Ok();
                  })
                  .ok());
  EXPECT_FALSE(read->kept.has_value());
}

// Account documents are written whole: concurrent read-modify-writes of one account must not
// lose each other's changes (PostgreSQL locks the row read in a write; SQLite has one writer).
TEST_P(StorageTest, ConcurrentChangesOfOneAccountAreNotLost) {
  domain::Account a = SomeAccount("acc-1", "ana@example.org");
  a.recovery_code_hashes.clear();
  ASSERT_TRUE(store_->Write([&](UnitOfWork& u) { return u.Accounts().Insert(a); }).ok());
  constexpr int kThreads = 6;
  constexpr int kChanges = 10;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  std::atomic<int> failed{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kChanges; ++i) {
        const Status s = store_->Write([&](UnitOfWork& u) -> Status {
          OPENVAP_ASSIGN_OR_RETURN(auto account, u.Accounts().Find(AccountId("acc-1")));
          account->recovery_code_hashes.push_back(std::to_string(t) + "-" + std::to_string(i));
          return u.Accounts().Update(*account);
        });
        if (!s.ok()) ++failed;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failed.load(), 0);
  std::optional<domain::Account> read;
  ASSERT_TRUE(store_
                  ->Read([&](UnitOfWork& u) -> Status {
                    OPENVAP_ASSIGN_OR_RETURN(read, u.Accounts().Find(AccountId("acc-1")));
                    return Ok();
                  })
                  .ok());
  EXPECT_EQ(read->recovery_code_hashes.size(), static_cast<std::size_t>(kThreads * kChanges));
}

// A closed account goes with its sessions, tokens and messages, from the rows and from the
// documents kept decoded.
TEST_P(StorageTest, AClosedAccountLeavesWithItsSessionsTokensAndMessages) {
  const domain::Account a = SomeAccount("acc-1", "ana@example.org");
  const domain::Account b = SomeAccount("acc-2", "bo@example.org");
  ASSERT_TRUE(store_
                  ->Write([&](UnitOfWork& u) -> Status {
                    for (const domain::Account& account : {a, b}) {
                      OPENVAP_RETURN_IF_ERROR(u.Accounts().Insert(account));
                      OPENVAP_RETURN_IF_ERROR(u.Accounts().InsertSession(
                          domain::Session{"s-" + account.id.value(), account.id, clock_.Now(),
                                          clock_.Now(), true, "csrf", "ip"}));
                      OPENVAP_RETURN_IF_ERROR(u.Accounts().InsertToken(domain::OneTimeToken{
                          "t-" + account.id.value(), account.id, "verify-email",
                          clock_.Now() + std::chrono::hours(1), std::nullopt, clock_.Now()}));
                      OPENVAP_RETURN_IF_ERROR(u.Messages().Insert(domain::AccountMessage{
                          "m-" + account.id.value(), account.id, std::nullopt, "x", "s", "b",
                          clock_.Now(), std::nullopt}));
                    }
                    return Ok();
                  })
                  .ok());
  // Read once, so that the documents are kept decoded.
  const auto found = [&](const char* id) {
    bool account = false;
    bool session = false;
    bool token = false;
    std::size_t messages = 0;
    EXPECT_TRUE(store_
                    ->Read([&](UnitOfWork& u) -> Status {
                      OPENVAP_ASSIGN_OR_RETURN(const auto acc, u.Accounts().Find(AccountId(id)));
                      OPENVAP_ASSIGN_OR_RETURN(const auto s,
                                               u.Accounts().FindSession(std::string("s-") + id));
                      OPENVAP_ASSIGN_OR_RETURN(const auto t,
                                               u.Accounts().FindToken(std::string("t-") + id));
                      OPENVAP_ASSIGN_OR_RETURN(const auto m,
                                               u.Messages().ListFor(AccountId(id), {}));
                      account = acc.has_value();
                      session = s.has_value();
                      token = t.has_value();
                      messages = m.items.size();
                      return Ok();
                    })
                    .ok());
    return std::to_string(account) + std::to_string(session) + std::to_string(token) +
           std::to_string(messages);
  };
  EXPECT_EQ(found("acc-1"), "1111");
  ASSERT_TRUE(store_
                  ->Write([&](UnitOfWork& u) -> Status {
                    OPENVAP_RETURN_IF_ERROR(u.Messages().DeleteAllOf(a.id));
                    return u.Accounts().Delete(a.id);
                  })
                  .ok());
  EXPECT_EQ(found("acc-1"), "0000");
  EXPECT_EQ(found("acc-2"), "1111");
  EXPECT_EQ(store_->Write([&](UnitOfWork& u) { return u.Accounts().Delete(a.id); }).error().code,
            "not-found");
}

TEST_P(StorageTest, AFailedUnitOfWorkLeavesNoTrace) {
  const Status failed = store_->Write([&](UnitOfWork& u) -> Status {
    OPENVAP_RETURN_IF_ERROR(u.Accounts().Insert(SomeAccount("acc-1", "a@example.org")));
    return Error{"invalid-field", "changed my mind"};
  });
  EXPECT_EQ(failed.error().code, "invalid-field");
  std::optional<domain::Account> read;
  ASSERT_TRUE(store_
                  ->Read([&](UnitOfWork& u) -> Status {
                    OPENVAP_ASSIGN_OR_RETURN(read, u.Accounts().Find(AccountId("acc-1")));
                    return Ok();
                  })
                  .ok());
  EXPECT_FALSE(read.has_value());
}

TEST_P(StorageTest, ApplicationsHaveOptimisticVersionsAndBinaryDocuments) {
  domain::Application a;
  a.id = ApplicationId("app-1");
  a.owner = AccountId("acc-1");
  a.form = domain::ApplicationForm({{"1", "ERIKSSON"}, {"itinerary", {{{"state", "FR"}}}}});
  a.created_at = a.updated_at = clock_.Now();
  ASSERT_TRUE(store_->Write([&](UnitOfWork& u) { return u.Applications().Insert(a); }).ok());
  domain::Application first = a;
  domain::Application second = a;
  first.status = domain::ApplicationStatus::kSubmitted;
  first.fee_paid = true;
  first.fee_paid_cents = 4550;
  ASSERT_TRUE(store_->Write([&](UnitOfWork& u) { return u.Applications().Update(first); }).ok());
  EXPECT_EQ(first.version, 1);
  EXPECT_EQ(
      store_->Write([&](UnitOfWork& u) { return u.Applications().Update(second); }).error().code,
      "conflict");
  Bytes content = {0x00, 0xFF, 0x25, 0x50, 0x44, 0x46, 0x00, 0x0A};
  domain::ApplicationDocument d{"doc-1", "photo", "p.png", "image/png", 8, "", clock_.Now()};
  ASSERT_TRUE(
      store_
          ->Write([&](UnitOfWork& u) { return u.Applications().InsertDocument(a.id, d, content); })
          .ok());
  std::optional<Bytes> read;
  domain::Page<domain::Application> mine;
  ASSERT_TRUE(store_
                  ->Read([&](UnitOfWork& u) -> Status {
                    OPENVAP_ASSIGN_OR_RETURN(read, u.Applications().DocumentContent(a.id, "doc-1"));
                    OPENVAP_ASSIGN_OR_RETURN(mine, u.Applications().ListByOwner(a.owner, {}));
                    return Ok();
                  })
                  .ok());
  EXPECT_EQ(*read, content);
  ASSERT_EQ(mine.items.size(), 1U);
  EXPECT_EQ(mine.items[0].status, domain::ApplicationStatus::kSubmitted);
  EXPECT_EQ(mine.items[0].form.Fields()["itinerary"][0]["state"], "FR");
  EXPECT_EQ(mine.items[0].fee_paid_cents, 4550);
  EXPECT_EQ(mine.next, "");
}

// Lists come a page at a time (domain/page.h) in keyset order: an account's applications newest
// first, a consulate's queue oldest first, ties in time by id; a row added between two pages
// neither repeats nor pushes another out; a cursor the list did not give is refused.
TEST_P(StorageTest, ListsComeAPageAtATimeWithoutSkippingOrRepeating) {
  const Timestamp t0 = clock_.Now();
  const auto insert = [&](const std::string& id, const char* owner, Timestamp created,
                          std::optional<Timestamp> submitted) {
    domain::Application a;
    a.id = ApplicationId(id);
    a.owner = AccountId(owner);
    a.created_at = a.updated_at = created;
    if (submitted) {
      a.status = domain::ApplicationStatus::kNotified;
      a.notified_state = "FR";
      a.submitted_at = submitted;
    }
    ASSERT_TRUE(store_->Write([&](UnitOfWork& u) { return u.Applications().Insert(a); }).ok());
  };
  // Three at t0, four a second later; app-5 and app-1 submitted first, at one instant.
  for (int i = 1; i <= 7; ++i) {
    const Timestamp created = t0 + std::chrono::seconds(i <= 3 ? 0 : 1);
    const Timestamp submitted = t0 + std::chrono::minutes(i == 1 || i == 5 ? 1 : 10 - i);
    insert("app-" + std::to_string(i), "acc-1", created, submitted);
  }
  insert("app-other", "acc-2", t0 + std::chrono::seconds(2), std::nullopt);

  const auto page_of = [&](const std::function<Result<domain::Page<domain::Application>>(
                               UnitOfWork&, const domain::PageRequest&)>& list,
                           const std::string& after, int limit) {
    Result<domain::Page<domain::Application>> out = Error{"none", ""};
    const Status read = store_->Read([&](UnitOfWork& u) -> Status {
      out = list(u, domain::PageRequest{.after = after, .limit = limit});
      return out.ok() ? Ok() : Status(out.error());
    });
    return read.ok() ? out : Result<domain::Page<domain::Application>>(read.error());
  };
  const auto ids = [](const domain::Page<domain::Application>& p) {
    std::string out;
    for (const auto& a : p.items) out += (out.empty() ? "" : " ") + a.id.value();
    return out;
  };
  const auto mine = [](UnitOfWork& u, const domain::PageRequest& p) {
    return u.Applications().ListByOwner(AccountId("acc-1"), p);
  };
  const auto first = page_of(mine, "", 3);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(ids(*first), "app-7 app-6 app-5");
  ASSERT_FALSE(first->next.empty());
  // One created now, between two pages, belongs before the first page: it does not shift the rest.
  insert("app-8", "acc-1", t0 + std::chrono::seconds(5), std::nullopt);
  const auto second = page_of(mine, first->next, 3);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(ids(*second), "app-4 app-3 app-2");
  const auto last = page_of(mine, second->next, 3);
  ASSERT_TRUE(last.ok()) << last.error().message;
  EXPECT_EQ(ids(*last), "app-1");
  EXPECT_EQ(last->next, "");
  // Applications still open (drafts, submitted files not yet complete: ApplicationLimits).
  const auto open = [&](const char* owner) {
    std::int64_t n = -1;
    EXPECT_TRUE(store_
                    ->Read([&](UnitOfWork& u) -> Status {
                      OPENVAP_ASSIGN_OR_RETURN(n, u.Applications().CountOpenOf(AccountId(owner)));
                      return Ok();
                    })
                    .ok());
    return n;
  };
  EXPECT_EQ(open("acc-1"), 1);  // app-8, a draft; the seven others are notified
  EXPECT_EQ(open("acc-2"), 1);
  EXPECT_EQ(open("acc-3"), 0);
  // A page that ends exactly at the list's end says so.
  EXPECT_EQ(page_of(mine, "", 8)->next, "");
  EXPECT_EQ(ids(*page_of(mine, "", 8)), "app-8 app-7 app-6 app-5 app-4 app-3 app-2 app-1");

  const auto queue = [](UnitOfWork& u, const domain::PageRequest& p) {
    return u.Applications().ListForState("FR", domain::ApplicationStatus::kNotified, p);
  };
  const auto q1 = page_of(queue, "", 4);
  ASSERT_TRUE(q1.ok()) << q1.error().message;
  EXPECT_EQ(ids(*q1), "app-1 app-5 app-7 app-6");
  const auto q2 = page_of(queue, q1->next, 4);
  EXPECT_EQ(ids(*q2), "app-4 app-3 app-2");
  EXPECT_EQ(q2->next, "");

  for (const char* bad : {"nonsense", "12.", ".app-1", "x1.app-1", "99999999999999999999.app-1"}) {
    const auto refused = page_of(mine, bad, 3);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.error().code, "invalid-field") << bad;
  }

  // Messages, newest first, two at a time.
  for (int i = 1; i <= 3; ++i) {
    const domain::AccountMessage m{
        "msg-" + std::to_string(i),   AccountId("acc-1"), std::nullopt, "welcome", "s", "b",
        t0 + std::chrono::seconds(i), std::nullopt};
    ASSERT_TRUE(store_->Write([&](UnitOfWork& u) { return u.Messages().Insert(m); }).ok());
  }
  std::vector<std::string> messages;
  domain::PageRequest request{.after = "", .limit = 2};
  int pages = 0;
  do {
    domain::Page<domain::AccountMessage> page;
    ASSERT_TRUE(store_
                    ->Read([&](UnitOfWork& u) -> Status {
                      OPENVAP_ASSIGN_OR_RETURN(page,
                                               u.Messages().ListFor(AccountId("acc-1"), request));
                      return Ok();
                    })
                    .ok());
    for (const auto& m : page.items) messages.push_back(m.id);
    request.after = page.next;
    ++pages;
  } while (!request.after.empty() && pages < 5);
  EXPECT_EQ(pages, 2);
  EXPECT_EQ(messages, (std::vector<std::string>{"msg-3", "msg-2", "msg-1"}));
}

// An update sets only the columns that changed when the application at the version read is
// kept decoded, every column otherwise (a store that never saw it): either way the row's
// columns, which the lists and queues select on, are the application's.
TEST_P(StorageTest, AnUpdateLeavesEveryColumnAsTheApplicationSays) {
  domain::Application a;
  a.id = ApplicationId("app-cols");
  a.owner = AccountId("acc-1");
  a.created_at = a.updated_at = clock_.Now();
  ASSERT_TRUE(store_->Write([&](UnitOfWork& u) { return u.Applications().Insert(a); }).ok());
  const auto columns_are = [&](const domain::Application& want) {
    std::string got;
    const Status read = db_->Read([&](SqlConnection& c) -> Status {
      auto row = c.QueryOne(
          "SELECT owner, status, notified_state, appointment_location, submitted_ms, "
          "created_ms, updated_ms, version, purged, precheck_details, doc FROM applications "
          "WHERE id = $1",
          {want.id.value()});
      if (!row.ok()) return row.error();
      const SqlRow& r = **row;
      got = r.Text(0) + "|" + r.Text(1) + "|" + r.Text(2) + "|" + r.Text(3) + "|" +
            (r.IsNull(4) ? std::string("null") : std::to_string(r.Int(4))) + "|" +
            std::to_string(r.Int(5)) + "|" + std::to_string(r.Int(6)) + "|" +
            std::to_string(r.Int(7)) + "|" + std::to_string(r.Int(8)) + "|" +
            (r.IsNull(9) ? std::string("null") : r.Text(9)) + "|" + r.Text(10);
      return Ok();
    });
    EXPECT_TRUE(read.ok()) << read.error().message;
    return got == want.owner.value() + "|" +
                       std::string(domain::ApplicationStatusName(want.status)) + "|" +
                       want.notified_state + "|" + want.appointment_location + "|" +
                       (want.submitted_at ? std::to_string(ToMillis(*want.submitted_at))
                                          : std::string("null")) +
                       "|" + std::to_string(ToMillis(want.created_at)) + "|" +
                       std::to_string(ToMillis(want.updated_at)) + "|" +
                       std::to_string(want.version) + "|" + (want.purged ? "1" : "0") + "|" +
                       (DetailsKeptApart(want) ? *DetailsKeptApart(want) : std::string("null")) +
                       "|" + ApplicationDocText(want)
               ? ::testing::AssertionSuccess()
               : ::testing::AssertionFailure() << got;
  };
  const auto update = [&](SqlStore& store, domain::Application& app) {
    return store.Write([&](UnitOfWork& u) { return u.Applications().Update(app); });
  };
  a.status = domain::ApplicationStatus::kSubmitted;
  a.submitted_at = a.updated_at = clock_.Now() + std::chrono::seconds(1);
  ASSERT_TRUE(update(*store_, a).ok());
  EXPECT_TRUE(columns_are(a));
  a.status = domain::ApplicationStatus::kNotified;
  a.notified_state = "FR";
  a.appointment_location = "fr-delhi";
  ASSERT_TRUE(update(*store_, a).ok());
  EXPECT_TRUE(columns_are(a));
  a.form.Set("1", "ERIKSSON");  // only the document changes
  ASSERT_TRUE(update(*store_, a).ok());
  EXPECT_TRUE(columns_are(a));
  a.prechecks = domain::PreCheckOutcome{};  // details kept beside the document
  a.prechecks->details = R"({"competent_state":"FR","notes":["a \"b\""]})";
  ASSERT_TRUE(update(*store_, a).ok());
  EXPECT_TRUE(columns_are(a));
  a.prechecks->competent_state = "FR";  // the details stay as they are
  ASSERT_TRUE(update(*store_, a).ok());
  EXPECT_TRUE(columns_are(a));
  // A store that has not seen the application sets every column.
  SqlStore other(*db_, clock_, random_);
  a.notified_state = "DE";
  a.purged = true;
  a.prechecks.reset();  // reduced to contact data (VAP-XFER): no details left beside it either
  a.updated_at = clock_.Now() + std::chrono::seconds(2);
  ASSERT_TRUE(update(other, a).ok());
  EXPECT_TRUE(columns_are(a));
  // The first store's copy is a version behind now: it sets every column too, and a stale
  // version is still refused.
  domain::Application stale = a;
  stale.version -= 1;
  EXPECT_EQ(update(*store_, stale).error().code, "conflict");
  a.appointment_location = "";
  ASSERT_TRUE(update(*store_, a).ok());
  EXPECT_TRUE(columns_are(a));
  EXPECT_EQ(a.version, 7);
}

// Rows written before the details were kept beside the document (migration 4) hold them in it,
// as an escaped text or a JSON value: they read as they were written, and their next write
// moves text details beside the document.
TEST_P(StorageTest, DetailsKeptInTheDocumentByAnOlderRowReadAsWritten) {
  domain::Application a;
  a.id = ApplicationId("app-old");
  a.owner = AccountId("acc-1");
  a.prechecks = domain::PreCheckOutcome{};
  a.prechecks->competent_state = "FR";
  ASSERT_TRUE(store_->Write([&](UnitOfWork& u) { return u.Applications().Insert(a); }).ok());
  for (const nlohmann::json& details :
       {nlohmann::json(R"({"notes":["x\ny"],"q":"\""})"), nlohmann::json{{"x", 1}}}) {
    ++a.version;  // as the older platform wrote it: every write raises the version
    nlohmann::json doc = ToDoc(a);
    doc["prechecks"]["details"] = details;
    ASSERT_TRUE(ExecuteInWrite(*db_,
                               "UPDATE applications SET doc = $2, precheck_details = NULL, "
                               "version = $3 WHERE id = $1",
                               {a.id.value(), Dump(doc), a.version})
                    .ok());
    SqlStore fresh(*db_, clock_, random_);  // one that never saw the row
    for (SqlStore* reader : {store_.get(), &fresh}) {
      const std::optional<domain::Application> read = FindApplication(*reader, a.id);
      ASSERT_TRUE(read && read->prechecks);
      EXPECT_EQ(read->prechecks->details, details);
      EXPECT_EQ(read->prechecks->competent_state, "FR");
    }
  }
  // Written again with text details: they move beside the document.
  a.prechecks->details = R"({"moved":true})";
  ASSERT_TRUE(store_->Write([&](UnitOfWork& u) { return u.Applications().Update(a); }).ok());
  std::string column;
  std::string stored_doc;
  ASSERT_TRUE(db_->Read([&](SqlConnection& c) -> Status {
                   OPENVAP_ASSIGN_OR_RETURN(
                       auto row, c.QueryOne("SELECT precheck_details, doc FROM applications "
                                            "WHERE id = $1",
                                            {a.id.value()}));
                   column = (*row).Text(0);
                   stored_doc = (*row).Text(1);
                   return Ok();
                 })
                  .ok());
  EXPECT_EQ(column, R"({"moved":true})");
  EXPECT_FALSE(nlohmann::json::parse(stored_doc)["prechecks"].contains("details"));
}

// Details that a text column would not give back as they are (a NUL, which PostgreSQL refuses;
// invalid UTF-8) are not kept beside the document but escaped into it as before: the write
// succeeds on both engines and reads back as the document keeps it.
TEST_P(StorageTest, DetailsATextColumnWouldNotKeepGoIntoTheDocument) {
  domain::Application a;
  a.id = ApplicationId("app-odd");
  a.owner = AccountId("acc-1");
  a.prechecks = domain::PreCheckOutcome{};
  ASSERT_TRUE(store_->Write([&](UnitOfWork& u) { return u.Applications().Insert(a); }).ok());
  for (const auto& [details, reads_as] : std::vector<std::pair<std::string, std::string>>{
           {std::string("{\"n\":\"a\0b\"}", 11), std::string("{\"n\":\"a\0b\"}", 11)},
           {"{\"n\":\"\xff\"}", "{\"n\":\"\xef\xbf\xbd\"}"}}) {
    a.prechecks->details = details;
    EXPECT_EQ(DetailsKeptApart(a), nullptr);
    const Status written = store_->Write([&](UnitOfWork& u) { return u.Applications().Update(a); });
    ASSERT_TRUE(written.ok()) << written.error().message;
    SqlStore fresh(*db_, clock_, random_);
    for (SqlStore* reader : {store_.get(), &fresh}) {
      const std::optional<domain::Application> read = FindApplication(*reader, a.id);
      ASSERT_TRUE(read && read->prechecks && read->prechecks->details.is_string());
      EXPECT_EQ(read->prechecks->details.get<std::string>(), reads_as);  // printable on failure
    }
  }
}

// Documents are kept decoded between transactions (DecodedDocuments): what a store reads must
// still be what its rows hold after a rolled-back write, and after changes made by another
// process on the same database.
TEST_P(StorageTest, DocumentsKeptDecodedAreNeverStale) {
  auto other_db = OpenDatabase(url_);
  ASSERT_TRUE(other_db.ok()) << other_db.error().message;
  SqlStore other(**other_db, clock_, random_);  // another server process
  domain::Application a;
  a.id = ApplicationId("app-1");
  a.owner = AccountId("acc-1");
  a.form = domain::ApplicationForm(nlohmann::json{{"1", "ERIKSSON"}});
  domain::Session session;
  session.token_hash = "hash-1";
  session.account = AccountId("acc-1");
  session.csrf_token = "csrf-1";
  ASSERT_TRUE(store_
                  ->Write([&](UnitOfWork& u) -> Status {
                    OPENVAP_RETURN_IF_ERROR(u.Accounts().Insert(SomeAccount("acc-1", "a@x.org")));
                    OPENVAP_RETURN_IF_ERROR(u.Accounts().InsertSession(session));
                    return u.Applications().Insert(a);
                  })
                  .ok());
  const auto read = [&](SqlStore& store) {
    std::optional<domain::Application> app;
    std::optional<domain::Session> s;
    std::optional<domain::Account> account;
    EXPECT_TRUE(store
                    .Read([&](UnitOfWork& u) -> Status {
                      OPENVAP_ASSIGN_OR_RETURN(app, u.Applications().Find(a.id));
                      OPENVAP_ASSIGN_OR_RETURN(s, u.Accounts().FindSession("hash-1"));
                      OPENVAP_ASSIGN_OR_RETURN(account, u.Accounts().Find(AccountId("acc-1")));
                      return Ok();
                    })
                    .ok());
    return std::make_tuple(app, s, account);
  };
  ASSERT_TRUE(std::get<0>(read(*store_)).has_value());
  ASSERT_TRUE(std::get<0>(read(other)).has_value());
  // A write that is rolled back after updating the application leaves the old one visible.
  EXPECT_EQ(store_
                ->Write([&](UnitOfWork& u) -> Status {
                  domain::Application changed = a;
                  changed.form.Set("1", "ROLLED BACK");
                  OPENVAP_RETURN_IF_ERROR(u.Applications().Update(changed));
                  return Error{"invalid-field", "changed my mind"};
                })
                .error()
                .code,
            "invalid-field");
  EXPECT_EQ(std::get<0>(read(*store_))->form.Fields()["1"], "ERIKSSON");
  EXPECT_EQ(std::get<0>(read(*store_))->version, 0);
  // Another process changes the application and the account, and signs the session out.
  ASSERT_TRUE(other
                  .Write([&](UnitOfWork& u) -> Status {
                    domain::Application changed = a;
                    changed.form.Set("1", "ERIKSSON-LINDQVIST");
                    OPENVAP_RETURN_IF_ERROR(u.Applications().Update(changed));
                    domain::Account account = SomeAccount("acc-1", "a@x.org");
                    account.disabled = true;
                    OPENVAP_RETURN_IF_ERROR(u.Accounts().Update(account));
                    return u.Accounts().DeleteSession("hash-1");
                  })
                  .ok());
  const auto [app, s, account] = read(*store_);
  EXPECT_EQ(app->form.Fields()["1"], "ERIKSSON-LINDQVIST");
  EXPECT_EQ(app->version, 1);
  EXPECT_FALSE(s.has_value());
  EXPECT_TRUE(account->disabled);
  // What this process keeps of its own write reads as what another process decodes.
  clock_.Advance(std::chrono::microseconds(1500));
  const domain::Application last_read = *app;  // (a structured binding cannot be captured)
  ASSERT_TRUE(store_
                  ->Write([&](UnitOfWork& u) -> Status {
                    domain::Application changed = last_read;
                    changed.updated_at = clock_.Now();
                    changed.prechecks = domain::PreCheckOutcome{};
                    changed.prechecks->details = R"({"k":"v"})";
                    changed.prechecks->checked_at = clock_.Now();
                    return u.Applications().Update(changed);
                  })
                  .ok());
  const auto mine = std::get<0>(read(*store_));
  const auto theirs = std::get<0>(read(other));
  EXPECT_EQ(ToDoc(*mine), ToDoc(*theirs));
  EXPECT_EQ(mine->updated_at, theirs->updated_at);
  EXPECT_EQ(mine->prechecks->checked_at, theirs->prechecks->checked_at);
  EXPECT_EQ(mine->version, 2);
  // A deleted application is gone here too.
  ASSERT_TRUE(other.Write([&](UnitOfWork& u) { return u.Applications().Delete(a.id); }).ok());
  EXPECT_FALSE(std::get<0>(read(*store_)).has_value());
}

TEST_P(StorageTest, TheRegisterKeepsVisasAndFindsDecisionsAwaitingNotification) {
  domain::DigitalVisa v;
  v.number = VisaNumber("FRA123456782");
  v.application = ApplicationId("app-1");
  v.valid_from = *ParseIsoDate("2027-03-01");
  v.valid_until = *ParseIsoDate("2027-03-31");
  v.holder.date_of_birth = *ParseIsoDate("1990-05-01");
  v.seal = {0xDC, 0x03, 0x00, 0xFF};
  ASSERT_TRUE(store_->Write([&](UnitOfWork& u) { return u.Registry().InsertVisa(v); }).ok());
  EXPECT_EQ(store_->Write([&](UnitOfWork& u) { return u.Registry().InsertVisa(v); }).error().code,
            "already-exists");
  domain::Decision sent;
  sent.id = DecisionId("dec-1");
  sent.application = v.application;
  sent.kind = domain::DecisionKind::kRefuse;
  sent.message_sent_at = clock_.Now();
  domain::Decision opened = sent;
  opened.id = DecisionId("dec-2");
  opened.accessed_at = clock_.Now();
  // Unread too, but nothing to appeal: never listed (VC Art 32(2) is about refusals).
  domain::Decision issued = sent;
  issued.id = DecisionId("dec-3");
  issued.kind = domain::DecisionKind::kIssue;
  ASSERT_TRUE(store_
                  ->Write([&](UnitOfWork& u) -> Status {
                    OPENVAP_RETURN_IF_ERROR(u.Registry().InsertDecision(sent));
                    OPENVAP_RETURN_IF_ERROR(u.Registry().InsertDecision(issued));
                    return u.Registry().InsertDecision(opened);
                  })
                  .ok());
  std::optional<domain::DigitalVisa> read;
  std::vector<domain::Decision> awaiting;
  ASSERT_TRUE(store_
                  ->Read([&](UnitOfWork& u) -> Status {
                    OPENVAP_ASSIGN_OR_RETURN(read, u.Registry().FindVisa(v.number));
                    OPENVAP_ASSIGN_OR_RETURN(awaiting,
                                             u.Registry().DecisionsAwaitingPresumedNotification(
                                                 clock_.Now() + std::chrono::hours(1)));
                    return Ok();
                  })
                  .ok());
  EXPECT_EQ(read->seal, v.seal);
  EXPECT_EQ(*read->holder.date_of_birth, *v.holder.date_of_birth);
  ASSERT_EQ(awaiting.size(), 1U);
  EXPECT_EQ(awaiting[0].id.value(), "dec-1");
  // A row an older version kept as awaiting leaves the list once written again.
  ASSERT_TRUE(ExecuteInWrite(*db_,
                             "UPDATE register_decisions SET awaiting_notification = 1 "
                             "WHERE id = 'dec-3'")
                  .ok());
  const auto listed = [&] {
    std::vector<std::string> ids;
    EXPECT_TRUE(store_
                    ->Read([&](UnitOfWork& u) -> Status {
                      OPENVAP_ASSIGN_OR_RETURN(auto due,
                                               u.Registry().DecisionsAwaitingPresumedNotification(
                                                   clock_.Now() + std::chrono::hours(1)));
                      for (const auto& d : due) ids.push_back(d.id.value());
                      return Ok();
                    })
                    .ok());
    std::sort(ids.begin(), ids.end());  // sent in the same millisecond
    return ids;
  };
  EXPECT_EQ(listed(), (std::vector<std::string>{"dec-1", "dec-3"}));
  ASSERT_TRUE(
      store_->Write([&](UnitOfWork& u) { return u.Registry().UpdateDecision(issued); }).ok());
  EXPECT_EQ(listed(), (std::vector<std::string>{"dec-1"}));

  // The file of the examination, with how decisions reach the person (VC Art 32(2)).
  domain::ApplicationFile file;
  file.application = v.application;
  file.owner = AccountId("acc-officer");
  file.member_state = "FR";
  file.notify_emails = {"ravi@example.org"};
  file.lodged_by_official = true;
  file.residence_time_zone = "Asia/Kolkata";
  std::optional<domain::ApplicationFile> kept;
  ASSERT_TRUE(store_->Write([&](UnitOfWork& u) { return u.Registry().InsertFile(file); }).ok());
  ASSERT_TRUE(store_
                  ->Read([&](UnitOfWork& u) -> Status {
                    OPENVAP_ASSIGN_OR_RETURN(kept, u.Registry().FindFile(v.application));
                    return Ok();
                  })
                  .ok());
  ASSERT_TRUE(kept.has_value());
  EXPECT_TRUE(kept->lodged_by_official);
  EXPECT_EQ(kept->notify_emails, file.notify_emails);
  EXPECT_EQ(kept->residence_time_zone, "Asia/Kolkata");

  // Biometrics on record (VAP-BIO): the latest for a travel document, found however the number
  // was typed; recording an application twice keeps one record.
  const domain::BiometricsOnRecord older{
      "IND",        "X1234567", *ParseIsoDate("2024-05-02"), ApplicationId("app-old"), "DOE",
      std::nullopt, "IND"};
  const domain::BiometricsOnRecord newer{"IND",
                                         "x 123 4567",
                                         *ParseIsoDate("2026-01-20"),
                                         ApplicationId("app-new"),
                                         "DOE",
                                         *ParseIsoDate("1990-05-01"),
                                         "IND"};
  domain::BiometricsOnRecord again = newer;  // the same application recorded a second time
  again.collected_on = *ParseIsoDate("2026-03-03");
  const domain::BiometricsOnRecord elsewhere{
      "PAK",        "X1234567", *ParseIsoDate("2026-06-01"), ApplicationId("app-pak"), "KHAN",
      std::nullopt, "PAK"};
  ASSERT_TRUE(store_
                  ->Write([&](UnitOfWork& u) -> Status {
                    OPENVAP_RETURN_IF_ERROR(u.Registry().RecordBiometrics(newer));
                    OPENVAP_RETURN_IF_ERROR(u.Registry().RecordBiometrics(older));
                    OPENVAP_RETURN_IF_ERROR(u.Registry().RecordBiometrics(elsewhere));
                    return u.Registry().RecordBiometrics(again);
                  })
                  .ok());
  std::optional<domain::BiometricsOnRecord> latest;
  std::optional<domain::BiometricsOnRecord> none;
  ASSERT_TRUE(store_
                  ->Read([&](UnitOfWork& u) -> Status {
                    OPENVAP_ASSIGN_OR_RETURN(latest,
                                             u.Registry().LatestBiometrics("ind", "X1234567<"));
                    OPENVAP_ASSIGN_OR_RETURN(none, u.Registry().LatestBiometrics("IND", "Y1"));
                    return Ok();
                  })
                  .ok());
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->application.value(), "app-new");
  EXPECT_EQ(FormatIsoDate(latest->collected_on), "2026-01-20");
  EXPECT_EQ(latest->travel_document_number, "x 123 4567");
  EXPECT_EQ(latest->surname, "DOE");
  EXPECT_EQ(FormatIsoDate(*latest->date_of_birth), "1990-05-01");
  EXPECT_EQ(latest->nationality, "IND");
  EXPECT_FALSE(none.has_value());
}

// VIS Art 23(1) (domain/register_retention.h): the register keeps a last day per application,
// lists those past it, and deletes one application's records without touching another's.
TEST_P(StorageTest, TheRegisterKeepsPeriodsAndDeletesOneApplicationsRecords) {
  const auto put = [&](const std::string& app, const std::string& visa_number,
                       const std::string& document, const std::string& sticker) {
    domain::ApplicationFile file;
    file.application = ApplicationId(app);
    domain::DigitalVisa visa;
    visa.number = VisaNumber(visa_number);
    visa.application = file.application;
    domain::Decision decision;
    decision.id = DecisionId("dec-" + app);
    decision.application = file.application;
    const domain::BiometricsOnRecord biometrics{
        "IND", document, *ParseIsoDate("2027-01-02"), file.application, "DOE", std::nullopt, "IND"};
    ASSERT_TRUE(store_
                    ->Write([&](UnitOfWork& u) -> Status {
                      OPENVAP_RETURN_IF_ERROR(u.Registry().InsertFile(file));
                      OPENVAP_RETURN_IF_ERROR(u.Registry().InsertVisa(visa));
                      OPENVAP_RETURN_IF_ERROR(u.Registry().InsertDecision(decision));
                      OPENVAP_RETURN_IF_ERROR(u.Registry().RecordBiometrics(biometrics));
                      return u.Registry().InsertInvalidatedSticker(sticker, visa.number,
                                                                   clock_.Now());
                    })
                    .ok());
  };
  put("app-old", "FRA123456782", "X1111111", "FRA000000001");
  put("app-new", "FRA223456780", "X2222222", "FRA000000002");
  const auto keep = [&](const std::string& app, std::optional<Date> until) {
    ASSERT_TRUE(store_
                    ->Write([&](UnitOfWork& u) {
                      return u.Registry().KeepUntil(ApplicationId(app), until);
                    })
                    .ok());
  };
  keep("app-old", *ParseIsoDate("2032-01-01"));
  keep("app-new", *ParseIsoDate("2033-01-01"));
  keep("app-open", std::nullopt);
  keep("app-old", *ParseIsoDate("2031-06-30"));  // replaces the first
  const auto ended = [&](const char* today, int limit) {
    return RetentionEnded(*store_, today, limit);
  };
  using Ids = std::vector<std::string>;
  EXPECT_EQ(ended("2031-06-30", 10), Ids{});  // the last day itself is kept
  EXPECT_EQ(ended("2031-07-01", 10), Ids{"app-old"});
  EXPECT_EQ(ended("2040-01-01", 10), (Ids{"app-old", "app-new"}));
  EXPECT_EQ(ended("2040-01-01", 1), Ids{"app-old"});

  ASSERT_TRUE(store_
                  ->Write([&](UnitOfWork& u) {
                    return u.Registry().DeleteRecordsOf(ApplicationId("app-old"));
                  })
                  .ok());
  EXPECT_EQ(ended("2040-01-01", 10), Ids{"app-new"});
  struct Expected {
    const char* app;
    const char* visa;
    const char* document;
    bool kept;
  };
  for (const Expected& e : {Expected{"app-old", "FRA123456782", "X1111111", false},
                            Expected{"app-new", "FRA223456780", "X2222222", true}}) {
    std::optional<domain::ApplicationFile> file;
    std::optional<domain::DigitalVisa> found;
    std::vector<domain::Decision> decisions;
    std::optional<domain::BiometricsOnRecord> biometrics;
    ASSERT_TRUE(store_
                    ->Read([&](UnitOfWork& u) -> Status {
                      const ApplicationId app(e.app);
                      OPENVAP_ASSIGN_OR_RETURN(file, u.Registry().FindFile(app));
                      OPENVAP_ASSIGN_OR_RETURN(found, u.Registry().FindVisa(VisaNumber(e.visa)));
                      OPENVAP_ASSIGN_OR_RETURN(decisions, u.Registry().DecisionsOfApplication(app));
                      OPENVAP_ASSIGN_OR_RETURN(biometrics,
                                               u.Registry().LatestBiometrics("IND", e.document));
                      return Ok();
                    })
                    .ok());
    EXPECT_EQ(file.has_value(), e.kept) << e.app;
    EXPECT_EQ(found.has_value(), e.kept) << e.app;
    EXPECT_EQ(decisions.size(), e.kept ? 1U : 0U) << e.app;
    EXPECT_EQ(biometrics.has_value(), e.kept) << e.app;
  }
  // The sticker the deleted visa replaced is no longer on record; the other still is.
  const auto invalidate = [&](const char* sticker) {
    return store_->Write([&](UnitOfWork& u) {
      return u.Registry().InsertInvalidatedSticker(sticker, VisaNumber("FRA323456788"),
                                                   clock_.Now());
    });
  };
  EXPECT_TRUE(invalidate("FRA000000001").ok());
  EXPECT_EQ(invalidate("FRA000000002").error().code, "already-exists");
}

// Migration 6 gives what the register held before it a period that is already over, so that
// the retention job's next run works out the real one: it deletes what is past its five years,
// keeps the rest with its period, and leaves a file still examined without one.
TEST_P(StorageTest, WhatTheRegisterHeldBeforeItKeptPeriodsIsSortedOutByTheNextRun) {
  BackToSchema(5);
  domain::ApplicationFile examined;
  examined.application = ApplicationId("app-examined");
  domain::Decision refusal;
  refusal.id = DecisionId("dec-1");
  refusal.application = ApplicationId("app-refused");
  refusal.kind = domain::DecisionKind::kRefuse;
  refusal.decided_at = *ParseIsoTimestamp("2020-06-01T08:00:00Z");
  domain::DigitalVisa visa;
  visa.number = VisaNumber("FRA123456782");
  visa.application = ApplicationId("legacy-sticker-FRA000000001");
  visa.valid_until = *ParseIsoDate("2027-06-30");
  ASSERT_TRUE(store_
                  ->Write([&](UnitOfWork& u) -> Status {
                    OPENVAP_RETURN_IF_ERROR(u.Registry().InsertFile(examined));
                    OPENVAP_RETURN_IF_ERROR(u.Registry().InsertDecision(refusal));
                    return u.Registry().InsertVisa(visa);
                  })
                  .ok());
  Reopen();
  const auto ended = [&](const char* today) { return RetentionEnded(*store_, today, 10); };
  EXPECT_EQ(ended("2027-01-15"), (std::vector<std::string>{"app-examined", "app-refused",
                                                           "legacy-sticker-FRA000000001"}));

  const auto report = domain::RetentionService(*store_, clock_).Apply();
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->register_records_deleted, 1);  // refused in 2020: kept until 2025-06-01
  EXPECT_TRUE(ended("2027-01-15").empty());
  EXPECT_TRUE(ended("2032-06-30").empty());  // the sticker's visa: its last day
  EXPECT_EQ(ended("2032-07-01"), std::vector<std::string>{"legacy-sticker-FRA000000001"});
  // The file still examined has no period yet.
  EXPECT_EQ(ended("2099-01-01"), std::vector<std::string>{"legacy-sticker-FRA000000001"});
}

// The presumed-notification job on a store an older version wrote, where unread decisions of
// every kind were kept as awaiting: the refusal is presumed notified, the visa issued leaves the
// list for good, so that such decisions cannot fill the job's batch.
class NoSeals : public domain::VisaSealer {
 public:
  Result<Bytes> Seal(const domain::DigitalVisa&, Date) const override {
    return Error{"no-signer", "not in this test"};
  }
};
class NoTexts : public domain::DecisionTexts {
 public:
  Result<std::string> Ground(int, const std::string&) const override {
    return Error{"translation-missing", "not in this test"};
  }
  bool GroundAppliesTo(int, domain::DecisionKind) const override { return false; }
  std::string StateLanguage(const std::string&) const override { return "en"; }
  std::string StateAlpha3(const std::string&) const override { return "XXX"; }
  std::string StateName(const std::string& state) const override { return state; }
  bool VisaCanBeValidIn(const std::string&, Date) const override { return false; }
  Result<std::string> AppealInformation(const std::string&, const std::string&) const override {
    return Error{"appeal-information-missing", "not in this test"};
  }
};
class UtcDays : public domain::NotificationCalendar {
 public:
  Date PresumedNotificationDay(Timestamp sent, const std::string&) const override {
    return AddDays(UtcDateOf(sent), 8);
  }
  Date LocalDate(Timestamp now, const std::string&) const override { return UtcDateOf(now); }
};

TEST_P(StorageTest, UnreadDecisionsAnOlderVersionKeptAwaitingLeaveTheJobsList) {
  domain::Decision refusal;
  refusal.id = DecisionId("dec-refused");
  refusal.application = ApplicationId("app-1");
  refusal.kind = domain::DecisionKind::kRefuse;
  refusal.decided_at = clock_.Now() - std::chrono::hours(24 * 10);
  refusal.message_sent_at = refusal.decided_at;
  domain::Decision issued = refusal;
  issued.id = DecisionId("dec-issued");
  issued.application = ApplicationId("app-2");
  issued.kind = domain::DecisionKind::kIssue;
  ASSERT_TRUE(store_
                  ->Write([&](UnitOfWork& u) -> Status {
                    OPENVAP_RETURN_IF_ERROR(u.Registry().InsertDecision(refusal));
                    return u.Registry().InsertDecision(issued);
                  })
                  .ok());
  ASSERT_TRUE(ExecuteInWrite(*db_,
                             "UPDATE register_decisions SET awaiting_notification = 1 "
                             "WHERE id = 'dec-issued'")
                  .ok());
  NoSeals seals;
  NoTexts texts;
  UtcDays calendar;
  domain::ExaminationService exam(*store_, seals, texts, calendar, clock_, random_);
  const auto presumed = exam.ApplyPresumedNotifications();
  ASSERT_TRUE(presumed.ok()) << presumed.error().message;
  EXPECT_EQ(*presumed, 1);
  std::vector<domain::Decision> awaiting;
  std::optional<domain::Decision> kept;
  ASSERT_TRUE(store_
                  ->Read([&](UnitOfWork& u) -> Status {
                    OPENVAP_ASSIGN_OR_RETURN(
                        awaiting, u.Registry().DecisionsAwaitingPresumedNotification(clock_.Now()));
                    OPENVAP_ASSIGN_OR_RETURN(kept, u.Registry().FindDecision(issued.id));
                    return Ok();
                  })
                  .ok());
  EXPECT_TRUE(awaiting.empty());
  ASSERT_TRUE(kept.has_value());
  EXPECT_FALSE(kept->presumed_notified_on.has_value());  // written again, nothing else changed
}

// The job deletes in batches of their own transaction until none is left.
TEST_P(StorageTest, TheRetentionJobWorksThroughTheRegisterInBatches) {
  ASSERT_TRUE(store_
                  ->Write([&](UnitOfWork& u) -> Status {
                    for (int i = 0; i < 450; ++i) {
                      domain::Decision d;
                      d.id = DecisionId("dec-" + std::to_string(i));
                      d.application = ApplicationId("app-" + std::to_string(i));
                      d.kind = domain::DecisionKind::kRefuse;
                      d.decided_at = *ParseIsoTimestamp("2021-01-04T08:00:00Z");
                      OPENVAP_RETURN_IF_ERROR(u.Registry().InsertDecision(d));
                      OPENVAP_RETURN_IF_ERROR(
                          u.Registry().KeepUntil(d.application, *ParseIsoDate("2026-01-04")));
                    }
                    return Ok();
                  })
                  .ok());
  const auto report = domain::RetentionService(*store_, clock_).Apply();
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->register_records_deleted, 450);
  std::vector<domain::Decision> left;
  ASSERT_TRUE(store_
                  ->Read([&](UnitOfWork& u) -> Status {
                    OPENVAP_ASSIGN_OR_RETURN(
                        left, u.Registry().DecisionsOfApplication(ApplicationId("app-449")));
                    return Ok();
                  })
                  .ok());
  EXPECT_TRUE(left.empty());
}

// VAP-DP: an application leaves as a whole. After the register's period, what temporary storage
// kept of it (the contact data) and its messages go with the records; a file closed with nothing
// in the register goes after the closed period; other applications' messages stay.
TEST_P(StorageTest, WhatLeavesWithAnApplicationLeavesOnBothEngines) {
  const auto application = [&](const char* id, domain::ApplicationStatus status) {
    domain::Application a;
    a.id = ApplicationId(id);
    a.owner = AccountId("acc-1");
    a.status = status;
    a.purged = status == domain::ApplicationStatus::kRefused;
    a.created_at = a.updated_at = clock_.Now() - std::chrono::hours(24 * 40);
    return a;
  };
  const auto message = [&](const char* id, std::optional<ApplicationId> about) {
    return domain::AccountMessage{id,  AccountId("acc-1"), std::move(about), "decision", "s",
                                  "b", clock_.Now(),       std::nullopt};
  };
  domain::Decision refusal;
  refusal.id = DecisionId("dec-1");
  refusal.application = ApplicationId("app-refused");
  refusal.kind = domain::DecisionKind::kRefuse;
  refusal.decided_at = *ParseIsoTimestamp("2021-01-04T08:00:00Z");
  ASSERT_TRUE(store_
                  ->Write([&](UnitOfWork& u) -> Status {
                    for (const auto& [id, status] :
                         {std::pair{"app-refused", domain::ApplicationStatus::kRefused},
                          std::pair{"app-withdrawn", domain::ApplicationStatus::kWithdrawn},
                          std::pair{"app-open", domain::ApplicationStatus::kNotified}}) {
                      OPENVAP_RETURN_IF_ERROR(u.Applications().Insert(application(id, status)));
                      OPENVAP_RETURN_IF_ERROR(u.Messages().Insert(
                          message((std::string("msg-") + id).c_str(), ApplicationId(id))));
                    }
                    OPENVAP_RETURN_IF_ERROR(u.Messages().Insert(message("msg-welcome", {})));
                    OPENVAP_RETURN_IF_ERROR(u.Registry().InsertDecision(refusal));
                    return u.Registry().KeepUntil(refusal.application, *ParseIsoDate("2026-01-04"));
                  })
                  .ok());
  const auto report = domain::RetentionService(*store_, clock_).Apply();
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->register_records_deleted, 1);
  EXPECT_EQ(report->closed_deleted, 1);
  EXPECT_EQ(report->closed_reduced, 0);
  EXPECT_FALSE(FindApplication(*store_, ApplicationId("app-refused")).has_value());
  EXPECT_FALSE(FindApplication(*store_, ApplicationId("app-withdrawn")).has_value());
  EXPECT_TRUE(FindApplication(*store_, ApplicationId("app-open")).has_value());
  std::vector<std::string> left;
  ASSERT_TRUE(store_
                  ->Read([&](UnitOfWork& u) -> Status {
                    OPENVAP_ASSIGN_OR_RETURN(const auto messages,
                                             u.Messages().ListFor(AccountId("acc-1"), {}));
                    for (const auto& m : messages.items) left.push_back(m.id);
                    return Ok();
                  })
                  .ok());
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{"msg-app-open", "msg-welcome"}));
}

// A message is marked read by its own account only, and the first time counts.
TEST_P(StorageTest, MessagesAreMarkedReadOnceByTheirOwnAccount) {
  const domain::AccountMessage m{"msg-1", AccountId("acc-1"), std::nullopt, "welcome", "s",
                                 "b",     clock_.Now(),       std::nullopt};
  ASSERT_TRUE(store_->Write([&](UnitOfWork& u) { return u.Messages().Insert(m); }).ok());
  const auto mark = [&](const char* account) {
    Result<domain::AccountMessage> marked = Error{"none", ""};
    const Status written = store_->Write([&](UnitOfWork& u) -> Status {
      marked = u.Messages().MarkRead(AccountId(account), "msg-1", clock_.Now());
      return marked.ok() ? Ok() : Status(marked.error());
    });
    return written.ok() ? marked : Result<domain::AccountMessage>(written.error());
  };
  EXPECT_EQ(mark("acc-2").error().code, "not-found");
  const Timestamp first = clock_.Now();
  ASSERT_EQ(mark("acc-1")->read_at, first);
  clock_.Advance(std::chrono::minutes(5));
  EXPECT_EQ(mark("acc-1")->read_at, first);
  domain::Page<domain::AccountMessage> listed;
  ASSERT_TRUE(store_
                  ->Read([&](UnitOfWork& u) -> Status {
                    OPENVAP_ASSIGN_OR_RETURN(listed, u.Messages().ListFor(AccountId("acc-1"), {}));
                    return Ok();
                  })
                  .ok());
  ASSERT_EQ(listed.items.size(), 1U);
  EXPECT_EQ(listed.items[0].read_at, first);
}

// VAP-DP: delivered e-mails (addresses, texts) leave the outbox after 30 days, e-mails given up
// after 90; other work given up stays for the operator.
TEST_P(StorageTest, FinishedJobsAreDeletedAfterTheirPeriod) {
  JobQueue queue(*db_, clock_, random_);
  for (const domain::Job& job :
       {domain::Job{"send-mail",
                    "mail:delivered",
                    {{"to", {"a@example.org"}}, {"text", "t"}},
                    clock_.Now()},
        domain::Job{
            "send-mail", "mail:bounced", {{"to", {"b@example.org"}}, {"text", "t"}}, clock_.Now()},
        domain::Job{
            "national-transfer", "transfer:app-1", {{"application", "app-1"}}, clock_.Now()},
        domain::Job{"send-mail",
                    "mail:later",
                    {{"to", {"c@example.org"}}},
                    clock_.Now() + std::chrono::hours(24 * 60)},
        domain::Job{
            "send-mail", "mail:retried", {{"to", {"d@example.org"}}, {"text", "t"}}, clock_.Now()},
        domain::Job{"password-reset",
                    "password-reset:1",
                    {{"email", "e@example.org"}, {"ip", "203.0.113.9"}},
                    clock_.Now()}}) {
    ASSERT_TRUE(queue.Schedule(job).ok());
  }
  for (int i = 0; i < 5; ++i) {
    const auto claimed = *queue.Claim(std::chrono::seconds(60));
    ASSERT_TRUE(claimed.has_value());
    if (claimed->key == "mail:delivered" || claimed->key == "password-reset:1") {
      ASSERT_TRUE(queue.Complete(claimed->id).ok());
    } else {
      const bool retried = claimed->key == "mail:retried";
      ASSERT_TRUE(queue.Fail(*claimed, "refused", !retried, std::chrono::hours(24 * 365), 5).ok());
    }
  }
  // A delivered e-mail keeps who it went to, not its text (a link in it may still work); a
  // job to retry is not finished.
  std::vector<std::string> kept;
  ASSERT_TRUE(db_->Read([&](SqlConnection& c) -> Status {
                   OPENVAP_ASSIGN_OR_RETURN(
                       const auto rows,
                       c.Query("SELECT job_key, payload, COALESCE(CAST(finished_ms AS TEXT), "
                               "'-') FROM jobs ORDER BY job_key"));
                   for (const SqlRow& r : rows) {
                     const nlohmann::json payload = nlohmann::json::parse(r.Text(1));
                     const bool personal = payload.contains("text") || payload.contains("email");
                     kept.push_back(r.Text(0) + " " + (personal ? "personal" : "-") + " " +
                                    (r.Text(2) == "-" ? "unfinished" : "finished"));
                   }
                   return Ok();
                 })
                  .ok());
  EXPECT_EQ(kept,
            (std::vector<std::string>{"mail:bounced personal finished", "mail:delivered - finished",
                                      "mail:later - unfinished", "mail:retried personal unfinished",
                                      "password-reset:1 - finished", "transfer:app-1 - finished"}));
  const auto run = [&] {
    const auto report = domain::RetentionService(*store_, clock_).Apply();
    EXPECT_TRUE(report.ok()) << report.error().message;
    return report.ok() ? report->jobs_deleted : -1;
  };
  clock_.Advance(std::chrono::hours(24 * 30) - std::chrono::minutes(1));
  EXPECT_EQ(run(), 0);
  clock_.Advance(std::chrono::minutes(2));
  EXPECT_EQ(run(), 2);  // the delivered e-mail and the reset request
  EXPECT_EQ(queue.Count()->done, 0);
  EXPECT_EQ(queue.Count()->dead, 2);
  clock_.Advance(std::chrono::hours(24 * 60));
  EXPECT_EQ(run(), 1);                   // the e-mail given up
  EXPECT_EQ(queue.Count()->dead, 1);     // the transfer waits for the operator
  EXPECT_EQ(queue.Count()->pending, 2);  // e-mails not sent yet are no finished jobs
}

// Migration 7 on what an older version wrote: messages name their application in the new
// column (so they leave with it), finished jobs get their last due time as the time they
// finished.
TEST_P(StorageTest, MessagesAndJobsAnOlderVersionWroteAreSortedOutByMigration7) {
  // Written by this version, read back as an older one left them: a token, and two closed
  // applications reduced to their contact data, one with a refusal in the register and one
  // withdrawn before the register held anything.
  domain::Decision refusal;
  refusal.id = DecisionId("dec-1");
  refusal.application = ApplicationId("app-refused");
  refusal.kind = domain::DecisionKind::kRefuse;
  refusal.decided_at = clock_.Now();
  ASSERT_TRUE(store_
                  ->Write([&](UnitOfWork& u) -> Status {
                    OPENVAP_RETURN_IF_ERROR(u.Accounts().InsertToken(domain::OneTimeToken{
                        "hash-1", AccountId("acc-1"), "verify-email",
                        *ParseIsoTimestamp("2027-01-02T00:00:00Z"), std::nullopt, clock_.Now()}));
                    for (const auto& [id, status] :
                         {std::pair{"app-refused", domain::ApplicationStatus::kRefused},
                          std::pair{"app-withdrawn", domain::ApplicationStatus::kWithdrawn}}) {
                      domain::Application a;
                      a.id = ApplicationId(id);
                      a.owner = AccountId("acc-1");
                      a.status = status;
                      a.created_at = a.updated_at = clock_.Now() - std::chrono::hours(24 * 60);
                      OPENVAP_RETURN_IF_ERROR(u.Applications().Insert(a));
                    }
                    return u.Registry().InsertDecision(refusal);
                  })
                  .ok());
  ASSERT_TRUE(ExecuteInWrite(*db_, "UPDATE applications SET purged = 1").ok());
  BackToSchema(6);
  ASSERT_TRUE(ExecuteInWrite(*db_,
                             "INSERT INTO account_messages (id, account, created_ms, doc) VALUES "
                             "('msg-1', 'acc-1', 1, $1), ('msg-2', 'acc-1', 2, $2)",
                             {std::string(R"({"id":"msg-1","account":"acc-1","application":)"
                                          R"("app-1","kind":"decision"})"),
                              std::string(R"({"id":"msg-2","account":"acc-1","application":)"
                                          R"(null,"kind":"welcome"})")})
                  .ok());
  ASSERT_TRUE(ExecuteInWrite(*db_,
                             "INSERT INTO jobs (id, kind, job_key, payload, run_at_ms, attempts, "
                             "lease_until_ms, state, last_error) VALUES ('job-1', 'send-mail', "
                             "'mail:1', '{}', 1000, 1, 0, 'done', ''), ('job-2', 'send-mail', "
                             "'mail:2', '{}', 2000, 0, 0, 'pending', '')")
                  .ok());
  Reopen();
  std::vector<std::pair<std::string, std::string>> rows;
  ASSERT_TRUE(db_->Read([&](SqlConnection& c) -> Status {
                   OPENVAP_ASSIGN_OR_RETURN(
                       const auto found,
                       c.Query("SELECT id, COALESCE(application, '-') FROM account_messages "
                               "UNION ALL SELECT id, COALESCE(CAST(finished_ms AS TEXT), '-') "
                               "FROM jobs ORDER BY 1"));
                   for (const SqlRow& r : found) rows.emplace_back(r.Text(0), r.Text(1));
                   return Ok();
                 })
                  .ok());
  EXPECT_EQ(rows, (std::vector<std::pair<std::string, std::string>>{
                      {"job-1", "1000"}, {"job-2", "-"}, {"msg-1", "app-1"}, {"msg-2", "-"}}));
  // The token expires at its time, and goes then; the withdrawn file goes at the next run.
  ASSERT_TRUE(store_
                  ->Write([&](UnitOfWork& u) -> Status {
                    OPENVAP_ASSIGN_OR_RETURN(const auto n,
                                             u.Accounts().DeleteTokensExpiredBefore(
                                                 *ParseIsoTimestamp("2027-01-02T00:00:00Z")));
                    EXPECT_EQ(n, 0);
                    return Ok();
                  })
                  .ok());
  const auto report = domain::RetentionService(*store_, clock_).Apply();
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->tokens_deleted, 1);
  EXPECT_EQ(report->closed_deleted, 1);
  EXPECT_EQ(report->closed_reduced, 0);
  EXPECT_FALSE(FindApplication(*store_, ApplicationId("app-withdrawn")).has_value());
  EXPECT_TRUE(FindApplication(*store_, ApplicationId("app-refused")).has_value());
}

// Migration 9: a fee paid before the application kept what its payments came to gets the sum
// of its paid payments; refunded, failed and pending ones do not count, and an amount already
// kept or a fee not paid is left as it is.
TEST_P(StorageTest, PaidFeesAnOlderVersionWroteGetWhatTheirPaymentsCameToByMigration9) {
  struct Case {
    const char* id;
    bool fee_paid;
    std::optional<std::int64_t> kept;
    std::vector<std::pair<std::int64_t, domain::PaymentStatus>> payments;
  };
  const std::vector<Case> cases = {
      {"app-child-fee",
       true,
       std::nullopt,
       {{4500, domain::PaymentStatus::kPaid},
        {9000, domain::PaymentStatus::kRefunded},
        {9000, domain::PaymentStatus::kPending},
        {9000, domain::PaymentStatus::kFailed}}},
      {"app-two-payments",
       true,
       std::nullopt,
       {{4500, domain::PaymentStatus::kPaid}, {4500, domain::PaymentStatus::kPaid}}},
      {"app-exempt", true, std::nullopt, {{0, domain::PaymentStatus::kPaid}}},
      {"app-kept", true, 2000, {{4500, domain::PaymentStatus::kPaid}}},
      {"app-refunded", false, std::nullopt, {{9000, domain::PaymentStatus::kRefunded}}},
  };
  ASSERT_TRUE(store_
                  ->Write([&](UnitOfWork& u) -> Status {
                    int n = 0;
                    for (const Case& c : cases) {
                      domain::Application a;
                      a.id = ApplicationId(c.id);
                      a.owner = AccountId("acc-1");
                      a.status = domain::ApplicationStatus::kSubmitted;
                      a.fee_paid = c.fee_paid;
                      a.fee_paid_cents = c.kept;
                      a.created_at = a.updated_at = clock_.Now();
                      OPENVAP_RETURN_IF_ERROR(u.Applications().Insert(a));
                      for (const auto& [cents, status] : c.payments) {
                        domain::Payment p;
                        p.id = "pay-" + std::to_string(n++);
                        p.application = a.id;
                        p.amount_cents = cents;
                        p.method = "online";
                        p.checkout_id = "co-" + p.id;
                        p.status = status;
                        p.created_at = clock_.Now();
                        OPENVAP_RETURN_IF_ERROR(u.Payments().Insert(p));
                      }
                    }
                    return Ok();
                  })
                  .ok());
  BackToSchema(8);
  Reopen();
  const auto kept = [&](const char* id) {
    const auto a = FindApplication(*store_, ApplicationId(id));
    return a ? a->fee_paid_cents : std::optional<std::int64_t>(-1);
  };
  EXPECT_EQ(kept("app-child-fee"), 4500);
  EXPECT_EQ(kept("app-two-payments"), 9000);
  EXPECT_EQ(kept("app-exempt"), 0);
  EXPECT_EQ(kept("app-kept"), 2000);
  EXPECT_EQ(kept("app-refunded"), std::nullopt);
  const auto child = FindApplication(*store_, ApplicationId("app-child-fee"));
  ASSERT_TRUE(child.has_value());
  EXPECT_TRUE(child->fee_paid);
  EXPECT_EQ(domain::FeePaidEur(*child), 45.0);
}

TEST_P(StorageTest, ASlotIsBookedByExactlyOneOfManyConcurrentBookings) {
  domain::AppointmentSlot slot{"slot-1", "FR", "fr-delhi", "1 Rd", clock_.Now(), 15, std::nullopt};
  ASSERT_TRUE(store_->Write([&](UnitOfWork& u) { return u.Appointments().InsertSlot(slot); }).ok());
  std::atomic<int> won{0};
  std::atomic<int> taken{0};
  std::vector<std::thread> threads;
  threads.reserve(16);
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] {
      const Status s = store_->Write([&](UnitOfWork& u) {
        return u.Appointments().Book("slot-1", ApplicationId("app-" + std::to_string(i)));
      });
      if (s.ok()) ++won;
      if (!s.ok() && s.error().code == "slot-taken") ++taken;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(taken.load(), 15);
}

TEST_P(StorageTest, TheThrottleCountsPerKeyAndWindow) {
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(*store_->Allow("login:a", 3, std::chrono::seconds(60)));
  EXPECT_FALSE(*store_->Allow("login:a", 3, std::chrono::seconds(60)));
  EXPECT_TRUE(*store_->Allow("login:b", 3, std::chrono::seconds(60)));
  clock_.Advance(std::chrono::seconds(61));
  EXPECT_TRUE(*store_->Allow("login:a", 3, std::chrono::seconds(60)));
  // Past windows are forgotten (their keys name people); the current one counts on.
  EXPECT_EQ(*store_->ForgetAttemptsBefore(clock_.Now() - std::chrono::seconds(60)), 2);
  EXPECT_EQ(*store_->ForgetAttemptsBefore(clock_.Now() - std::chrono::seconds(60)), 0);
  EXPECT_TRUE(*store_->Allow("login:a", 3, std::chrono::seconds(60)));
  EXPECT_TRUE(*store_->Allow("login:a", 3, std::chrono::seconds(60)));
  EXPECT_FALSE(*store_->Allow("login:a", 3, std::chrono::seconds(60)));
}

TEST_P(StorageTest, JobsRunOnceAreRetriedAndKeyedForIdempotency) {
  JobQueue queue(*db_, clock_, random_);
  const domain::Job job{
      "national-transfer", "transfer:app-1", {{"application", "app-1"}}, clock_.Now()};
  ASSERT_TRUE(queue.Schedule(job).ok());
  ASSERT_TRUE(queue.Schedule(job).ok());  // same key: not added twice
  EXPECT_EQ(queue.Count()->pending, 1);
  auto claimed = *queue.Claim(std::chrono::seconds(60));
  ASSERT_TRUE(claimed.has_value());
  EXPECT_EQ(claimed->payload["application"], "app-1");
  EXPECT_FALSE(queue.Claim(std::chrono::seconds(60))->has_value());  // leased
  ASSERT_TRUE(
      queue.Fail(*claimed, "national system down", false, std::chrono::seconds(30), 5).ok());
  EXPECT_FALSE(queue.Claim(std::chrono::seconds(60))->has_value());  // backing off
  clock_.Advance(std::chrono::seconds(31));
  claimed = *queue.Claim(std::chrono::seconds(60));
  ASSERT_TRUE(claimed.has_value());
  EXPECT_EQ(claimed->attempts, 2);
  // A worker that dies loses its lease.
  clock_.Advance(std::chrono::seconds(61));
  claimed = *queue.Claim(std::chrono::seconds(60));
  ASSERT_TRUE(claimed.has_value());
  ASSERT_TRUE(queue.Complete(claimed->id).ok());
  EXPECT_EQ(queue.Count()->done, 1);
}

TEST_P(StorageTest, ConcurrentWorkersClaimEachJobExactlyOnce) {
  JobQueue queue(*db_, clock_, random_);
  for (int i = 0; i < 60; ++i) {
    ASSERT_TRUE(
        queue.Schedule({"send-mail", "mail:" + std::to_string(i), {{"i", i}}, clock_.Now()}).ok());
  }
  std::mutex mu;
  std::multiset<int> seen;
  std::vector<std::thread> workers;
  workers.reserve(4);
  for (int w = 0; w < 4; ++w) {
    workers.emplace_back([&] {
      for (;;) {
        auto job = queue.Claim(std::chrono::seconds(60));
        if (!job.ok() || !job->has_value()) return;
        {
          std::lock_guard lock(mu);
          seen.insert((*job)->payload["i"].get<int>());
        }
        ASSERT_TRUE(queue.Complete((*job)->id).ok());
      }
    });
  }
  for (auto& w : workers) w.join();
  EXPECT_EQ(seen.size(), 60U);
  EXPECT_EQ(std::set<int>(seen.begin(), seen.end()).size(), 60U);
}

TEST_P(StorageTest, TheAuditTrailIsHashChainedAndTamperingIsFound) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store_
                    ->Write([&](UnitOfWork& u) {
                      return u.Audit().Append({"acc-1",
                                               "consular-officer",
                                               "application.read",
                                               "application:app-" + std::to_string(i),
                                               {{"i", i}}});
                    })
                    .ok());
  }
  EXPECT_FALSE(VerifyAuditChain(*db_)->has_value());
  ASSERT_TRUE(
      ExecuteInWrite(*db_, "UPDATE audit_trail SET actor = 'someone-else' WHERE seq = 3").ok());
  const auto bad = VerifyAuditChain(*db_);
  ASSERT_TRUE(bad->has_value());
  EXPECT_EQ(**bad, 3);
}

// The bytes each hash covers are the entry as compact JSON with sorted keys (the format chains
// were written in from the start, by dumping a JSON tree): pinned here by recomputing every hash
// that way. A change to the details' text, even of spacing only, is found.
TEST_P(StorageTest, AuditHashesCoverTheEntryAsSortedCompactJsonAndEveryByteOfItsDetails) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(store_
                    ->Write([&](UnitOfWork& u) {
                      return u.Audit().Append({"acc-\"1\"\n",
                                               "consular-officer",
                                               "application.read",
                                               "application:app-" + std::to_string(i),
                                               {{"ip", "127.0.0.1"}, {"i", i}, {"name", "Ana é"}}});
                    })
                    .ok());
  }
  const Status pinned = db_->Read([](SqlConnection& c) -> Status {
    auto rows = c.Query(
        "SELECT seq, at_ms, actor, role, action, subject, details, prev_hash, hash "
        "FROM audit_trail ORDER BY seq");
    if (!rows.ok()) return rows.error();
    if (rows->size() != 3) return Error{"test", "expected three entries"};
    std::string prev(64, '0');
    for (const SqlRow& r : *rows) {
      const nlohmann::json entry = {{"seq", r.Int(0)},
                                    {"at_ms", r.Int(1)},
                                    {"actor", r.Text(2)},
                                    {"role", r.Text(3)},
                                    {"action", r.Text(4)},
                                    {"subject", r.Text(5)},
                                    {"details", nlohmann::json::parse(r.Text(6))}};
      const std::string expected = ToHex(crypto::Sha256(AsBytes(prev + "\n" + entry.dump())));
      if (r.Text(7) != prev || r.Text(8) != expected) {
        return Error{"test", "entry " + std::to_string(r.Int(0)) + " hashes " + entry.dump()};
      }
      prev = r.Text(8);
    }
    return Ok();
  });
  EXPECT_TRUE(pinned.ok()) << pinned.error().message;
  EXPECT_FALSE(VerifyAuditChain(*db_)->has_value());
  ASSERT_TRUE(
      ExecuteInWrite(*db_,
                     "UPDATE audit_trail SET details = REPLACE(details, ',', ', ') WHERE seq = 2")
          .ok());
  const auto bad = VerifyAuditChain(*db_);
  ASSERT_TRUE(bad->has_value());
  EXPECT_EQ(**bad, 2);
}

// A payment read in a write is the one the other writers left: two refunds that cross (two
// processes on one PostgreSQL) find it paid once, and the second sees it refunded.
TEST_P(StorageTest, APaymentReadInAWriteIsLockedUntilItCommits) {
  domain::Payment paid;
  paid.id = "pay-1";
  paid.application = ApplicationId("app-1");
  paid.amount_cents = 9000;
  paid.method = "online";
  paid.checkout_id = "co-1";
  paid.status = domain::PaymentStatus::kPaid;
  paid.created_at = clock_.Now();
  ASSERT_TRUE(store_->Write([&](UnitOfWork& u) { return u.Payments().Insert(paid); }).ok());
  std::atomic<int> refunded{0};
  std::atomic<bool> first_has_read{false};
  const auto refund = [&](bool first) {
    return store_->Write([&](UnitOfWork& u) -> Status {
      OPENVAP_ASSIGN_OR_RETURN(auto all, u.Payments().OfApplication(paid.application));
      if (first) {
        first_has_read = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the other reads now
      }
      if (all.at(0).status != domain::PaymentStatus::kPaid) return Ok();
      all[0].status = domain::PaymentStatus::kRefunded;
      ++refunded;
      return u.Payments().Update(all[0]);
    });
  };
  std::thread first([&] { EXPECT_TRUE(refund(true).ok()); });
  while (!first_has_read) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_TRUE(refund(false).ok());
  first.join();
  EXPECT_EQ(refunded.load(), 1);
}

TEST_P(StorageTest, ConcurrentWritersAllCommit) {
  std::vector<std::thread> threads;
  threads.reserve(8);
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        const std::string id = "acc-" + std::to_string(t) + "-" + std::to_string(i);
        if (store_
                ->Write([&](UnitOfWork& u) {
                  return u.Accounts().Insert(SomeAccount(id, id + "@example.org"));
                })
                .ok()) {
          ++ok;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 200);
}

// What is deleted from the database is dropped from the decoded documents too, once the
// deletion is committed (VAP-DP), and only then.
TEST_P(StorageTest, DecodedDocumentsFollowCommittedDeletions) {
  const auto session = [](const std::string& hash, const std::string& account, int minute) {
    domain::Session s;
    s.token_hash = hash;
    s.account = AccountId(account);
    s.last_seen_at = *ParseIsoTimestamp("2027-01-15T09:00:00Z") + std::chrono::minutes(minute);
    return s;
  };
  domain::Application a;
  a.id = ApplicationId("app-1");
  a.owner = AccountId("acc-1");
  ASSERT_TRUE(store_
                  ->Write([&](UnitOfWork& u) -> Status {
                    OPENVAP_RETURN_IF_ERROR(u.Accounts().Insert(SomeAccount("acc-1", "a@x.org")));
                    OPENVAP_RETURN_IF_ERROR(u.Accounts().InsertSession(session("s1", "acc-1", 0)));
                    OPENVAP_RETURN_IF_ERROR(u.Accounts().InsertSession(session("s2", "acc-1", 0)));
                    OPENVAP_RETURN_IF_ERROR(u.Accounts().InsertSession(session("s3", "acc-2", 0)));
                    OPENVAP_RETURN_IF_ERROR(u.Accounts().InsertSession(session("s4", "acc-2", 30)));
                    return u.Applications().Insert(a);
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Read([&](UnitOfWork& u) -> Status {
                    for (const char* hash : {"s1", "s2", "s3", "s4"}) {
                      OPENVAP_RETURN_IF_ERROR(u.Accounts().FindSession(hash));
                    }
                    return Ok();
                  })
                  .ok());
  const DecodedDocumentCaches& decoded = store_->decoded_documents();
  EXPECT_EQ(decoded.applications.size(), 1U);
  EXPECT_EQ(decoded.sessions.size(), 4U);
  // A deletion that is rolled back leaves everything as it was.
  EXPECT_FALSE(store_
                   ->Write([&](UnitOfWork& u) -> Status {
                     OPENVAP_RETURN_IF_ERROR(u.Applications().Delete(a.id));
                     OPENVAP_RETURN_IF_ERROR(u.Accounts().DeleteSessionsOf(AccountId("acc-1")));
                     return Error{"invalid-field", "changed my mind"};
                   })
                   .ok());
  EXPECT_EQ(decoded.applications.size(), 1U);
  EXPECT_EQ(decoded.sessions.size(), 4U);
  ASSERT_TRUE(store_
                  ->Write([&](UnitOfWork& u) -> Status {
                    OPENVAP_RETURN_IF_ERROR(u.Applications().Delete(a.id));
                    return u.Accounts().DeleteSessionsOf(AccountId("acc-1"));
                  })
                  .ok());
  EXPECT_EQ(decoded.applications.size(), 0U);
  EXPECT_EQ(decoded.sessions.size(), 2U);  // s3 and s4, of another account
  ASSERT_TRUE(store_
                  ->Write([&](UnitOfWork& u) -> Status {
                    return u.Accounts()
                                   .DeleteSessionsIdleSince(
                                       *ParseIsoTimestamp("2027-01-15T09:10:00Z"))
                                   .ok()
                               ? Ok()
                               : Status(Error{"storage-error", "idle sessions"});
                  })
                  .ok());
  EXPECT_EQ(decoded.sessions.size(), 1U);  // s4, seen at 09:30
  ASSERT_TRUE(store_->Write([&](UnitOfWork& u) { return u.Accounts().DeleteSession("s4"); }).ok());
  EXPECT_EQ(decoded.sessions.size(), 0U);
}

TEST(OpenDatabaseTest, TheEngineIsReadFromTheUrlsScheme) {
  EXPECT_EQ(DialectOfUrl("postgresql://openvap@127.0.0.1:5432/openvap"), Dialect::kPostgres);
  EXPECT_EQ(DialectOfUrl("postgres://openvap@db/openvap"), Dialect::kPostgres);
  EXPECT_EQ(DialectOfUrl("sqlite:///var/lib/openvap/openvap.db"), Dialect::kSqlite);
  EXPECT_EQ(DialectOfUrl("postgres-backup.db"), Dialect::kSqlite);  // a file path
  EXPECT_EQ(DialectOfUrl(""), Dialect::kSqlite);
}

// Another database's URL is refused, not made a file of; a new SQLite file, and its WAL, are
// the owner's only (it holds personal data and TOTP secrets).
TEST(OpenDatabaseTest, AForeignUrlIsRefusedAndANewFileIsTheOwnersOnly) {
  TempDir tmp;
  const auto refused = OpenDatabase("mysql://" + tmp.path() + "/x");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("unsupported database URL"), std::string::npos);
  const std::string file = tmp.path() + "/new.db";
  {
    auto db = OpenDatabase("sqlite:" + file);
    ASSERT_TRUE(db.ok()) << db.error().message;
    ASSERT_TRUE(ExecuteInWrite(**db, "CREATE TABLE t (x INTEGER)").ok());
    for (const std::string& f : {file, file + "-wal"}) {
      struct stat st {};
      ASSERT_EQ(::stat(f.c_str(), &st), 0) << f;
      EXPECT_EQ(st.st_mode & 0777, 0600U) << f;
    }
  }
}

TEST(DocumentsTest, AnApplicationDecodedByMovingItsDocumentIsTheSame) {
  domain::Application a;
  a.id = ApplicationId("app-1");
  a.form = domain::ApplicationForm({{"1", "ERIKSSON"}, {"itinerary", {{{"state", "FR"}}}}});
  a.lodging.chip_data = {{"dg1", "P<UTO"}};
  a.prechecks = domain::PreCheckOutcome{};
  a.prechecks->competent_state = "FR";
  a.prechecks->details = R"({"notes":[]})";
  const nlohmann::json doc = ToDoc(a);
  const std::string* apart = DetailsKeptApart(a);
  ASSERT_NE(apart, nullptr);
  const domain::Application copied = ApplicationFromDoc(doc, apart);
  const domain::Application moved = ApplicationFromDoc(nlohmann::json(doc), *apart);
  EXPECT_EQ(ToDoc(moved), ToDoc(copied));
  EXPECT_EQ(moved.form.Fields()["1"], "ERIKSSON");
  EXPECT_EQ(moved.lodging.chip_data["dg1"], "P<UTO");
  EXPECT_EQ(moved.prechecks->details, R"({"notes":[]})");
  // Parts missing from the document decode to their defaults either way.
  const nlohmann::json bare = {{"id", "app-2"}};
  EXPECT_EQ(ToDoc(ApplicationFromDoc(nlohmann::json(bare), std::nullopt)),
            ToDoc(ApplicationFromDoc(bare)));
}

TEST(DocumentsTest, TheTextWrittenDirectlyIsTheDocumentAndReadsBackAsStored) {
  domain::Application a;
  a.id = ApplicationId("app-1");
  a.version = 7;
  a.form = domain::ApplicationForm(
      {{"1", "ERIKSSON \"Q\" \\ \u00e9"}, {"itinerary", {{{"state", "FR"}}}}, {"23", {"Tourism"}}});
  a.lodging.chip_data = {{"dg1", "P<UTO"}};
  a.declarations = {"D1", "D3"};
  // Instants finer than the millisecond a document keeps.
  a.created_at = *ParseIsoTimestamp("2027-01-15T09:00:00Z") + std::chrono::microseconds(1234);
  a.updated_at = a.created_at + std::chrono::nanoseconds(999999);
  a.submitted_at = a.updated_at;
  EXPECT_EQ(nlohmann::json::parse(ApplicationDocText(a)), ToDoc(a));  // no pre-checks yet
  a.prechecks = domain::PreCheckOutcome{};
  a.prechecks->competent_state = "FR";
  a.prechecks->missing = {{"photo", "a \"photo\""}};
  a.prechecks->checked_at = a.updated_at;
  for (const nlohmann::json& details :
       {nlohmann::json(R"({"notes":["x\ny"],"q":"\"")"), nlohmann::json{{"x", 1}},
        nlohmann::json(nullptr), nlohmann::json("not JSON {")}) {
    a.prechecks->details = details;
    const std::string text = ApplicationDocText(a);
    EXPECT_EQ(nlohmann::json::parse(text), ToDoc(a)) << text;
    // Details that are text are kept beside the document, as they are; others go into it.
    const std::string* apart = DetailsKeptApart(a);
    EXPECT_EQ(apart != nullptr, details.is_string());
    EXPECT_EQ(nlohmann::json::parse(text)["prechecks"].contains("details"), apart == nullptr);
    const domain::Application read = ApplicationFromDoc(nlohmann::json::parse(text), apart);
    const domain::Application stored = AsStored(a);
    EXPECT_EQ(ToDoc(read), ToDoc(stored));
    EXPECT_EQ(read.created_at, stored.created_at);
    EXPECT_EQ(read.updated_at, stored.updated_at);
    EXPECT_EQ(read.submitted_at, stored.submitted_at);
    EXPECT_EQ(read.prechecks->checked_at, stored.prechecks->checked_at);
    EXPECT_EQ(read.prechecks->details, details);
    EXPECT_NE(stored.created_at, a.created_at);  // truncated, as the document keeps it
  }
}

// A slot keeps the time zone of its place and the offset there at its start (VAP-APPT); a slot
// stored before time zones were kept reads as UTC.
TEST(DocumentsTest, ASlotKeepsTheTimeZoneOfItsPlace) {
  domain::AppointmentSlot slot;
  slot.id = "slot-1";
  slot.starts_at = *ParseIsoTimestamp("2027-02-01T03:30:00Z");
  slot.time_zone = "Asia/Kolkata";
  slot.utc_offset = std::chrono::minutes(330);
  const domain::AppointmentSlot back = SlotFromDoc(ToDoc(slot));
  EXPECT_EQ(back.time_zone, "Asia/Kolkata");
  EXPECT_EQ(back.utc_offset, std::chrono::minutes(330));
  EXPECT_EQ(back.starts_at, slot.starts_at);
  nlohmann::json older = ToDoc(slot);
  older.erase("time_zone");
  older.erase("utc_offset_s");
  EXPECT_EQ(SlotFromDoc(older).time_zone, "UTC");
  EXPECT_EQ(SlotFromDoc(older).utc_offset, std::chrono::seconds(0));
}

TEST(DocumentsTest, AMessageReadsBackFromItsStoredText) {
  domain::AccountMessage m;
  m.id = "msg-0190a1b2c3d4-0123456789abcdef";
  m.account = AccountId("acc-1");
  m.kind = "decision";
  m.subject = "Your \"visa\"";
  m.body = "Line one\nl\u00ednea dos\t\u2713";
  m.created_at = *ParseIsoTimestamp("2027-01-15T09:00:00.123Z");
  for (const bool full : {false, true}) {
    if (full) {
      m.application = ApplicationId("app-1");
      m.read_at = *ParseIsoTimestamp("2027-01-16T10:00:00.456Z");
    }
    const std::string text = MessageDocText(m);
    const domain::AccountMessage read = MessageFromDoc(nlohmann::json::parse(text));
    EXPECT_EQ(read.id, m.id);
    EXPECT_EQ(read.account, m.account);
    EXPECT_EQ(read.application, m.application) << text;
    EXPECT_EQ(read.kind, m.kind);
    EXPECT_EQ(read.subject, m.subject);
    EXPECT_EQ(read.body, m.body);
    EXPECT_EQ(read.created_at, m.created_at);
    EXPECT_EQ(read.read_at, m.read_at) << text;
  }
}

// SQLite: the WAL is copied back into the database file by the checkpoint thread, not left to
// grow (nor copied inside a writer's commit).
TEST(SqliteStorageTest, TheWalIsCheckpointedIntoTheDatabaseFile) {
  TempDir tmp;
  const std::string file = tmp.path() + "/openvap.db";
  auto db = OpenDatabase("sqlite://" + file, DatabaseOptions{.checkpoint_frames = 1000});
  ASSERT_TRUE(db.ok()) << db.error().message;
  const auto before = std::filesystem::file_size(file);
  const std::string blob(3000, 'x');  // about a page per row
  for (int i = 0; i < 1500; ++i) {
    ASSERT_TRUE(ExecuteInWrite(**db,
                               "INSERT INTO rate_limits (limit_key, window_start_ms, hits) "
                               "VALUES ($1, 0, 1)",
                               {blob + std::to_string(i)})
                    .ok());
  }
  // The checkpoint runs beside the writes: wait for it (at most 20 s).
  for (int i = 0; i < 200 && std::filesystem::file_size(file) < before + 4'000'000; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_GE(std::filesystem::file_size(file), before + 4'000'000);
}

// SQLite: a handler on a fiber that waits for its commit frees its thread (base/fibers.h). With
// one thread, the first write's work (on the writer) waits for the second handler to start: it
// can only start if the first one's wait suspended its fiber instead of blocking the thread.
TEST(SqliteStorageTest, AWriteFromAFiberSuspendsItInsteadOfBlockingItsThread) {
  TempDir tmp;
  auto db = OpenDatabase("sqlite://" + tmp.path() + "/openvap.db");
  ASSERT_TRUE(db.ok()) << db.error().message;
  const auto insert = [&](const std::string& key) {
    return ExecuteInWrite(
        **db, "INSERT INTO rate_limits (limit_key, window_start_ms, hits) VALUES ($1, 0, 1)",
        {key});
  };
  std::atomic<bool> second_started{false};
  std::atomic<bool> first_saw_second{false};
  Status first = Ok();
  Status second = Ok();
  {
    FiberPool pool(1);
    pool.Spawn([&] {
      first = (*db)->Write([&](SqlConnection& c) -> Status {
        for (int i = 0; i < 1000 && !second_started; ++i) {
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        first_saw_second = second_started.load();
        auto done = c.Execute(
            "INSERT INTO rate_limits (limit_key, window_start_ms, hits) VALUES ('first', 0, 1)",
            {});
        return done.ok() ? Ok() : Status(done.error());
      });
    });
    pool.Spawn([&] {
      second_started = true;
      second = insert("second");
    });
  }
  EXPECT_TRUE(first_saw_second);
  EXPECT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(second.ok()) << second.error().message;
  // Callers off fibers (tests, jobs) still block until their write is durable.
  EXPECT_TRUE(insert("third").ok());
  const auto rows = (*db)->Read([&](SqlConnection& c) -> Status {
    auto n = c.QueryOne("SELECT COUNT(*) FROM rate_limits", {});
    if (!n.ok()) return n.error();
    return (*n)->Int(0) == 3 ? Ok() : Status(Error{"storage-error", "rows missing"});
  });
  EXPECT_TRUE(rows.ok()) << rows.error().message;
}

// SQLite: its allocations are not counted under its process-wide mutex, which every connection
// took for each of them (docs/PERFORMANCE.md). When the counts are kept, memory in use is never
// zero with a database open and written to.
TEST(SqliteStorageTest, SqliteDoesNotCountItsMemoryUnderAProcessWideLock) {
  TempDir tmp;
  auto db = OpenDatabase("sqlite://" + tmp.path() + "/openvap.db");
  ASSERT_TRUE(db.ok()) << db.error().message;
  const Status written = ExecuteInWrite(
      **db, "INSERT INTO rate_limits (limit_key, window_start_ms, hits) VALUES ('k', 0, 1)");
  ASSERT_TRUE(written.ok()) << written.error().message;
  EXPECT_EQ(sqlite3_memory_used(), 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, StorageTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         [](const auto& info) {
                           return info.param == Engine::kSqlite ? "SQLite" : "PostgreSQL";
                         });

}  // namespace
}  // namespace openvap::storage
