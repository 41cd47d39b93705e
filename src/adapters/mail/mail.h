#ifndef OPENVAP_ADAPTERS_MAIL_MAIL_H_
#define OPENVAP_ADAPTERS_MAIL_MAIL_H_

// E-mail delivery (VAP-NOTIFY, VAP-DEC: "an electronic message" when a decision is available):
// RFC 5322 / MIME messages sent over SMTP with libcurl. Failures say whether a retry can help
// (the outbox job retries temporary ones and gives up on permanent ones).

#include <openvap/result.h>

#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"

namespace openvap::mail {

struct Attachment {
  std::string filename;
  std::string content_type;  // e.g. "application/pdf"
  Bytes content;
};

struct Message {
  std::string from;  // "OpenVAP <no-reply@vap.example>" or a bare address
  std::vector<std::string> to;
  std::vector<std::string> cc;
  std::string reply_to;
  std::string subject;  // UTF-8
  std::string text;     // UTF-8 plain text
  std::optional<std::string> html;
  std::vector<Attachment> attachments;
  std::string message_id;  // "<id@domain>"; set by the sender when empty
};

// The message as RFC 5322 text with CRLF line ends: encoded-word headers (RFC 2047), base64
// bodies (RFC 2045), multipart/alternative and multipart/mixed as needed.
std::string Render(const Message& message, Timestamp date);

class MailSender {
 public:
  virtual ~MailSender() = default;
  // Errors: "mail-temporary" (connection refused, timeout, 4xx: retry later) or
  // "mail-permanent" (5xx, invalid address: do not retry).
  virtual Status Send(const Message& message) = 0;
};

struct SmtpSettings {
  std::string url = "smtp://127.0.0.1:25";  // smtp:// (STARTTLS per `starttls`) or smtps://
  enum class StartTls { kNever, kIfOffered, kRequired } starttls = StartTls::kIfOffered;
  std::string username{};
  std::string password{};
  std::string helo_domain = "openvap.localhost";
  std::chrono::seconds timeout{30};
};

class SmtpMailer final : public MailSender {
 public:
  SmtpMailer(SmtpSettings settings, const Clock& clock);
  Status Send(const Message& message) override;

 private:
  SmtpSettings settings_;
  const Clock& clock_;
};

// A mail folder instead of an SMTP server (the embedded default of `openvap serve`, for a demo
// without a mail server): each message is written as `<sequence>-<kind>.eml` (RFC 5322 text),
// atomically (written to a temporary name, then renamed). Errors: "mail-temporary" when the
// folder cannot be written.
class FolderMailer final : public MailSender {
 public:
  FolderMailer(std::string directory, const Clock& clock);
  Status Send(const Message& message) override;

 private:
  std::string directory_;
  const Clock& clock_;
};

// The address part of "Name <address>" (or the text itself).
std::string AddressOf(const std::string& mailbox);

}  // namespace openvap::mail

#endif  // OPENVAP_ADAPTERS_MAIL_MAIL_H_
