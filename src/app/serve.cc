// `openvap serve`: the platform's HTTP server (issue 2; the API of issue 5 mounts here).

#include <openvap/version.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>
#include <thread>

#include "adapters/http/router.h"
#include "adapters/http/server.h"
#include "adapters/storage/sql.h"
#include "app/cli.h"
#include "app/listen_address.h"
#include "app/platform.h"
#include "base/time.h"

namespace openvap::app {
namespace {

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";
  std::string data_dir = "openvap-data";
  int threads = 0;
  PlatformConfig platform;
};

constexpr const char* kLandingPage = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>OpenVAP</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>OpenVAP</h1>
<p>The EU Visa Application Platform and digital residence permits.</p>
<ul><li><a href="/api/v1/openapi.json">The API (OpenAPI 3)</a></li>
<li><a href="/healthz">Service health</a></li></ul>
</main></body></html>
)";

std::shared_ptr<spdlog::logger> MakeLogger() {
  auto logger = std::make_shared<spdlog::logger>("openvap",
                                                 std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  logger->flush_on(spdlog::level::info);
  return logger;
}

http::Router BuildRouter(const Clock& clock, Timestamp started_at) {
  http::Router router;
  router.Add("GET", "/healthz", [&clock, started_at](http::Request&) {
    const auto up = std::chrono::duration_cast<std::chrono::seconds>(clock.Now() - started_at);
    http::Response r = http::JsonResponse(200, {{"status", "ok"},
                                                {"version", kVersion},
                                                {"started_at", FormatIsoTimestamp(started_at)},
                                                {"uptime_seconds", up.count()}});
    r.SetHeader("Cache-Control", "no-store");
    return r;
  });
  router.Add("GET", "/", [](http::Request&) {
    http::Response r;
    r.SetHeader("Content-Type", "text/html; charset=utf-8");
    r.body = kLandingPage;
    return r;
  });
  return router;
}

int Serve(const ServeOptions& options, CliContext& ctx) {
  const auto address = ParseListenAddress(options.listen);
  if (!address.ok()) {
    ctx.err << "openvap serve: --listen: " << address.error().message << "\n";
    return kExitUsage;
  }
  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  if (ec) {
    ctx.err << "openvap serve: cannot create the data directory '" << options.data_dir
            << "': " << ec.message() << "\n";
    return kExitFailure;
  }
  ::chmod(options.data_dir.c_str(), 0700);  // personal data lives here (VAP-DP)

  // Block the shutdown signals in every thread; the main thread waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto logger = MakeLogger();
  const Timestamp started_at = ctx.clock.Now();
  // Until the platform is ready only /healthz answers; then the full router takes over.
  http::Router boot_router = BuildRouter(ctx.clock, started_at);
  http::Router router = BuildRouter(ctx.clock, started_at);
  std::atomic<http::Router*> active{&boot_router};
  for (http::Router* r : {&boot_router, &router}) {
    r->OnHandlerException([logger](const http::Request& req, std::string_view what) {
      logger->error("handler failed: {} {}: {}", req.method, req.path, what);
    });
  }
  http::ServerOptions server_options;
  server_options.host = address->host;
  server_options.port = address->port;
  // The writes that wait are committed together (group commit), so many handlers must be able
  // to wait at once. On SQLite a handler waiting for its commit is a suspended fiber
  // (base/fibers.h): the handlers run as fibers on one thread per core (at least 2), each at
  // the full speed of a core, in the order their requests came. On PostgreSQL every query
  // blocks its thread: 64 handler threads (docs/PERFORMANCE.md: threads against fibers, and
  // 2 against 4 fiber threads on 2 cores).
  const bool on_postgres =
      storage::DialectOfUrl(options.platform.database_url) == storage::Dialect::kPostgres;
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  if (on_postgres) {
    server_options.threads = options.threads > 0 ? options.threads : 64;
  } else {
    server_options.fiber_threads = options.threads > 0 ? options.threads : std::max(2, cores);
  }
  // Changes wait for the database's writer (SQLite: one at a time; PostgreSQL: row locks), so
  // they are served strictly in the order they arrived; reads, and the verification of a
  // scanned code (no write), run at once.
  server_options.waits_in_line = [](const http::Request& r) {
    return r.method != "GET" && r.method != "HEAD" && r.path != "/api/v1/verify";
  };
  http::Server server(
      server_options, [&active](http::Request& r) { return active.load()->Dispatch(r); },
      [logger](const http::AccessLogEntry& e) {
        logger->info("{} \"{} {}\" {} {}B {:.2f}ms", e.remote_address, e.method, e.target, e.status,
                     e.response_bytes, static_cast<double>(e.duration.count()) / 1000);
      });
  const Status started = server.Start();
  if (!started.ok()) {
    ctx.err << "openvap serve: " << started.error().message << "\n";
    return kExitFailure;
  }
  const std::string url =
      "http://" + FormatHostForUrl(address->host) + ":" + std::to_string(server.port()) + "/";

  PlatformConfig config = options.platform;
  config.data_dir = options.data_dir;
  if (const char* password = std::getenv("OPENVAP_ADMINISTRATOR_PASSWORD")) {
    config.administrator_password = password;
  }
  if (config.base_url.empty()) config.base_url = url.substr(0, url.size() - 1);
  auto platform = Platform::Open(config, ctx.clock, logger);
  if (!platform.ok()) {
    ctx.err << "openvap serve: " << platform.error().message << "\n";
    server.Stop();
    return kExitFailure;
  }
  (*platform)->Mount(router);
  active.store(&router);
  (*platform)->StartWorkers();

  ctx.out << "OpenVAP " << kVersion << " is serving " << url
          << " (data directory: " << std::filesystem::absolute(options.data_dir).string() << ")\n";
  if (!(*platform)->demo_accounts_file().empty()) {
    ctx.out << "Demo staff accounts and their passwords: " << (*platform)->demo_accounts_file()
            << "\n";
  }
  ctx.out << "Open " << url << " in a browser. Stop with Ctrl+C.\n";
  ctx.out.flush();
  logger->info("listening on {}:{}", address->host, server.port());

  int received = 0;
  while (sigwait(&signals, &received) != 0) {
  }
  logger->info("received {}, shutting down", received == SIGINT ? "SIGINT" : "SIGTERM");
  server.Stop();
  (*platform)->StopWorkers();
  logger->info("stopped");
  return kExitOk;
}

}  // namespace

