#include "support/postgres_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "support/process.h"

namespace openvap::testing {
namespace {

constexpr const char* kBin = "/usr/lib/postgresql/15/bin/";

int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {  // NOLINT
    close(fd);
    throw std::runtime_error("cannot find a free port");
  }
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);  // NOLINT
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

PostgresServer::PostgresServer() {
  char tmpl[] = "/tmp/openvap-pg-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  as_postgres_user_ = geteuid() == 0;
  if (as_postgres_user_) {
    const passwd* pg = getpwnam("postgres");
    if (pg == nullptr) throw std::runtime_error("running as root but there is no postgres user");
    if (chown(dir_.c_str(), pg->pw_uid, pg->pw_gid) != 0) {
      throw std::runtime_error("cannot give " + dir_ + " to the postgres user");
    }
  }
  const auto run = [&](std::vector<std::string> argv) {
    if (as_postgres_user_) argv.insert(argv.begin(), {"/usr/sbin/runuser", "-u", "postgres", "--"});
    return RunCommand(argv, "", std::chrono::seconds(120));
  };
  const auto initdb = run({std::string(kBin) + "initdb", "-D", dir_ + "/data", "-U", "openvap",
                           "--auth=trust", "--encoding=UTF8", "--no-sync", "--no-instructions"});
  if (initdb.exit_code != 0) throw std::runtime_error("initdb failed: " + initdb.out + initdb.err);
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = FreeLoopbackPort();
    // Test servers skip fsync: nothing here tests PostgreSQL's own crash safety.
    const auto start =
        run({std::string(kBin) + "pg_ctl", "-D", dir_ + "/data", "-l", dir_ + "/server.log", "-w",
             "-t", "60", "-o",
             "-p " + std::to_string(port_) + " -k " + dir_ +
                 " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
             "start"});
    if (start.exit_code == 0) return;
  }
  throw std::runtime_error("pg_ctl could not start PostgreSQL; see " + dir_ + "/server.log");
}

PostgresServer::~PostgresServer() {
  std::vector<std::string> argv = {
      std::string(kBin) + "pg_ctl", "-D", dir_ + "/data", "-m", "immediate", "-w", "stop"};
  if (as_postgres_user_) argv.insert(argv.begin(), {"/usr/sbin/runuser", "-u", "postgres", "--"});
  (void)RunCommand(argv, "", std::chrono::seconds(60));
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string PostgresServer::CreateDatabase(const std::string& name) {
  const auto created = RunCommand({std::string(kBin) + "createdb", "-h", "127.0.0.1", "-p",
                                   std::to_string(port_), "-U", "openvap", name},
                                  "", std::chrono::seconds(60));
  if (created.exit_code != 0) {
    throw std::runtime_error("createdb " + name + " failed: " + created.err);
  }
  return "postgresql://openvap@127.0.0.1:" + std::to_string(port_) + "/" + name;
}

PostgresServer& PostgresServer::Shared() {
  static PostgresServer* server = new PostgresServer();  // NOLINT: lives until exit
  static const int kRegistered = std::atexit([] { delete server; });
  (void)kRegistered;
  return *server;
}

}  // namespace openvap::testing
