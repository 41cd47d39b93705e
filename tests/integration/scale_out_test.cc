// Durability and scale-out (issue 5 "Storage"):
//  - a server killed with SIGKILL during a burst of submissions loses none that it
//    acknowledged (SQLite: WAL with synchronous=FULL, acknowledged after the group commit);
//  - two `openvap serve` processes on one PostgreSQL share sessions, login rate limits, data
//    and jobs (each outbox message is delivered once).
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <mutex>
#include <thread>

#include "base/time.h"
#include "platform_fixture.h"
#include "support/postgres_server.h"

namespace openvap::testing {
namespace {

using nlohmann::json;

json Form() {
  return {{"1", "DOE"},
          {"3", "ANA"},
          {"4", "1990-05-01"},
          {"7", "IND"},
          {"13", "X1234567"},
          {"14", "2020-01-01"},
          {"15", "2030-01-01"},
          {"16", "IND"},
          {"19", "a@example.org"},
          {"27", "single"},
          {"itinerary", {{{"state", "FR"}, {"from", Day(30)}, {"to", Day(35)}}}}};
}

TEST(Durability, SigkillDuringASubmissionBurstLosesNothingAcknowledged) {
  TempDir dir;
  SmtpSink smtp;
  const std::string data = dir.path() + "/data";
  std::vector<std::string> ids;
  std::string cookie_url;
  {
    auto server = std::make_unique<PlatformServer>(data, "", smtp.url());
    ASSERT_FALSE(server->url().empty());
    // An agency (a representative), which may keep this many drafts at once (ApplicationLimits).
    ApiSession applicant(server->url());
    ASSERT_FALSE(SignUp(applicant, "burst@example.org", "a long enough passphrase",
                        "representative", TokenFromSmtp(smtp))
                     .empty());
    for (int i = 0; i < 120; ++i) {
      const json draft =
          applicant.Expect(201, "POST", "/api/v1/applications", {{"kind", "short-stay-visa"}});
      const std::string id = draft.value("id", "");
      applicant.Expect(200, "PATCH", "/api/v1/applications/" + id + "/form", {{"fields", Form()}});
      ids.push_back(id);
    }
    // The burst: 8 clients submit at once; the server dies in the middle of it.
    std::mutex mu;
    std::vector<std::string> acknowledged;
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> clients;
    clients.reserve(8);
    for (int t = 0; t < 8; ++t) {
      // One connection per client (a curl handle is not shared between threads).
      clients.emplace_back([&, own = applicant.ResumeAt(server->url())] {
        for (std::size_t i = next++; i < ids.size(); i = next++) {
          const HttpResult r = own->Call("POST", "/api/v1/applications/" + ids[i] + "/submit",
                                         {{"declarations", {"D1", "D3", "D4", "D5", "D6"}}});
          if (r.status == 200) {
            std::lock_guard lock(mu);
            acknowledged.push_back(ids[i]);
          }
        }
      });
    }
    for (int waited = 0; waited < 30000; waited += 2) {
      {
        std::lock_guard lock(mu);
        if (acknowledged.size() >= 40) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    server->process().Signal(SIGKILL);
    for (auto& c : clients) c.join();
    ASSERT_GE(acknowledged.size(), 40U);
    ASSERT_LT(acknowledged.size(), ids.size()) << "the kill came after the burst";
    server->process().Wait(std::chrono::seconds(10));

    // The same data directory, a new process: every acknowledged submission is there.
    PlatformServer restarted(data, "", smtp.url());
    ASSERT_FALSE(restarted.url().empty());
    auto resumed = applicant.ResumeAt(restarted.url());
    std::lock_guard lock(mu);
    for (const std::string& id : acknowledged) {
      const json a = resumed->Expect(200, "GET", "/api/v1/applications/" + id);
      EXPECT_NE(a.value("status", ""), "draft") << id << " was acknowledged as submitted";
    }
  }
}

// Issue 5: several processes behind a load balancer serve the same data consistently.
TEST(ScaleOut, TwoProcessesOnOnePostgresqlShareSessionsLimitsDataAndJobs) {
  TempDir dir;
  SmtpSink smtp;
  const std::string database = PostgresServer::Shared().CreateDatabase("scale_out");
  PlatformServer a(dir.path() + "/a", database, smtp.url());
  PlatformServer b(dir.path() + "/b", database, smtp.url());
  ASSERT_FALSE(a.url().empty());
  ASSERT_FALSE(b.url().empty());
  // The second process finds the schema migrated: no raw libpq NOTICE among its log lines.
  const std::string b_log = b.process().ReadAvailableStderr();
  EXPECT_EQ(b_log.find("NOTICE"), std::string::npos) << b_log;

  // Register on A; the verification mail is sent once although both processes run workers.
  ApiSession on_a(a.url());
  ASSERT_FALSE(SignUp(on_a, "shared@example.org", "a long enough passphrase", "applicant",
                      TokenFromSmtp(smtp))
                   .empty());
  // A session opened on A works on B; data written through B is read through A.
  auto on_b = on_a.ResumeAt(b.url());
  const json draft =
      on_b->Expect(201, "POST", "/api/v1/applications", {{"kind", "short-stay-visa"}});
  const std::string id = draft.value("id", "");
  ASSERT_FALSE(id.empty());
  on_a.Expect(200, "PATCH", "/api/v1/applications/" + id + "/form", {{"fields", Form()}});
  const json read_back = on_b->Expect(200, "GET", "/api/v1/applications/" + id);
  EXPECT_EQ(read_back["form"].value("1", ""), "DOE") << read_back;
  // Signing out on B ends the session on A too.
  on_b->Expect(200, "DELETE", "/api/v1/sessions/current");
  EXPECT_EQ(on_a.Call("GET", "/api/v1/me").status, 401);

  // Login rate limits count across processes (VAP-ACCT): wrong passwords alternate A and B.
  int limited_at = 0;
  for (int attempt = 1; attempt <= 14 && limited_at == 0; ++attempt) {
    ApiSession s(attempt % 2 == 0 ? a.url() : b.url());
    const HttpResult r = s.Call("POST", "/api/v1/sessions",
                                {{"email", "shared@example.org"}, {"password", "wrong guess"}});
    if (r.status == 429) limited_at = attempt;
  }
  // 10 attempts per account and window, the successful sign-in of SignUp included: were the
  // counts kept per process, the limit would only come after about 20.
  EXPECT_EQ(limited_at, 10) << "the attempts through A and B were not counted together";

  // Jobs: ten registrations through both processes give exactly ten mails, none twice.
  for (int i = 0; i < 10; ++i) {
    ApiSession s(i % 2 == 0 ? a.url() : b.url());
    s.Expect(202, "POST", "/api/v1/accounts",
             {{"email", "user" + std::to_string(i) + "@example.org"},
              {"password", "a long enough passphrase"},
              {"display_name", "User"}});
  }
  const auto mails = smtp.WaitFor(11, std::chrono::seconds(20));
  std::this_thread::sleep_for(std::chrono::seconds(1));  // a duplicate would arrive by now
  EXPECT_EQ(smtp.WaitFor(11, std::chrono::milliseconds(10)).size(), 11U);
}

}  // namespace
}  // namespace openvap::testing
