#ifndef OPENVAP_TESTS_SUPPORT_POSTGRES_SERVER_H_
#define OPENVAP_TESTS_SUPPORT_POSTGRES_SERVER_H_

// A throwaway PostgreSQL 15 server for tests (issue 5: "the test command starts a throwaway
// PostgreSQL 15 server on loopback"): initdb in a temporary directory, pg_ctl start on a free
// loopback port with its socket in that directory, stopped and removed by the destructor.
// initdb refuses to run as root, so as root the server runs as the `postgres` system user.

#include <memory>
#include <string>

namespace openvap::testing {

class PostgresServer {
 public:
  // Starts a server; throws std::runtime_error with initdb's or pg_ctl's output on failure.
  PostgresServer();
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  int port() const { return port_; }

  // Creates a fresh, empty database and returns its connection URI.
  std::string CreateDatabase(const std::string& name);

  // One server per test binary, started on first use and stopped at exit.
  static PostgresServer& Shared();

 private:
  std::string dir_;
  int port_ = 0;
  bool as_postgres_user_ = false;
};

}  // namespace openvap::testing

#endif  // OPENVAP_TESTS_SUPPORT_POSTGRES_SERVER_H_
