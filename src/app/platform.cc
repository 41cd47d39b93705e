#include "app/platform.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "adapters/api/account_pages.h"
#include "adapters/api/account_routes.h"
#include "adapters/api/api.h"
#include "adapters/api/platform_routes.h"
#include "adapters/auth/credentials.h"
#include "adapters/mail/mail.h"
#include "adapters/outbound/outbound.h"
#include "adapters/payments/sandbox_provider.h"
#include "adapters/storage/sql.h"
#include "adapters/storage/sql_store.h"
#include "app/pki.h"
#include "app/ports.h"
#include "crypto/ec_key.h"
#include "domain/account_service.h"
#include "domain/application_service.h"
#include "domain/examination_service.h"
#include "domain/lodging_service.h"
#include "domain/retention.h"
#include "domain/verification_service.h"
#include "rules/reference_data.h"

namespace openvap::app {

namespace fs = std::filesystem;
using nlohmann::json;

struct Platform::Impl {
  PlatformConfig config;
  const Clock& clock;
  std::shared_ptr<spdlog::logger> logger;
  SystemRandom random;
  std::unique_ptr<storage::Database> db;
  std::unique_ptr<storage::SqlStore> store;
  std::unique_ptr<storage::JobQueue> jobs;
  const rules::ReferenceData* reference = nullptr;
  SystemTimeZones zones;
  trust::TrustStore trust;
  MemberStateVisaSealer sealer;
  std::unique_ptr<auth::Credentials> credentials;
  std::unique_ptr<RulesPreChecks> prechecks;
  std::unique_ptr<AnnexViDecisionTexts> texts;
  std::unique_ptr<ResidenceCalendar> calendar;
  std::unique_ptr<TrustStoreSealVerifier> verifier;
  std::unique_ptr<payments::SandboxPaymentProvider> payment_provider;
  std::unique_ptr<mail::MailSender> mailer;
  std::unique_ptr<outbound::Destination> national_system;
  std::unique_ptr<outbound::Destination> ees;
  std::unique_ptr<domain::AccountService> accounts;
  std::unique_ptr<domain::ApplicationService> applications;
  std::unique_ptr<domain::ExaminationService> examination;
  std::unique_ptr<domain::PaymentService> payments;
  std::unique_ptr<domain::AppointmentService> appointments;
  std::unique_ptr<domain::InPersonVisitService> visits;
  std::unique_ptr<domain::VerificationService> verification;
  std::unique_ptr<domain::RetentionService> retention;
  std::unique_ptr<api::PlatformServices> services;
  std::unique_ptr<api::Api> api;
  std::mutex schedule_mu;
  Timestamp last_schedule{};

  Impl(PlatformConfig c, const Clock& k, std::shared_ptr<spdlog::logger> l)
      : config(std::move(c)), clock(k), logger(std::move(l)) {}

