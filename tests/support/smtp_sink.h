#ifndef OPENVAP_TESTS_SUPPORT_SMTP_SINK_H_
#define OPENVAP_TESTS_SUPPORT_SMTP_SINK_H_

// A real SMTP server on loopback for tests (tests/support/smtp_sink.py, aiosmtpd): messages
// are received over the SMTP protocol and kept as files the test reads.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "support/process.h"

namespace openvap::testing {

struct ReceivedMail {
  std::string mail_from;
  std::vector<std::string> recipients;
  std::string helo;
  std::string data;  // the message as received (RFC 5322)
};

class SmtpSink {
 public:
  SmtpSink();  // throws std::runtime_error when the server does not start
  int port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  // Waits until at least `count` messages arrived (or the timeout) and returns all of them.
  std::vector<ReceivedMail> WaitFor(std::size_t count,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  TempDir dir_;
  std::unique_ptr<ChildProcess> server_;
  int port_ = 0;
};

}  // namespace openvap::testing

#endif  // OPENVAP_TESTS_SUPPORT_SMTP_SINK_H_
