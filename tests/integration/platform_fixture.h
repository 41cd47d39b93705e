#ifndef OPENVAP_TESTS_INTEGRATION_PLATFORM_FIXTURE_H_
#define OPENVAP_TESTS_INTEGRATION_PLATFORM_FIXTURE_H_

// A real `openvap serve --demo` on loopback (port 0, a temporary data directory, SQLite or a
// throwaway PostgreSQL, SMTP to a real sink) and the client-side steps of the procedure that
// several integration tests share: registering with e-mail verification, TOTP enrolment,
// signing in staff, calling the API with the CSRF token.

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "support/http_client.h"
#include "support/process.h"
#include "support/smtp_sink.h"

namespace openvap::testing {

class ApiSession;

// Starts `openvap serve` and waits for its "is serving" line. Extra arguments are appended.
class PlatformServer {
 public:
  PlatformServer(const std::string& data_dir, const std::string& database_url,
                 const std::string& smtp_url, const std::vector<std::string>& extra = {});
  const std::string& url() const { return url_; }
  ChildProcess& process() { return *process_; }
  // The demo staff accounts (demo-accounts.json) of the data directory.
  nlohmann::json DemoAccount(const std::string& role) const;
  // Signs `session` in as the demo account of `role`, enrolling TOTP; false when that fails.
  bool SignInDemoStaff(ApiSession& session, const std::string& role) const;

 private:
  std::string data_dir_;
  std::string url_;
  std::unique_ptr<ChildProcess> process_;
};

// One browser session: cookies, the CSRF token, JSON in and out.
class ApiSession {
 public:
  explicit ApiSession(const std::string& base_url) : http_(base_url) {}
  HttpResult Call(const std::string& method, const std::string& path,
                  const nlohmann::json& body = nullptr,
                  const std::vector<std::string>& extra_headers = {});
  // Call and parse; fails the test (and returns null) unless the status is `expect`.
  nlohmann::json Expect(int expect, const std::string& method, const std::string& path,
                        const nlohmann::json& body = nullptr);
  // A raw body (an upload) with the CSRF token.
  HttpResult Upload(const std::string& path, const std::string& bytes,
                    const std::string& content_type);
  HttpClient& http() { return http_; }
  void set_csrf(std::string token) { csrf_ = std::move(token); }

  // The same signed-in session against another server process (its cookie and CSRF token):
  // sessions live in the database, so any process of the platform accepts them.
  std::unique_ptr<ApiSession> ResumeAt(const std::string& base_url) const;

  // Signs in and, when needed, enrols TOTP and passes the second factor. Returns the TOTP
  // secret (enrolled now, or `known_secret`).
  std::string SignInWithTotp(const std::string& email, const std::string& password,
                             const std::string& known_secret = "");

 private:
  HttpClient http_;
  std::string csrf_;
  std::string session_cookie_;  // "openvap_session=..." as last set by the server
  bool send_cookie_ = false;    // send it explicitly (a resumed session has an empty jar)
};

// The ISO date `from_today` days after today (UTC, the server's wall clock).
std::string Day(int from_today);

// Where a test reads the platform's e-mail verification link: the token for `email`, or "" when
// none arrived within 10 s.
using VerificationTokenOf = std::function<std::string(const std::string& email)>;
VerificationTokenOf TokenFromSmtp(SmtpSink& smtp);                     // `serve --smtp` to the sink
VerificationTokenOf TokenFromMailFolder(const std::string& mail_dir);  // no --smtp: DATA_DIR/mail

// Registers `email` as `role` (applicant or representative), verifies the address and signs in
// with TOTP enrolment; returns the TOTP secret ("" and a test failure when a step fails).
std::string SignUp(ApiSession& session, const std::string& email, const std::string& password,
                   const std::string& role, const VerificationTokenOf& token_of);

// The current TOTP code for `secret` (RFC 6238, 30 s, 6 digits), or the one `ahead` from now
// (the server accepts one step early or late).
std::string TotpNow(const std::string& secret, std::chrono::seconds ahead = {});

// The decoded text parts of an RFC 5322 message (base64 bodies decoded).
std::string MailText(const std::string& message);

// The value after `marker` up to the first white space or quote.
std::string Extract(const std::string& text, const std::string& marker);

}  // namespace openvap::testing

#endif  // OPENVAP_TESTS_INTEGRATION_PLATFORM_FIXTURE_H_