  Status LoadPki();
  Status CreateDemoPki();
  Result<std::string> CreateDemoData();
  Status EnsureAdministrator();
  Status PublishDemoSlots(const domain::Principal& publisher, const std::string& location);
  Status Handle(const storage::ClaimedJob& job);
  void SchedulePeriodicJobs();
};

namespace {

Result<std::string> ReadOrCreateSecret(const std::string& path, RandomSource& random) {
  if (auto bytes = crypto::ReadFile(path); bytes.ok()) {
    std::string text = AsString(*bytes);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    if (!text.empty()) return text;
  }
  const std::string secret = random.HexToken(32);
  OPENVAP_RETURN_IF_ERROR(crypto::WriteFileAtomically(path, secret + "\n", 0600));
  return secret;
}

// The appeal information of a demo (VC Art 32(3), Annex VI) for the demo's states: marked as
// demo text, since each state writes its own (the law, the authority, the procedure and the time
// limit).
std::string DemoAppealTexts() {
  const json texts = {
      {"note",
       "Demo appeal information. Each Member State replaces its entry with its own text: the "
       "reference of the national law, the authority and its address, the procedure and the "
       "time limit (Visa Code Art 32(3), Annex VI)."},
      {"states",
       {{"FR",
         {{"en",
           "(Demo text, not France's actual procedure.) You may appeal against this decision "
           "under French law to the authority France designates, within the time limit that law "
           "sets."},
          {"fr",
           "(Texte de démonstration.) Vous pouvez former un recours contre cette décision, "
           "conformément au droit français, auprès de l'autorité désignée par la France, dans le "
           "délai prévu par ce droit."}}},
        {"DE",
         {{"en",
           "(Demo text, not Germany's actual procedure.) You may appeal against this decision "
           "under German law to the authority Germany designates, within the time limit that law "
           "sets."},
          {"de",
           "(Demonstrationstext.) Sie können gegen diese Entscheidung nach deutschem Recht bei der "
           "von Deutschland bestimmten Behörde innerhalb der dort vorgesehenen Frist einen "
           "Rechtsbehelf einlegen."}}}}}};
  return texts.dump(2) + "\n";
}

// A failed delivery that retrying cannot fix.
bool IsPermanent(const Error& e) {
  return e.code == "mail-permanent" || e.code == "delivery-permanent" || e.code == "not-found" ||
         e.code == "invalid-field" || e.code == "unknown-job";
}

std::chrono::seconds Backoff(int attempts) {
  const int capped = std::min(attempts, 7);
  return std::chrono::seconds(30 << capped);  // 1 min, 2 min, ... about an hour
}

}  // namespace

Status Platform::Impl::LoadPki() {
  const fs::path root = config.pki_dir;
  std::error_code ec;
  if (!fs::exists(root, ec)) return Ok();
  std::vector<fs::path> states;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    if (entry.is_directory()) states.push_back(entry.path());
  }
  std::sort(states.begin(), states.end());
  for (const fs::path& dir : states) {
    const std::string name = dir.filename().string();
    Status added = trust.AddPath(dir.string());
    if (!added.ok()) return Error{"pki-error", added.error().message};
    if (name == "trusted") continue;  // other states' trust material only
    const fs::path key = dir / "signer.key";
    const fs::path cert = dir / "signer.pem";
    if (!fs::exists(key, ec) || !fs::exists(cert, ec)) continue;
    OPENVAP_ASSIGN_OR_RETURN(IssuedCertificate signer, LoadIssued(key.string(), cert.string()));
    auto sealer_for_state =
        verify::CertificateSealSigner::Create(signer.key, signer.certificate, "");
    if (!sealer_for_state.ok()) {
      return Error{"pki-error", cert.string() + ": " + sealer_for_state.error().message};
    }
    sealer.AddSigner(name, std::move(*sealer_for_state));
  }
  return Ok();
}

