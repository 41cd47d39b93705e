// The secure account service (VAP-ACCT) over the in-memory store: registration, e-mail
// verification, sign-in with TOTP or a recovery code, session expiry, throttling, consent,
// staff accounts, audit.
#include "domain/account_service.h"

#include <gtest/gtest.h>

#include "base/time.h"
#include "fakes/in_memory_store.h"

namespace openvap::domain {
namespace {

using fakes::FakeCredentials;
using fakes::StoreState;

class AccountServiceTest : public ::testing::Test {
 protected:
  AccountServiceTest()
      : clock_(*ParseIsoTimestamp("2026-11-22T10:00:00Z")),
        throttle_(&clock_),
        random_(1),
        service_(store_, throttle_, credentials_, clock_, random_, AccountPolicy{}) {}

  // Asks for a reset link and does the job it schedules, as the platform's worker would.
  Status AskForReset(const std::string& email, const std::string& ip = "ip") {
    OPENVAP_RETURN_IF_ERROR(service_.RequestPasswordReset(email, ip));
    const Job job = store_.Snapshot().jobs.back();
    EXPECT_EQ(job.kind, "password-reset");
    return service_.SendPasswordResetLink(job.payload.at("email"), job.payload.at("ip"));
  }

  std::string TokenFromLastMail() const {
    const auto mail = store_.Snapshot().mail;
    const std::string& text = mail.back().text;
    const std::size_t at = text.find("token=");
    return text.substr(at + 6, text.find('\n', at) - at - 6);
  }

  // Registers, verifies and enrols MFA; returns a fully signed-in session token.
  std::string ReadyApplicant(const std::string& email) {
    EXPECT_TRUE(service_.Register({email, kPassword, "Anna Maria", Role::kApplicant}).ok());
    EXPECT_TRUE(service_.VerifyEmail(TokenFromLastMail()).ok());
    auto grant = service_.SignIn(email, kPassword, "198.51.100.7");
    EXPECT_TRUE(grant.ok());
    EXPECT_TRUE(service_.BeginTotpEnrolment(grant->token).ok());
    auto done = service_.ConfirmTotpEnrolment(grant->token, FakeCredentials::CodeAt(clock_.Now()));
    EXPECT_TRUE(done.ok());
    return done->session.token;
  }

