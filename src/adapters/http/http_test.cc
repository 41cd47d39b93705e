#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "adapters/http/router.h"
#include "adapters/http/server.h"
#include "base/fibers.h"
#include "support/http_client.h"

namespace openvap::http {
namespace {

using nlohmann::json;
using openvap::testing::HttpClient;

Request MakeRequest(std::string method, std::string path) {
  Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.target = r.path;
  return r;
}

TEST(Router, MatchesLiteralsAndPlaceholders) {
  Router router;
  router.Add("GET", "/api/v1/applications/{id}", [](Request& r) {
    return JsonResponse(200, {{"id", r.path_params["id"]}});
  });
  router.Add("GET", "/api/v1/applications/mine", [](Request&) {
    return JsonResponse(200, {{"mine", true}});
  });
  router.Add("POST", "/api/v1/applications", [](Request&) { return JsonResponse(201, {}); });

  auto get = MakeRequest("GET", "/api/v1/applications/A-17");
  EXPECT_EQ(json::parse(router.Dispatch(get).body)["id"], "A-17");
  auto mine = MakeRequest("GET", "/api/v1/applications/mine");
  EXPECT_EQ(json::parse(router.Dispatch(mine).body)["mine"], true);
  auto post = MakeRequest("POST", "/api/v1/applications/");
  EXPECT_EQ(router.Dispatch(post).status, 201);
}

TEST(Router, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  Router router;
  router.Add("GET", "/healthz", [](Request&) { return JsonResponse(200, {}); });
  router.Add("PUT", "/healthz", [](Request&) { return JsonResponse(200, {}); });
  auto missing = MakeRequest("GET", "/nope");
  const Response r404 = router.Dispatch(missing);
  EXPECT_EQ(r404.status, 404);
  EXPECT_EQ(json::parse(r404.body)["error"]["code"], "not-found");
  auto del = MakeRequest("DELETE", "/healthz");
  const Response r405 = router.Dispatch(del);
  EXPECT_EQ(r405.status, 405);
  EXPECT_EQ(r405.Header("allow"), "GET, PUT");
  EXPECT_EQ(json::parse(r405.body)["error"]["code"], "method-not-allowed");
}

TEST(Router, HandlerExceptionsBecomeAnOpaque500AndAreReported) {
  Router router;
  std::string reported;
  router.OnHandlerException([&](const Request&, std::string_view what) { reported = what; });
  router.Add("GET", "/boom", [](Request&) -> Response { throw std::runtime_error("secret"); });
  auto req = MakeRequest("GET", "/boom");
  const Response r = router.Dispatch(req);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(json::parse(r.body)["error"]["code"], "internal-error");
  EXPECT_EQ(r.body.find("secret"), std::string::npos);
  EXPECT_EQ(reported, "secret");
}

TEST(Query, DecodesEscapesAndRejectsBrokenOnes) {
  std::map<std::string, std::string> q;
  ASSERT_TRUE(ParseQuery("a=1&b=x%20y+z&&c", q));
  EXPECT_EQ(q["a"], "1");
  EXPECT_EQ(q["b"], "x y z");
  EXPECT_EQ(q["c"], "");
  std::map<std::string, std::string> bad;
  EXPECT_FALSE(ParseQuery("a=%2", bad));
  EXPECT_FALSE(ParseQuery("a=%zz", bad));
  std::string out;
  EXPECT_FALSE(PercentDecode("%", false, out));
  EXPECT_TRUE(PercentDecode("a+b", false, out));
  EXPECT_EQ(out, "a+b");
}

TEST(TargetForLog, KeepsThePathAndTheParameterNamesOnly) {
  EXPECT_EQ(TargetForLog("/reset-password?token=abc123"), "/reset-password?token=...");
  EXPECT_EQ(TargetForLog("/api/v1/admin/accounts?email=ana%40example.org&limit=5&flag"),
            "/api/v1/admin/accounts?email=...&limit=...&flag");
  EXPECT_EQ(TargetForLog("/healthz"), "/healthz");
  EXPECT_EQ(TargetForLog("/x?&&a=1"), "/x?a=...");
}

TEST(HtmlEscape, EscapesWhatCouldEndAnElementOrAnAttribute) {
  EXPECT_EQ(HtmlEscape(R"(<a href="x" title='y'>&amp;</a>)"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
  EXPECT_EQ(HtmlEscape("Ana Doe, 1 Janpath"), "Ana Doe, 1 Janpath");
}

class ServerTest : public ::testing::Test {
 protected:
  void StartServer(ServerOptions options = {}) {
    router_.Add("GET", "/hello", [](Request& r) {
      return JsonResponse(200, {{"hello", r.query["name"]}, {"from", r.remote_address}});
    });
    router_.Add("POST", "/echo", [](Request& r) {
      Response res;
      res.body = r.body;
      res.SetHeader("Content-Type", std::string(r.Header("content-type")));
      return res;
    });
    router_.Add("GET", "/slow", [this](Request&) {
      slow_started_ = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      return JsonResponse(200, {{"slow", true}});
    });
    options.host = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<Server>(
        options, [this](Request& r) { return router_.Dispatch(r); },
        [this](const AccessLogEntry& e) {
          std::lock_guard lock(log_mu_);
          log_.push_back(e);
        });
    ASSERT_TRUE(server_->Start().ok());
    ASSERT_NE(server_->port(), 0);
    base_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }

  // Sends raw bytes and returns everything the server answers before closing.
  std::string RawExchange(const std::string& bytes) const {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(server_->port());
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return "";
    (void)!write(fd, bytes.data(), bytes.size());
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) out.append(buf, n);
    close(fd);
    return out;
  }

  // The server goes first: its workers use everything below until Stop() returns.
  void TearDown() override {
    if (server_) server_->Stop();
  }

  Router router_;
  std::string base_;
  std::mutex log_mu_;
  std::vector<AccessLogEntry> log_;
  std::atomic<bool> slow_started_{false};
  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, AnswersJsonOverLoopbackAndLogsOneLinePerRequest) {
  StartServer();
  HttpClient client(base_);
  const auto r = client.Get("/hello?name=Anna%20Maria");
  ASSERT_EQ(r.status, 200) << r.transport_error;
  EXPECT_EQ(r.headers.at("content-type"), "application/json");
  EXPECT_EQ(json::parse(r.body)["hello"], "Anna Maria");
  EXPECT_EQ(json::parse(r.body)["from"], "127.0.0.1");
  EXPECT_EQ(client.Get("/nope").status, 404);
  server_->Stop();
  std::lock_guard lock(log_mu_);
  ASSERT_EQ(log_.size(), 2U);
  EXPECT_EQ(log_[0].method, "GET");
  EXPECT_EQ(log_[0].target, "/hello?name=...");  // values are left out of the log
  EXPECT_EQ(log_[0].status, 200);
  EXPECT_EQ(log_[1].status, 404);
}

TEST_F(ServerTest, KeepsConnectionsAliveAndAnswersHead) {
  StartServer();
  HttpClient client(base_);
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(client.Post("/echo", "{\"i\":" + std::to_string(i) + "}").body,
              "{\"i\":" + std::to_string(i) + "}");
  }
  const auto head = client.Send("HEAD", "/hello", "", {});
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_NE(head.headers.at("content-length"), "0");
}

TEST_F(ServerTest, OversizedBodyGets413AndGarbageGets400AsJson) {
  ServerOptions options;
  options.max_body_bytes = 1000;
  StartServer(options);
  HttpClient client(base_);
  const auto big = client.Post("/echo", std::string(5000, 'x'));
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(json::parse(big.body)["error"]["code"], "payload-too-large");

  const std::string garbage = RawExchange("NOT HTTP AT ALL\r\n\r\n");
  EXPECT_NE(garbage.find("400 Bad Request"), std::string::npos) << garbage;
  EXPECT_NE(garbage.find("malformed-request"), std::string::npos);

  const std::string bad_escape = RawExchange("GET /hello%zz HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(bad_escape.find("400 Bad Request"), std::string::npos) << bad_escape;

  const std::string huge_header =
      RawExchange("GET /hello HTTP/1.1\r\nX-Big: " + std::string(40000, 'a') + "\r\n\r\n");
  EXPECT_NE(huge_header.find("431"), std::string::npos) << huge_header.substr(0, 100);

  // A coded body is refused, not read as the text it is not.
  const std::string gzip = RawExchange(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nContent-Length: 2\r\n"
      "Connection: close\r\n\r\n{}");
  EXPECT_NE(gzip.find("415"), std::string::npos) << gzip;
  EXPECT_NE(gzip.find("Content-Encoding gzip is not supported"), std::string::npos) << gzip;
  const std::string coded = RawExchange(
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
      "2\r\n{}\r\n0\r\n\r\n");
  EXPECT_NE(coded.find("400 Bad Request"), std::string::npos) << coded;
  EXPECT_NE(coded.find("Transfer-Encoding gzip, chunked is not supported"), std::string::npos)
      << coded;
  const std::string chunked = RawExchange(
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n"
      "Content-Type: application/json\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
  EXPECT_NE(chunked.find("200 OK"), std::string::npos) << chunked;

  // The server is still healthy afterwards.
  EXPECT_EQ(client.Get("/hello").status, 200);
}

// RFC 9110 §15.5.9: a request begun and not finished within the idle timeout is answered 408
// before the connection closes; a connection that never sent a byte is closed without a word,
// as is the end of a kept-alive one. The server stays healthy.
TEST_F(ServerTest, ARequestThatStopsHalfwayGets408AndAnIdleConnectionJustCloses) {
  ServerOptions options;
  options.idle_timeout = std::chrono::seconds(1);
  StartServer(options);
  const auto started = std::chrono::steady_clock::now();
  const std::string halfway =
      RawExchange("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n");
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(900));
  EXPECT_NE(halfway.find("HTTP/1.1 408"), std::string::npos) << halfway;
  EXPECT_NE(halfway.find("request-timeout"), std::string::npos) << halfway;
  EXPECT_NE(halfway.find("Connection: close"), std::string::npos) << halfway;
  // The headers came, half the body did not.
  const std::string body_halfway = RawExchange(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 10\r\n\r\n{}");
  EXPECT_NE(body_halfway.find("HTTP/1.1 408"), std::string::npos) << body_halfway;
  EXPECT_EQ(RawExchange(""), "");
  HttpClient client(base_);
  EXPECT_EQ(client.Get("/hello").status, 200);
}

TEST_F(ServerTest, StopLetsTheRequestInFlightFinish) {
  StartServer();
  HttpClient client(base_);
  HttpClient idle(base_);
  ASSERT_EQ(idle.Get("/hello").status, 200);  // leaves an idle keep-alive connection
  openvap::testing::HttpResult slow;
  std::thread t([&] { slow = client.Get("/slow"); });
  while (!slow_started_) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const auto before = std::chrono::steady_clock::now();
  server_->Stop();
  t.join();
  EXPECT_EQ(slow.status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(5));
  EXPECT_NE(HttpClient(base_).Get("/hello").status, 200);
}

// Handlers that wait in line run on a pool of their own: with every handler thread blocked,
// connections are still read, and what needs no handler (a malformed request's 400) or may run
// on an I/O thread (GET /hello) is still answered.
TEST_F(ServerTest, ConnectionsAreServedWhileEveryHandlerThreadIsBusy) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> blocked{false};
  router_.Add("GET", "/block", [&](Request&) {
    blocked = true;
    released.wait();
    return JsonResponse(200, {{"released", true}});
  });
  ServerOptions options;
  options.threads = 1;
  options.waits_in_line = [](const Request& r) { return r.path == "/block"; };
  StartServer(options);
  openvap::testing::HttpResult held;
  std::thread holder([&] { held = HttpClient(base_).Get("/block"); });
  while (!blocked) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::atomic<bool> answered{false};
  std::thread watchdog([&] {  // fails the test rather than hanging it
    for (int i = 0; i < 500 && !answered; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    release.set_value();
  });
  const std::string garbage = RawExchange("NOT HTTP AT ALL\r\n\r\n");
  const auto hello = HttpClient(base_).Get("/hello").status;
  const bool before_release =
      released.wait_for(std::chrono::seconds(0)) != std::future_status::ready;
  answered = true;
  watchdog.join();
  holder.join();
  EXPECT_TRUE(before_release) << "the 400 only came once the handler thread was free";
  EXPECT_NE(garbage.find("400 Bad Request"), std::string::npos) << garbage;
  EXPECT_EQ(hello, 200);
  EXPECT_EQ(held.status, 200);
}

// With fiber_threads, a handler that waits (suspends its fiber) leaves its thread to the next
// request in line: with one thread, the second request is answered while the first waits.
TEST_F(ServerTest, AHandlerWaitingOnAFiberLeavesItsThreadToTheNextRequest) {
  std::mutex mu;
  std::function<void()> resume_first;
  std::atomic<bool> waiting{false};
  router_.Add("POST", "/wait", [&](Request&) {
    const bool suspended = SuspendCurrentFiber([&](const std::function<void()>& resume) {
      std::lock_guard lock(mu);
      resume_first = resume;
      waiting = true;
    });
    return JsonResponse(200, {{"suspended", suspended}});
  });
  router_.Add("POST", "/next", [&](Request&) { return JsonResponse(200, {{"next", true}}); });
  ServerOptions options;
  options.fiber_threads = 1;
  options.waits_in_line = [](const Request& r) { return r.method == "POST"; };
  StartServer(options);
  openvap::testing::HttpResult first;
  std::thread client([&] { first = HttpClient(base_).Post("/wait", "{}"); });
  for (int i = 0; i < 1000 && !waiting; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_TRUE(waiting);
  const auto next = HttpClient(base_).Post("/next", "{}");  // same thread, first still waiting
  {
    std::lock_guard lock(mu);
    resume_first();
  }
  client.join();
  EXPECT_EQ(next.status, 200);
  EXPECT_EQ(first.status, 200);
  EXPECT_NE(first.body.find("\"suspended\":true"), std::string::npos) << first.body;
}

TEST(Server, ReportsAPortInUse) {
  Server first({.host = "127.0.0.1", .port = 0}, [](Request&) { return Response{}; });
  ASSERT_TRUE(first.Start().ok());
  Server second({.host = "127.0.0.1", .port = first.port()}, [](Request&) { return Response{}; });
  const Status s = second.Start();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "listen-failed");
  Server bad_host({.host = "not-an-ip", .port = 0}, [](Request&) { return Response{}; });
  EXPECT_EQ(bad_host.Start().error().code, "listen-failed");
}

}  // namespace
}  // namespace openvap::http
