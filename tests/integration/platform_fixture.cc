#include "platform_fixture.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "adapters/auth/credentials.h"
#include "base/bytes.h"
#include "base/clock.h"
#include "base/random.h"
#include "base/time.h"

namespace openvap::testing {

using nlohmann::json;

PlatformServer::PlatformServer(const std::string& data_dir, const std::string& database_url,
                               const std::string& smtp_url, const std::vector<std::string>& extra)
    : data_dir_(data_dir) {
  std::vector<std::string> argv{OpenvapBinary(), "serve",  "--listen", "127.0.0.1:0",
                                "--data-dir",    data_dir, "--demo"};
  if (!database_url.empty()) {
    argv.emplace_back("--database");
    argv.push_back(database_url);
  }
  if (!smtp_url.empty()) {
    argv.emplace_back("--smtp");
    argv.push_back(smtp_url);
  }
  argv.insert(argv.end(), extra.begin(), extra.end());
  process_ = std::make_unique<ChildProcess>(argv);
  const std::string line = process_->WaitForLine("is serving", std::chrono::seconds(60));
  if (line.empty()) {
    ADD_FAILURE() << "the server did not start: " << process_->ReadAvailableStderr();
    return;
  }
  const std::size_t start = line.find("http://");
  const std::size_t end = line.find('/', start + 7);
  url_ = line.substr(start, end - start);
}

json PlatformServer::DemoAccount(const std::string& role) const {
  std::ifstream in(data_dir_ + "/demo-accounts.json");
  const json all = json::parse(in, nullptr, false);
  if (all.is_discarded()) return nullptr;
  for (const json& a : all["accounts"]) {
    if (a["role"] == role) return a;
  }
  return nullptr;
}

bool PlatformServer::SignInDemoStaff(ApiSession& session, const std::string& role) const {
  const json account = DemoAccount(role);
  return account.is_object() &&
         !session.SignInWithTotp(account.value("email", ""), account.value("password", "")).empty();
}

HttpResult ApiSession::Call(const std::string& method, const std::string& path, const json& body,
                            const std::vector<std::string>& extra_headers) {
  std::vector<std::string> headers = extra_headers;
  if (!body.is_null()) headers.emplace_back("Content-Type: application/json");
  if (!csrf_.empty()) headers.push_back("X-CSRF-Token: " + csrf_);
  if (send_cookie_ && !session_cookie_.empty()) headers.push_back("Cookie: " + session_cookie_);
  HttpResult r = http_.Send(method, path, body.is_null() ? "" : body.dump(), headers);
  const auto cookie = r.headers.find("set-cookie");
  if (cookie != r.headers.end() && cookie->second.rfind("openvap_session=", 0) == 0) {
    session_cookie_ = cookie->second.substr(0, cookie->second.find(';'));
  }
  return r;
}

std::unique_ptr<ApiSession> ApiSession::ResumeAt(const std::string& base_url) const {
  auto other = std::make_unique<ApiSession>(base_url);
  other->csrf_ = csrf_;
  other->session_cookie_ = session_cookie_;
  other->send_cookie_ = true;
  return other;
}

HttpResult ApiSession::Upload(const std::string& path, const std::string& bytes,
                              const std::string& content_type) {
  return http_.Send("POST", path, bytes,
                    {"Content-Type: " + content_type, "X-CSRF-Token: " + csrf_});
}

json ApiSession::Expect(int expect, const std::string& method, const std::string& path,
                        const json& body) {
  const HttpResult r = Call(method, path, body);
  EXPECT_EQ(r.status, expect) << method << " " << path << ": " << r.body << r.transport_error;
  if (r.status != expect) return nullptr;
  json parsed = json::parse(r.body, nullptr, false);
  if (parsed.is_discarded()) return json::object();
  if (parsed.contains("csrf_token")) csrf_ = parsed["csrf_token"];
  return parsed;
}

std::string ApiSession::SignInWithTotp(const std::string& email, const std::string& password,
                                       const std::string& known_secret) {
  const json grant =
      Expect(201, "POST", "/api/v1/sessions", {{"email", email}, {"password", password}});
  if (grant.is_null()) return "";
  if (grant.value("mfa_enrolment_required", false)) {
    const json enrol = Expect(200, "POST", "/api/v1/me/mfa/totp");
    std::string secret = enrol.value("secret", "");
    const json done =
        Expect(200, "POST", "/api/v1/me/mfa/totp/confirm", {{"code", TotpNow(secret)}});
    EXPECT_FALSE(done.value("recovery_codes", json::array()).empty());
    return secret;
  }
  if (!grant.value("mfa_verified", false)) {
    Expect(200, "POST", "/api/v1/sessions/mfa", {{"code", TotpNow(known_secret)}});
  }
  return known_secret;
}

VerificationTokenOf TokenFromSmtp(SmtpSink& smtp) {
  return [&smtp](const std::string& email) {
    for (int i = 0; i < 100; ++i) {
      for (const ReceivedMail& m : smtp.WaitFor(1, std::chrono::milliseconds(100))) {
        if (m.data.find(email) == std::string::npos) continue;
        std::string token = Extract(MailText(m.data), "token=");
        if (!token.empty()) return token;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return std::string();
  };
}

VerificationTokenOf TokenFromMailFolder(const std::string& mail_dir) {
  return [mail_dir](const std::string& email) {
    for (int i = 0; i < 100; ++i) {
      std::error_code ec;
      if (std::filesystem::exists(mail_dir, ec)) {
        for (const auto& f : std::filesystem::directory_iterator(mail_dir)) {
          std::ifstream in(f.path());
          const std::string text((std::istreambuf_iterator<char>(in)), {});
          if (text.find(email) == std::string::npos) continue;
          std::string token = Extract(MailText(text), "token=");
          if (!token.empty()) return token;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return std::string();
  };
}

std::string SignUp(ApiSession& session, const std::string& email, const std::string& password,
                   const std::string& role, const VerificationTokenOf& token_of) {
  session.Expect(
      202, "POST", "/api/v1/accounts",
      {{"email", email}, {"password", password}, {"display_name", role}, {"role", role}});
  const std::string token = token_of(email);
  EXPECT_FALSE(token.empty()) << "no verification link for " << email;
  if (token.empty()) return "";
  session.Expect(200, "POST", "/api/v1/accounts/verify-email", {{"token", token}});
  std::string secret = session.SignInWithTotp(email, password);
  EXPECT_FALSE(secret.empty()) << email;
  return secret;
}

std::string Day(int from_today) {
  const auto now =
      std::chrono::time_point_cast<Timestamp::duration>(std::chrono::system_clock::now());
  return FormatIsoDate(AddDays(UtcDateOf(Timestamp(now)), from_today));
}

std::string TotpNow(const std::string& secret, std::chrono::seconds ahead) {
  SystemRandom random;
  auth::Credentials credentials(random);
  auto code = credentials.TotpCode(secret, SystemClock().Now() + ahead);
  return code.ok() ? *code : "";
}

std::string MailText(const std::string& message) {
  std::string out;
  const std::string marker = "Content-Transfer-Encoding: base64\r\n\r\n";
  for (std::size_t at = message.find(marker); at != std::string::npos;
       at = message.find(marker, at + 1)) {
    std::size_t start = at + marker.size();
    std::size_t end = message.find("\r\n\r\n", start);
    if (end == std::string::npos) end = message.find("\r\n--", start);
    std::string b64 =
        message.substr(start, end == std::string::npos ? std::string::npos : end - start);
    std::string clean;
    for (char c : b64) {
      if (c != '\r' && c != '\n') clean += c;
    }
    const std::size_t boundary = clean.find("--");
    if (boundary != std::string::npos) clean.resize(boundary);
    auto decoded = FromBase64(clean);
    if (decoded.ok()) out += AsString(*decoded) + "\n";
  }
  return out.empty() ? message : out;
}

std::string Extract(const std::string& text, const std::string& marker) {
  const std::size_t at = text.find(marker);
  if (at == std::string::npos) return "";
  std::size_t end = at + marker.size();
  while (end < text.size() && std::isspace(static_cast<unsigned char>(text[end])) == 0 &&
         text[end] != '"' && text[end] != '<' && text[end] != '>') {
    ++end;
  }
  return text.substr(at + marker.size(), end - at - marker.size());
}

}  // namespace openvap::testing