  static constexpr const char* kPassword = "correct horse battery";
  FixedClock clock_;
  fakes::InMemoryStore store_;
  fakes::InMemoryThrottle throttle_;
  FakeCredentials credentials_;
  SeededRandom random_;
  AccountService service_;
};

TEST_F(AccountServiceTest, RegistrationChecksTheNameAndTheLanguage) {
  const auto refused = [this](const std::string& name, const std::string& language) {
    const auto r =
        service_.Register({"lang@example.org", kPassword, name, Role::kApplicant, language});
    return r.ok() ? std::string("registered") : r.error().message;
  };
  EXPECT_EQ(refused("Ana", "klingon"), "preferred_language: an ISO 639-1 code such as en or fr");
  EXPECT_EQ(refused("Ana", "EN"), "preferred_language: an ISO 639-1 code such as en or fr");
  EXPECT_EQ(refused(std::string("A\0na", 4), "en"),
            "display_name: give a name of 1 to 200 characters on one line");
  EXPECT_EQ(refused("Ana", "fr"), "registered");
}

TEST_F(AccountServiceTest, RegistrationNeedsAVerifiedEmailBeforeSignIn) {
  const auto id = service_.Register({"  Anna@Example.ORG ", kPassword, "Anna", Role::kApplicant});
  ASSERT_TRUE(id.ok()) << id.error().message;
  ASSERT_TRUE(id->has_value());
  const StoreState state = store_.Snapshot();
  ASSERT_EQ(state.mail.size(), 1U);
  EXPECT_EQ(state.mail[0].to, std::vector<std::string>{"anna@example.org"});
  EXPECT_EQ(state.mail[0].kind, "verify-email");
  EXPECT_NE(state.mail[0].text.find("http://127.0.0.1:8080/verify-email?token="),
            std::string::npos);

  EXPECT_EQ(service_.SignIn("anna@example.org", kPassword, "ip").error().code,
            "email-not-verified");
  const std::string token = TokenFromLastMail();
  ASSERT_TRUE(service_.VerifyEmail(token).ok());
  EXPECT_EQ(service_.VerifyEmail(token).error().code, "invalid-token");  // single use
  const auto grant = service_.SignIn("ANNA@example.org", kPassword, "ip");
  ASSERT_TRUE(grant.ok());
  EXPECT_FALSE(grant->mfa_verified);
  EXPECT_TRUE(grant->mfa_enrolment_required);
  const auto who = service_.Authenticate(grant->token);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->principal.role, Role::kApplicant);
  EXPECT_FALSE(who->principal.mfa_verified);
  EXPECT_EQ(who->csrf_token, grant->csrf_token);
}

TEST_F(AccountServiceTest, VerificationLinksExpire) {
  ASSERT_TRUE(service_.Register({"a@example.org", kPassword, "A", Role::kApplicant}).ok());
  clock_.Advance(std::chrono::hours(49));
  EXPECT_EQ(service_.VerifyEmail(TokenFromLastMail()).error().code, "invalid-token");
  EXPECT_EQ(service_.VerifyEmail("nonsense").error().code, "invalid-token");
  // The right password earns a new link (a wrong one does not), so nobody is locked out.
  EXPECT_EQ(service_.SignIn("a@example.org", "wrong password!", "ip").error().code,
            "invalid-credentials");
  EXPECT_EQ(store_.Snapshot().mail.size(), 1U);
  const auto unverified = service_.SignIn("a@example.org", kPassword, "ip");
  EXPECT_EQ(unverified.error().code, "email-not-verified");
  EXPECT_NE(unverified.error().message.find("new link"), std::string::npos);
  ASSERT_EQ(store_.Snapshot().mail.size(), 2U);
  // One new link per quarter of an hour: an address someone else registered is not flooded.
  EXPECT_NE(service_.SignIn("a@example.org", kPassword, "ip").error().message.find("last link"),
            std::string::npos);
  EXPECT_EQ(store_.Snapshot().mail.size(), 2U);
  ASSERT_TRUE(service_.VerifyEmail(TokenFromLastMail()).ok());
  EXPECT_TRUE(service_.SignIn("a@example.org", kPassword, "ip").ok());
}

// VAP-ACCT: a forgotten password is replaced through a link mailed to the account's address;
// the link works once, within the hour, and not after a later change; every session ends; the
// second factor stays.
TEST_F(AccountServiceTest, AForgottenPasswordIsReplacedThroughAMailedLink) {
  const std::string session = ReadyApplicant("a@example.org");
  const std::size_t mails = store_.Snapshot().mail.size();
  // Unknown addresses answer the same, and nothing is sent.
  const std::size_t jobs = store_.Snapshot().jobs.size();
  ASSERT_TRUE(AskForReset("nobody@example.org").ok());
  EXPECT_EQ(store_.Snapshot().mail.size(), mails);
  EXPECT_EQ(store_.Snapshot().jobs.size(), jobs + 1);  // the same work as for an account
  EXPECT_EQ(service_.RequestPasswordReset("not an address", "ip").error().code, "invalid-field");

  ASSERT_TRUE(AskForReset("A@example.org").ok());
  ASSERT_EQ(store_.Snapshot().mail.size(), mails + 1);
  EXPECT_EQ(store_.Snapshot().mail.back().kind, "reset-password");
  EXPECT_NE(store_.Snapshot().mail.back().text.find("http://127.0.0.1:8080/reset-password?token="),
            std::string::npos);
  const std::string older = TokenFromLastMail();
  clock_.Advance(std::chrono::minutes(5));
  ASSERT_TRUE(AskForReset("a@example.org").ok());
  const std::string token = TokenFromLastMail();

  EXPECT_EQ(service_.ResetPassword(token, "short").error().code, "weak-password");
  EXPECT_EQ(service_.ResetPassword("nonsense", "a new long passphrase").error().code,
            "invalid-token");
  clock_.Advance(std::chrono::minutes(1));
  ASSERT_TRUE(service_.ResetPassword(token, "a new long passphrase").ok());
  EXPECT_EQ(store_.Snapshot().mail.back().kind, "password-changed");
  EXPECT_EQ(store_.Snapshot().audit.back().action, "account.password-reset");
  // Used once; the older link no longer works either, although it has not expired.
  EXPECT_EQ(service_.ResetPassword(token, "another long passphrase").error().code, "invalid-token");
  EXPECT_EQ(service_.ResetPassword(older, "another long passphrase").error().code, "invalid-token");
  // Signed out everywhere; the old password is gone; the second factor is still asked for.
  EXPECT_FALSE(service_.Authenticate(session).ok());
  EXPECT_EQ(service_.SignIn("a@example.org", kPassword, "ip").error().code, "invalid-credentials");
  const auto grant = service_.SignIn("a@example.org", "a new long passphrase", "ip");
  ASSERT_TRUE(grant.ok());
  EXPECT_FALSE(grant->mfa_verified);
  EXPECT_FALSE(grant->mfa_enrolment_required);

  // A link expires after an hour.
  ASSERT_TRUE(AskForReset("a@example.org").ok());
  clock_.Advance(std::chrono::minutes(61));
  EXPECT_EQ(service_.ResetPassword(TokenFromLastMail(), "yet another passphrase").error().code,
            "invalid-token");
}

// The link reaches the address's owner, so it also confirms an address never confirmed; a
// disabled account gets no link, and a link sent before it was disabled no longer works.
TEST_F(AccountServiceTest, AResetConfirmsTheAddressAndADisabledAccountGetsNone) {
  ASSERT_TRUE(service_.Register({"a@example.org", kPassword, "A", Role::kApplicant}).ok());
  ASSERT_TRUE(AskForReset("a@example.org").ok());
  ASSERT_TRUE(service_.ResetPassword(TokenFromLastMail(), "a new long passphrase").ok());
  EXPECT_TRUE(service_.SignIn("a@example.org", "a new long passphrase", "ip").ok());

  ASSERT_TRUE(AskForReset("a@example.org").ok());
  const std::string token = TokenFromLastMail();
  const std::size_t mails = store_.Snapshot().mail.size();
  ASSERT_TRUE(store_
                  .Write([&](UnitOfWork& u) -> Status {
                    auto account = *u.Accounts().FindByEmail("a@example.org");
                    account->disabled = true;
                    return u.Accounts().Update(*account);
                  })
                  .ok());
  EXPECT_EQ(service_.ResetPassword(token, "another long passphrase").error().code, "invalid-token");
  ASSERT_TRUE(AskForReset("a@example.org").ok());
  EXPECT_EQ(store_.Snapshot().mail.size(), mails);
}

// VAP-ACCT: a signed-in user changes the password with the current one; other sessions end,
// this one is replaced; the owner is told.
TEST_F(AccountServiceTest, ASignedInUserChangesThePasswordWithTheCurrentOne) {
  const std::string session = ReadyApplicant("a@example.org");
  auto other = service_.SignIn("a@example.org", kPassword, "ip");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(
      service_.ChangePassword(session, "not the password", "a new long passphrase").error().code,
      "wrong-password");
  EXPECT_EQ(store_.Snapshot().audit.back().action, "account.password-change-failed");
  EXPECT_EQ(service_.ChangePassword(session, kPassword, "short").error().code, "weak-password");
  // Named by the request's field (new_password), not the policy's "password".
  EXPECT_EQ(service_.ChangePassword(session, kPassword, "short")
                .error()
                .message.rfind("new_password: ", 0),
            0U);
  const auto grant = service_.ChangePassword(session, kPassword, "a new long passphrase");
  ASSERT_TRUE(grant.ok()) << grant.error().message;
  EXPECT_TRUE(grant->mfa_verified);  // the session had passed the second factor
  EXPECT_FALSE(service_.Authenticate(session).ok());
  EXPECT_FALSE(service_.Authenticate(other->token).ok());
  EXPECT_TRUE(service_.Authenticate(grant->token)->principal.mfa_verified);
  EXPECT_EQ(store_.Snapshot().mail.back().kind, "password-changed");
  EXPECT_EQ(service_.SignIn("a@example.org", kPassword, "ip").error().code, "invalid-credentials");
  EXPECT_TRUE(service_.SignIn("a@example.org", "a new long passphrase", "ip").ok());
  EXPECT_EQ(service_.ChangePassword("no session", kPassword, "x").error().code, "unauthenticated");
}

// GDPR Art 17: an applicant closes their account with its password, once no application is
// under way; the account, its sessions, messages and applications go; the address is free.
TEST_F(AccountServiceTest, AnApplicantClosesTheirAccountOnceNothingIsUnderWay) {
  const std::string session = ReadyApplicant("a@example.org");
  const AccountId id = *service_.Authenticate(session)->principal.account;
  const auto put = [&](const char* app, ApplicationStatus status) {
    Application a;
    a.id = ApplicationId(app);
    a.owner = id;
    a.status = status;
    ASSERT_TRUE(store_
                    .Write([&](UnitOfWork& u) -> Status {
                      OPENVAP_RETURN_IF_ERROR(u.Applications().Insert(a));
                      return u.Messages().Insert(AccountMessage{std::string("msg-") + app, id, a.id,
                                                                "x", "s", "b", clock_.Now(),
                                                                std::nullopt});
                    })
                    .ok());
  };
  put("app-draft", ApplicationStatus::kDraft);
  put("app-refused", ApplicationStatus::kRefused);
  put("app-notified", ApplicationStatus::kNotified);
  put("app-paid", ApplicationStatus::kDraft);
  // The draft booked a visit; another draft's fee is paid.
  ASSERT_TRUE(store_
                  .Write([&](UnitOfWork& u) -> Status {
                    OPENVAP_RETURN_IF_ERROR(u.Appointments().InsertSlot(AppointmentSlot{
                        "slot-1", "FR", "fr-delhi", "1 Rd", clock_.Now(), 15, std::nullopt}));
                    OPENVAP_RETURN_IF_ERROR(
                        u.Appointments().Book("slot-1", ApplicationId("app-draft")));
                    auto draft = *u.Applications().Find(ApplicationId("app-draft"));
                    draft->appointment = "slot-1";
                    OPENVAP_RETURN_IF_ERROR(u.Applications().Update(*draft));
                    auto paid = *u.Applications().Find(ApplicationId("app-paid"));
                    paid->fee_paid = true;
                    return u.Applications().Update(*paid);
                  })
                  .ok());
  EXPECT_EQ(service_.CloseAccount(session, "not the password").error().code, "wrong-password");
  const auto busy = service_.CloseAccount(session, kPassword);
  EXPECT_EQ(busy.error().code, "applications-in-progress");
  EXPECT_NE(busy.error().message.find("app-notified"), std::string::npos);
  EXPECT_NE(busy.error().message.find("app-paid"), std::string::npos);  // its fee would be lost
  EXPECT_EQ(busy.error().message.find("app-draft"), std::string::npos);
  ASSERT_TRUE(store_
                  .Write([&](UnitOfWork& u) -> Status {
                    for (const char* id : {"app-notified", "app-paid"}) {
                      auto a = *u.Applications().Find(ApplicationId(id));
                      a->status = ApplicationStatus::kWithdrawn;
                      OPENVAP_RETURN_IF_ERROR(u.Applications().Update(*a));
                    }
                    return Ok();
                  })
                  .ok());
  ASSERT_TRUE(service_.CloseAccount(session, kPassword).ok());
  const StoreState state = store_.Snapshot();
  EXPECT_TRUE(state.accounts.empty());
  EXPECT_TRUE(state.sessions.empty());
  EXPECT_TRUE(state.applications.empty());
  EXPECT_TRUE(state.messages.empty());
  EXPECT_FALSE(state.slots.at("slot-1").booked_by.has_value());  // free for someone else
  EXPECT_EQ(state.mail.back().kind, "account-closed");
  EXPECT_EQ(state.audit.back().action, "account.close");
  EXPECT_FALSE(service_.Authenticate(session).ok());
  EXPECT_EQ(service_.SignIn("a@example.org", kPassword, "ip").error().code, "invalid-credentials");
  const auto again = service_.Register({"a@example.org", kPassword, "A", Role::kApplicant});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->has_value());  // a new account, not "already registered"
}

