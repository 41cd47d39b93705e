#include "adapters/http/server.h"

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "base/fibers.h"

namespace openvap::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using Tcp = asio::ip::tcp;

namespace {

constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);

// Converts a parsed Beast request to a plain Request. Returns false when the target's
// percent-escapes are malformed.
bool ToRequest(bhttp::request<bhttp::string_body>& in, const std::string& remote, Request& out) {
  out.method = std::string(in.method_string());
  out.target = std::string(in.target());
  const std::string_view target = in.target();
  const std::size_t q = target.find('?');
  if (!PercentDecode(target.substr(0, q), false, out.path)) return false;
  if (q != std::string_view::npos && !ParseQuery(target.substr(q + 1), out.query)) return false;
  for (const auto& field : in) {
    out.headers.emplace(std::string(field.name_string()), std::string(field.value()));
  }
  out.body = std::move(in.body());
  out.remote_address = remote;
  return true;
}

}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions options, Handler handler, AccessLogger logger)
      : options_(std::move(options)),
        handler_(std::move(handler)),
        logger_(std::move(logger)),
        acceptor_(io_),
        grace_timer_(io_) {}

  ~Impl() {
    try {
      Stop();
    } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
    }
  }

  Status Start() {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(options_.host, ec);
    if (ec) {
      return Error{"listen-failed", "'" + options_.host + "' is not an IP address"};
    }
    const Tcp::endpoint endpoint(address, options_.port);
    if (acceptor_.open(endpoint.protocol(), ec) ||
        acceptor_.set_option(asio::socket_base::reuse_address(true), ec) ||
        acceptor_.bind(endpoint, ec) ||
        acceptor_.listen(asio::socket_base::max_listen_connections, ec)) {
      return Error{"listen-failed", "cannot listen on " + options_.host + ":" +
                                        std::to_string(options_.port) + ": " + ec.message()};
    }
    port_ = acceptor_.local_endpoint().port();
    accepting_ = true;
    asio::co_spawn(io_, Accept(), asio::detached);
    // A few I/O threads (twice the cores, at least 4) accept, read and write every connection;
    // the handlers run apart from them, on fibers (ServerOptions::fiber_threads) or on
    // `threads` threads of their own, which they may block (on the database). A handler that
    // waits for others anyway (ServerOptions::waits_in_line) queues for those in the order its
    // request arrived; any other runs on the I/O thread that read its request while one I/O
    // thread stays free, and queues beyond that. When handlers ran on 64 I/O threads, a request
    // that arrived while all were busy waited until one of them next polled the sockets, in no
    // particular order (submission p99 four times its p90), and the 64 threads polling made
    // every request dearer (docs/PERFORMANCE.md).
    const int io_threads = std::max(4, 2 * static_cast<int>(std::thread::hardware_concurrency()));
    inline_limit_ = io_threads - 1;
    if (options_.fiber_threads > 0) {
      fibers_.emplace(options_.fiber_threads);
    } else {
      // By default as many as the I/O threads: twice the cores, at least 4.
      const int threads = options_.threads > 0 ? options_.threads : io_threads;
      handlers_.emplace(static_cast<std::size_t>(threads));
    }
    for (int i = 0; i < io_threads; ++i) {
      workers_.emplace_back([this] { io_.run(); });
    }
    started_ = true;
    return Ok();
  }

  std::uint16_t port() const { return port_; }

  void Stop() {
    if (!started_ || stopping_.exchange(true)) {
      JoinWorkers();
      return;
    }
    asio::post(io_, [this] {
      boost::system::error_code ignored;
      acceptor_.close(ignored);
      grace_timer_.expires_after(options_.shutdown_grace);
      grace_timer_.async_wait([this](boost::system::error_code ec) {
        if (!ec) io_.stop();  // grace period over: abandon what is left
      });
      MaybeFinishShutdown();
    });
    {
      std::lock_guard lock(sessions_mu_);
      for (const std::shared_ptr<SessionState>& s : sessions_) {
        // Runs on the session's strand, so it cannot race the session's own end.
        asio::post(s->executor, [s] {
          if (!s->ended && !s->busy) s->stream->socket().close();
        });
      }
    }
    JoinWorkers();
  }

 private:
  struct SessionState {
    asio::any_io_executor executor;
    beast::tcp_stream* stream = nullptr;  // valid while !ended
    bool busy = false;                    // a request is being handled or its response written
    bool ended = false;                   // the session is over and `stream` gone
  };

  // The time a request has to arrive whole (ServerOptions::idle_timeout). Beast's own expiry
  // closes the socket, which leaves nothing to answer with: this one cancels the read instead,
  // so that a request begun and not finished is answered 408 (RFC 9110 §15.5.9), while an idle
  // keep-alive connection is closed without a word. Shared with the timer's handler, which
  // touches the stream only while the session still waits in that read (on the same strand).
  struct ReadDeadline {
    explicit ReadDeadline(const asio::any_io_executor& executor) : timer(executor) {}
    asio::steady_timer timer;
    bool reading = true;
    bool expired = false;
  };

  // Runs the handler on a handler thread, which it may block.
  asio::awaitable<Response> OnHandlerThread(Request& request) {
    return asio::co_spawn(
        handlers_->get_executor(),
        [this, &request]() -> asio::awaitable<Response> { co_return handler_(request); },
        asio::use_awaitable);
  }

  // Runs the handler on a fiber of its own (base/fibers.h): a wait for the database suspends
  // the fiber, not the thread. The answer comes back on the session's executor.
  asio::awaitable<Response> OnFiber(Request& request) {
    return asio::async_initiate<decltype(asio::use_awaitable), void(Response)>(
        [this, &request](auto completion) {
          // Spawn takes a copyable function: the move-only completion is shared.
          auto done = std::make_shared<decltype(completion)>(std::move(completion));
          fibers_->Spawn([this, &request, done] {
            Response response = handler_(request);  // the router answers exceptions itself
            const auto executor = asio::get_associated_executor(*done);
            asio::post(executor, [done, response = std::move(response)]() mutable {
              std::move (*done)(std::move(response));
            });
          });
        },
        asio::use_awaitable);
  }

  void JoinWorkers() {
    for (std::thread& t : workers_) {
      if (t.joinable() && t.get_id() != std::this_thread::get_id()) t.join();
    }
    workers_.clear();
    if (handlers_) handlers_->join();  // the handlers still running finish
    fibers_.reset();                   // as do the handlers on fibers
  }

  // Called on shutdown whenever a session ends: with none left, cancel the grace timer so
  // that io_.run() returns.
  void MaybeFinishShutdown() {
    std::lock_guard lock(sessions_mu_);
    if (stopping_ && sessions_.empty() && !accepting_) {
      asio::post(io_, [this] { grace_timer_.cancel(); });
    }
  }

  asio::awaitable<void> Accept() {
    while (!stopping_) {
      auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(io_), kAsTuple);
      if (ec) {
        if (stopping_ || ec == asio::error::operation_aborted) break;
        continue;  // e.g. EMFILE: keep serving the connections we have
      }
      auto executor = socket.get_executor();
      asio::co_spawn(executor, Session(std::move(socket)), asio::detached);
    }
    {
      std::lock_guard lock(sessions_mu_);
      accepting_ = false;
    }
    MaybeFinishShutdown();
  }

  asio::awaitable<void> Session(Tcp::socket socket) {
    boost::system::error_code ec;
    const auto peer = socket.remote_endpoint(ec);
    const std::string remote = ec ? std::string("unknown") : peer.address().to_string();
    beast::tcp_stream stream(std::move(socket));
    auto state_ptr = std::make_shared<SessionState>();
    SessionState& state = *state_ptr;
    state.executor = stream.get_executor();
    state.stream = &stream;
    {
      std::lock_guard lock(sessions_mu_);
      sessions_.insert(state_ptr);
    }
    beast::flat_buffer buffer;
    while (!stopping_) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.body_limit(options_.max_body_bytes);
      parser.header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
      stream.expires_never();  // the read ends by the deadline below, not by Beast's timeout
      auto deadline = std::make_shared<ReadDeadline>(stream.get_executor());
      deadline->timer.expires_after(options_.idle_timeout);
      deadline->timer.async_wait([deadline, &stream](boost::system::error_code ec) {
        if (ec || !deadline->reading) return;
        deadline->expired = true;
        boost::system::error_code ignored;
        stream.socket().cancel(ignored);
      });
      auto [read_ec, bytes] = co_await bhttp::async_read(stream, buffer, parser, kAsTuple);
      (void)bytes;
      deadline->reading = false;
      deadline->timer.cancel();
      const bool unfinished = deadline->expired && (parser.got_some() || buffer.size() > 0);
      if (!unfinished &&
          (read_ec == bhttp::error::end_of_stream || read_ec == asio::error::eof ||
           read_ec == asio::error::operation_aborted || read_ec == asio::error::connection_reset ||
           read_ec == asio::error::bad_descriptor)) {
        break;
      }
      state.busy = true;
      const auto started = std::chrono::steady_clock::now();
      Request request;
      Response response;
      bool keep_alive = false;
      unsigned version = 11;
      if (read_ec) {
        if (unfinished) {
          response = ErrorResponse(408, "request-timeout",
                                   "the request did not arrive whole within " +
                                       std::to_string(options_.idle_timeout.count()) + " s");
        } else if (read_ec == bhttp::error::body_limit) {
          response = ErrorResponse(
              413, "payload-too-large",
              "the request body exceeds " + std::to_string(options_.max_body_bytes) + " bytes");
        } else if (read_ec == bhttp::error::header_limit) {
          response = ErrorResponse(431, "headers-too-large", "the request headers are too large");
        } else {
          response = ErrorResponse(400, "malformed-request",
                                   "the request is not valid HTTP/1.1: " + read_ec.message());
        }
        request.remote_address = remote;
        request.method = "-";
        request.target = "-";
      } else {
        auto& raw = parser.get();
        version = raw.version();
        keep_alive = raw.keep_alive();
        // Bodies are taken as sent or chunked, never compressed: another coding would be read
        // as the text it is not (a gzip body was answered "not valid JSON").
        const std::string_view transfer = raw[bhttp::field::transfer_encoding];
        const std::string_view content = raw[bhttp::field::content_encoding];
        if (!ToRequest(raw, remote, request)) {
          response = ErrorResponse(400, "malformed-request",
                                   "the request target has a malformed %-escape");
          keep_alive = false;
        } else if (!transfer.empty() && !beast::iequals(transfer, "chunked")) {
          response = ErrorResponse(400, "malformed-request",
                                   "Transfer-Encoding " + std::string(transfer) +
                                       " is not supported: send the body as it is or chunked");
          keep_alive = false;
        } else if (!content.empty() && !beast::iequals(content, "identity")) {
          response = ErrorResponse(415, "unsupported-media-type",
                                   "Content-Encoding " + std::string(content) +
                                       " is not supported: send the body uncompressed");
        } else {
          const bool in_line = options_.waits_in_line && options_.waits_in_line(request);
          if (!in_line && inline_handlers_.fetch_add(1) < inline_limit_) {
            response = handler_(request);
            inline_handlers_.fetch_sub(1);
          } else {
            if (!in_line) inline_handlers_.fetch_sub(1);
            if (fibers_) {
              response = co_await OnFiber(request);
            } else {
              response = co_await OnHandlerThread(request);
            }
          }
        }
      }
      keep_alive = keep_alive && !stopping_;
      bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(response.status), version};
      for (const auto& [name, value] : response.headers) res.insert(name, value);
      const std::size_t body_size = response.body.size();
      if (request.method == "HEAD") {
        res.content_length(body_size);
      } else {
        res.body() = std::move(response.body);
        res.prepare_payload();
      }
      res.keep_alive(keep_alive);
      stream.expires_after(options_.idle_timeout);  // a client that does not read is let go
      auto [write_ec, written] = co_await bhttp::async_write(stream, res, kAsTuple);
      (void)written;
      state.busy = false;
      if (logger_) {
        logger_(AccessLogEntry{request.remote_address, request.method, TargetForLog(request.target),
                               response.status, body_size,
                               std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::steady_clock::now() - started)});
      }
      if (write_ec || !keep_alive) break;
    }
    stream.socket().shutdown(Tcp::socket::shutdown_send, ec);
    state.ended = true;
    {
      std::lock_guard lock(sessions_mu_);
      sessions_.erase(state_ptr);
    }
    MaybeFinishShutdown();
  }

  ServerOptions options_;
  Handler handler_;
  AccessLogger logger_;
  asio::io_context io_;
  Tcp::acceptor acceptor_;
  asio::steady_timer grace_timer_;
  std::vector<std::thread> workers_;           // I/O: accepting, reading, writing, handling
  std::optional<asio::thread_pool> handlers_;  // handling when the I/O threads are taken,
  std::optional<FiberPool> fibers_;            // or on fibers (ServerOptions::fiber_threads)
  int inline_limit_ = 0;                       // handlers that may run on I/O threads at once
  std::atomic<int> inline_handlers_{0};
  std::atomic<bool> stopping_{false};
  bool started_ = false;
  bool accepting_ = false;
  std::uint16_t port_ = 0;
  std::mutex sessions_mu_;
  std::set<std::shared_ptr<SessionState>> sessions_;
};

Server::Server(ServerOptions options, Handler handler, AccessLogger logger)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler), std::move(logger))) {}

Server::~Server() = default;

Status Server::Start() { return impl_->Start(); }

std::uint16_t Server::port() const { return impl_->port(); }

void Server::Stop() { impl_->Stop(); }

}  // namespace openvap::http