// DV-SEAL: a CSCA and a visa/permit document signer for every state that issues uniform visas,
// each in <pki>/<state>/ (keys owner-only), with an empty CRL. Demo only: a real deployment
// gets its signers from the state's PKI (docs/pki.md).
Status Platform::Impl::CreateDemoPki() {
  int created = 0;
  for (const rules::SchengenState& s : reference->states()) {
    if (!s.issues_uniform_visas) continue;
    const fs::path dir = fs::path(config.pki_dir) / s.iso2;
    std::error_code ec;
    if (fs::exists(dir / "signer.pem", ec)) continue;
    fs::create_directories(dir, ec);
    if (ec) return Error{"pki-error", "cannot create " + dir.string() + ": " + ec.message()};
    ::chmod(dir.c_str(), 0700);
    // A CSCA already there stays: the signers it issued (one moved aside while a new one is
    // made, docs/pki.md) keep verifying. Only its missing signer is made again.
    const bool csca_kept = fs::exists(dir / "csca.key", ec) || fs::exists(dir / "csca.pem", ec);
    CscaRequest csca_request;
    csca_request.country = s.iso2;
    csca_request.common_name = "CSCA " + s.name + " (OpenVAP demo)";
    csca_request.organization = "OpenVAP demo";
    csca_request.not_before = clock.Now() - std::chrono::hours(24);
    OPENVAP_ASSIGN_OR_RETURN(
        IssuedCertificate csca,
        csca_kept ? LoadIssued((dir / "csca.key").string(), (dir / "csca.pem").string())
                  : IssueCsca(csca_request, random));
    SignerRequest signer_request;
    signer_request.common_name = "VS visa signer " + s.iso2 + " (OpenVAP demo)";
    signer_request.organization = "OpenVAP demo";
    signer_request.document_types = {"V", "AR"};
    signer_request.not_before = csca_request.not_before;
    // ICAO 9303-12: the signer signs for a part of its life and lives on for the documents it
    // signed: five years of signing plus the longest visa, five years (VC Art 24(1)).
    signer_request.signing_months = 60;
    signer_request.valid_years = 10;
    OPENVAP_ASSIGN_OR_RETURN(IssuedCertificate signer, IssueSigner(signer_request, csca, random));
    if (!csca_kept) {
      OPENVAP_RETURN_IF_ERROR(
          SaveIssued(csca, (dir / "csca.key").string(), (dir / "csca.pem").string()));
    }
    OPENVAP_RETURN_IF_ERROR(
        SaveIssued(signer, (dir / "signer.key").string(), (dir / "signer.pem").string()));
    if (!csca_kept || !fs::exists(dir / "crl.pem", ec)) {
      OPENVAP_ASSIGN_OR_RETURN(crypto::Crl crl, RenewCrl(csca, std::nullopt, {}, clock.Now(), 30));
      OPENVAP_RETURN_IF_ERROR(
          crypto::WriteFileAtomically((dir / "crl.pem").string(), crl.ToPem(), 0644));
    }
    ++created;
  }
  if (created > 0) {
    logger->info("demo PKI: created a CSCA and a document signer for {} states in {}", created,
                 config.pki_dir);
  }
  return Ok();
}

// A month of working-day mornings in New Delhi, 9:00 to 12:00 local time, 30 minutes each, from
// tomorrow.
Status Platform::Impl::PublishDemoSlots(const domain::Principal& publisher,
                                        const std::string& location) {
  constexpr const char* kZone = "Asia/Kolkata";
  std::vector<domain::SlotOffer> offers;
  const Date first = AddDays(UtcDateOf(clock.Now()), 1);
  for (int day = 0; day < 30; ++day) {
    const Date date = AddDays(first, day);
    const std::chrono::weekday weekday{std::chrono::sys_days(date)};
    if (weekday == std::chrono::Saturday || weekday == std::chrono::Sunday) continue;
    // 9:00 local: the offset is the one in effect then, not at 9:00 UTC.
    const Timestamp nine_as_if_utc = StartOfDayUtc(date) + std::chrono::hours(9);
    OPENVAP_ASSIGN_OR_RETURN(const std::chrono::seconds guess,
                             zones.OffsetAt(kZone, nine_as_if_utc));
    OPENVAP_ASSIGN_OR_RETURN(const std::chrono::seconds offset,
                             zones.OffsetAt(kZone, nine_as_if_utc - guess));
    for (int half_hour = 0; half_hour < 6; ++half_hour) {
      domain::SlotOffer o;
      o.starts_at = nine_as_if_utc - offset + std::chrono::minutes(30 * half_hour);
      o.minutes = 30;
      o.location = location;
      o.time_zone = kZone;
      offers.push_back(o);
    }
  }
  auto published = appointments->Publish(publisher, offers);
  return published.ok() ? Ok() : Status(published.error());
}

