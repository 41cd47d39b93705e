#include "support/process.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace openvap::testing {
namespace {

using Clock = std::chrono::steady_clock;

// Reads what is available on `fd` into `out` without blocking; false on end of file.
bool ReadSome(int fd, std::string& out) {
  char buf[65536];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    return true;  // EAGAIN
  }
}

void SetNonBlocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

pid_t Spawn(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env,
            int in_fd, int out_fd, int err_fd) {
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_store;
  for (char** e = environ; *e != nullptr; ++e) env_store.emplace_back(*e);
  for (const std::string& e : extra_env) env_store.push_back(e);
  std::vector<char*> env;
  env.reserve(env_store.size() + 1);
  for (std::string& e : env_store) env.push_back(e.data());
  env.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    if (in_fd >= 0) dup2(in_fd, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    for (int fd = 3; fd < 1024; ++fd) close(fd);
    execve(args[0], args.data(), env.data());
    _exit(127);
  }
  return pid;
}

int DecodeStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& input,
                         std::chrono::seconds timeout) {
  int in_pipe[2];
  int out_pipe[2];
  int err_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0 ||
      pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  const pid_t pid = Spawn(argv, {}, in_pipe[0], out_pipe[1], err_pipe[1]);
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  SetNonBlocking(in_pipe[1]);
  SetNonBlocking(out_pipe[0]);
  SetNonBlocking(err_pipe[0]);
  (void)signal(SIGPIPE, SIG_IGN);
  CommandResult result;
  std::size_t written = 0;
  int in_fd = in_pipe[1];
  if (input.empty()) {
    close(in_fd);
    in_fd = -1;
  }
  bool out_open = true;
  bool err_open = true;
  const auto deadline = Clock::now() + timeout;
  while ((out_open || err_open) && Clock::now() < deadline) {
    pollfd fds[3] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}, {in_fd, POLLOUT, 0}};
    poll(fds, in_fd >= 0 ? 3 : 2, 100);
    if (in_fd >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
      const ssize_t n = write(in_fd, input.data() + written, input.size() - written);
      if (n > 0) written += static_cast<std::size_t>(n);
      if (n < 0 && errno != EAGAIN) written = input.size();
      if (written == input.size()) {
        close(in_fd);
        in_fd = -1;
      }
    }
    if (out_open) out_open = ReadSome(out_pipe[0], result.out);
    if (err_open) err_open = ReadSome(err_pipe[0], result.err);
  }
  if (in_fd >= 0) close(in_fd);
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  if (out_open || err_open) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    result.exit_code = -1;
    return result;
  }
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv,
                           const std::vector<std::string>& extra_env) {
  int out_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  // Standard error (the server's log) goes to an unlinked temporary file, not a pipe: a test
  // that never reads it would otherwise fill the pipe's 64 KiB and block the server's next log
  // line, and with it the request being answered.
  std::string name = (std::filesystem::temp_directory_path() / "openvap-stderr-XXXXXX").string();
  err_fd_ = mkostemp(name.data(), O_CLOEXEC);
  if (err_fd_ < 0) throw std::runtime_error("mkostemp failed");
  unlink(name.c_str());
  const int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  pid_ = Spawn(argv, extra_env, devnull, out_pipe[1], err_fd_);
  close(devnull);
  close(out_pipe[1]);
  out_fd_ = out_pipe[0];
  SetNonBlocking(out_fd_);
}

ChildProcess::~ChildProcess() {
  if (!reaped_ && pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status_, 0);
  }
  if (out_fd_ >= 0) close(out_fd_);
  if (err_fd_ >= 0) close(err_fd_);
}

std::string ChildProcess::WaitForLine(const std::string& needle,
                                      std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    std::size_t start = 0;
    for (std::size_t nl; (nl = out_buffer_.find('\n', start)) != std::string::npos;
         start = nl + 1) {
      std::string line = out_buffer_.substr(start, nl - start);
      if (line.find(needle) != std::string::npos) {
        out_buffer_.erase(0, nl + 1);
        return line;
      }
    }
    if (Clock::now() >= deadline) return "";
    pollfd fd{out_fd_, POLLIN, 0};
    poll(&fd, 1, 50);
    if (!ReadSome(out_fd_, out_buffer_) && out_buffer_.find(needle) == std::string::npos) {
      return "";
    }
  }
}

void ChildProcess::Signal(int signal) const { kill(pid_, signal); }

int ChildProcess::Wait(std::chrono::milliseconds timeout) {
  if (reaped_) return DecodeStatus(status_);
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    const pid_t r = waitpid(pid_, &status_, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      return DecodeStatus(status_);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

std::string ChildProcess::ReadAvailableStdout() {
  ReadSome(out_fd_, out_buffer_);
  std::string out;
  out.swap(out_buffer_);
  return out;
}

std::string ChildProcess::ReadAvailableStderr() {
  // pread: the child writes through the same open file, at the file's own offset.
  std::string err;
  char buffer[4096];
  for (ssize_t n; (n = pread(err_fd_, buffer, sizeof buffer, err_read_)) > 0; err_read_ += n) {
    err.append(buffer, static_cast<std::size_t>(n));
  }
  return err;
}

std::string OpenvapBinary() {
  const char* path = std::getenv("OPENVAP_BINARY");
  if (path == nullptr || *path == '\0') {
    throw std::runtime_error("OPENVAP_BINARY is not set (CMake sets it for integration tests)");
  }
  return path;
}

CommandResult RunOpenvap(const std::vector<std::string>& args, const std::string& input) {
  std::vector<std::string> argv{OpenvapBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv, input);
}

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/openvap-test-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace openvap::testing