void AddServeCommand(CLI::App& root, CliContext& ctx, CommandAction& action) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* cmd = root.add_subcommand("serve", "Run the platform's HTTP server");
  cmd->add_option("--listen", options->listen,
                  "Address to listen on, HOST:PORT (IPv6 as [::1]:PORT); port 0 picks a free port")
      ->capture_default_str();
  cmd->add_option("--data-dir", options->data_dir,
                  "Directory of the database, keys and uploads (created if missing)")
      ->capture_default_str();
  cmd->add_option("--threads", options->threads,
                  "Request handler threads (0: on SQLite, one per core, at least 2, running "
                  "the handlers as fibers; on PostgreSQL, 64)")
      ->check(CLI::Range(0, 1024));
  PlatformConfig& p = options->platform;
  p.base_url.clear();
  cmd->add_option("--database", p.database_url,
                  "sqlite:PATH or postgresql://user@host:port/db (default: SQLite in the data "
                  "directory)")
      ->envname("OPENVAP_DATABASE_URL");
  cmd->add_option("--base-url", p.base_url,
                  "The public URL of the platform, for links (default: the listen address)")
      ->envname("OPENVAP_BASE_URL");
  cmd->add_option("--smtp", p.smtp_url,
                  "SMTP server for e-mail, smtp://host:port or smtps://... (default: write each "
                  "message to DATA_DIR/mail)")
      ->envname("OPENVAP_SMTP_URL");
  cmd->add_option("--mail-from", p.mail_from, "Sender of the platform's e-mail")
      ->capture_default_str();
  cmd->add_option("--national-system", p.national_system,
                  "Where accepted files go (VIS 7d(10)): https://... or file:///dir (default: "
                  "DATA_DIR/outbound/national-system)");
  cmd->add_option("--ees", p.ees,
                  "Where visa data go for the EES (DV-EES): https://... or file://");
  cmd->add_option(
      "--pki", p.pki_dir,
      "Folder of the states' seal PKIs, one subfolder per state (default: DATA_DIR/pki)");
  cmd->add_flag("--demo", p.demo,
                "Create a demo PKI for every state and demo staff accounts and slots when missing");
  cmd->add_option("--job-workers", p.job_workers,
                  "Background job workers in this process (0: none)")
      ->capture_default_str()
      ->check(CLI::Range(0, 64));
  cmd->add_flag("--secure-cookies", p.secure_cookies,
                "Mark session cookies Secure (implied by an https --base-url)");
  cmd->add_option("--administrator", p.administrator_email,
                  "E-mail address of an administrator to create at start when missing (the "
                  "password in OPENVAP_ADMINISTRATOR_PASSWORD, never on the command line), or to "
                  "enable again when disabled");
  cmd->callback(
      [options, &ctx, &action] { action = [options, &ctx] { return Serve(*options, ctx); }; });
}

}  // namespace openvap::app
