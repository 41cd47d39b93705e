#ifndef OPENVAP_TESTS_SUPPORT_PROCESS_H_
#define OPENVAP_TESTS_SUPPORT_PROCESS_H_

// Child processes for tests that run the real `openvap` binary (CLI contracts, the server
// under signals, two servers on one database).

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace openvap::testing {

struct CommandResult {
  int exit_code = -1;  // -1 when killed by a signal or timed out
  std::string out;
  std::string err;
};

// Runs argv[0] with the given arguments and standard input; waits up to `timeout`.
CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& input = "",
                         std::chrono::seconds timeout = std::chrono::seconds(60));

class ChildProcess {
 public:
  // Starts argv with stdout and stderr piped to this process. Extra environment entries are
  // "NAME=value".
  explicit ChildProcess(const std::vector<std::string>& argv,
                        const std::vector<std::string>& extra_env = {});
  ~ChildProcess();  // kills (SIGKILL) and reaps the child if it still runs
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Reads stdout until a line containing `needle` arrives; returns that line, or "" on
  // timeout or end of output.
  std::string WaitForLine(const std::string& needle, std::chrono::milliseconds timeout);

  // Sends a signal to the child.
  void Signal(int signal) const;

  // Waits for the exit; returns the exit code, 128+signal when killed, or -1 on timeout.
  int Wait(std::chrono::milliseconds timeout);

  // Everything the child wrote so far (stdout after the lines already returned, and stderr).
  std::string ReadAvailableStdout();
  std::string ReadAvailableStderr();

  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;     // an unlinked temporary file
  off_t err_read_ = 0;  // how much of it ReadAvailableStderr returned
  std::string out_buffer_;
  bool reaped_ = false;
  int status_ = 0;
};

// The path of the `openvap` binary under test (set by CMake as OPENVAP_BINARY).
std::string OpenvapBinary();

// Runs `openvap ARGS...` with the given standard input.
CommandResult RunOpenvap(const std::vector<std::string>& args, const std::string& input = "");

// A fresh directory under $TMPDIR, removed with its contents by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace openvap::testing

#endif  // OPENVAP_TESTS_SUPPORT_PROCESS_H_
