#include "adapters/mail/mail.h"

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "base/time.h"

namespace openvap::mail {
namespace {

bool IsAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c & 0x80) == 0; });
}

// RFC 2047 encoded-words, each at most 75 characters and never splitting a UTF-8 sequence.
std::string EncodeHeader(std::string_view value) {
  if (IsAscii(value) && value.find_first_of("\r\n") == std::string_view::npos) {
    return std::string(value);
  }
  std::string out;
  std::size_t i = 0;
  while (i < value.size()) {
    std::size_t end = std::min(value.size(), i + 45);  // 45 bytes -> 60 base64 characters
    while (end < value.size() && (value[end] & 0xC0) == 0x80) --end;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + ToBase64(AsBytes(value.substr(i, end - i))) + "?=";
    i = end;
  }
  return out;
}

std::string Base64Lines(ByteView bytes) {
  const std::string b64 = ToBase64(bytes);
  std::string out;
  for (std::size_t i = 0; i < b64.size(); i += 76) out += b64.substr(i, 76) + "\r\n";
  return out;
}

std::string RfcDate(Timestamp t) {
  // RFC 5322 §3.3 in UTC: "Sun, 22 Nov 2026 10:00:00 +0000".
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto secs = std::chrono::floor<std::chrono::seconds>(t);
  const auto day = std::chrono::floor<std::chrono::days>(secs);
  const Date date{day};
  const std::chrono::weekday wd{day};
  const std::chrono::hh_mm_ss hms{secs - day};
  char buf[64];
  (void)std::snprintf(
      buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d +0000", kDays[wd.c_encoding()],
      static_cast<unsigned>(date.day()), kMonths[static_cast<unsigned>(date.month()) - 1],
      static_cast<int>(date.year()), static_cast<int>(hms.hours().count()),
      static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return buf;
}

std::string Join(const std::vector<std::string>& list) {
  std::string out;
  for (const std::string& s : list) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string Boundary(const std::string& seed, const char* kind) {
  return std::string("=_openvap_") + kind + "_" + seed;
}

std::size_t ReadMessage(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* source = static_cast<std::pair<const std::string*, std::size_t>*>(user);
  const std::size_t left = source->first->size() - source->second;
  const std::size_t n = std::min(left, size * count);
  std::memcpy(buffer, source->first->data() + source->second, n);
  source->second += n;
  return n;
}

// What every sender checks first: someone to send to, and addresses that are one header line
// each. A line break in an address would add headers of its own (RFC 5322 §2.2: Bcc, a second
// Subject); such a message is refused for good, never sent.
Status CheckSendable(const Message& m) {
  if (m.to.empty() && m.cc.empty()) {
    return Error{"mail-permanent", "the message has no recipient"};
  }
  const auto broken = [](const std::string& address) {
    return std::any_of(address.begin(), address.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
  };
  for (const auto* list : {&m.to, &m.cc}) {
    for (const std::string& address : *list) {
      if (broken(address)) {
        return Error{"mail-permanent",
                     "a recipient's address holds a line break or a control character"};
      }
    }
  }
  if (broken(m.from) || broken(m.reply_to)) {
    return Error{"mail-permanent",
                 "the sender's address holds a line break or a control character"};
  }
  return Ok();
}

}  // namespace

std::string AddressOf(const std::string& mailbox) {
  const std::size_t lt = mailbox.find('<');
  const std::size_t gt = mailbox.find('>', lt);
  if (lt != std::string::npos && gt != std::string::npos)
    return mailbox.substr(lt + 1, gt - lt - 1);
  return mailbox;
}

std::string Render(const Message& m, Timestamp date) {
  const std::string seed = ToHex(AsBytes(m.message_id)).substr(0, 16);
  std::string out;
  out += "Date: " + RfcDate(date) + "\r\n";
  out += "From: " + m.from + "\r\n";
  if (!m.to.empty()) out += "To: " + Join(m.to) + "\r\n";
  if (!m.cc.empty()) out += "Cc: " + Join(m.cc) + "\r\n";
  if (!m.reply_to.empty()) out += "Reply-To: " + m.reply_to + "\r\n";
  out += "Message-ID: " + m.message_id + "\r\n";
  out += "Subject: " + EncodeHeader(m.subject) + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Auto-Submitted: auto-generated\r\n";

  const std::string text_part =
      "Content-Type: text/plain; charset=utf-8\r\n"
      "Content-Transfer-Encoding: base64\r\n\r\n" +
      Base64Lines(AsBytes(m.text));
  std::string body_part = text_part;
  if (m.html) {
    const std::string b = Boundary(seed, "alt");
    body_part = "Content-Type: multipart/alternative; boundary=\"" + b + "\"\r\n\r\n--" + b +
                "\r\n" + text_part + "--" + b +
                "\r\nContent-Type: text/html; charset=utf-8\r\n"
                "Content-Transfer-Encoding: base64\r\n\r\n" +
                Base64Lines(AsBytes(*m.html)) + "--" + b + "--\r\n";
  }
  if (m.attachments.empty()) return out + body_part;
  const std::string b = Boundary(seed, "mix");
  out += "Content-Type: multipart/mixed; boundary=\"" + b + "\"\r\n\r\n";
  out += "--" + b + "\r\n" + body_part;
  for (const Attachment& a : m.attachments) {
    out += "--" + b + "\r\nContent-Type: " + a.content_type + "; name=\"" + a.filename +
           "\"\r\nContent-Disposition: attachment; filename=\"" + a.filename +
           "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + Base64Lines(a.content);
  }
  return out + "--" + b + "--\r\n";
}

SmtpMailer::SmtpMailer(SmtpSettings settings, const Clock& clock)
    : settings_(std::move(settings)), clock_(clock) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
}

FolderMailer::FolderMailer(std::string directory, const Clock& clock)
    : directory_(std::move(directory)), clock_(clock) {}

Status FolderMailer::Send(const Message& input) {
  OPENVAP_RETURN_IF_ERROR(CheckSendable(input));
  static std::atomic<std::uint64_t> counter{0};
  const std::string name =
      std::to_string(clock_.Now().time_since_epoch().count()) + "-" + std::to_string(counter++);
  Message m = input;
  if (m.message_id.empty()) m.message_id = "<" + name + "@openvap.localhost>";
  std::error_code ec;
  std::filesystem::create_directories(directory_, ec);
  const std::filesystem::path final_path = std::filesystem::path(directory_) / (name + ".eml");
  const std::filesystem::path temp_path = final_path.string() + ".tmp";
  {
    std::ofstream out(temp_path, std::ios::binary | std::ios::trunc);
    out << Render(m, clock_.Now());
    out.close();
    if (!out) return Error{"mail-temporary", "cannot write " + temp_path.string()};
  }
  std::filesystem::rename(temp_path, final_path, ec);
  if (ec)
    return Error{"mail-temporary", "cannot write " + final_path.string() + ": " + ec.message()};
  return Ok();
}

Status SmtpMailer::Send(const Message& input) {
  OPENVAP_RETURN_IF_ERROR(CheckSendable(input));
  Message m = input;
  if (m.message_id.empty()) {
    static std::atomic<std::uint64_t> counter{0};
    m.message_id = "<" + std::to_string(clock_.Now().time_since_epoch().count()) + "." +
                   std::to_string(counter++) + "@" + settings_.helo_domain + ">";
  }
  const std::string text = Render(m, clock_.Now());
  std::pair<const std::string*, std::size_t> source{&text, 0};

  CURL* curl = curl_easy_init();
  if (curl == nullptr) return Error{"mail-temporary", "cannot start a mail transfer"};
  curl_slist* recipients = nullptr;
  for (const auto& list : {m.to, m.cc}) {
    for (const std::string& r : list) {
      recipients = curl_slist_append(recipients, ("<" + AddressOf(r) + ">").c_str());
    }
  }
  const std::string from = "<" + AddressOf(m.from) + ">";
  // libcurl takes the EHLO domain from the URL's path.
  std::string url = settings_.url;
  if (url.find('/', url.find("://") + 3) == std::string::npos) url += "/" + settings_.helo_domain;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadMessage);
  curl_easy_setopt(curl, CURLOPT_READDATA, &source);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, static_cast<long>(settings_.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(settings_.timeout.count()) * 2);
  const long tls = settings_.starttls == SmtpSettings::StartTls::kRequired    ? CURLUSESSL_ALL
                   : settings_.starttls == SmtpSettings::StartTls::kIfOffered ? CURLUSESSL_TRY
                                                                              : CURLUSESSL_NONE;
  curl_easy_setopt(curl, CURLOPT_USE_SSL, tls);
  if (!settings_.username.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, settings_.username.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, settings_.password.c_str());
  }
  const CURLcode rc = curl_easy_perform(curl);
  long response = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response);
  curl_slist_free_all(recipients);
  curl_easy_cleanup(curl);
  if (rc == CURLE_OK) return Ok();
  const std::string why = std::string(curl_easy_strerror(rc)) +
                          (response != 0 ? " (SMTP " + std::to_string(response) + ")" : "");
  if (response >= 500 && response < 600) return Error{"mail-permanent", why};
  if (rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL || rc == CURLE_LOGIN_DENIED) {
    return Error{"mail-permanent", why};
  }
  return Error{"mail-temporary", why};  // connection problems, timeouts, 4xx
}

}  // namespace openvap::mail