// An agency's account holds more applications than a page of the list: closing it checks and
// deletes every one of them, and names only the first of many still under way.
TEST_F(AccountServiceTest, AnAccountWithMoreApplicationsThanAPageClosesWithAllOfThem) {
  const std::string session = ReadyApplicant("agency@example.org");
  const AccountId id = *service_.Authenticate(session)->principal.account;
  constexpr int kApplications = 2 * PageRequest::kMaxLimit + 20;
  ASSERT_TRUE(store_
                  .Write([&](UnitOfWork& u) -> Status {
                    for (int i = 0; i < kApplications; ++i) {
                      Application a;
                      a.id = ApplicationId("app-" + std::to_string(i));
                      a.owner = id;
                      a.created_at = a.updated_at = clock_.Now() + std::chrono::seconds(i);
                      // The twelve oldest are under way: the last page of the newest-first list.
                      a.status = i < 12 ? ApplicationStatus::kNotified : ApplicationStatus::kDraft;
                      OPENVAP_RETURN_IF_ERROR(u.Applications().Insert(a));
                    }
                    return Ok();
                  })
                  .ok());
  const auto busy = service_.CloseAccount(session, kPassword);
  ASSERT_FALSE(busy.ok());
  EXPECT_EQ(busy.error().code, "applications-in-progress");
  EXPECT_NE(busy.error().message.find("app-11"), std::string::npos);
  EXPECT_NE(busy.error().message.find(" and 2 more"), std::string::npos);
  EXPECT_EQ(store_.Snapshot().applications.size(), static_cast<std::size_t>(kApplications));
  ASSERT_TRUE(store_
                  .Write([&](UnitOfWork& u) -> Status {
                    for (int i = 0; i < 12; ++i) {
                      auto a = *u.Applications().Find(ApplicationId("app-" + std::to_string(i)));
                      a->status = ApplicationStatus::kWithdrawn;
                      OPENVAP_RETURN_IF_ERROR(u.Applications().Update(*a));
                    }
                    return Ok();
                  })
                  .ok());
  ASSERT_TRUE(service_.CloseAccount(session, kPassword).ok());
  EXPECT_TRUE(store_.Snapshot().applications.empty());
  EXPECT_EQ(store_.Snapshot().audit.back().details["applications_deleted"], kApplications);
}

