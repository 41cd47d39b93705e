#ifndef OPENVAP_APP_PLATFORM_H_
#define OPENVAP_APP_PLATFORM_H_

// The platform assembled (issue 5): storage, the domain services over their ports, the HTTP
// API, the sandbox payment page, and the background job workers (mail outbox, transfer to the
// national system, EES export, refunds, payment webhooks, presumed notifications, retention).
// Several processes may run against one PostgreSQL database: jobs are claimed by exactly one
// worker, sessions and rate limits live in the database.

#include <openvap/result.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "adapters/http/router.h"
#include "base/clock.h"
#include "base/random.h"

namespace openvap::app {

struct PlatformConfig {
  std::string data_dir = "openvap-data";
  std::string database_url;                        // "": SQLite in <data_dir>/openvap.db
  std::string base_url = "http://127.0.0.1:8080";  // links in e-mails, payment returns, PDFs
  std::string smtp_url;                            // "": messages to the folder <data_dir>/mail
  std::string mail_from = "OpenVAP <no-reply@openvap.localhost>";
  std::string national_system;  // "": file://<data_dir>/outbound/national-system
  std::string ees;              // "": file://<data_dir>/outbound/ees
  std::string pki_dir;          // "": <data_dir>/pki (one folder per state: csca, signer, crl)
  std::string payment_webhook_secret;  // "": generated and kept in <data_dir>
  bool demo = false;    // create a demo PKI and demo staff accounts and slots when missing
  int job_workers = 2;  // 0: no background jobs in this process
  bool secure_cookies = false;
  // The deployment's first administrator, or a way back in when none is left: at start, the
  // account of this address is created as an administrator with `administrator_password` when
  // missing, or enabled again when it was disabled (audited). "": nothing.
  std::string administrator_email;
  std::string administrator_password;
};

class Platform {
 public:
  ~Platform();
  Platform(const Platform&) = delete;
  Platform& operator=(const Platform&) = delete;

  // Opens the database (migrating it), loads the PKI and trust material, and builds the
  // services. With `demo`, creates what is missing of the demo PKI and demo data and reports
  // it on `log`. Errors: "storage-error", "pki-error", "config-error".
  static Result<std::unique_ptr<Platform>> Open(const PlatformConfig& config, const Clock& clock,
                                                std::shared_ptr<spdlog::logger> logger);

  // The API under /api/v1, its OpenAPI document, and the sandbox payment page.
  void Mount(http::Router& router);

  void StartWorkers();
  void StopWorkers();
  // Claims and runs due jobs until none is due (or `limit` ran); returns how many ran.
  int RunDueJobs(int limit = 1000);

  // Where the demo accounts were written, when they were created on this start.
  const std::string& demo_accounts_file() const { return demo_accounts_file_; }

  struct Impl;

 private:
  explicit Platform(std::unique_ptr<Impl> impl);
  void WorkerLoop();

  std::unique_ptr<Impl> impl_;
  std::vector<std::thread> workers_;
  std::atomic<bool> stopping_{false};
  std::mutex wake_mu_;
  std::condition_variable wake_;
  std::string demo_accounts_file_;
};

}  // namespace openvap::app

#endif  // OPENVAP_APP_PLATFORM_H_
