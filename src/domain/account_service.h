#ifndef OPENVAP_DOMAIN_ACCOUNT_SERVICE_H_
#define OPENVAP_DOMAIN_ACCOUNT_SERVICE_H_

// The secure account service (VAP-ACCT; VIS Art 7b(4)): registration with e-mail verification,
// sign-in with a password and a second factor (TOTP or a recovery code), sessions that expire,
// throttled attempts, explicit consent to keep data for later applications, and the accounts
// of officials created by administrators. Every change is audited (VAP-DP).

#include <openvap/result.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "domain/credentials.h"
#include "domain/principal.h"
#include "domain/store.h"

namespace openvap::domain {

struct AccountPolicy {
  std::string base_url = "http://127.0.0.1:8080";  // for links in e-mails
  std::string issuer = "OpenVAP";                  // shown in authenticator apps
  std::chrono::minutes session_idle_timeout{30};
  std::chrono::hours session_lifetime{12};
  std::chrono::hours email_token_lifetime{48};
  std::chrono::minutes password_reset_lifetime{60};
  int password_resets_per_account = 3;  // links asked for, per login_window
  int password_resets_per_address = 20;
  // Per login_window, from one IP address, as login_attempts_per_address: behind a proxy that
  // hides the callers' addresses both limits hold for everyone together.
  int registrations_per_address = 100;
  int login_attempts_per_account = 10;  // per login_window
  int login_attempts_per_address = 100;
  std::chrono::minutes login_window{15};
  // The states whose officials have accounts (alpha-2): those issuing uniform visas in the
  // reference data. Empty: any two capital letters.
  std::vector<std::string> member_states;
};

struct Registration {
  std::string email;
  std::string password;
  std::string display_name;
  Role role = Role::kApplicant;  // applicant or representative; officials are created by admins
  std::string preferred_language = "en";
  std::string ip_address = "";  // the caller's, for the limit per network
};

struct StaffAccount {
  std::string email;
  std::string display_name;
  Role role = Role::kConsularOfficer;
  std::string member_state;
  std::string organisation;
  std::string password;  // initial password; the official must enrol MFA at first sign-in
};

// A new session: the token goes into the cookie, the CSRF token to the page.
struct SessionGrant {
  std::string token;
  std::string csrf_token;
  bool mfa_verified = false;
  bool mfa_enrolment_required = false;  // no second factor yet: enrol before anything else
};

struct TotpEnrolment {
  std::string secret;  // base32, for manual entry
  std::string uri;     // otpauth://, for the QR code
};

struct Authenticated {
  Principal principal;
  std::string csrf_token;
};

class AccountService {
 public:
  AccountService(Store& store, Throttle& throttle, const Credentials& credentials,
                 const Clock& clock, RandomSource& random, AccountPolicy policy);

  // Creates an unverified applicant or representative account and mails a verification link.
  // To prevent e-mail enumeration a taken address answers the same way, and its owner gets a
  // notice instead. Errors: "invalid-field", "weak-password".
  Result<std::optional<AccountId>> Register(const Registration& registration);

  // Errors: "invalid-token" (unknown, used or expired).
  Status VerifyEmail(const std::string& token);

  // A forgotten password: schedules a job ("password-reset") that mails a link to choose a new
  // one (valid `password_reset_lifetime`) to the account with this address, if there is one.
  // Unknown addresses get the same answer after the same work, so that neither says who has an
  // account. Errors: "invalid-field", "rate-limited" (per address and per caller's IP address,
  // whether the account exists or not).
  Status RequestPasswordReset(const std::string& email, const std::string& ip_address);
  // The job's work: the link, if an account that is not disabled has the (normalised) address.
  Status SendPasswordResetLink(const std::string& email, const std::string& ip_address);

  // Sets the new password of the link's account, ends all its sessions and tells the owner by
  // e-mail. The second factor stays: the next sign-in still needs it. The link also confirms the
  // e-mail address. Errors: "invalid-token" (unknown, used, expired, or older than the last
  // change of password), "weak-password".
  Status ResetPassword(const std::string& token, const std::string& new_password);

  // First factor. Errors: "invalid-credentials" (same for unknown e-mail and wrong password),
  // "email-not-verified" (with the right password, a new confirmation link is mailed),
  // "account-disabled", "rate-limited".
  Result<SessionGrant> SignIn(const std::string& email, const std::string& password,
                              const std::string& ip_address);

  // Second factor: a TOTP code or a recovery code. Rotates the session token (the old one stops
  // working). Errors: "invalid-code", "unauthenticated", "rate-limited".
  Result<SessionGrant> CompleteSignIn(const std::string& session_token, const std::string& code);

  // The principal of a session token, sliding its idle timeout. Errors: "unauthenticated",
  // "session-expired".
  Result<Authenticated> Authenticate(const std::string& session_token);

  Status SignOut(const std::string& session_token);

  // TOTP enrolment: start (new secret), then confirm with a first code, which enables MFA,
  // returns the recovery codes (shown once) and rotates the session.
  Result<TotpEnrolment> BeginTotpEnrolment(const std::string& session_token);
  struct EnrolmentDone {
    std::vector<std::string> recovery_codes;
    SessionGrant session;
  };
  Result<EnrolmentDone> ConfirmTotpEnrolment(const std::string& session_token,
                                             const std::string& code);