TEST_F(AccountServiceTest, OfficialsAccountsAreNotClosedByThemselves) {
  const Principal admin{Role::kAdministrator, AccountId("acc-admin"), "", "", true};
  ASSERT_TRUE(service_
                  .CreateStaffAccount(admin, {"consul@fr.example", "Consul", Role::kConsularOfficer,
                                              "FR", "fr-delhi", kPassword})
                  .ok());
  const auto grant = service_.SignIn("consul@fr.example", kPassword, "ip");
  ASSERT_TRUE(grant.ok()) << grant.error().message;
  EXPECT_EQ(service_.CloseAccount(grant->token, kPassword).error().code, "forbidden");
  // Without an authenticator app there is nothing to renew recovery codes with.
  EXPECT_EQ(service_.RenewRecoveryCodes(grant->token, "123456").error().code, "mfa-not-enrolled");
}

// Recovery codes are renewed with a code of the app now (not a recovery code, not one used
// before); the old ones stop working.
TEST_F(AccountServiceTest, RecoveryCodesAreRenewedWithACodeOfTheAppNow) {
  ASSERT_TRUE(service_.Register({"a@example.org", kPassword, "A", Role::kApplicant}).ok());
  ASSERT_TRUE(service_.VerifyEmail(TokenFromLastMail()).ok());
  auto grant = service_.SignIn("a@example.org", kPassword, "ip");
  ASSERT_TRUE(service_.BeginTotpEnrolment(grant->token).ok());
  auto done = service_.ConfirmTotpEnrolment(grant->token, FakeCredentials::CodeAt(clock_.Now()));
  ASSERT_TRUE(done.ok());
  const std::string session = done->session.token;
  // The code just used for the enrolment, and a recovery code, are refused.
  EXPECT_EQ(
      service_.RenewRecoveryCodes(session, FakeCredentials::CodeAt(clock_.Now())).error().code,
      "invalid-code");
  EXPECT_EQ(service_.RenewRecoveryCodes(session, done->recovery_codes[0]).error().code,
            "invalid-code");
  clock_.Advance(std::chrono::seconds(30));
  const auto codes = service_.RenewRecoveryCodes(session, FakeCredentials::CodeAt(clock_.Now()));
  ASSERT_TRUE(codes.ok()) << codes.error().message;
  EXPECT_EQ(codes->size(), done->recovery_codes.size());
  EXPECT_NE(*codes, done->recovery_codes);
  EXPECT_EQ(store_.Snapshot().mail.back().kind, "recovery-codes-renewed");
  // The old codes no longer pass the second factor; a new one does.
  auto again = service_.SignIn("a@example.org", kPassword, "ip");
  EXPECT_EQ(service_.CompleteSignIn(again->token, done->recovery_codes[1]).error().code,
            "invalid-code");
  EXPECT_TRUE(service_.CompleteSignIn(again->token, (*codes)[0]).ok());
}

