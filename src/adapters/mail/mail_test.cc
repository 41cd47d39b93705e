// Mail through a real SMTP server on loopback (aiosmtpd): headers, encodings, attachments,
// several recipients, and the classification of failures for the outbox's retries.
#include "adapters/mail/mail.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "base/time.h"
#include "support/process.h"
#include "support/smtp_sink.h"
#include "support/test_files.h"

namespace openvap::mail {
namespace {

using openvap::testing::SmtpSink;

// Decodes the base64 body parts of a received message (test helper).
std::string DecodedParts(const std::string& data) {
  std::string out;
  std::size_t pos = 0;
  while ((pos = data.find("Content-Transfer-Encoding: base64\r\n\r\n", pos)) != std::string::npos) {
    pos += 37;
    const std::size_t end = data.find("\r\n--", pos);  // the next boundary
    out += AsString(*FromBase64(data.substr(pos, end - pos)));
  }
  return out;
}

class MailTest : public ::testing::Test {
 protected:
  MailTest() : clock_(*ParseIsoTimestamp("2026-11-22T10:00:00Z")) {}
  SmtpSink sink_;
  FixedClock clock_;
};

TEST_F(MailTest, DeliversUtf8TextAndAttachmentsToEveryRecipient) {
  SmtpMailer mailer({.url = sink_.url(), .helo_domain = "vap.example"}, clock_);
  Message m;
  m.from = "OpenVAP <no-reply@vap.example>";
  m.to = {"anna@example.org", "Agent <agent@travel.example>"};
  m.subject = "Απόφαση για την αίτησή σας — décision";
  m.text = "Ваше решение готово. Sign in to read it.\nSecond line.";
  m.attachments.push_back({"decision.pdf", "application/pdf", {'%', 'P', 'D', 'F', '-', 0, 0xFF}});
  const Status sent = mailer.Send(m);
  ASSERT_TRUE(sent.ok()) << sent.error().message;
  const auto mails = sink_.WaitFor(1);
  ASSERT_EQ(mails.size(), 1U);
  EXPECT_EQ(mails[0].mail_from, "no-reply@vap.example");
  EXPECT_EQ(mails[0].recipients,
            (std::vector<std::string>{"anna@example.org", "agent@travel.example"}));
  EXPECT_EQ(mails[0].helo, "vap.example");
  const std::string& data = mails[0].data;
  EXPECT_NE(data.find("Date: Sun, 22 Nov 2026 10:00:00 +0000\r\n"), std::string::npos);
  EXPECT_NE(data.find("Subject: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(data.find("Message-ID: <"), std::string::npos);
  EXPECT_NE(data.find("multipart/mixed"), std::string::npos);
  const std::string parts = DecodedParts(data);
  EXPECT_NE(parts.find("Ваше решение готово."), std::string::npos);
  EXPECT_NE(parts.find(std::string("%PDF-\0\xFF", 7)), std::string::npos);
}

TEST_F(MailTest, TheSubjectSurvivesEncodingWordForWord) {
  Message m;
  m.from = "a@b.example";
  m.to = {"c@d.example"};
  m.message_id = "<x@y>";
  m.subject = std::string(40, 'x') + "é" + std::string(60, 'y') + "日本";
  const std::string text = Render(m, clock_.Now());
  std::string decoded;
  std::size_t pos = 0;
  while ((pos = text.find("=?UTF-8?B?", pos)) != std::string::npos) {
    pos += 10;
    const std::size_t end = text.find("?=", pos);
    decoded += AsString(*FromBase64(text.substr(pos, end - pos)));
    EXPECT_LE(end - pos + 12, 75U);  // RFC 2047 §2: an encoded-word is at most 75 characters
  }
  EXPECT_EQ(decoded, m.subject);
}

TEST_F(MailTest, RejectionsAreClassifiedForRetries) {
  SmtpMailer mailer({.url = sink_.url()}, clock_);
  Message m;
  m.from = "no-reply@vap.example";
  m.subject = "x";
  m.text = "x";
  m.to = {"tempfail@example.org"};
  EXPECT_EQ(mailer.Send(m).error().code, "mail-temporary");
  m.to = {"permfail@example.org"};
  EXPECT_EQ(mailer.Send(m).error().code, "mail-permanent");
  m.to = {};
  EXPECT_EQ(mailer.Send(m).error().code, "mail-permanent");
  // An address with a line break would add headers (Bcc, Subject): refused, never sent.
  m.to = {"anna@example.org\r\nBcc: evil@evil.example"};
  EXPECT_EQ(mailer.Send(m).error().code, "mail-permanent");
  openvap::testing::TempDir dir;
  FolderMailer folder(dir.path() + "/mail", clock_);
  EXPECT_EQ(folder.Send(m).error().code, "mail-permanent");
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/mail"));
  m.to = {"anna@example.org"};
  m.reply_to = "x@y.example\nBcc: z@y.example";
  EXPECT_EQ(folder.Send(m).error().code, "mail-permanent");
}

TEST_F(MailTest, AServerThatIsDownIsATemporaryFailure) {
  SmtpMailer mailer({.url = "smtp://127.0.0.1:1", .timeout = std::chrono::seconds(5)}, clock_);
  Message m;
  m.from = "no-reply@vap.example";
  m.to = {"anna@example.org"};
  const Status s = mailer.Send(m);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "mail-temporary");
}

}  // namespace
}  // namespace openvap::mail

namespace openvap::mail {
namespace {

TEST(FolderMailer, WritesOneRfc5322FilePerMessage) {
  openvap::testing::TempDir dir;
  FixedClock clock(*ParseIsoTimestamp("2027-01-01T10:00:00Z"));
  FolderMailer mailer(dir.path() + "/outbox", clock);
  Message m;
  m.from = "OpenVAP <no-reply@vap.example>";
  m.to = {"ana@example.org"};
  m.subject = "Décision";
  m.text = "Votre visa est délivré.";
  ASSERT_TRUE(mailer.Send(m).ok());
  ASSERT_TRUE(mailer.Send(m).ok());
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir.path() + "/outbox")) {
    files.push_back(e.path().string());
  }
  ASSERT_EQ(files.size(), 2U);
  const std::string text = AsString(openvap::testing::ReadFileBytes(files[0]));
  EXPECT_NE(text.find("To: ana@example.org"), std::string::npos) << text;
  EXPECT_NE(text.find("Subject: =?UTF-8?"), std::string::npos) << text;
  Message none = m;
  none.to.clear();
  EXPECT_EQ(mailer.Send(none).error().code, "mail-permanent");
}

}  // namespace
}  // namespace openvap::mail
