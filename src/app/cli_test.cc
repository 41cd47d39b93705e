#include "app/cli.h"

#include <gtest/gtest.h>
#include <openvap/version.h>

#include <sstream>

#include "app/listen_address.h"
#include "base/time.h"

namespace openvap::app {
namespace {

struct CliRun {
  int code;
  std::string out;
  std::string err;
};

CliRun RunOpenvap(const std::vector<std::string>& args, const std::string& input = "") {
  std::istringstream in(input);
  std::ostringstream out;
  std::ostringstream err;
  const FixedClock clock(*ParseIsoTimestamp("2026-11-22T12:00:00Z"));
  CliContext ctx{in, out, err, clock};
  const int code = RunCli(args, ctx);
  return {code, out.str(), err.str()};
}

TEST(Cli, VersionPrintsTheProjectVersion) {
  const CliRun r = RunOpenvap({"--version"});
  EXPECT_EQ(r.code, kExitOk);
  EXPECT_EQ(r.out, std::string("openvap ") + kVersion + "\n");
}

TEST(Cli, HelpListsTheCommands) {
  const CliRun r = RunOpenvap({"--help"});
  EXPECT_EQ(r.code, kExitOk);
  EXPECT_NE(r.out.find("serve"), std::string::npos);
  const CliRun sub = RunOpenvap({"serve", "--help"});
  EXPECT_EQ(sub.code, kExitOk);
  EXPECT_NE(sub.out.find("--listen"), std::string::npos);
  EXPECT_NE(sub.out.find("--data-dir"), std::string::npos);
}

TEST(Cli, UsageErrorsExitWith2AndSayWhy) {
  const CliRun none = RunOpenvap({});
  EXPECT_EQ(none.code, kExitUsage);
  EXPECT_FALSE(none.err.empty());
  const CliRun unknown = RunOpenvap({"frobnicate"});
  EXPECT_EQ(unknown.code, kExitUsage);
  EXPECT_NE(unknown.err.find("frobnicate"), std::string::npos);
  const CliRun bad_listen = RunOpenvap({"serve", "--listen", "127.0.0.1"});
  EXPECT_EQ(bad_listen.code, kExitUsage);
  EXPECT_NE(bad_listen.err.find("--listen"), std::string::npos);
  const CliRun bad_threads = RunOpenvap({"serve", "--threads", "-3"});
  EXPECT_EQ(bad_threads.code, kExitUsage);
}

TEST(ListenAddress, ParsesHostsPortsAndIpv6) {
  const auto v4 = ParseListenAddress("0.0.0.0:8080");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->host, "0.0.0.0");
  EXPECT_EQ(v4->port, 8080);
  const auto v6 = ParseListenAddress("[::1]:0");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(FormatHostForUrl(v6->host), "[::1]");
  EXPECT_EQ(ParseListenAddress("localhost:80")->host, "127.0.0.1");
  for (const char* bad : {"", "8080", ":8080", "::1:80", "host:", "host:65536", "host:8x"}) {
    const auto r = ParseListenAddress(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "invalid-listen-address");
  }
}

}  // namespace
}  // namespace openvap::app