TEST_F(AccountServiceTest, PasswordResetLinksAreThrottledPerAddressAndPerNetwork) {
  ASSERT_TRUE(service_.Register({"a@example.org", kPassword, "A", Role::kApplicant}).ok());
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(service_.RequestPasswordReset("a@example.org", "ip").ok());
  EXPECT_EQ(service_.RequestPasswordReset("a@example.org", "other ip").error().code,
            "rate-limited");
  // Unknown addresses count the same (the limit says nothing about who has an account).
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(service_.RequestPasswordReset("nobody@example.org", "ip").ok());
  }
  EXPECT_EQ(service_.RequestPasswordReset("nobody@example.org", "ip").error().code, "rate-limited");
  for (int i = 0; i < 20 - 7; ++i) {
    ASSERT_TRUE(service_.RequestPasswordReset("p" + std::to_string(i) + "@example.org", "ip").ok());
  }
  EXPECT_EQ(service_.RequestPasswordReset("q@example.org", "ip").error().code, "rate-limited");
  // The window passes.
  clock_.Advance(std::chrono::minutes(16));
  EXPECT_TRUE(service_.RequestPasswordReset("a@example.org", "ip").ok());
}

TEST_F(AccountServiceTest, ATakenAddressAnswersTheSameAndWarnsItsOwner) {
  ASSERT_TRUE(service_.Register({"a@example.org", kPassword, "A", Role::kApplicant}).ok());
  const auto again = service_.Register({"A@example.org", kPassword, "B", Role::kApplicant});
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());
  const StoreState state = store_.Snapshot();
  EXPECT_EQ(state.accounts.size(), 1U);
  EXPECT_EQ(state.mail.back().kind, "registration-attempt");
  // Tried again and again: the owner is told once an hour, not once a try.
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(service_.Register({"a@example.org", kPassword, "B", Role::kApplicant}).ok());
  }
  EXPECT_EQ(store_.Snapshot().mail.size(), state.mail.size());
  clock_.Advance(std::chrono::minutes(61));
  ASSERT_TRUE(service_.Register({"a@example.org", kPassword, "B", Role::kApplicant}).ok());
  EXPECT_EQ(store_.Snapshot().mail.size(), state.mail.size() + 1);
}

// One network registers so many accounts a quarter of an hour (each registration mails
// someone), then is told to wait; a request refused for its content does not count.
TEST_F(AccountServiceTest, RegistrationsAreLimitedPerNetwork) {
  Registration weak{"weak@example.org", "short", "W", Role::kApplicant};
  weak.ip_address = "203.0.113.9";
  for (int i = 0; i < 5; ++i) EXPECT_EQ(service_.Register(weak).error().code, "weak-password");
  for (int i = 0; i < 100; ++i) {
    Registration r{"p" + std::to_string(i) + "@example.org", kPassword, "P", Role::kApplicant};
    r.ip_address = "203.0.113.9";
    ASSERT_TRUE(service_.Register(r).ok()) << i;
  }
  Registration more{"late@example.org", kPassword, "L", Role::kApplicant};
  more.ip_address = "203.0.113.9";
  EXPECT_EQ(service_.Register(more).error().code, "rate-limited");
  more.ip_address = "198.51.100.7";
  EXPECT_TRUE(service_.Register(more).ok());
}

TEST_F(AccountServiceTest, BadRegistrationsSayWhatToFix) {
  EXPECT_EQ(service_.Register({"not-an-email", kPassword, "A", Role::kApplicant}).error().code,
            "invalid-field");
  EXPECT_EQ(service_.Register({"a@example.org", "short", "A", Role::kApplicant}).error().code,
            "weak-password");
  EXPECT_EQ(service_.Register({"a@example.org", kPassword, "", Role::kApplicant}).error().code,
            "invalid-field");
  const auto officer = service_.Register({"a@example.org", kPassword, "A", Role::kConsularOfficer});
  EXPECT_EQ(officer.error().code, "invalid-field");
  EXPECT_TRUE(store_.Snapshot().accounts.empty());
}

TEST_F(AccountServiceTest, TotpEnrolmentRotatesTheSessionAndGivesRecoveryCodes) {
  ASSERT_TRUE(service_.Register({"a@example.org", kPassword, "A", Role::kApplicant}).ok());
  ASSERT_TRUE(service_.VerifyEmail(TokenFromLastMail()).ok());
  const auto grant = service_.SignIn("a@example.org", kPassword, "ip");
  ASSERT_TRUE(grant.ok());
  EXPECT_EQ(service_.ConfirmTotpEnrolment(grant->token, "000000").error().code,
            "invalid-transition");
  const auto enrolment = service_.BeginTotpEnrolment(grant->token);
  ASSERT_TRUE(enrolment.ok());
  EXPECT_EQ(enrolment->uri.rfind("otpauth://totp/", 0), 0U);
  EXPECT_EQ(service_.ConfirmTotpEnrolment(grant->token, "999999").error().code, "invalid-code");
  const auto done =
      service_.ConfirmTotpEnrolment(grant->token, FakeCredentials::CodeAt(clock_.Now()));
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->recovery_codes.size(), 3U);
  EXPECT_TRUE(done->session.mfa_verified);
  EXPECT_EQ(service_.Authenticate(grant->token).error().code, "unauthenticated");
  EXPECT_TRUE(service_.Authenticate(done->session.token)->principal.mfa_verified);
  EXPECT_EQ(service_.BeginTotpEnrolment(done->session.token).error().code, "conflict");
  // Only hashes of the recovery codes are kept.
  const Account stored = store_.Snapshot().accounts.begin()->second;
  EXPECT_EQ(stored.recovery_code_hashes[0], "rc(recovery-1)");
}

