// The whole procedure against a real server on loopback (issue 5 "Must show"), once on SQLite
// and once on PostgreSQL: register with e-mail verification, TOTP, fill in the Annex I form,
// upload, pre-checks, pay on the sandbox's hosted page (signed webhook by job), book, the
// service provider's review and biometrics (VIS 7f), the consulate's acceptance and decision,
// notification by SMTP, download of the seal and the PDF, verification offline (`openvap seal
// verify` with the state's PKI) and through the API, transfer to the national system.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <filesystem>
#include <set>
#include <thread>

#include "base/bytes.h"
#include "base/time.h"
#include "platform_fixture.h"
#include "support/postgres_server.h"

namespace openvap::testing {
namespace {

using nlohmann::json;

// Polls `probe` for up to 20 s: background jobs run asynchronously.
template <typename Probe>
bool Eventually(Probe probe) {
  for (int i = 0; i < 200; ++i) {
    if (probe()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// The start of a JPEG file (JFIF): uploads are checked by their content.
std::string JpegStart() {
  return {"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", 20};
}

// Annex I filled in, in two steps, for a stay in France from `from` to `to`.
void FillInTheForm(ApiSession& applicant, const std::string& app, const std::string& email,
                   const std::string& from, const std::string& to) {
  applicant.Expect(200, "PATCH", app + "/form",
                   {{"fields",
                     {{"1", "DOE"},
                      {"3", "ANA"},
                      {"4", "1990-05-01"},
                      {"5", "Mumbai"},
                      {"6", "IND"},
                      {"7", "IND"},
                      {"8", "Female"},
                      {"9", "Single"},
                      {"12", "Ordinary passport"},
                      {"13", "X1234567"},
                      {"14", "2020-01-01"},
                      {"15", "2030-01-01"},
                      {"16", "IND"}}}});
  applicant.Expect(200, "PATCH", app + "/form",
                   {{"fields",
                     {{"19", email},
                      {"21", "Engineer"},
                      {"23", {"Tourism"}},
                      {"25", {"FR"}},
                      {"26", "FR"},
                      {"27", "single"},
                      {"27a", from},
                      {"27b", to},
                      {"28", "No"},
                      {"30", "Hotel Lutetia, Paris"},
                      {"32", "by the applicant himself/herself"},
                      {"residence_time_zone", "Asia/Kolkata"},
                      {"itinerary", {{{"state", "FR"}, {"from", from}, {"to", to}}}}}}});
}

// The photo and the copy of the travel document (VAP-DOCS).
void UploadPhotoAndPassport(ApiSession& applicant, const std::string& app) {
  EXPECT_EQ(
      applicant.Upload(app + "/documents?kind=photo&filename=photo.jpg", JpegStart(), "image/jpeg")
          .status,
      201);
  EXPECT_EQ(applicant
                .Upload(app + "/documents?kind=travel-document&filename=passport.pdf",
                        "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                        "application/pdf")
                .status,
            201);
}

class WholeProcedure : public ::testing::TestWithParam<std::string> {
 protected:
  // The database of the engine under test: a new one named `name` on the shared PostgreSQL
  // server, or "" for the server's own SQLite file.
  std::string Database(const char* name) const {
    return GetParam() == "postgresql" ? PostgresServer::Shared().CreateDatabase(name) : "";
  }
};

TEST_P(WholeProcedure, FromRegistrationToAVerifiedDigitalVisa) {
  TempDir dir;
  SmtpSink smtp;
  const std::string database = Database("procedure");
  const std::string data = dir.path() + "/data";
  PlatformServer server(data, database, smtp.url());
  ASSERT_FALSE(server.url().empty());

  // VAP-ACCT: registration with e-mail verification, then TOTP.
  ApiSession applicant(server.url());
  const std::string email = "ana.doe@example.org";
  const std::string password = "correct horse battery staple";
  applicant.Expect(202, "POST", "/api/v1/accounts",
                   {{"email", email}, {"password", password}, {"display_name", "Ana Doe"}});
  const auto verification = smtp.WaitFor(1);
  ASSERT_EQ(verification.size(), 1U);
  const std::string token = Extract(MailText(verification[0].data), "token=");
  ASSERT_FALSE(token.empty()) << MailText(verification[0].data);
  // The link opens a page of this platform; its button confirms the address.
  const std::string link = server.url() + "/verify-email?token=" + token;
  ASSERT_NE(MailText(verification[0].data).find(link), std::string::npos)
      << MailText(verification[0].data);
  HttpClient mailbox(server.url());
  const HttpResult page = mailbox.Get(link.substr(server.url().size()));
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.body.find("<form method=\"post\" action=\"/verify-email\">"), std::string::npos);
  const HttpResult confirmed = mailbox.Post("/verify-email", "token=" + token,
                                            {"Content-Type: application/x-www-form-urlencoded"});
  EXPECT_EQ(confirmed.status, 200) << confirmed.body;
  ASSERT_FALSE(applicant.SignInWithTotp(email, password).empty());

  // VAP-FORM: the draft, saved in steps.
  const json draft =
      applicant.Expect(201, "POST", "/api/v1/applications", {{"kind", "short-stay-visa"}});
  const std::string id = draft.value("id", "");
  ASSERT_FALSE(id.empty()) << draft;
  const std::string app = "/api/v1/applications/" + id;
  const std::string from = Day(30);
  const std::string to = Day(39);
  FillInTheForm(applicant, app, email, from, to);
  // Filled in with the help of a travel agent, who is told of the decision too (VC Art 32(2)).
  applicant.Expect(200, "PATCH", app + "/form",
                   {{"fields",
                     {{"33", "SINGH RAVI"},
                      {"33a", "Sunrise Travel, 1 Janpath, New Delhi; agent@travel.example"}}}});
  // VIS 7b(5): text that is not in the Latin alphabet is refused, naming the field.
  const HttpResult cyrillic =
      applicant.Call("PATCH", app + "/form", {{"fields", {{"5", "Мумбаи"}}}});
  EXPECT_EQ(cyrillic.status, 422) << cyrillic.body;

  // VAP-DOCS: uploads are checked by their content; without the CSRF token nothing changes.
  EXPECT_EQ(applicant.http()
                .Post(app + "/documents?kind=photo&filename=photo.jpg", JpegStart(),
                      {"Content-Type: image/jpeg"})
                .status,
            403);
  UploadPhotoAndPassport(applicant, app);
  const HttpResult fake =
      applicant.Upload(app + "/documents?kind=supporting-document&filename=x.pdf",
                       std::string("MZ\x90\x00", 4), "application/pdf");
  EXPECT_EQ(fake.status / 100, 4) << fake.body;

  // VAP-COMP, VAP-ADM: the pre-checks tell the applicant what is missing.
  const json pre = applicant.Expect(200, "GET", app + "/prechecks");
  EXPECT_EQ(pre.value("competent_state", ""), "FR") << pre;
  EXPECT_EQ(pre.value("competence_reason", ""), "sole-destination") << pre;
  EXPECT_EQ(pre.value("fee_eur", 0.0), 90.0) << pre;
  EXPECT_FALSE(pre.value("admissible", true)) << pre;

  // VAP-PAY: the sandbox's hosted page; the webhook arrives by a background job.
  const json payment = applicant.Expect(201, "POST", app + "/payments");
  const std::string redirect = payment.value("redirect_url", "");
  ASSERT_EQ(redirect.rfind(server.url() + "/sandbox-pay/", 0), 0U) << payment;
  HttpClient browser(server.url());
  const HttpResult paid =
      browser.Post(redirect.substr(server.url().size()), "card=4242+4242+4242+4242&action=pay",
                   {"Content-Type: application/x-www-form-urlencoded"});
  EXPECT_EQ(paid.status, 303) << paid.body;
  EXPECT_TRUE(Eventually([&] {
    const json list = applicant.Expect(200, "GET", app + "/payments");
    for (const json& p : list.value("payments", json::array())) {
      if (p.value("status", "") == "paid") return true;
    }
    return false;
  })) << "the payment webhook did not arrive";

  // VAP-APPT: a slot of the service provider in Delhi.
  const json slots =
      applicant.Expect(200, "GET", "/api/v1/appointments/slots?state=FR&organisation=esp-delhi");
  ASSERT_FALSE(slots.value("slots", json::array()).empty()) << slots;
  const std::string slot = slots["slots"][0].value("id", "");
  // In the time of the place, New Delhi (+05:30): the demo's mornings, 9:00 to 12:00.
  const json& first_slot = slots["slots"][0];
  EXPECT_EQ(first_slot.value("time_zone", ""), "Asia/Kolkata") << first_slot;
  const std::string local = first_slot.value("starts_at_local", "");
  ASSERT_EQ(local.size(), 25U) << first_slot;
  EXPECT_EQ(local.substr(19), "+05:30") << first_slot;
  EXPECT_GE(local.substr(11, 5), "09:00") << first_slot;
  EXPECT_LE(local.substr(11, 5), "11:30") << first_slot;
  EXPECT_EQ(*ParseIsoTimestamp(local), *ParseIsoTimestamp(first_slot.value("starts_at", "")));
  applicant.Expect(200, "POST", app + "/appointment", {{"slot_id", slot}});

  // Submission: the declarations act as the signature; biometrics are still to be taken.
  const json submitted = applicant.Expect(200, "POST", app + "/submit",
                                          {{"declarations", {"D1", "D3", "D4", "D5", "D6"}}});
  EXPECT_EQ(submitted.value("status", ""), "submitted") << submitted;

  // VAP-ESP: the provider's staff, by API key, only through the gateway (VIS 7f).
  const json provider = server.DemoAccount("service-provider");
  ASSERT_TRUE(provider.is_object());
  HttpClient esp(server.url());
  const std::vector<std::string> key{"Authorization: Bearer " + provider.value("api_key", ""),
                                     "Content-Type: application/json"};
  const std::string gateway = "/api/v1/esp/applications/" + id;
  EXPECT_EQ(esp.Get("/api/v1/esp/applications", key).status, 200);
  EXPECT_EQ(esp.Get("/api/v1/consulate/applications", key).status / 100, 4);
  // Slots say where their time is (VAP-APPT): without a time zone they are refused.
  const std::string tomorrow = Day(2) + "T04:00:00Z";
  const HttpResult no_zone =
      esp.Post("/api/v1/esp/slots", R"({"slots": [{"starts_at": ")" + tomorrow + R"("}]})", key);
  EXPECT_EQ(no_zone.status, 422) << no_zone.body;
  EXPECT_NE(no_zone.body.find("time_zone"), std::string::npos) << no_zone.body;
  // Nor without the offset of their time (09:00 read as UTC would be 14:30 in New Delhi).
  const HttpResult no_offset = esp.Post(
      "/api/v1/esp/slots",
      R"({"slots": [{"starts_at": ")" + Day(2) + R"(T09:00:00", "time_zone": "Asia/Kolkata"}]})",
      key);
  EXPECT_EQ(no_offset.status, 422) << no_offset.body;
  EXPECT_NE(no_offset.body.find("slots[0].starts_at"), std::string::npos) << no_offset.body;
  const HttpResult published = esp.Post(
      "/api/v1/esp/slots",
      R"({"slots": [{"starts_at": ")" + tomorrow + R"(", "time_zone": "Asia/Kolkata"}]})", key);
  EXPECT_EQ(published.status, 201) << published.body;
  // The uploaded copy of the travel document, to compare with the one presented (VC Art 12(4)).
  const HttpResult files = esp.Get(gateway + "/documents", key);
  ASSERT_EQ(files.status, 200) << files.body;
  std::string copy;
  for (const json& d : json::parse(files.body).value("documents", json::array())) {
    if (d.value("kind", "") == "travel-document") copy = d.value("id", "");
  }
  ASSERT_FALSE(copy.empty()) << files.body;
  const HttpResult copy_content = esp.Get(gateway + "/documents/" + copy, key);
  EXPECT_EQ(copy_content.status, 200);
  EXPECT_EQ(copy_content.body.rfind("%PDF-", 0), 0U);
  EXPECT_EQ(esp.Post(gateway + "/travel-document-check", R"({"matches": true})", key).status, 200);
  EXPECT_EQ(
      esp.Post(gateway + "/biometrics", R"({"travel_document_number": "X1234567"})", key).status,
      200);
  EXPECT_EQ(esp.Post(gateway + "/document-quality", R"({"ok": true})", key).status, 200);
  const HttpResult reviewed = esp.Post(gateway + "/reviewed", "{}", key);
  EXPECT_EQ(reviewed.status, 200) << reviewed.body;

  // The consulate: the notified file with its pre-checks, accept, issue.
  ApiSession officer(server.url());
  ASSERT_TRUE(server.SignInDemoStaff(officer, "consular-officer"));
  const json queue = officer.Expect(200, "GET", "/api/v1/consulate/applications?status=notified");
  ASSERT_NE(queue.dump().find(id), std::string::npos) << queue;
  officer.Expect(200, "POST", "/api/v1/consulate/applications/" + id + "/accept", json::object());
  const json visa = officer.Expect(201, "POST", "/api/v1/consulate/applications/" + id + "/issue",
                                   {{"type", "C"},
                                    {"valid_from", from},
                                    {"valid_until", Day(54)},
                                    {"entries", 1},
                                    {"duration_of_stay_days", 10}});
  const std::string number = visa.value("visa_number", "");
  ASSERT_EQ(number.substr(0, 3), "FRA") << visa;

  // VAP-NOTIFY: the decision in the account and by e-mail, to the applicant and to the person
  // who filled in the form for them (field 33a; VC Art 32(2)), each a message of their own.
  std::vector<std::string> told;
  for (const ReceivedMail& mail : smtp.WaitFor(3, std::chrono::seconds(20))) {
    if (MailText(mail.data).find("A decision on your visa application") == std::string::npos) {
      continue;
    }
    ASSERT_EQ(mail.recipients.size(), 1U) << mail.data;
    EXPECT_NE(mail.data.find("To: " + mail.recipients[0]), std::string::npos) << mail.data;
    told.push_back(mail.recipients[0]);
  }
  std::sort(told.begin(), told.end());
  EXPECT_EQ(told, (std::vector<std::string>{"agent@travel.example", email}));
  const json messages = applicant.Expect(200, "GET", "/api/v1/me/messages");
  EXPECT_NE(messages.dump().find("decision"), std::string::npos) << messages;

  // DV-SEAL: the seal and the PDF; the seal verifies offline with the state's PKI alone.
  const HttpResult hex = applicant.Call("GET", "/api/v1/visas/" + number + "/seal?as=hex");
  ASSERT_EQ(hex.status, 200) << hex.body;
  std::string code = hex.body;
  while (!code.empty() && (code.back() == '\n' || code.back() == '\r')) code.pop_back();
  // Genuine today, but the visa holds from `from` on (exit 3 until then, DV-OFFLINE).
  const CommandResult today =
      RunOpenvap({"seal", "verify", "-", "--trust", data + "/pki/FR"}, code);
  EXPECT_EQ(today.exit_code, 3) << today.out << today.err;
  EXPECT_NE(today.out.find("\"not-yet-valid\""), std::string::npos) << today.out;
  const CommandResult offline =
      RunOpenvap({"seal", "verify", "-", "--trust", data + "/pki/FR", "--at", from}, code);
  EXPECT_EQ(offline.exit_code, 0) << offline.out << offline.err;
  EXPECT_NE(offline.out.find(number), std::string::npos);
  const HttpResult pdf = applicant.Call("GET", "/api/v1/visas/" + number + "/pdf");
  EXPECT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.body.substr(0, 5), "%PDF-");
  const HttpResult png = applicant.Call("GET", "/api/v1/visas/" + number + "/seal");
  EXPECT_EQ(png.status, 200);
  EXPECT_EQ(png.body.substr(1, 3), "PNG");

  // VAP-VERIFY: anyone can check the code; a public verifier learns only the status.
  ApiSession anyone(server.url());
  const json checked = anyone.Expect(200, "POST", "/api/v1/verify", {{"code", code}});
  const HttpResult both =
      anyone.Call("POST", "/api/v1/verify", {{"code", code}, {"image", "AA=="}});
  EXPECT_EQ(both.status, 422) << both.body;  // one of them, not both
  EXPECT_NE(both.body.find("not both"), std::string::npos) << both.body;
  EXPECT_EQ(checked.value("status", ""), "not-yet-valid") << checked;  // valid from `from`
  EXPECT_EQ(checked.dump().find("DOE"), std::string::npos) << "a public verifier saw the name";
  // A photo of the code: scanned, twenty in ten minutes from one address (seconds of work
  // each), then 429.
  HttpClient camera(server.url());
  for (int i = 0; i < 20; ++i) {
    const auto photo = camera.Post("/api/v1/verify", png.body, {"Content-Type: image/png"});
    ASSERT_EQ(photo.status, 200) << i << photo.body;
    EXPECT_EQ(json::parse(photo.body).value("status", ""), "not-yet-valid") << photo.body;
  }
  const auto throttled = camera.Post("/api/v1/verify", png.body, {"Content-Type: image/png"});
  EXPECT_EQ(throttled.status, 429) << throttled.body;
  EXPECT_EQ(anyone.Expect(200, "POST", "/api/v1/verify", {{"code", code}}).value("status", ""),
            "not-yet-valid");  // codes are not counted
  // DV-CHECK: the border guard looks the visa up by number and sees the record.
  ApiSession guard(server.url());
  ASSERT_TRUE(server.SignInDemoStaff(guard, "border-guard"));
  const json record = guard.Expect(200, "GET", "/api/v1/border/visas/" + number);
  EXPECT_NE(record.dump().find("DOE"), std::string::npos) << record;
  std::string typed = number;  // as typed at a desk: lower case
  std::transform(typed.begin(), typed.end(), typed.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  EXPECT_EQ(guard.Expect(200, "GET", "/api/v1/border/visas/" + typed)["document"]["visa_number"],
            number);

  // VAP-XFER: the accepted file went to the national system and left temporary storage.
  EXPECT_TRUE(Eventually([&] {
    std::error_code ec;
    const auto folder = std::filesystem::path(data) / "outbound" / "national-system";
    if (!std::filesystem::exists(folder, ec)) return false;
    for (const auto& f : std::filesystem::directory_iterator(folder)) {
      if (f.path().string().find(id) != std::string::npos) return true;
    }
    return false;
  }));

  // VAP-BIO (VIS 7d(4)): the next application with the same passport finds the fingerprints
  // given at the provider on record; no visit is needed this time.
  const std::string next =
      "/api/v1/applications/" +
      applicant.Expect(201, "POST", "/api/v1/applications", {{"kind", "short-stay-visa"}})
          .value("id", "");
  FillInTheForm(applicant, next, email, Day(60), Day(65));
  const json again = applicant.Expect(200, "GET", next + "/prechecks");
  EXPECT_FALSE(again.value("visit_required", true)) << again;
  EXPECT_EQ(again.dump().find("biometrics-not-collected"), std::string::npos) << again;

  // VC Art 34(2): a revoked visa's signed barcode and PDF are no longer handed to its holder
  // (offline, the signature would still check out); the border guard still gets them for the
  // record, and the online check says revoked.
  officer.Expect(200, "POST", "/api/v1/consulate/visas/" + number + "/revoke",
                 {{"grounds", {2}}, {"remarks", "the purpose of the stay changed"}});
  for (const char* download : {"/seal?as=hex", "/pdf"}) {
    const HttpResult refused = applicant.Call("GET", "/api/v1/visas/" + number + download);
    EXPECT_EQ(refused.status, 409) << download << " " << refused.body;
    EXPECT_NE(refused.body.find("visa-withdrawn"), std::string::npos) << refused.body;
  }
  EXPECT_EQ(applicant.Expect(200, "GET", "/api/v1/visas/" + number).value("status", ""), "revoked");
  EXPECT_EQ(guard.Call("GET", "/api/v1/visas/" + number + "/seal?as=hex").status, 200);
  EXPECT_EQ(anyone.Expect(200, "POST", "/api/v1/verify", {{"code", code}}).value("status", ""),
            "revoked");

  // VAP-DP: the audit trail says who read and changed the file, and its chain is intact.
  const std::vector<std::string> where = database.empty()
                                             ? std::vector<std::string>{"--data-dir", data}
                                             : std::vector<std::string>{"--database", database};
  std::vector<std::string> verify_args{"audit", "verify"};
  verify_args.insert(verify_args.end(), where.begin(), where.end());
  const CommandResult audit = RunOpenvap(verify_args);
  EXPECT_EQ(audit.exit_code, 0) << audit.out << audit.err;
  EXPECT_NE(audit.out.find("\"intact\": true"), std::string::npos) << audit.out;
  std::vector<std::string> list_args{"audit", "list", "--subject", "visa:" + number};
  list_args.insert(list_args.end(), where.begin(), where.end());
  const CommandResult of_visa = RunOpenvap(list_args);
  EXPECT_EQ(of_visa.exit_code, 0) << of_visa.err;
  EXPECT_NE(of_visa.out.find("\"action\":\"visa.revoke\""), std::string::npos) << of_visa.out;
  EXPECT_EQ(of_visa.out.find("application:"), std::string::npos) << "another subject's entry";
}

// VIS 7e(2): the consulate publishes slots of its own (the demo consulate in Delhi does). An
// applicant who books one is received at the consulate, whose staff check the travel document,
// take the fee in person (VAP-PAY fallback) and the biometrics (VC Art 13) before the file is
// notified: until then it is in no official's queue. Without the consulate's visit desk the file
// stayed "submitted" for ever.
TEST_P(WholeProcedure, AVisitBookedAtTheConsulateIsReceivedThere) {
  TempDir dir;
  SmtpSink smtp;
  const std::string database = Database("consulate");
  PlatformServer server(dir.path() + "/data", database, smtp.url());
  ASSERT_FALSE(server.url().empty());
  ApiSession applicant(server.url());
  const std::string email = "visitor@example.org";
  ASSERT_FALSE(
      SignUp(applicant, email, "correct horse battery staple", "applicant", TokenFromSmtp(smtp))
          .empty());
  const std::string id =
      applicant.Expect(201, "POST", "/api/v1/applications", {{"kind", "short-stay-visa"}})
          .value("id", "");
  ASSERT_FALSE(id.empty());
  const std::string app = "/api/v1/applications/" + id;
  FillInTheForm(applicant, app, email, Day(30), Day(39));
  UploadPhotoAndPassport(applicant, app);
  const json officer_account = server.DemoAccount("consular-officer");
  const std::string consulate = officer_account.value("organisation", "");
  const json slots =
      applicant.Expect(200, "GET", "/api/v1/appointments/slots?state=FR&organisation=" + consulate);
  ASSERT_FALSE(slots.value("slots", json::array()).empty()) << slots;
  applicant.Expect(200, "POST", app + "/appointment",
                   {{"slot_id", slots["slots"][0].value("id", "")}});
  applicant.Expect(200, "POST", app + "/submit",
                   {{"declarations", {"D1", "D3", "D4", "D5", "D6"}}});

  ApiSession officer(server.url());
  ASSERT_TRUE(server.SignInDemoStaff(officer, "consular-officer"));
  // Not notified yet: not in the queue, but on the consulate's list of visits.
  const json queue = officer.Expect(200, "GET", "/api/v1/consulate/applications?status=notified");
  EXPECT_EQ(queue.dump().find(id), std::string::npos) << queue;
  const json visits = officer.Expect(200, "GET", "/api/v1/consulate/visits");
  ASSERT_NE(visits.dump().find(id), std::string::npos) << visits;
  const std::string visit = "/api/v1/consulate/visits/" + id;
  EXPECT_EQ(officer.Expect(200, "GET", visit).value("status", ""), "submitted");
  // The provider in the same city has nothing to do with it.
  const json provider = server.DemoAccount("service-provider");
  HttpClient esp(server.url());
  EXPECT_EQ(esp.Get("/api/v1/esp/applications/" + id,
                    {"Authorization: Bearer " + provider.value("api_key", "")})
                .status,
            404);

  const json documents = officer.Expect(200, "GET", visit + "/documents");
  EXPECT_EQ(documents.value("documents", json::array()).size(), 2U) << documents;
  const json payment =
      officer.Expect(200, "POST", visit + "/payment-in-person", {{"receipt", "DEL-2026-0042"}});
  EXPECT_EQ(payment.value("method", ""), "at-consulate") << payment;
  officer.Expect(200, "POST", visit + "/travel-document-check", {{"matches", true}});
  // VIS 7d(4): the biometrics go with the application's travel document, not another.
  const HttpResult other =
      officer.Call("POST", visit + "/biometrics", {{"travel_document_number", "Z9999999"}});
  EXPECT_EQ(other.status, 422) << other.body;
  EXPECT_NE(other.body.find("X1234567"), std::string::npos) << other.body;
  officer.Expect(200, "POST", visit + "/biometrics", {{"travel_document_number", "X1234567"}});
  officer.Expect(200, "POST", visit + "/reviewed", json::object());

  const json notified = officer.Expect(200, "GET", "/api/v1/consulate/applications/" + id);
  EXPECT_EQ(notified.value("status", ""), "notified") << notified;
  const json paid = applicant.Expect(200, "GET", app);
  EXPECT_TRUE(paid.value("fee_paid", false)) << paid;

  // VAP-DEC, VC Art 32(2)-(3): a refusal with Annex VI grounds in French and English, saying
  // how to appeal as the state gives it (the demo's appeals.json).
  officer.Expect(200, "POST", "/api/v1/consulate/applications/" + id + "/accept", json::object());
  const json refusal =
      officer.Expect(200, "POST", "/api/v1/consulate/applications/" + id + "/refuse",
                     {{"grounds", {2}}, {"remarks", "no hotel booking"}});
  const json text = refusal.value("text", json::object());
  const std::string english = text.value("en", "");
  const std::string french = text.value("fr", "");
  EXPECT_NE(english.find("Appeal: (Demo text, not France's actual procedure.)"), std::string::npos)
      << refusal;
  EXPECT_NE(english.find("time zone of your residence"), std::string::npos) << refusal;
  EXPECT_NE(french.find("Vous pouvez former un recours"), std::string::npos) << refusal;
  EXPECT_NE(french.find("no hotel booking"), std::string::npos) << refusal;
}

// VAP-HUM, VC Art 9(1b) and 32(2): the consulate lodges an application for a person without an
// account, the refusal reaches the person as the standard form by e-mail, and the consulate
// records when it handed the form over: the decision's notification, from which the time limit
// for an appeal runs.
TEST_P(WholeProcedure, APersonWithoutAnAccountIsHandedTheDecision) {
  TempDir dir;
  SmtpSink smtp;
  const std::string database = Database("behalf");
  PlatformServer server(dir.path() + "/data", database, smtp.url());
  ASSERT_FALSE(server.url().empty());
  ApiSession officer(server.url());
  ASSERT_TRUE(server.SignInDemoStaff(officer, "consular-officer"));
  const std::string id = officer
                             .Expect(201, "POST", "/api/v1/consulate/applications",
                                     {{"contact_email", "ravi@example.org"},
                                      {"reason", "no internet access in the village"}})
                             .value("id", "");
  ASSERT_FALSE(id.empty());
  const std::string app = "/api/v1/consulate/applications/" + id;
  FillInTheForm(officer, app, "ravi@example.org", Day(30), Day(39));
  EXPECT_EQ(
      officer
          .Expect(200, "POST", app + "/submit", {{"declarations", {"D1", "D3", "D4", "D5", "D6"}}})
          .value("status", ""),
      "notified");
  officer.Expect(200, "POST", app + "/accept", json::object());
  const json refusal =
      officer.Expect(200, "POST", app + "/refuse", {{"grounds", {2}}, {"remarks", "no booking"}});
  const std::string decision = refusal.value("id", "");
  ASSERT_FALSE(decision.empty()) << refusal;
  EXPECT_FALSE(refusal.contains("accessed_at")) << refusal;
  // The standard form itself, by e-mail (no account to read it in).
  bool form_sent = false;
  for (const ReceivedMail& mail : smtp.WaitFor(1, std::chrono::seconds(20))) {
    const std::string text = MailText(mail.data);
    if (mail.recipients == std::vector<std::string>{"ravi@example.org"} &&
        text.find("Remarks: no booking") != std::string::npos &&
        text.find("runs from the day this decision is notified to you") != std::string::npos) {
      form_sent = true;
    }
  }
  EXPECT_TRUE(form_sent);

  const std::string handed_over = app + "/decisions/" + decision + "/handed-over";
  const json handed = officer.Expect(200, "POST", handed_over, json::object());
  ASSERT_TRUE(handed.contains("accessed_at")) << handed;
  EXPECT_TRUE(ParseIsoTimestamp(handed.value("accessed_at", "")).ok()) << handed;
  const HttpResult again = officer.Call("POST", handed_over, json::object());
  EXPECT_EQ(again.status, 409) << again.body;
  const HttpResult unknown =
      officer.Call("POST", app + "/decisions/dec-unknown/handed-over", json::object());
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  const json decisions = officer.Expect(200, "GET", app + "/decisions");
  EXPECT_EQ(decisions["decisions"][0].value("accessed_at", ""), handed.value("accessed_at", ""));
}

// Staff who leave, keys that leak (VAP-ACCT, VIS 7f(2)): an administrator finds the account by
// its address and disables it (its key stops at once, it cannot sign in, the owner is mailed),
// enables it again, and revokes its keys.
TEST_P(WholeProcedure, AnAdministratorDisablesAMemberOfStaffAndRevokesTheirKeys) {
  TempDir dir;
  SmtpSink smtp;
  const std::string database = Database("admin");
  PlatformServer server(dir.path() + "/data", database, smtp.url());
  ASSERT_FALSE(server.url().empty());
  ApiSession admin(server.url());
  ASSERT_TRUE(server.SignInDemoStaff(admin, "administrator"));
  const json provider = server.DemoAccount("service-provider");
  const std::string email = provider.value("email", "");
  HttpClient esp(server.url());
  const std::vector<std::string> key{"Authorization: Bearer " + provider.value("api_key", "")};
  ASSERT_EQ(esp.Get("/api/v1/esp/applications", key).status, 200);

  const json found = admin.Expect(200, "GET", "/api/v1/admin/accounts?email=" + email);
  EXPECT_EQ(found.value("id", ""), provider.value("id", "-")) << found;
  EXPECT_EQ(found.value("role", ""), "service-provider") << found;
  EXPECT_FALSE(found.value("disabled", true)) << found;
  EXPECT_EQ(admin.Call("GET", "/api/v1/admin/accounts?email=nobody@example.org").status, 404);
  EXPECT_EQ(admin.Call("GET", "/api/v1/admin/accounts?email=not-an-address").status, 422);
  const std::string account = "/api/v1/admin/accounts/" + found.value("id", "");
  EXPECT_EQ(admin.Call("POST", account + "/disable", json::object()).status, 422);
  admin.Expect(200, "POST", account + "/disable", {{"reason", "left the provider"}});
  EXPECT_EQ(esp.Get("/api/v1/esp/applications", key).status, 403);  // account-disabled
  EXPECT_TRUE(
      admin.Expect(200, "GET", "/api/v1/admin/accounts?email=" + email).value("disabled", false));
  ApiSession staff(server.url());
  const HttpResult refused = staff.Call(
      "POST", "/api/v1/sessions", {{"email", email}, {"password", provider.value("password", "")}});
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(json::parse(refused.body)["error"].value("code", ""), "account-disabled");
  bool mailed = false;
  for (int i = 0; i < 100 && !mailed; ++i) {
    for (const auto& m : smtp.WaitFor(1)) {
      mailed = mailed || MailText(m.data).find("An administrator disabled your OpenVAP account") !=
                             std::string::npos;
    }
    if (!mailed) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(mailed);

  admin.Expect(200, "POST", account + "/enable");  // no body needed
  EXPECT_EQ(esp.Get("/api/v1/esp/applications", key).status, 200);
  EXPECT_EQ(admin.Expect(200, "POST", account + "/provider-keys/revoke", json::object())
                .value("revoked", -1),
            1);
  EXPECT_EQ(esp.Get("/api/v1/esp/applications", key).status, 401);

  // An administrator whom another one disabled is enabled again by `serve --administrator` at
  // the next start: the way back in when no administrator is left.
  const std::string root = admin
                               .Expect(201, "POST", "/api/v1/admin/accounts",
                                       {{"email", "root@example.org"},
                                        {"display_name", "Root"},
                                        {"role", "administrator"},
                                        {"password", "a long administrator passphrase"}})
                               .value("id", "");
  admin.Expect(200, "POST", "/api/v1/admin/accounts/" + root + "/disable",
               {{"reason", "locked out by mistake"}});
  server.process().Signal(SIGTERM);
  ASSERT_EQ(server.process().Wait(std::chrono::seconds(15)), 0);
  PlatformServer restarted(dir.path() + "/data", database, smtp.url(),
                           {"--administrator", "root@example.org"});
  ASSERT_FALSE(restarted.url().empty());
  const json enabled = admin.ResumeAt(restarted.url())
                           ->Expect(200, "GET", "/api/v1/admin/accounts?email=root@example.org");
  EXPECT_EQ(enabled.value("id", ""), root) << enabled;
  EXPECT_FALSE(enabled.value("disabled", true)) << enabled;
}

// VAP-ACCT: someone who signed out comes back and passes the second factor with the
// authenticator app or a recovery code (each code once). The whole procedure above only ever
// signs in once, right after enrolment; on SQLite the second factor failed with 503 (the login
// throttle's count ran as a write inside the sign-in's write).
TEST_P(WholeProcedure, AReturningUserPassesTheSecondFactor) {
  TempDir dir;
  SmtpSink smtp;
  const std::string database = Database("returning");
  PlatformServer server(dir.path() + "/data", database, smtp.url());
  ASSERT_FALSE(server.url().empty());
  const std::string email = "returning@example.org";
  const std::string password = "correct horse battery staple";
  ApiSession user(server.url());
  user.Expect(202, "POST", "/api/v1/accounts",
              {{"email", email}, {"password", password}, {"display_name", "Returning User"}});
  const std::string token = TokenFromSmtp(smtp)(email);
  ASSERT_FALSE(token.empty());
  user.Expect(200, "POST", "/api/v1/accounts/verify-email", {{"token", token}});
  const json first =
      user.Expect(201, "POST", "/api/v1/sessions", {{"email", email}, {"password", password}});
  ASSERT_TRUE(first.value("mfa_enrolment_required", false)) << first;
  const std::string secret = user.Expect(200, "POST", "/api/v1/me/mfa/totp").value("secret", "");
  const json enrolled =
      user.Expect(200, "POST", "/api/v1/me/mfa/totp/confirm", {{"code", TotpNow(secret)}});
  const json recovery = enrolled.value("recovery_codes", json::array());
  ASSERT_FALSE(recovery.empty()) << enrolled;
  user.Expect(200, "DELETE", "/api/v1/sessions/current");

  // Back with a recovery code: nothing but the second factor is open before it.
  const json second =
      user.Expect(201, "POST", "/api/v1/sessions", {{"email", email}, {"password", password}});
  EXPECT_FALSE(second.value("mfa_verified", true)) << second;
  EXPECT_EQ(user.Call("GET", "/api/v1/applications").status, 403);
  const json passed = user.Expect(200, "POST", "/api/v1/sessions/mfa", {{"code", recovery[0]}});
  EXPECT_TRUE(passed.value("mfa_verified", false)) << passed;
  user.Expect(200, "GET", "/api/v1/applications");
  user.Expect(200, "DELETE", "/api/v1/sessions/current");

  // Back with the app. The code of the next 30-s step: the enrolment used this step's, and a
  // code is taken once (the server accepts one step early or late).
  user.Expect(201, "POST", "/api/v1/sessions", {{"email", email}, {"password", password}});
  const HttpResult reused = user.Call("POST", "/api/v1/sessions/mfa", {{"code", recovery[0]}});
  EXPECT_EQ(reused.status, 422) << reused.body;
  EXPECT_NE(reused.body.find("invalid-code"), std::string::npos) << reused.body;
  const json with_app = user.Expect(200, "POST", "/api/v1/sessions/mfa",
                                    {{"code", TotpNow(secret, std::chrono::seconds(30))}});
  EXPECT_TRUE(with_app.value("mfa_verified", false)) << with_app;
  EXPECT_TRUE(user.Expect(200, "GET", "/api/v1/me").value("mfa_verified", false));
}

// VIS Art 7b(4): an applicant who consents starts the next application from the data of the
// last one they submitted; withdrawing consent deletes them.
TEST_P(WholeProcedure, AReturningApplicantStartsFromTheDataTheyKept) {
  TempDir dir;
  SmtpSink smtp;
  const std::string database = Database("kept");
  PlatformServer server(dir.path() + "/data", database, smtp.url());
  ASSERT_FALSE(server.url().empty());
  const std::string email = "kept@example.org";
  ApiSession applicant(server.url());
  ASSERT_FALSE(
      SignUp(applicant, email, "correct horse battery staple", "applicant", TokenFromSmtp(smtp))
          .empty());
  const HttpResult refused = applicant.Call(
      "POST", "/api/v1/applications", {{"kind", "short-stay-visa"}, {"from_kept_data", true}});
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(json::parse(refused.body)["error"].value("code", ""), "consent-required")
      << refused.body;
  EXPECT_EQ(applicant.Call("POST", "/api/v1/applications", {{"from_kept_data", "yes"}}).status,
            422);

  applicant.Expect(200, "PUT", "/api/v1/me/consent", {{"keep_data_for_later_applications", true}});
  const std::string first =
      applicant.Expect(201, "POST", "/api/v1/applications", json::object()).value("id", "");
  FillInTheForm(applicant, "/api/v1/applications/" + first, email, Day(30), Day(39));
  applicant.Expect(200, "POST", "/api/v1/applications/" + first + "/submit",
                   {{"declarations", {"D1", "D3", "D4", "D5", "D6"}}});

  const json kept = applicant.Expect(200, "GET", "/api/v1/me/kept-data");
  EXPECT_EQ(kept["kept"].value("from_application", ""), first) << kept;
  const json fields = kept["kept"].value("fields", json::object());
  EXPECT_EQ(fields.value("1", ""), "DOE") << kept;
  EXPECT_EQ(fields.value("13", ""), "X1234567") << kept;
  EXPECT_EQ(fields.value("residence_time_zone", ""), "Asia/Kolkata") << kept;
  EXPECT_FALSE(fields.contains("27a")) << kept;  // the journey is not kept
  EXPECT_FALSE(fields.contains("itinerary")) << kept;
  EXPECT_EQ(applicant.Expect(200, "GET", "/api/v1/me")["kept_data"].value("from_application", ""),
            first);

  const json next = applicant.Expect(201, "POST", "/api/v1/applications",
                                     {{"kind", "short-stay-visa"}, {"from_kept_data", true}});
  EXPECT_EQ(next.value("status", ""), "draft") << next;
  EXPECT_EQ(next["form"], fields) << next;

  // The account's applications a page at a time (?limit=, ?after= the page's `next`).
  const json page1 = applicant.Expect(200, "GET", "/api/v1/applications?limit=1");
  ASSERT_EQ(page1["applications"].size(), 1U) << page1;
  ASSERT_TRUE(page1["next"].is_string()) << page1;
  const json page2 = applicant.Expect(
      200, "GET", "/api/v1/applications?limit=1&after=" + page1["next"].get<std::string>());
  ASSERT_EQ(page2["applications"].size(), 1U) << page2;
  EXPECT_TRUE(page2["next"].is_null()) << page2;
  const std::set<std::string> listed = {page1["applications"][0].value("id", ""),
                                        page2["applications"][0].value("id", "")};
  EXPECT_EQ(listed, (std::set<std::string>{first, next.value("id", "")}));
  for (const char* bad :
       {"/api/v1/applications?limit=0", "/api/v1/applications?limit=many",
        "/api/v1/applications?after=not-a-cursor", "/api/v1/me/messages?limit=501"}) {
    const HttpResult refused = applicant.Call("GET", bad);
    EXPECT_EQ(refused.status, 422) << bad << " " << refused.body;
    EXPECT_EQ(json::parse(refused.body)["error"].value("code", ""), "invalid-field") << bad;
  }

  // The submission's message, marked read once (the first time counts).
  const json inbox = applicant.Expect(200, "GET", "/api/v1/me/messages");
  ASSERT_FALSE(inbox["messages"].empty()) << inbox;
  const json message = inbox["messages"][0];
  EXPECT_FALSE(message.value("read", true)) << message;
  const std::string read_path = "/api/v1/me/messages/" + message.value("id", "") + "/read";
  const json read = applicant.Expect(200, "POST", read_path, json::object());
  EXPECT_TRUE(read.value("read", false)) << read;
  EXPECT_EQ(applicant.Expect(200, "POST", read_path, json::object()).value("read_at", ""),
            read.value("read_at", "-"));
  EXPECT_TRUE(
      applicant.Expect(200, "GET", "/api/v1/me/messages")["messages"][0].value("read", false));
  EXPECT_EQ(applicant.Call("POST", "/api/v1/me/messages/msg-unknown/read", json::object()).status,
            404);

  applicant.Expect(200, "PUT", "/api/v1/me/consent", {{"keep_data_for_later_applications", false}});
  EXPECT_TRUE(applicant.Expect(200, "GET", "/api/v1/me/kept-data")["kept"].is_null());
  EXPECT_EQ(applicant.Call("POST", "/api/v1/applications", {{"from_kept_data", true}}).status, 409);

  // GDPR Art 17: closing the account, once the application under way is withdrawn.
  const HttpResult busy =
      applicant.Call("POST", "/api/v1/me/close", {{"password", "correct horse battery staple"}});
  EXPECT_EQ(busy.status, 409) << busy.body;
  EXPECT_NE(busy.body.find(first), std::string::npos) << busy.body;
  applicant.Expect(200, "POST", "/api/v1/applications/" + first + "/withdraw", json::object());
  applicant.Expect(200, "POST", "/api/v1/me/close", {{"password", "correct horse battery staple"}});
  EXPECT_EQ(applicant.Call("GET", "/api/v1/me").status, 401);
  EXPECT_EQ(applicant
                .Call("POST", "/api/v1/sessions",
                      {{"email", email}, {"password", "correct horse battery staple"}})
                .status,
            401);
}

// VAP-ACCT: a forgotten password is replaced through a link sent over SMTP; the answer does not
// tell whether the address has an account; every session ends; the second factor stays (here a
// renewed recovery code). Then, signed in, the password is changed with the current one.
TEST_P(WholeProcedure, AForgottenPasswordIsReplacedThroughAMailedLink) {
  TempDir dir;
  SmtpSink smtp;
  const std::string database = Database("reset");
  PlatformServer server(dir.path() + "/data", database, smtp.url());
  ASSERT_FALSE(server.url().empty());
  const std::string email = "forgetful@example.org";
  ApiSession user(server.url());
  const std::string secret =
      SignUp(user, email, "correct horse battery staple", "applicant", TokenFromSmtp(smtp));
  ASSERT_FALSE(secret.empty());
  const std::size_t mails = smtp.WaitFor(1).size();
  // New recovery codes for a code of the app not used yet (the enrolment used this step's).
  const json renewed = user.Expect(200, "POST", "/api/v1/me/mfa/recovery-codes",
                                   {{"code", TotpNow(secret, std::chrono::seconds(30))}});
  const json codes = renewed.value("recovery_codes", json::array());
  ASSERT_EQ(codes.size(), 10U) << renewed;

  ApiSession anonymous(server.url());
  const json unknown = anonymous.Expect(202, "POST", "/api/v1/accounts/password-reset",
                                        {{"email", "nobody@example.org"}});
  const json known =
      anonymous.Expect(202, "POST", "/api/v1/accounts/password-reset", {{"email", email}});
  EXPECT_EQ(known, unknown);
  // The link comes through two jobs (the request, then the e-mail): up to 20 s.
  std::string token;
  for (int i = 0; i < 100 && token.empty(); ++i) {
    for (const ReceivedMail& m : smtp.WaitFor(mails + 1, std::chrono::milliseconds(200))) {
      const std::string found = Extract(MailText(m.data), "/reset-password?token=");
      if (!found.empty()) token = found;
    }
    if (token.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_FALSE(token.empty());
  // The mailed link opens the platform's page with the form for the new password.
  const HttpResult form = HttpClient(server.url()).Get("/reset-password?token=" + token);
  EXPECT_EQ(form.status, 200) << form.body;
  EXPECT_NE(form.body.find("autocomplete=\"new-password\""), std::string::npos) << form.body;
  const HttpResult weak = anonymous.Call("POST", "/api/v1/accounts/password-reset/confirm",
                                         {{"token", token}, {"password", "short"}});
  EXPECT_EQ(weak.status, 422) << weak.body;
  anonymous.Expect(200, "POST", "/api/v1/accounts/password-reset/confirm",
                   {{"token", token}, {"password", "a brand new passphrase"}});
  const HttpResult reused = anonymous.Call("POST", "/api/v1/accounts/password-reset/confirm",
                                           {{"token", token}, {"password", "yet another one!!"}});
  EXPECT_EQ(reused.status, 422) << reused.body;
  EXPECT_NE(reused.body.find("invalid-token"), std::string::npos) << reused.body;

  EXPECT_EQ(user.Call("GET", "/api/v1/me").status, 401);  // signed out everywhere
  EXPECT_EQ(user.Call("POST", "/api/v1/sessions",
                      {{"email", email}, {"password", "correct horse battery staple"}})
                .status,
            401);
  const json signed_in = user.Expect(201, "POST", "/api/v1/sessions",
                                     {{"email", email}, {"password", "a brand new passphrase"}});
  EXPECT_FALSE(signed_in.value("mfa_verified", true)) << signed_in;
  EXPECT_EQ(user.Call("GET", "/api/v1/applications").status, 403);
  user.Expect(200, "POST", "/api/v1/sessions/mfa", {{"code", codes[0]}});
  user.Expect(200, "GET", "/api/v1/applications");
  EXPECT_EQ(user.Expect(200, "GET", "/api/v1/me").value("recovery_codes_left", 0), 9);

  // Signed in: a new password with the current one (the session is replaced).
  const HttpResult wrong =
      user.Call("POST", "/api/v1/me/password",
                {{"current_password", "not it at all"}, {"new_password", "the third passphrase"}});
  EXPECT_EQ(wrong.status, 422) << wrong.body;
  EXPECT_NE(wrong.body.find("wrong-password"), std::string::npos) << wrong.body;
  const json changed = user.Expect(
      200, "POST", "/api/v1/me/password",
      {{"current_password", "a brand new passphrase"}, {"new_password", "the third passphrase"}});
  EXPECT_TRUE(changed.value("mfa_verified", false)) << changed;
  user.Expect(200, "GET", "/api/v1/applications");  // the new cookie and CSRF token work
  user.Expect(200, "DELETE", "/api/v1/sessions/current");
  user.Expect(201, "POST", "/api/v1/sessions",
              {{"email", email}, {"password", "the third passphrase"}});
}

INSTANTIATE_TEST_SUITE_P(Storage, WholeProcedure, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace openvap::testing