  // A signed-in user changes their password, proving the current one (attempts count as sign-in
  // attempts). Every session of the account ends and this one is replaced by the returned one;
  // the owner is told by e-mail. Errors: "wrong-password" (the current one), "weak-password",
  // "conflict" (changed meanwhile), "rate-limited", "unauthenticated", "session-expired".
  Result<SessionGrant> ChangePassword(const std::string& session_token,
                                      const std::string& current_password,
                                      const std::string& new_password);

  // New recovery codes (shown once) for a user with an authenticator app, who proves it with a
  // code of the app now; the old codes stop working and the owner is told by e-mail. Errors:
  // "invalid-code", "mfa-not-enrolled", "rate-limited", "unauthenticated".
  Result<std::vector<std::string>> RenewRecoveryCodes(const std::string& session_token,
                                                      const std::string& code);

  // An applicant or representative closes their account, giving its password (GDPR Art 17):
  // the account goes with its sessions, links, kept data and messages, and so do its drafts and
  // what temporary storage kept of its closed applications; the register keeps its own records
  // for their period (VIS Art 23). Refused while an application is under way (submitted and not
  // yet decided): the consulate writes to the account. Errors: "wrong-password",
  // "applications-in-progress", "forbidden" (officials' accounts are closed by administrators),
  // "rate-limited", "unauthenticated".
  Status CloseAccount(const std::string& session_token, const std::string& password);

  // VIS Art 7b(4): consent (or its withdrawal) to keep data for later applications.
  Status SetKeepDataConsent(const Principal& principal, bool consent);

  Result<Account> GetAccount(const Principal& principal);

  // VIS Art 7f(2): administrators issue API keys to service-provider staff (shown once);
  // the gateway authenticates with them. Errors: "forbidden", "not-found", "invalid-field".
  Result<std::string> IssueServiceProviderKey(const Principal& admin, const AccountId& staff,
                                              const std::string& label);
  Status RevokeServiceProviderKey(const Principal& admin, const std::string& key);
  // Revokes every live key of a service provider's staff member at once (a key lost or leaked,
  // someone who left; new keys are issued as needed). Returns how many were live. Errors:
  // "forbidden", "not-found".
  Result<int> RevokeServiceProviderKeysOf(const Principal& admin, const AccountId& staff);

  // Administrators disable an account (a member of staff who left, an account misused) and
  // enable it again. A disabled account cannot sign in, its sessions end at once and its
  // service provider keys stop working; nothing of it is deleted (decisions and the audit trail
  // name it). The owner is told by e-mail; `reason` goes into the audit trail. Errors:
  // "forbidden" (not an administrator; their own account), "not-found", "invalid-field" (no
  // reason given for disabling).
  Status SetAccountDisabled(const Principal& admin, const AccountId& account, bool disabled,
                            const std::string& reason);
  // An administrator looks an account up by its e-mail address (to disable it, to issue keys);
  // the read is audited (VAP-DP). Errors: "forbidden", "invalid-field", "not-found".
  Result<Account> FindAccountByEmail(const Principal& admin, const std::string& email);
  Result<Principal> AuthenticateServiceProviderKey(const std::string& key);

  // Administrators create officials' accounts (e-mail already verified, MFA still to enrol).
  // Errors: "forbidden", "already-exists", "invalid-field", "weak-password".
  Result<AccountId> CreateStaffAccount(const Principal& admin, const StaffAccount& staff);

 private:
  Result<SessionGrant> NewSession(UnitOfWork& uow, const Account& account, bool mfa_verified,
                                  const std::string& ip_address);
  Result<Session> LiveSession(UnitOfWork& uow, const std::string& token_hash);
  // The live session `token_hash` and its account. Errors: "unauthenticated",
  // "session-expired".
  struct SignedIn {
    Session session;
    Account account;
  };
  Result<SignedIn> LiveSessionAccount(UnitOfWork& uow, const std::string& token_hash);
  // The account of the live session `session_hash` if `password` is its password (a sign-in
  // attempt); a wrong one is audited as "account.<action>-failed". Errors: "wrong-password",
  // "rate-limited", "unauthenticated", "session-expired".
  Result<Account> ProveCurrentPassword(const std::string& session_hash, const std::string& password,
                                       const std::string& action);
  // The e-mail that tells the owner their password was changed, `how`.
  Status TellPasswordChanged(UnitOfWork& uow, const Account& account, const std::string& how);
  // New recovery codes for `account`: returns them, keeps their hashes.
  std::vector<std::string> NewRecoveryCodes(Account& account) const;
  std::chrono::seconds LoginWindow() const;
  // Counts a second-factor attempt of the session's account. Errors: "rate-limited",
  // "unauthenticated", "session-expired".
  Status CountSecondFactorAttempt(const std::string& session_hash);
  // The time step of `code` if it is the account's authenticator code now, and not used before.
  std::optional<std::int64_t> FreshTotpStep(const Account& account, const std::string& code) const;
  // Whether a confirmation link may go to `email` now: one per login window.
  Result<bool> VerificationLinkAllowed(const std::string& email);
  // A new e-mail confirmation link for `account` (VAP-ACCT), valid `email_token_lifetime`.
  Status SendVerificationLink(UnitOfWork& uow, const Account& account, Timestamp now);
  std::string NewId(std::string_view prefix);

  Store& store_;
  Throttle& throttle_;
  const Credentials& credentials_;
  const Clock& clock_;
  RandomSource& random_;
  AccountPolicy policy_;
};

}  // namespace openvap::domain

#endif  // OPENVAP_DOMAIN_ACCOUNT_SERVICE_H_