TEST_F(AccountServiceTest, SecondFactorRefusesReplayedCodesAndUsesRecoveryCodesOnce) {
  ReadyApplicant("a@example.org");
  clock_.Advance(std::chrono::seconds(60));
  auto first = service_.SignIn("a@example.org", kPassword, "ip");
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first->mfa_enrolment_required);
  const std::string code = FakeCredentials::CodeAt(clock_.Now());
  const auto passed = service_.CompleteSignIn(first->token, code);
  ASSERT_TRUE(passed.ok());
  EXPECT_TRUE(passed->mfa_verified);

  auto second = service_.SignIn("a@example.org", kPassword, "ip");
  EXPECT_EQ(service_.CompleteSignIn(second->token, code).error().code, "invalid-code");
  const auto with_code = service_.CompleteSignIn(second->token, "recovery-2");
  ASSERT_TRUE(with_code.ok());
  auto third = service_.SignIn("a@example.org", kPassword, "ip");
  EXPECT_EQ(service_.CompleteSignIn(third->token, "recovery-2").error().code, "invalid-code");
  // A session past its second factor uses up no code sent to it again.
  EXPECT_EQ(service_.CompleteSignIn(with_code->token, "recovery-3").error().code,
            "invalid-transition");
  EXPECT_TRUE(service_.CompleteSignIn(third->token, "recovery-3").ok());
}

TEST_F(AccountServiceTest, WrongPasswordsAndUnknownAccountsLookTheSameAndAreThrottled) {
  ReadyApplicant("a@example.org");
  EXPECT_EQ(service_.SignIn("a@example.org", "wrong password!", "ip").error().code,
            "invalid-credentials");
  EXPECT_EQ(service_.SignIn("b@example.org", kPassword, "ip").error().message,
            service_.SignIn("a@example.org", "wrong password!", "ip").error().message);
  for (int i = 0; i < 10; ++i) (void)service_.SignIn("a@example.org", "wrong", "ip");
  EXPECT_EQ(service_.SignIn("a@example.org", kPassword, "ip").error().code, "rate-limited");
  int failures = 0;
  for (const AuditEvent& e : store_.Snapshot().audit) {
    failures += e.action == "account.sign-in-failed" ? 1 : 0;
  }
  EXPECT_GE(failures, 3);
}

TEST_F(AccountServiceTest, SessionsExpireWhenIdleAndAfterTheirLifetime) {
  const std::string token = ReadyApplicant("a@example.org");
  clock_.Advance(std::chrono::minutes(29));
  ASSERT_TRUE(service_.Authenticate(token).ok());  // slides the idle timeout
  clock_.Advance(std::chrono::minutes(29));
  ASSERT_TRUE(service_.Authenticate(token).ok());
  clock_.Advance(std::chrono::minutes(31));
  EXPECT_EQ(service_.Authenticate(token).error().code, "session-expired");

  const std::string busy = ReadyApplicant("b@example.org");
  for (int i = 0; i < 12 * 3; ++i) {  // active every 20 minutes for exactly 12 hours
    clock_.Advance(std::chrono::minutes(20));
    ASSERT_TRUE(service_.Authenticate(busy).ok()) << i;
  }
  clock_.Advance(std::chrono::minutes(1));
  EXPECT_EQ(service_.Authenticate(busy).error().code, "session-expired");
  EXPECT_TRUE(service_.SignOut(busy).ok());
  EXPECT_EQ(service_.Authenticate(busy).error().code, "unauthenticated");
}

TEST_F(AccountServiceTest, ConsentToKeepDataIsExplicitAndAudited) {
  const std::string token = ReadyApplicant("a@example.org");
  const Principal me = service_.Authenticate(token)->principal;
  EXPECT_FALSE(service_.GetAccount(me)->keep_data_consent);
  ASSERT_TRUE(service_.SetKeepDataConsent(me, true).ok());
  EXPECT_TRUE(service_.GetAccount(me)->keep_data_consent);
  ASSERT_TRUE(service_.SetKeepDataConsent(me, false).ok());
  EXPECT_FALSE(service_.GetAccount(me)->keep_data_consent);
  EXPECT_EQ(store_.Snapshot().audit.back().action, "account.consent-withdrawn");
  EXPECT_EQ(store_.Snapshot().audit.back().details.at("kept_data_deleted"), false);
}

// GDPR Art 7(3), 17(1)(b): what was kept for later applications goes when consent is withdrawn.
TEST_F(AccountServiceTest, WithdrawingConsentDeletesWhatWasKept) {
  const std::string token = ReadyApplicant("a@example.org");
  const Principal me = service_.Authenticate(token)->principal;
  ASSERT_TRUE(service_.SetKeepDataConsent(me, true).ok());
  ASSERT_TRUE(store_
                  .Write([&](UnitOfWork& uow) -> Status {
                    auto account = *uow.Accounts().Find(*me.account);
                    account->kept =
                        KeptApplicationData{ApplicationForm(nlohmann::json{{"1", "ERIKSSON"}}),
                                            ApplicationId("app-1"), clock_.Now()};
                    return uow.Accounts().Update(*account);
                  })
                  .ok());
  // Giving consent again keeps what is kept.
  ASSERT_TRUE(service_.SetKeepDataConsent(me, true).ok());
  ASSERT_TRUE(service_.GetAccount(me)->kept.has_value());
  ASSERT_TRUE(service_.SetKeepDataConsent(me, false).ok());
  EXPECT_FALSE(service_.GetAccount(me)->kept.has_value());
  EXPECT_EQ(store_.Snapshot().audit.back().details.at("kept_data_deleted"), true);
}