// PlatformConfig::administrator_email: created, or enabled again, by the system; a password the
// policy refuses, or an address that belongs to someone else, stops the start ("config-error").
Status Platform::Impl::EnsureAdministrator() {
  domain::Principal system;
  system.role = domain::Role::kSystem;
  auto found = accounts->FindAccountByEmail(system, config.administrator_email);
  if (!found.ok() && found.error().code != "not-found") {
    return Error{"config-error", "--administrator: " + found.error().message};
  }
  if (!found.ok()) {
    if (config.administrator_password.empty()) {
      return Error{"config-error",
                   "--administrator: give the new administrator's password in "
                   "OPENVAP_ADMINISTRATOR_PASSWORD"};
    }
    auto created = accounts->CreateStaffAccount(
        system, {config.administrator_email, "Administrator", domain::Role::kAdministrator, "", "",
                 config.administrator_password});
    if (!created.ok()) return Error{"config-error", "--administrator: " + created.error().message};
    logger->info("administrator {} created", config.administrator_email);
    return Ok();
  }
  if (found->role != domain::Role::kAdministrator) {
    return Error{"config-error",
                 "--administrator: " + config.administrator_email + " is the account of a " +
                     std::string(domain::RoleName(found->role)) + ", not an administrator"};
  }
  if (found->disabled) {
    OPENVAP_RETURN_IF_ERROR(accounts->SetAccountDisabled(
        system, found->id, false, "enabled at start by the operator (--administrator)"));
    logger->info("administrator {} enabled again", config.administrator_email);
  }
  return Ok();
}

// Demo staff accounts (an administrator, and for France a consular officer, a central
// authority officer, a border guard and a service provider with an API key) and a month of
// appointment slots at the demo consulate. Written once to <data_dir>/demo-accounts.json.
Result<std::string> Platform::Impl::CreateDemoData() {
  const fs::path file = fs::path(config.data_dir) / "demo-accounts.json";
  std::error_code ec;
  if (fs::exists(file, ec)) return std::string();
  domain::Principal admin;
  admin.role = domain::Role::kAdministrator;
  admin.organisation = "openvap-demo";
  admin.mfa_verified = true;
  struct Demo {
    const char* email;
    domain::Role role;
    const char* state;
    const char* organisation;
  };
  const Demo people[] = {
      {"admin@demo.openvap.eu", domain::Role::kAdministrator, "", "openvap-demo"},
      {"officer.fr@demo.openvap.eu", domain::Role::kConsularOfficer, "FR", "FR-consulate-delhi"},
      {"central.fr@demo.openvap.eu", domain::Role::kCentralAuthority, "FR", "FR-central-authority"},
      {"border.fr@demo.openvap.eu", domain::Role::kBorderGuard, "FR", "FR-border-police"},
      {"provider@demo.openvap.eu", domain::Role::kServiceProvider, "FR", "esp-delhi"},
  };
  json out = {{"note",
               "Demo accounts of this OpenVAP instance. Staff enrol TOTP at first "
               "sign-in (POST /api/v1/me/mfa/totp). Keep this file private."},
              {"accounts", json::array()}};
  for (const Demo& d : people) {
    domain::StaffAccount staff;
    staff.email = d.email;
    staff.display_name = std::string(domain::RoleName(d.role)) + " (demo)";
    staff.role = d.role;
    staff.member_state = d.state;
    staff.organisation = d.organisation;
    staff.password = "Demo-" + random.HexToken(8);
    auto id = accounts->CreateStaffAccount(admin, staff);
    if (!id.ok()) {
      if (id.error().code == "already-exists") continue;
      return id.error();
    }
    json entry = {{"id", id->value()},          {"email", d.email},
                  {"password", staff.password}, {"role", domain::RoleName(d.role)},
                  {"member_state", d.state},    {"organisation", d.organisation}};
    if (d.role == domain::Role::kServiceProvider) {
      OPENVAP_ASSIGN_OR_RETURN(std::string key,
                               accounts->IssueServiceProviderKey(admin, *id, "demo key"));
      entry["api_key"] = key;
    }
    if (d.role == domain::Role::kConsularOfficer || d.role == domain::Role::kServiceProvider) {
      domain::Principal publisher;
      publisher.role = d.role;
      publisher.account = *id;
      publisher.member_state = d.state;
      publisher.organisation = d.organisation;
      publisher.mfa_verified = true;
      const bool consulate = d.role == domain::Role::kConsularOfficer;
      OPENVAP_RETURN_IF_ERROR(PublishDemoSlots(
          publisher, consulate ? "Consulate General of France, 2/50-E Shantipath, New Delhi (demo)"
                               : "Visa application centre, Connaught Place, New Delhi (demo)"));
    }
    out["accounts"].push_back(entry);
  }
  OPENVAP_RETURN_IF_ERROR(crypto::WriteFileAtomically(file.string(), out.dump(2) + "\n", 0600));
  return file.string();
}

