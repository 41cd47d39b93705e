// `openvap serve`: the platform's HTTP server (issue 2; the API of issue 5 mounts here).

#include <openvap/version.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>

#include "adapters/http/router.h"
#include "adapters/http/server.h"
#include "app/cli.h"
#include "app/listen_address.h"
#include "base/time.h"

namespace openvap::app {
namespace {

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";
  std::string data_dir = "openvap-data";
  int threads = 0;
};

constexpr const char* kLandingPage = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>OpenVAP</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>OpenVAP</h1>
<p>The EU Visa Application Platform and digital residence permits.</p>
<ul><li><a href="/healthz">Service health</a></li></ul>
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
  http::Router router = BuildRouter(ctx.clock, started_at);
  router.OnHandlerException([logger](const http::Request& r, std::string_view what) {
    logger->error("handler failed: {} {}: {}", r.method, r.path, what);
  });
  http::ServerOptions server_options;
  server_options.host = address->host;
  server_options.port = address->port;
  server_options.threads = options.threads;
  http::Server server(
      server_options, [&router](http::Request& r) { return router.Dispatch(r); },
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
  ctx.out << "OpenVAP " << kVersion << " is serving " << url
          << " (data directory: " << std::filesystem::absolute(options.data_dir).string() << ")\n"
          << "Open " << url << " in a browser. Stop with Ctrl+C.\n";
  ctx.out.flush();
  logger->info("listening on {}:{}", address->host, server.port());

  int received = 0;
  while (sigwait(&signals, &received) != 0) {
  }
  logger->info("received {}, shutting down", received == SIGINT ? "SIGINT" : "SIGTERM");
  server.Stop();
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
  cmd->add_option("--threads", options->threads, "Worker threads (0: automatic)")
      ->check(CLI::NonNegativeNumber);
  cmd->callback(
      [options, &ctx, &action] { action = [options, &ctx] { return Serve(*options, ctx); }; });
}

}  // namespace openvap::app