TEST_F(AccountServiceTest, OnlyAdministratorsCreateOfficials) {
  const StaffAccount consul{"consul@fr.example",      "Consul", Role::kConsularOfficer, "FR",
                            "FR-consulate-new-delhi", kPassword};
  Principal applicant;
  applicant.role = Role::kApplicant;
  EXPECT_EQ(service_.CreateStaffAccount(applicant, consul).error().code, "forbidden");
  Principal admin;
  admin.role = Role::kAdministrator;
  admin.account = AccountId("acc-admin");
  const auto id = service_.CreateStaffAccount(admin, consul);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(service_.CreateStaffAccount(admin, consul).error().code, "already-exists");
  StaffAccount stateless = consul;
  stateless.email = "x@fr.example";
  stateless.member_state = "";
  EXPECT_EQ(service_.CreateStaffAccount(admin, stateless).error().code, "invalid-field");
  stateless.member_state = "fr";  // the state decides whose files they see: exactly its code
  EXPECT_EQ(service_.CreateStaffAccount(admin, stateless).error().code, "invalid-field");
  stateless.member_state = "FR";
  stateless.organisation = "FR\nconsulate";
  EXPECT_EQ(service_.CreateStaffAccount(admin, stateless).error().code, "invalid-field");
  const auto grant = service_.SignIn("consul@fr.example", kPassword, "ip");
  ASSERT_TRUE(grant.ok());
  EXPECT_TRUE(grant->mfa_enrolment_required);
  const auto who = service_.Authenticate(grant->token);
  EXPECT_EQ(who->principal.member_state, "FR");
  EXPECT_EQ(who->principal.organisation, "FR-consulate-new-delhi");
}

// With the platform's list of states (those issuing uniform visas), an invented one is refused.
TEST_F(AccountServiceTest, OfficialsActForAStateThatIssuesVisas) {
  AccountPolicy policy;
  policy.member_states = {"DE", "FR"};
  AccountService service(store_, throttle_, credentials_, clock_, random_, policy);
  Principal admin;
  admin.role = Role::kAdministrator;
  StaffAccount staff{"guard@xx.example", "Guard", Role::kBorderGuard, "XX", "XX-border", kPassword};
  const auto invented = service.CreateStaffAccount(admin, staff);
  ASSERT_FALSE(invented.ok());
  EXPECT_NE(invented.error().message.find("'XX'"), std::string::npos) << invented.error().message;
  staff.member_state = "DE";
  EXPECT_TRUE(service.CreateStaffAccount(admin, staff).ok());
}

TEST_F(AccountServiceTest, ServiceProviderKeysAuthenticateStaffUntilRevoked) {
  Principal admin;
  admin.role = Role::kAdministrator;
  const auto staff = service_.CreateStaffAccount(
      admin, {"desk@vfs.example", "Desk 1", Role::kServiceProvider, "FR", "esp-delhi", kPassword});
  ASSERT_TRUE(staff.ok());
  const auto consul = service_.CreateStaffAccount(
      admin, {"c@fr.example", "C", Role::kConsularOfficer, "FR", "fr-delhi", kPassword});
  EXPECT_EQ(service_.IssueServiceProviderKey(admin, *consul, "x").error().code, "invalid-field");
  Principal applicant;
  EXPECT_EQ(service_.IssueServiceProviderKey(applicant, *staff, "x").error().code, "forbidden");
  EXPECT_EQ(service_.IssueServiceProviderKey(admin, *staff, std::string(201, 'x')).error().code,
            "invalid-field");
  EXPECT_EQ(service_.IssueServiceProviderKey(admin, *staff, "desk\n1").error().code,
            "invalid-field");
  const auto key = service_.IssueServiceProviderKey(admin, *staff, "desk 1");
  ASSERT_TRUE(key.ok());
  const auto who = service_.AuthenticateServiceProviderKey(*key);
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(who->role, Role::kServiceProvider);
  EXPECT_EQ(who->organisation, "esp-delhi");
  EXPECT_EQ(service_.AuthenticateServiceProviderKey("esp_guess").error().code, "unauthenticated");
  ASSERT_TRUE(service_.RevokeServiceProviderKey(admin, *key).ok());
  EXPECT_EQ(service_.AuthenticateServiceProviderKey(*key).error().code, "unauthenticated");
}

