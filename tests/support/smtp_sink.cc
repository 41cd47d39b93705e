#include "support/smtp_sink.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

namespace openvap::testing {
namespace {

std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

SmtpSink::SmtpSink() {
  const std::string script = std::string(OPENVAP_TEST_SUPPORT_DIR) + "/smtp_sink.py";
  server_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{"/usr/bin/python3", script, dir_.path()});
  const std::string line = server_->WaitForLine("port ", std::chrono::seconds(20));
  if (line.empty()) {
    throw std::runtime_error("the SMTP sink did not start: " + server_->ReadAvailableStderr());
  }
  port_ = std::stoi(line.substr(line.find(' ') + 1));
}

std::vector<ReceivedMail> SmtpSink::WaitFor(std::size_t count, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir_.path())) {
      if (e.path().extension() == ".eml") files.push_back(e.path());
    }
    if (files.size() >= count || std::chrono::steady_clock::now() >= deadline) {
      std::sort(files.begin(), files.end());
      std::vector<ReceivedMail> out;
      for (const auto& f : files) {
        auto envelope =
            nlohmann::json::parse(ReadAll(std::filesystem::path(f).replace_extension(".json")));
        out.push_back({envelope["mail_from"], envelope["rcpt_tos"], envelope["helo"], ReadAll(f)});
      }
      return out;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace openvap::testing
