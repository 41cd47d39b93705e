// `openvap serve` as a user runs it (issue 2): starts, prints the URL, answers /healthz with
// JSON, logs one line per request, and stops cleanly on SIGINT and SIGTERM.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "support/http_client.h"
#include "support/process.h"
#include "support/test_files.h"

namespace openvap::testing {
namespace {

using nlohmann::json;

std::string UrlFrom(const std::string& line) {
  std::smatch m;
  static const std::regex kUrl("(http://[^ ]+/)");
  return std::regex_search(line, m, kUrl) ? m[1].str() : "";
}

class ServeTest : public ::testing::TestWithParam<int> {};

TEST_P(ServeTest, ServesHealthzAndStopsCleanlyOnSignal) {
  TempDir tmp;
  const std::string data_dir = tmp.path() + "/data";
  ChildProcess server(
      {OpenvapBinary(), "serve", "--listen", "127.0.0.1:0", "--data-dir", data_dir});
  const std::string line = server.WaitForLine("is serving", std::chrono::seconds(30));
  ASSERT_FALSE(line.empty()) << server.ReadAvailableStderr();
  const std::string url = UrlFrom(line);
  ASSERT_FALSE(url.empty()) << line;
  EXPECT_EQ(url.rfind("http://127.0.0.1:", 0), 0U);

  HttpClient client(url.substr(0, url.size() - 1));
  const auto health = client.Get("/healthz");
  ASSERT_EQ(health.status, 200) << health.transport_error;
  EXPECT_EQ(health.headers.at("content-type"), "application/json");
  const json body = json::parse(health.body);
  EXPECT_EQ(body["status"], "ok");
  EXPECT_TRUE(body.contains("version"));
  const auto missing = client.Get("/no/such/page");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(json::parse(missing.body)["error"]["code"], "not-found");

  struct stat st {};
  ASSERT_EQ(stat(data_dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700U);

  server.Signal(GetParam());
  EXPECT_EQ(server.Wait(std::chrono::seconds(15)), 0);
  const std::string log = server.ReadAvailableStderr();
  EXPECT_NE(log.find("\"GET /healthz\" 200"), std::string::npos) << log;
  EXPECT_NE(log.find("\"GET /no/such/page\" 404"), std::string::npos) << log;
  EXPECT_NE(log.find("stopped"), std::string::npos) << log;
  // Without --demo nothing is set up for the states, and the start says what cannot work yet.
  EXPECT_NE(log.find("no document signer in"), std::string::npos) << log;
  EXPECT_NE(log.find("no standard form (VC Annex VI) in the language of"), std::string::npos)
      << log;
  // The database holds personal data: the owner's only, as the data directory.
  ASSERT_EQ(stat((data_dir + "/openvap.db").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);
}

INSTANTIATE_TEST_SUITE_P(Signals, ServeTest, ::testing::Values(SIGINT, SIGTERM),
                         [](const auto& info) {
                           return info.param == SIGINT ? "SIGINT" : "SIGTERM";
                         });

TEST(Binary, HelpAndVersion) {
  const auto help = RunCommand({OpenvapBinary(), "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("serve"), std::string::npos);
  const auto version = RunCommand({OpenvapBinary(), "--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("openvap ", 0), 0U);
  const auto bad = RunCommand({OpenvapBinary(), "serve", "--listen", "nonsense"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--listen"), std::string::npos);
}

TEST(Binary, ABusyPortIsAClearErrorNotACrash) {
  TempDir tmp;
  ChildProcess first(
      {OpenvapBinary(), "serve", "--listen", "127.0.0.1:0", "--data-dir", tmp.path()});
  const std::string url = UrlFrom(first.WaitForLine("is serving", std::chrono::seconds(30)));
  ASSERT_FALSE(url.empty());
  const std::string port = url.substr(std::string("http://127.0.0.1:").size(),
                                      url.size() - std::string("http://127.0.0.1:").size() - 1);
  const auto second = RunCommand(
      {OpenvapBinary(), "serve", "--listen", "127.0.0.1:" + port, "--data-dir", tmp.path()});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find("cannot listen"), std::string::npos) << second.err;
}

// A state's appeal information that cannot be read stops the start with what is wrong: the
// platform would otherwise send refusals that do not say how to appeal (VC Art 32(3)).
TEST(Binary, AMalformedAppealsFileIsAClearErrorAtStart) {
  TempDir tmp;
  {
    std::ofstream out(tmp.path() + "/appeals.json");
    out << R"({"states": {"FR": {"en": 42}}})";
  }
  const auto run =
      RunCommand({OpenvapBinary(), "serve", "--listen", "127.0.0.1:0", "--data-dir", tmp.path()});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("appeals.json: states.FR.en"), std::string::npos) << run.err;

  // So does the standard form's text in a language the deployment supplies (VC Art 32(2)).
  std::filesystem::remove(tmp.path() + "/appeals.json");
  {
    std::ofstream out(tmp.path() + "/annex-vi.json");
    out << R"({"grounds": {"it": ["un documento di viaggio falso"]}})";
  }
  const auto grounds =
      RunCommand({OpenvapBinary(), "serve", "--listen", "127.0.0.1:0", "--data-dir", tmp.path()});
  EXPECT_EQ(grounds.exit_code, 1);
  EXPECT_NE(grounds.err.find("annex-vi.json: grounds.it: the 17 grounds"), std::string::npos)
      << grounds.err;
}

// A demo state whose signer was moved aside (renewal, docs/pki.md) gets a new signer under the
// CSCA it has: the CSCA is not made again, so what the old signer sealed still verifies.
TEST(Binary, ADemoSignerMadeAgainKeepsItsCsca) {
  TempDir tmp;
  const std::string data_dir = tmp.path() + "/data";
  const std::string pki = data_dir + "/pki/FR";
  const std::vector<std::string> serve = {OpenvapBinary(), "serve",  "--listen", "127.0.0.1:0",
                                          "--data-dir",    data_dir, "--demo"};
  {
    ChildProcess server(serve);
    ASSERT_FALSE(server.WaitForLine("is serving", std::chrono::seconds(60)).empty())
        << server.ReadAvailableStderr();
  }
  const auto csca = ReadFileBytes(pki + "/csca.pem");
  const auto sealed =
      RunCommand({OpenvapBinary(), "seal", "sign", "--key", pki + "/signer.key", "--cert",
                  pki + "/signer.pem", "--profile", "eu-digital-visa", "--data",
                  R"({"visa_number": "FRA123456788", "visa_type": "C", "valid_from": "2027-01-01",
           "valid_until": "2027-03-01", "number_of_entries": 1, "duration_of_stay_days": 30,
           "surname": "DOE", "nationality": "IND", "travel_document_number": "X1234567"})"});
  ASSERT_EQ(sealed.exit_code, 0) << sealed.err;
  std::filesystem::create_directories(pki + "/retired");
  std::filesystem::rename(pki + "/signer.pem", pki + "/retired/signer.pem");
  std::filesystem::remove(pki + "/signer.key");
  {
    ChildProcess server(serve);
    ASSERT_FALSE(server.WaitForLine("is serving", std::chrono::seconds(60)).empty())
        << server.ReadAvailableStderr();
  }
  EXPECT_EQ(ReadFileBytes(pki + "/csca.pem"), csca);
  ASSERT_TRUE(std::filesystem::exists(pki + "/signer.pem"));
  EXPECT_NE(ReadFileBytes(pki + "/signer.pem"), ReadFileBytes(pki + "/retired/signer.pem"));
  const auto verified = RunCommand({OpenvapBinary(), "seal", "verify", "--trust", data_dir + "/pki",
                                    "--at", "2027-02-01T00:00:00Z"},
                                   sealed.out);
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  EXPECT_EQ(json::parse(verified.out)["status"], "valid") << verified.out;
}

// A deployment's first administrator (no --demo): created at start from --administrator with
// the password from the environment, never from the command line; without a password for an
// address that has no account yet the start stops with a clear error.
TEST(Binary, TheFirstAdministratorIsCreatedAtStartAndSignsIn) {
  TempDir tmp;
  const std::string data_dir = tmp.path() + "/data";
  const std::vector<std::string> argv = {OpenvapBinary(),   "serve",           "--listen",
                                         "127.0.0.1:0",     "--data-dir",      data_dir,
                                         "--administrator", "root@example.org"};
  const auto refused = RunCommand(argv);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("OPENVAP_ADMINISTRATOR_PASSWORD"), std::string::npos) << refused.err;
  {
    ChildProcess server(argv, {"OPENVAP_ADMINISTRATOR_PASSWORD=a long administrator passphrase"});
    const std::string line = server.WaitForLine("is serving", std::chrono::seconds(30));
    ASSERT_FALSE(line.empty()) << server.ReadAvailableStderr();
    const std::string url = UrlFrom(line);
    HttpClient client(url.substr(0, url.size() - 1));
    const auto signed_in = client.Post(
        "/api/v1/sessions",
        R"({"email": "root@example.org", "password": "a long administrator passphrase"})",
        {"Content-Type: application/json"});
    ASSERT_EQ(signed_in.status, 201) << signed_in.body;
    EXPECT_TRUE(json::parse(signed_in.body).value("mfa_enrolment_required", false));
    // Served over plain http (a test, a proxy that says nothing): the cookie is not Secure.
    EXPECT_EQ(signed_in.headers.at("set-cookie").find("Secure"), std::string::npos);
    server.Signal(SIGTERM);
    EXPECT_EQ(server.Wait(std::chrono::seconds(15)), 0);
  }
  // The account exists now: the next start needs no password. Its address is https: the
  // session cookie goes over https only.
  std::vector<std::string> https = argv;
  https.insert(https.end(), {"--base-url", "https://visa.example"});
  ChildProcess again(https);
  const std::string line = again.WaitForLine("is serving", std::chrono::seconds(30));
  ASSERT_FALSE(line.empty()) << again.ReadAvailableStderr();
  const std::string url = UrlFrom(line);
  HttpClient client(url.substr(0, url.size() - 1));
  const auto signed_in =
      client.Post("/api/v1/sessions",
                  R"({"email": "root@example.org", "password": "a long administrator passphrase"})",
                  {"Content-Type: application/json"});
  ASSERT_EQ(signed_in.status, 201) << signed_in.body;
  EXPECT_NE(signed_in.headers.at("set-cookie").find("; Secure"), std::string::npos)
      << signed_in.headers.at("set-cookie");
}

}  // namespace
}  // namespace openvap::testing