// A member of staff who leaves, or a key that leaked: an administrator disables the account
// (sessions end, sign-in and keys refused, nothing deleted) and enables it again, and revokes
// every key of a provider's staff member at once.
TEST_F(AccountServiceTest, AnAdministratorDisablesAnAccountAndRevokesItsKeys) {
  Principal admin;
  admin.role = Role::kAdministrator;
  admin.account = AccountId("acc-admin");
  const auto staff = service_.CreateStaffAccount(
      admin, {"desk@vfs.example", "Desk 1", Role::kServiceProvider, "FR", "esp-delhi", kPassword});
  ASSERT_TRUE(staff.ok());
  const auto first_key = service_.IssueServiceProviderKey(admin, *staff, "desk 1");
  const auto second_key = service_.IssueServiceProviderKey(admin, *staff, "desk 2");
  ASSERT_TRUE(first_key.ok() && second_key.ok());
  const auto grant = service_.SignIn("desk@vfs.example", kPassword, "ip");
  ASSERT_TRUE(grant.ok()) << grant.error().message;
  ASSERT_TRUE(service_.Authenticate(grant->token).ok());

  Principal consul;
  consul.role = Role::kConsularOfficer;
  EXPECT_EQ(service_.SetAccountDisabled(consul, *staff, true, "left").error().code, "forbidden");
  EXPECT_EQ(service_.SetAccountDisabled(admin, *admin.account, true, "oops").error().code,
            "forbidden");
  EXPECT_EQ(service_.SetAccountDisabled(admin, *staff, true, "").error().code, "invalid-field");
  EXPECT_EQ(service_.SetAccountDisabled(admin, *staff, true, "left\nthe company").error().code,
            "invalid-field");
  EXPECT_EQ(service_.SetAccountDisabled(admin, AccountId("acc-none"), true, "x").error().code,
            "not-found");

  ASSERT_TRUE(service_.SetAccountDisabled(admin, *staff, true, "left the company").ok());
  EXPECT_FALSE(service_.Authenticate(grant->token).ok());
  EXPECT_EQ(service_.SignIn("desk@vfs.example", kPassword, "ip").error().code, "account-disabled");
  EXPECT_EQ(service_.AuthenticateServiceProviderKey(*first_key).error().code, "account-disabled");
  EXPECT_EQ(store_.Snapshot().mail.back().kind, "account-disabled");
  EXPECT_EQ(store_.Snapshot().audit.back().action, "account.disable");
  EXPECT_EQ(store_.Snapshot().audit.back().details["reason"], "left the company");
  EXPECT_TRUE(store_.Snapshot().sessions.empty());
  // Disabled twice: nothing more happens, nobody is mailed again.
  const std::size_t mails = store_.Snapshot().mail.size();
  ASSERT_TRUE(service_.SetAccountDisabled(admin, *staff, true, "left the company").ok());
  EXPECT_EQ(store_.Snapshot().mail.size(), mails);

  ASSERT_TRUE(service_.SetAccountDisabled(admin, *staff, false, "").ok());
  EXPECT_EQ(store_.Snapshot().mail.back().kind, "account-enabled");
  EXPECT_TRUE(service_.SignIn("desk@vfs.example", kPassword, "ip").ok());
  EXPECT_TRUE(service_.AuthenticateServiceProviderKey(*second_key).ok());

  EXPECT_EQ(service_.RevokeServiceProviderKeysOf(consul, *staff).error().code, "forbidden");
  EXPECT_EQ(service_.RevokeServiceProviderKeysOf(admin, AccountId("acc-none")).error().code,
            "not-found");
  const auto officer = service_.CreateStaffAccount(
      admin, {"c@fr.example", "C", Role::kConsularOfficer, "FR", "fr-delhi", kPassword});
  ASSERT_TRUE(officer.ok());
  EXPECT_EQ(service_.RevokeServiceProviderKeysOf(admin, *officer).error().code, "invalid-field");
  EXPECT_EQ(*service_.RevokeServiceProviderKeysOf(admin, *staff), 2);
  EXPECT_EQ(service_.AuthenticateServiceProviderKey(*first_key).error().code, "unauthenticated");
  EXPECT_EQ(service_.AuthenticateServiceProviderKey(*second_key).error().code, "unauthenticated");
  EXPECT_EQ(*service_.RevokeServiceProviderKeysOf(admin, *staff), 0);
  const auto third_key = service_.IssueServiceProviderKey(admin, *staff, "desk 3");
  ASSERT_TRUE(third_key.ok());
  EXPECT_TRUE(service_.AuthenticateServiceProviderKey(*third_key).ok());
}

TEST(NormaliseEmail, AcceptsAddressesAndRejectsOtherText) {
  EXPECT_EQ(*NormaliseEmail(" Ana.Lopez+visa@Example.COM "), "ana.lopez+visa@example.com");
  for (const char* bad :
       {"", "plain", "@example.org", "a@b", "a@@b.org", "a b@c.org", "a@b.org.", "a@.org"}) {
    EXPECT_FALSE(NormaliseEmail(bad).ok()) << bad;
  }
}

TEST(EmailAddressIn, FindsTheAddressInAnAnnexIAddressField) {
  EXPECT_EQ(EmailAddressIn("agent@travel.example"), "agent@travel.example");
  EXPECT_EQ(EmailAddressIn("1 Janpath, New Delhi; Agent <Agent@Travel.example>"),
            "agent@travel.example");
  EXPECT_EQ(EmailAddressIn("Sunrise Travel, 1 Janpath, New Delhi, agent@travel.example."),
            "agent@travel.example");
  EXPECT_EQ(EmailAddressIn("e-mail: mailto:agent@travel.example (office)"), "agent@travel.example");
  EXPECT_EQ(EmailAddressIn("E-mail:agent@travel.example; MAILTO:x@y.example"),
            "agent@travel.example");
  // The first well-formed one; text that only looks like an address is passed over.
  EXPECT_EQ(EmailAddressIn("@home, a@b, ops@agency.example, b@agency.example"),
            "ops@agency.example");
  for (const char* none : {"", "1 Janpath, New Delhi", "at the office @ 9", "a@b"}) {
    EXPECT_EQ(EmailAddressIn(none), std::nullopt) << none;
  }
}

}  // namespace
}  // namespace openvap::domain