void Platform::Impl::SchedulePeriodicJobs() {
  std::lock_guard lock(schedule_mu);
  const Timestamp now = clock.Now();
  if (now - last_schedule < std::chrono::minutes(1) && last_schedule != Timestamp{}) return;
  last_schedule = now;
  // One job per hour and per day: the idempotency key makes the processes agree on one.
  const std::string hour = FormatIsoTimestamp(now).substr(0, 13);
  const std::string day = FormatIsoDate(UtcDateOf(now));
  for (const domain::Job& job :
       {domain::Job{"presumed-notification", "presumed-notification:" + hour, json::object(), now},
        domain::Job{"retention", "retention:" + day, json::object(), now}}) {
    Status scheduled = jobs->Schedule(job);
    if (!scheduled.ok()) logger->warn("cannot schedule {}: {}", job.key, scheduled.error().message);
  }
}

Status Platform::Impl::Handle(const storage::ClaimedJob& job) {
  const json& p = job.payload;
  if (job.kind == "send-mail") {
    // VAP-NOTIFY: the transactional outbox, delivered with retries.
    mail::Message m;
    m.from = config.mail_from;
    m.to = p.value("to", std::vector<std::string>{});
    m.subject = p.value("subject", "");
    m.text = p.value("text", "");
    return mailer->Send(m);
  }
  if (job.kind == "national-transfer") {
    // VIS 7d(10): the file to the national system, then deleted from temporary storage.
    const ApplicationId id(p.value("application", ""));
    auto package = retention->PrepareTransfer(id);
    if (!package.ok()) {
      if (package.error().code == "invalid-transition") return Ok();  // already transferred
      return package.error();
    }
    json documents = json::array();
    for (const auto& [doc, content] : package->documents) {
      documents.push_back({{"id", doc.id},
                           {"kind", doc.kind},
                           {"filename", doc.filename},
                           {"content_type", doc.content_type},
                           {"sha256", doc.sha256},
                           {"content_base64", ToBase64(content)}});
    }
    const std::string state = p.value("state", "");
    OPENVAP_RETURN_IF_ERROR(national_system->Deliver(
        state + "-application-" + id.value(),
        {{"state", state}, {"application", package->file}, {"documents", documents}}));
    return retention->CompleteTransfer(id);
  }
  if (job.kind == "ees-export") {
    // DV-EES, VIS Art 13(3): the visa's data to the Entry/Exit System.
    std::optional<domain::DigitalVisa> visa;
    OPENVAP_RETURN_IF_ERROR(store->Read([&](domain::UnitOfWork& uow) -> Status {
      OPENVAP_ASSIGN_OR_RETURN(visa, uow.Registry().FindVisa(VisaNumber(p.value("visa", ""))));
      return Ok();
    }));
    if (!visa) return Error{"not-found", "no visa " + p.value("visa", "")};
    json record = MemberStateVisaSealer::SealData(*visa);
    record["status"] = domain::VisaStatusName(visa->status);
    record["issuing_state"] = visa->issuing_state;
    record["issued_on"] = FormatIsoDate(visa->issued_on);
    return ees->Deliver("ees-" + p.value("decision", visa->number.value()),
                        {{"decision", p.value("decision", "")}, {"visa", record}});
  }
  if (job.kind == "password-reset") {
    return accounts->SendPasswordResetLink(p.value("email", ""), p.value("ip", ""));
  }
  if (job.kind == "refund-fee") return payments->Refund(ApplicationId(p.value("application", "")));
  if (job.kind == "refund-payment") {
    return payments->RefundPayment(ApplicationId(p.value("application", "")),
                                   p.value("payment", ""));
  }
  if (job.kind == "payment-webhook") {
    return outbound::PostJson(p.value("url", ""), p.value("body", ""),
                              {"X-Signature: " + p.value("signature", "")});
  }
  if (job.kind == "presumed-notification") {
    OPENVAP_ASSIGN_OR_RETURN(int notified, examination->ApplyPresumedNotifications());
    if (notified > 0) logger->info("presumed notification of {} decisions", notified);
    return Ok();
  }
  if (job.kind == "retention") {
    OPENVAP_ASSIGN_OR_RETURN(auto report, retention->Apply());
    // The sign-in and look-up counts of past windows (keys with e-mail and IP addresses).
    OPENVAP_RETURN_IF_ERROR(store->ForgetAttemptsBefore(clock.Now() - std::chrono::hours(24)));
    logger->info(
        "retention: {} drafts, {} incomplete and {} closed applications deleted, {} closed "
        "reduced, the register's records of {} applications deleted, {} finished jobs deleted",
        report.drafts_deleted, report.incomplete_deleted, report.closed_deleted,
        report.closed_reduced, report.register_records_deleted, report.jobs_deleted);
    if (report.register_records_unreadable > 0) {
      logger->error(
          "retention: the register's records of {} applications could not be read and were "
          "set aside (audit action register.retention-unreadable)",
          report.register_records_unreadable);
    }
    return Ok();
  }
  return Error{"unknown-job", "no handler for jobs of kind '" + job.kind + "'"};
}

