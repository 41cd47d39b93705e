#ifndef OPENVAP_ADAPTERS_HTTP_SERVER_H_
#define OPENVAP_ADAPTERS_HTTP_SERVER_H_

#include <openvap/result.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "adapters/http/message.h"

namespace openvap::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0 picks a free port (tests); see Server::port()
  // Threads running handlers, which may block (0: twice the hardware threads, at least 4);
  // unused with fiber_threads.
  // Connections are read and written by twice as many threads as the machine has cores (at
  // least 4), which also run the handlers that do not wait in line while one of them is free.
  int threads = 0;
  // Requests whose handlers wait for others anyway (such as writes queued for a single database
  // writer): they always queue for the handler threads, served in the order they arrived, so
  // that none waits much longer than the rest. Null: none.
  std::function<bool(const Request&)> waits_in_line{};
  // > 0: handlers that do not run on an I/O thread run as fibers (base/fibers.h) on this many
  // threads instead of on `threads` threads of their own. For handlers whose long waits suspend
  // the fiber (SQLite's commit); a wait that blocks (a PostgreSQL round trip) holds one of these
  // few threads.
  int fiber_threads = 0;
  std::size_t max_body_bytes = std::size_t{16} * 1024 * 1024;  // larger bodies get 413
  std::size_t max_header_bytes = std::size_t{16} * 1024;       // larger headers get 431
  // Keep-alive and slow-client limit: an idle connection is closed after it, a request that has
  // not arrived whole by then is answered 408, a response not taken by then is dropped.
  std::chrono::seconds idle_timeout{30};
  std::chrono::seconds shutdown_grace{10};  // Stop() waits this long for requests
};

// An HTTP/1.1 server (Boost.Beast) that passes every request to one Handler, with keep-alive,
// body and header limits, timeouts, one access-log entry per request and graceful shutdown.
// Malformed HTTP gets a JSON 400 and the connection is closed.
class Server {
 public:
  Server(ServerOptions options, Handler handler, AccessLogger logger = nullptr);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts the worker threads. Errors: "listen-failed" (address in use, bad host).
  Status Start();

  // The bound port (the real one when options.port was 0). Valid after Start().
  std::uint16_t port() const;

  // Stops accepting, lets requests in flight finish (up to shutdown_grace), closes idle
  // connections and joins the workers. Idempotent; safe from any thread but a worker.
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace openvap::http

#endif  // OPENVAP_ADAPTERS_HTTP_SERVER_H_