Platform::Platform(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Platform::~Platform() { StopWorkers(); }

Result<std::unique_ptr<Platform>> Platform::Open(const PlatformConfig& input, const Clock& clock,
                                                 std::shared_ptr<spdlog::logger> logger) {
  PlatformConfig config = input;
  const fs::path data = config.data_dir;
  const auto in_data = [&data](const char* name) { return (data / name).string(); };
  if (config.database_url.empty()) config.database_url = "sqlite:" + in_data("openvap.db");
  if (config.pki_dir.empty()) config.pki_dir = in_data("pki");
  if (config.national_system.empty()) {
    config.national_system =
        "file://" + fs::absolute(data / "outbound" / "national-system").string();
  }
  if (config.ees.empty()) config.ees = "file://" + fs::absolute(data / "outbound" / "ees").string();
  auto impl = std::make_unique<Impl>(config, clock, std::move(logger));
  Impl& p = *impl;

  const auto& reference = rules::ReferenceData::Embedded();
  if (!reference.ok()) return Error{"config-error", reference.error().message};
  p.reference = &*reference;

  auto db = storage::OpenDatabase(config.database_url);
  if (!db.ok()) return db.error();
  p.db = std::move(*db);
  p.store = std::make_unique<storage::SqlStore>(*p.db, clock, p.random);
  p.jobs = std::make_unique<storage::JobQueue>(*p.db, clock, p.random);

  if (config.demo) OPENVAP_RETURN_IF_ERROR(p.CreateDemoPki());
  OPENVAP_RETURN_IF_ERROR(p.LoadPki());

  std::string secret = config.payment_webhook_secret;
  if (secret.empty()) {
    OPENVAP_ASSIGN_OR_RETURN(secret,
                             ReadOrCreateSecret(in_data("payment-webhook.secret"), p.random));
  }
  if (config.smtp_url.empty()) {
    p.mailer = std::make_unique<mail::FolderMailer>(in_data("mail"), clock);
  } else {
    mail::SmtpSettings smtp;
    smtp.url = config.smtp_url;
    p.mailer = std::make_unique<mail::SmtpMailer>(smtp, clock);
  }
  p.national_system = std::make_unique<outbound::Destination>(config.national_system);
  p.ees = std::make_unique<outbound::Destination>(config.ees);

  p.credentials = std::make_unique<auth::Credentials>(p.random);
  p.prechecks = std::make_unique<RulesPreChecks>(*p.reference, p.zones);
  // The states whose officials use the platform: those issuing uniform visas (refdata).
  std::vector<std::string> issuing_states;
  for (const rules::SchengenState& state : p.reference->states()) {
    if (state.issues_uniform_visas) issuing_states.push_back(state.iso2);
  }
  // VC Art 32(3), Annex VI: each state's appeal information (ports.h); a demo writes texts
  // that say they are demo texts.
  const std::string appeals_file = in_data("appeals.json");
  if (config.demo && !fs::exists(appeals_file)) {
    OPENVAP_RETURN_IF_ERROR(crypto::WriteFileAtomically(appeals_file, DemoAppealTexts(), 0644));
  }
  AnnexViDecisionTexts::AppealTexts appeals;
  if (auto text = crypto::ReadFile(appeals_file); text.ok()) {
    OPENVAP_ASSIGN_OR_RETURN(appeals, AnnexViDecisionTexts::ParseAppealTexts(AsString(*text)));
  } else if (fs::exists(appeals_file)) {
    return Error{"config-error", appeals_file + ": " + text.error().message};
  }
  std::string without_appeals;
  for (const std::string& state : issuing_states) {
    if (appeals.count(state) == 0) without_appeals += (without_appeals.empty() ? "" : " ") + state;
  }
  if (!without_appeals.empty() && p.logger) {
    p.logger->warn(
        "no appeal information in {} for {}: their refusals, annulments and revocations will "
        "fail with appeal-information-missing (VC Art 32(3), Annex VI)",
        appeals_file, without_appeals);
  }
  // VC Art 32(2), Annex VI: the form's grounds in the languages the platform lacks, as the
  // deployment supplies them.
  const std::string grounds_file = in_data("annex-vi.json");
  AnnexViDecisionTexts::GroundTexts grounds;
  if (auto text = crypto::ReadFile(grounds_file); text.ok()) {
    OPENVAP_ASSIGN_OR_RETURN(grounds, AnnexViDecisionTexts::ParseGroundTexts(AsString(*text)));
  } else if (fs::exists(grounds_file)) {
    return Error{"config-error", grounds_file + ": " + text.error().message};
  }
  p.texts =
      std::make_unique<AnnexViDecisionTexts>(*p.reference, std::move(appeals), std::move(grounds));
  // What officials of a state cannot do, said at start rather than at their first decision: no
  // document signer (no visa can be issued: DV-SEAL), no standard form in the state's language
  // (no refusal, annulment or revocation: VC Art 32(2), Annex VI).
  std::string without_signer;
  std::string without_form;
  for (const std::string& state : issuing_states) {
    if (const Status signs = p.sealer.CanSignOn(state, UtcDateOf(clock.Now())); !signs.ok()) {
      if (signs.error().code == "no-signer") {
        without_signer += (without_signer.empty() ? "" : " ") + state;
      } else if (p.logger) {
        p.logger->warn("{}", signs.error().message);
      }
    }
    if (const auto ground = p.texts->Ground(1, p.texts->StateLanguage(state));
        !ground.ok() && ground.error().code == "translation-missing") {
      without_form += (without_form.empty() ? "" : " ") + state;
    }
  }
  if (!without_signer.empty() && p.logger) {
    p.logger->warn(
        "no document signer in {} for {}: their officials cannot issue visas (no-signer); "
        "install one per state with openvap pki signer (docs/pki.md)",
        config.pki_dir, without_signer);
  }
  if (!without_form.empty() && p.logger) {
    p.logger->warn(
        "no standard form (VC Annex VI) in the language of {}: their refusals, annulments and "
        "revocations will fail with translation-missing; put the form's grounds in their "
        "languages in {}",
        without_form, grounds_file);
  }
  p.calendar = std::make_unique<ResidenceCalendar>(p.zones);
  p.verifier = std::make_unique<TrustStoreSealVerifier>(p.trust);
  p.payment_provider = std::make_unique<payments::SandboxPaymentProvider>(
      *p.db, *p.jobs, clock, p.random, config.base_url, secret);

  domain::AccountPolicy policy;
  policy.base_url = config.base_url;
  policy.member_states = std::move(issuing_states);
  p.accounts = std::make_unique<domain::AccountService>(*p.store, *p.store, *p.credentials, clock,
                                                        p.random, policy);
  p.applications =
      std::make_unique<domain::ApplicationService>(*p.store, *p.prechecks, clock, p.random);
  p.examination = std::make_unique<domain::ExaminationService>(*p.store, p.sealer, *p.texts,
                                                               *p.calendar, clock, p.random);
  p.payments = std::make_unique<domain::PaymentService>(
      *p.store, *p.payment_provider, *p.applications, clock, p.random, config.base_url);
  p.appointments = std::make_unique<domain::AppointmentService>(*p.store, p.zones, clock, p.random);
  p.visits = std::make_unique<domain::InPersonVisitService>(*p.store, *p.applications, clock);
  p.verification =
      std::make_unique<domain::VerificationService>(*p.store, *p.store, *p.verifier, clock);
  p.retention = std::make_unique<domain::RetentionService>(*p.store, clock);
  p.services = std::make_unique<api::PlatformServices>(
      api::PlatformServices{*p.applications, *p.examination, *p.payments, *p.appointments,
                            *p.visits, *p.verification, *p.store, clock, config.base_url});
  p.api = std::make_unique<api::Api>(std::make_shared<api::AccountAuthenticator>(*p.accounts));
  api::CookiePolicy cookies;
  // Served over https (the address the links and the payment page name): the cookies go only
  // there, whether or not --secure-cookies was given.
  cookies.secure = config.secure_cookies || config.base_url.starts_with("https://");
  api::AddAccountRoutes(*p.api, *p.accounts, cookies);
  api::AddApplicantRoutes(*p.api, *p.services);
  api::AddConsulateRoutes(*p.api, *p.services);
  api::AddConsulateVisitRoutes(*p.api, *p.services);
  api::AddServiceProviderRoutes(*p.api, *p.services);
  api::AddVerificationRoutes(*p.api, *p.services);

  std::unique_ptr<Platform> platform(new Platform(std::move(impl)));
  if (!config.administrator_email.empty()) {
    OPENVAP_RETURN_IF_ERROR(platform->impl_->EnsureAdministrator());
  }
  if (config.demo) {
    OPENVAP_ASSIGN_OR_RETURN(platform->demo_accounts_file_, platform->impl_->CreateDemoData());
  }
  return platform;
}

void Platform::Mount(http::Router& router) {
  impl_->api->Mount(router);
  api::MountAccountPages(router, *impl_->accounts);
  impl_->payment_provider->MountHostedPage(router);
}

int Platform::RunDueJobs(int limit) {
  int ran = 0;
  while (ran < limit) {
    auto claimed = impl_->jobs->Claim(std::chrono::seconds(120));
    if (!claimed.ok()) {
      impl_->logger->warn("job queue: {}", claimed.error().message);
      break;
    }
    if (!*claimed) break;
    const storage::ClaimedJob& job = **claimed;
    const Status done = impl_->Handle(job);
    ++ran;
    if (done.ok()) {
      Status completed = impl_->jobs->Complete(job.id);
      if (!completed.ok()) impl_->logger->warn("job {}: {}", job.id, completed.error().message);
      continue;
    }
    const bool permanent = IsPermanent(done.error());
    impl_->logger->warn("job {} ({}) attempt {} failed{}: {}", job.key, job.kind, job.attempts,
                        permanent ? " permanently" : "", done.error().message);
    Status failed =
        impl_->jobs->Fail(job, done.error().message, permanent, Backoff(job.attempts), 10);
    if (!failed.ok()) impl_->logger->warn("job {}: {}", job.id, failed.error().message);
  }
  return ran;
}

void Platform::WorkerLoop() {
  while (!stopping_) {
    impl_->SchedulePeriodicJobs();
    const int ran = RunDueJobs(50);
    if (ran == 0) {
      std::unique_lock lock(wake_mu_);
      wake_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stopping_.load(); });
    }
  }
}

void Platform::StartWorkers() {
  stopping_ = false;
  for (int i = 0; i < impl_->config.job_workers; ++i)
    workers_.emplace_back([this] { WorkerLoop(); });
}

void Platform::StopWorkers() {
  stopping_ = true;
  wake_.notify_all();
  for (std::thread& t : workers_) t.join();
  workers_.clear();
}

}  // namespace openvap::app
