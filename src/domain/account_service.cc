#include "domain/account_service.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "domain/application_status.h"
#include "domain/plain_text.h"

namespace openvap::domain {
namespace {

Error InvalidCredentials() {
  return Error{"invalid-credentials", "the e-mail address or the password is not right"};
}

AuditEvent Event(const Principal& who, std::string action, std::string subject,
                 nlohmann::json details = nlohmann::json::object()) {
  return AuditEvent{who.account ? who.account->value() : std::string(RoleName(who.role)),
                    std::string(RoleName(who.role)), std::move(action), std::move(subject),
                    std::move(details)};
}

// Administration is the administrators' (and the platform's own, at start): "forbidden" for
// anyone else, naming what they tried ("issue service provider keys").
Status AdministratorsOnly(const Principal& who, std::string_view what) {
  if (who.role == Role::kAdministrator || who.role == Role::kSystem) return Ok();
  return Error{"forbidden", "only administrators " + std::string(what)};
}

// The account of a service provider's staff member, whose keys an administrator manages.
// Errors: "not-found", "invalid-field" (another role).
Status CheckProviderStaff(UnitOfWork& uow, const AccountId& staff) {
  OPENVAP_ASSIGN_OR_RETURN(const auto account, uow.Accounts().Find(staff));
  if (!account) return Error{"not-found", "no such account"};
  if (account->role != Role::kServiceProvider) {
    return Error{"invalid-field", "account: keys are only for service provider staff"};
  }
  return Ok();
}

Principal PrincipalOf(const Account& account, bool mfa_verified) {
  Principal p;
  p.role = account.role;
  p.account = account.id;
  p.member_state = account.member_state;
  p.organisation = account.organisation;
  p.mfa_verified = mfa_verified;
  return p;
}

}  // namespace

Result<std::string> NormaliseEmail(std::string_view email) {
  std::string out(email);
  out.erase(0, out.find_first_not_of(" \t\r\n"));
  out.erase(out.find_last_not_of(" \t\r\n") + 1);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::size_t at = out.find('@');
  const bool shape_ok = !out.empty() && out.size() <= 254 && at != std::string::npos && at > 0 &&
                        out.find('@', at + 1) == std::string::npos &&
                        out.find('.', at + 2) != std::string::npos && out.back() != '.' &&
                        out.find_first_of(" \t\r\n,;<>()[]\\\"") == std::string::npos;
  if (!shape_ok) {
    return Error{"invalid-field",
                 "email: '" + std::string(email) + "' is not an e-mail address (name@example.org)"};
  }
  return out;
}

std::optional<std::string> EmailAddressIn(std::string_view text) {
  constexpr std::string_view kSeparators = " \t\r\n,;<>()[]\"'";
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find_first_of(kSeparators, start), text.size());
    std::string_view word = text.substr(start, end - start);
    // A label stuck to the address ("E-mail:ana@x.org", "MAILTO:ana@x.org") is not part of it.
    if (const std::size_t colon = word.rfind(':', word.find('@'));
        colon != std::string_view::npos) {
      word.remove_prefix(colon + 1);
    }
    while (!word.empty() && (word.back() == '.' || word.back() == ':')) word.remove_suffix(1);
    if (word.find('@') != std::string_view::npos) {
      if (auto email = NormaliseEmail(word); email.ok()) return *std::move(email);
    }
    start = end + 1;
  }
  return std::nullopt;
}

AccountService::AccountService(Store& store, Throttle& throttle, const Credentials& credentials,
                               const Clock& clock, RandomSource& random, AccountPolicy policy)
    : store_(store),
      throttle_(throttle),
      credentials_(credentials),
      clock_(clock),
      random_(random),
      policy_(std::move(policy)) {}

std::string AccountService::NewId(std::string_view prefix) {
  return std::string(prefix) + random_.HexToken(12);
}

Result<std::optional<AccountId>> AccountService::Register(const Registration& registration) {
  if (registration.role != Role::kApplicant && registration.role != Role::kRepresentative) {
    return Error{"invalid-field",
                 "role: only applicant or representative accounts can be "
                 "registered; officials' accounts are created by administrators"};
  }
  OPENVAP_ASSIGN_OR_RETURN(const std::string email, NormaliseEmail(registration.email));
  if (registration.display_name.empty() || registration.display_name.size() > 200 ||
      !IsPlainText(registration.display_name)) {
    return Error{"invalid-field", "display_name: give a name of 1 to 200 characters on one line"};
  }
  // ISO 639-1, for the messages (VAP-NOTIFY): two lower-case letters, or none.
  const std::string& language = registration.preferred_language;
  if (!language.empty() && !IsLowerCaseCode(language, 2)) {
    return Error{"invalid-field", "preferred_language: an ISO 639-1 code such as en or fr"};
  }
  OPENVAP_RETURN_IF_ERROR(
      credentials_.CheckPasswordPolicy("password", registration.password, email));
  // Each registration mails someone and costs a password hash: from one network only so many
  // (an inbox is not flooded, nor the table with accounts). A request refused above does not
  // count.
  OPENVAP_ASSIGN_OR_RETURN(const bool by_address,
                           throttle_.Allow("register:address:" + registration.ip_address,
                                           policy_.registrations_per_address, LoginWindow()));
  if (!by_address) {
    return Error{"rate-limited", "too many registrations from this network; wait 15 minutes"};
  }
  OPENVAP_ASSIGN_OR_RETURN(const std::string hash,
                           credentials_.HashPassword(registration.password));
  // The link about to be sent counts as the window's one (SignIn sends another after it); for
  // a taken address too, so that both answers take the same work. A taken address is told of
  // attempts once an hour, however often it is tried.
  OPENVAP_RETURN_IF_ERROR(VerificationLinkAllowed(email));
  bool taken = false;
  OPENVAP_RETURN_IF_ERROR(store_.Read([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(const auto existing, uow.Accounts().FindByEmail(email));
    taken = existing.has_value();
    return Ok();
  }));
  OPENVAP_ASSIGN_OR_RETURN(
      const bool may_mail,
      throttle_.Allow((taken ? "registration-attempt:" : "registration:") + email, 1,
                      std::chrono::hours(1)));
  const Timestamp now = clock_.Now();
  std::optional<AccountId> created;
  const Status written = store_.Write([&](UnitOfWork& uow) -> Status {
    created.reset();
    OPENVAP_ASSIGN_OR_RETURN(const auto existing, uow.Accounts().FindByEmail(email));
    if (existing) {
      // Same answer as a new registration; the owner learns that someone tried.
      if (!may_mail) return Ok();
      return uow.Mail().Enqueue(OutgoingMail{
          {email},
          "Registration attempt on OpenVAP",
          "Someone tried to register a new OpenVAP account with this e-mail address, which "
          "already has one. If it was you, sign in or reset your password. If not, you can "
          "ignore this message.",
          "registration-attempt"});
    }
    Account account;
    account.id = AccountId(NewId("acc-"));
    account.email = email;
    account.display_name = registration.display_name;
    account.role = registration.role;
    account.password_hash = hash;
    account.preferred_language = registration.preferred_language;
    account.created_at = now;
    OPENVAP_RETURN_IF_ERROR(uow.Accounts().Insert(account));
    OPENVAP_RETURN_IF_ERROR(SendVerificationLink(uow, account, now));
    Principal self = PrincipalOf(account, false);
    OPENVAP_RETURN_IF_ERROR(
        uow.Audit().Append(Event(self, "account.register", "account:" + account.id.value(),
                                 {{"role", RoleName(account.role)}})));
    created = account.id;
    return Ok();
  });
  if (!written.ok()) return written.error();
  return created;
}

std::chrono::seconds AccountService::LoginWindow() const {
  return std::chrono::duration_cast<std::chrono::seconds>(policy_.login_window);
}

Result<bool> AccountService::VerificationLinkAllowed(const std::string& email) {
  return throttle_.Allow("verify-email:" + email, 1, LoginWindow());
}

Status AccountService::SendVerificationLink(UnitOfWork& uow, const Account& account,
                                            Timestamp now) {
  const std::string token = credentials_.NewToken();
  OPENVAP_RETURN_IF_ERROR(uow.Accounts().InsertToken(
      OneTimeToken{credentials_.HashToken(token), account.id, "verify-email",
                   now + policy_.email_token_lifetime, std::nullopt, now}));
  return uow.Mail().Enqueue(
      OutgoingMail{{account.email},
                   "Confirm your e-mail address for OpenVAP",
                   "Welcome to OpenVAP. Confirm your e-mail address by opening this link within 48 "
                   "hours:\n\n" +
                       policy_.base_url + "/verify-email?token=" + token +
                       "\n\nIf you did not register, ignore this message.",
                   "verify-email"});
}

Status AccountService::RequestPasswordReset(const std::string& email_text,
                                            const std::string& ip_address) {
  const auto window = LoginWindow();
  OPENVAP_ASSIGN_OR_RETURN(
      const bool by_address,
      throttle_.Allow("reset:address:" + ip_address, policy_.password_resets_per_address, window));
  if (!by_address) {
    return Error{"rate-limited", "too many requests from this network; wait 15 minutes"};
  }
  auto email = NormaliseEmail(email_text);
  if (!email.ok()) return email.error();
  OPENVAP_ASSIGN_OR_RETURN(
      const bool by_account,
      throttle_.Allow("reset:account:" + *email, policy_.password_resets_per_account, window));
  if (!by_account) {
    return Error{"rate-limited",
                 "a link was asked for this address several times already; use the last one "
                 "or wait 15 minutes"};
  }
  // The same work whoever asks: one job, which looks for the account (SendPasswordResetLink),
  // so that neither the answer nor the time it takes says whether the address has one.
  const Timestamp now = clock_.Now();
  return store_.Write([&](UnitOfWork& uow) {
    return uow.Jobs().Schedule(Job{"password-reset",
                                   "password-reset:" + random_.HexToken(12),
                                   {{"email", *email}, {"ip", ip_address}},
                                   now});
  });
}

Status AccountService::SendPasswordResetLink(const std::string& email,
                                             const std::string& ip_address) {
  const Timestamp now = clock_.Now();
  const std::string token = credentials_.NewToken();
  return store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(const auto account, uow.Accounts().FindByEmail(email));
    if (!account || account->disabled) return Ok();
    OPENVAP_RETURN_IF_ERROR(uow.Accounts().InsertToken(
        OneTimeToken{credentials_.HashToken(token), account->id, "reset-password",
                     now + policy_.password_reset_lifetime, std::nullopt, now}));
    OPENVAP_RETURN_IF_ERROR(uow.Mail().Enqueue(OutgoingMail{
        {account->email},
        "Choose a new password for OpenVAP",
        "Someone asked to choose a new password for your OpenVAP account. If it was you, open "
        "this link within one hour:\n\n" +
            policy_.base_url + "/reset-password?token=" + token +
            "\n\nYour authenticator app stays as it is: you will still need it to sign in. If "
            "you did not ask for this, ignore this message; your password does not change.",
        "reset-password"}));
    return uow.Audit().Append(Event(PrincipalOf(*account, false), "account.password-reset-asked",
                                    "account:" + account->id.value(), {{"ip", ip_address}}));
  });
}

Status AccountService::ResetPassword(const std::string& token, const std::string& new_password) {
  const std::string hash = credentials_.HashToken(token);
  const Timestamp now = clock_.Now();
  const Error invalid{"invalid-token",
                      "this link to choose a new password is unknown, already used or expired; "
                      "ask for a new one"};
  // A link that cannot work costs no password hash (an unauthenticated route).
  const auto usable = [&](const std::optional<OneTimeToken>& token_found,
                          const std::optional<Account>& owner) {
    return token_found && token_found->purpose == "reset-password" && !token_found->used_at &&
           token_found->expires_at >= now && owner && !owner->disabled &&
           !(owner->password_changed_at && token_found->created_at < *owner->password_changed_at);
  };
  std::optional<Account> account;
  OPENVAP_RETURN_IF_ERROR(store_.Read([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(const auto found, uow.Accounts().FindToken(hash));
    account.reset();
    if (found) {
      OPENVAP_ASSIGN_OR_RETURN(account, uow.Accounts().Find(found->account));
    }
    if (!usable(found, account)) account.reset();
    return Ok();
  }));
  if (!account) return invalid;
  // The policy and the hash (slow by design) outside the write.
  OPENVAP_RETURN_IF_ERROR(
      credentials_.CheckPasswordPolicy("password", new_password, account->email));
  OPENVAP_ASSIGN_OR_RETURN(const std::string password_hash,
                           credentials_.HashPassword(new_password));
  return store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(auto found, uow.Accounts().FindToken(hash));
    if (!found) return invalid;
    OPENVAP_ASSIGN_OR_RETURN(auto owner, uow.Accounts().Find(found->account));
    if (!usable(found, owner)) return invalid;
    found->used_at = now;
    owner->password_hash = password_hash;
    owner->password_changed_at = now;
    if (!owner->email_verified_at) owner->email_verified_at = now;  // the link reached them
    OPENVAP_RETURN_IF_ERROR(uow.Accounts().UpdateToken(*found));
    OPENVAP_RETURN_IF_ERROR(uow.Accounts().Update(*owner));
    // Whoever knew the old password is signed out everywhere.
    OPENVAP_RETURN_IF_ERROR(uow.Accounts().DeleteSessionsOf(owner->id));
    OPENVAP_RETURN_IF_ERROR(TellPasswordChanged(uow, *owner, "with a link sent to this address"));
    return uow.Audit().Append(Event(PrincipalOf(*owner, false), "account.password-reset",
                                    "account:" + owner->id.value()));
  });
}

Status AccountService::TellPasswordChanged(UnitOfWork& uow, const Account& account,
                                           const std::string& how) {
  return uow.Mail().Enqueue(
      OutgoingMail{{account.email},
                   "Your OpenVAP password was changed",
                   "The password of your OpenVAP account was changed just now " + how +
                       ", and every other session of the account was ended. If this was not "
                       "you, write to the help desk at once.",
                   "password-changed"});
}

std::vector<std::string> AccountService::NewRecoveryCodes(Account& account) const {
  std::vector<std::string> codes = credentials_.NewRecoveryCodes();
  account.recovery_code_hashes.clear();
  for (const std::string& c : codes) {
    account.recovery_code_hashes.push_back(credentials_.HashRecoveryCode(c));
  }
  return codes;
}

Result<Account> AccountService::ProveCurrentPassword(const std::string& session_hash,
                                                     const std::string& password,
                                                     const std::string& action) {
  std::optional<SignedIn> signed_in;
  OPENVAP_RETURN_IF_ERROR(store_.Read([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(signed_in, LiveSessionAccount(uow, session_hash));
    return Ok();
  }));
  const Session& session = signed_in->session;
  Account& account = signed_in->account;
  if (account.disabled) return Error{"unauthenticated", "sign in first"};
  // A guess of the password, counted as a sign-in attempt.
  OPENVAP_ASSIGN_OR_RETURN(const bool allowed,
                           throttle_.Allow("login:account:" + account.email,
                                           policy_.login_attempts_per_account, LoginWindow()));
  if (!allowed) return Error{"rate-limited", "too many attempts; wait 15 minutes and try again"};
  if (!credentials_.VerifyPassword(password, account.password_hash)) {
    OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) {
      return uow.Audit().Append(Event(PrincipalOf(account, session.mfa_verified),
                                      "account." + action + "-failed",
                                      "account:" + account.id.value()));
    }));
    return Error{"wrong-password", "the password given is not the account's current password"};
  }
  return std::move(account);
}

Result<SessionGrant> AccountService::ChangePassword(const std::string& session_token,
                                                    const std::string& current_password,
                                                    const std::string& new_password) {
  const std::string hash = credentials_.HashToken(session_token);
  OPENVAP_ASSIGN_OR_RETURN(const auto account,
                           ProveCurrentPassword(hash, current_password, "password-change"));
  OPENVAP_RETURN_IF_ERROR(
      credentials_.CheckPasswordPolicy("new_password", new_password, account.email));
  OPENVAP_ASSIGN_OR_RETURN(const std::string password_hash,
                           credentials_.HashPassword(new_password));
  Result<SessionGrant> grant = Error{"internal-error", "no session"};
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(const Session live, LiveSession(uow, hash));
    OPENVAP_ASSIGN_OR_RETURN(auto owner, uow.Accounts().Find(live.account));
    // Checked against the password verified above: a change meanwhile wins.
    if (!owner || owner->password_hash != account.password_hash) {
      return Error{"conflict", "the password was changed meanwhile; sign in again"};
    }
    owner->password_hash = password_hash;
    owner->password_changed_at = clock_.Now();
    OPENVAP_RETURN_IF_ERROR(uow.Accounts().Update(*owner));
    OPENVAP_RETURN_IF_ERROR(uow.Accounts().DeleteSessionsOf(owner->id));
    grant = NewSession(uow, *owner, live.mfa_verified, live.ip_address);
    if (!grant.ok()) return grant.error();
    OPENVAP_RETURN_IF_ERROR(TellPasswordChanged(uow, *owner, "in a signed-in session"));
    return uow.Audit().Append(Event(PrincipalOf(*owner, live.mfa_verified),
                                    "account.password-change", "account:" + owner->id.value()));
  }));
  return grant;
}

Result<std::vector<std::string>> AccountService::RenewRecoveryCodes(
    const std::string& session_token, const std::string& code) {
  const std::string hash = credentials_.HashToken(session_token);
  OPENVAP_RETURN_IF_ERROR(CountSecondFactorAttempt(hash));
  std::vector<std::string> codes;
  bool bad_code = false;
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    bad_code = false;
    OPENVAP_ASSIGN_OR_RETURN(auto signed_in, LiveSessionAccount(uow, hash));
    const Session& session = signed_in.session;
    Account& account = signed_in.account;
    if (!account.mfa_enabled || !account.totp_secret) {
      return Error{"mfa-not-enrolled", "set up an authenticator app first"};
    }
    // A code of the app now, not a recovery code, and never one used before (RFC 6238 §5.2).
    const auto step = FreshTotpStep(account, code);
    if (!step) {
      bad_code = true;
      return uow.Audit().Append(Event(PrincipalOf(account, session.mfa_verified),
                                      "account.mfa-failed", "account:" + account.id.value()));
    }
    account.last_totp_step = *step;
    codes = NewRecoveryCodes(account);
    OPENVAP_RETURN_IF_ERROR(uow.Accounts().Update(account));
    OPENVAP_RETURN_IF_ERROR(uow.Mail().Enqueue(OutgoingMail{
        {account.email},
        "New OpenVAP recovery codes",
        "New recovery codes were made for your OpenVAP account just now; the old ones no "
        "longer work. If this was not you, write to the help desk at once.",
        "recovery-codes-renewed"}));
    return uow.Audit().Append(Event(PrincipalOf(account, session.mfa_verified),
                                    "account.recovery-codes-renewed",
                                    "account:" + account.id.value()));
  }));
  if (bad_code) {
    return Error{"invalid-code", "code: give the code your authenticator app shows now"};
  }
  return codes;
}

Status AccountService::VerifyEmail(const std::string& token) {
  const std::string hash = credentials_.HashToken(token);
  const Timestamp now = clock_.Now();
  return store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(auto found, uow.Accounts().FindToken(hash));
    if (!found || found->purpose != "verify-email" || found->used_at || found->expires_at < now) {
      return Error{"invalid-token",
                   "this confirmation link is unknown, already used or expired; sign in to "
                   "get a new one"};
    }
    OPENVAP_ASSIGN_OR_RETURN(auto account, uow.Accounts().Find(found->account));
    if (!account) return Error{"invalid-token", "the account of this link no longer exists"};
    found->used_at = now;
    account->email_verified_at = now;
    OPENVAP_RETURN_IF_ERROR(uow.Accounts().UpdateToken(*found));
    OPENVAP_RETURN_IF_ERROR(uow.Accounts().Update(*account));
    return uow.Audit().Append(Event(PrincipalOf(*account, false), "account.verify-email",
                                    "account:" + account->id.value()));
  });
}

Result<SessionGrant> AccountService::NewSession(UnitOfWork& uow, const Account& account,
                                                bool mfa_verified, const std::string& ip) {
  SessionGrant grant;
  grant.token = credentials_.NewToken();
  grant.csrf_token = credentials_.NewToken();
  grant.mfa_verified = mfa_verified;
  grant.mfa_enrolment_required = !account.mfa_enabled;
  const Timestamp now = clock_.Now();
  OPENVAP_RETURN_IF_ERROR(
      uow.Accounts().InsertSession(Session{credentials_.HashToken(grant.token), account.id, now,
                                           now, mfa_verified, grant.csrf_token, ip}));
  return grant;
}

Result<SessionGrant> AccountService::SignIn(const std::string& email_text,
                                            const std::string& password,
                                            const std::string& ip_address) {
  auto email = NormaliseEmail(email_text);
  if (!email.ok()) return InvalidCredentials();
  const auto window = LoginWindow();
  OPENVAP_ASSIGN_OR_RETURN(
      const bool by_account,
      throttle_.Allow("login:account:" + *email, policy_.login_attempts_per_account, window));
  OPENVAP_ASSIGN_OR_RETURN(
      const bool by_address,
      throttle_.Allow("login:address:" + ip_address, policy_.login_attempts_per_address, window));
  if (!by_account || !by_address) {
    return Error{"rate-limited", "too many sign-in attempts; wait 15 minutes and try again"};
  }
  std::optional<Account> account;
  OPENVAP_RETURN_IF_ERROR(store_.Read([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(account, uow.Accounts().FindByEmail(*email));
    return Ok();
  }));
  // Verify even for unknown accounts (against the port's dummy hash) so that timing does not
  // reveal which e-mail addresses have accounts.
  const bool password_ok =
      credentials_.VerifyPassword(password, account ? account->password_hash : "");
  if (!account || !password_ok) {
    OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) {
      return uow.Audit().Append(AuditEvent{"public",
                                           "public-verifier",
                                           "account.sign-in-failed",
                                           account ? "account:" + account->id.value() : "",
                                           {{"ip", ip_address}}});
    }));
    return InvalidCredentials();
  }
  if (account->disabled) {
    return Error{"account-disabled", "this account is disabled; contact the help desk"};
  }
  if (!account->email_verified_at) {
    // The first link may have expired or been lost: the right password earns a new one, so
    // that nobody is locked out of their address for good; one per window, so that an address
    // someone else registered is not flooded with links.
    OPENVAP_ASSIGN_OR_RETURN(const bool resend, VerificationLinkAllowed(account->email));
    if (!resend) {
      return Error{"email-not-verified",
                   "confirm your e-mail address first with the last link we sent you, or sign "
                   "in again in 15 minutes for a new one"};
    }
    OPENVAP_RETURN_IF_ERROR(store_.Write(
        [&](UnitOfWork& uow) { return SendVerificationLink(uow, *account, clock_.Now()); }));
    return Error{"email-not-verified",
                 "confirm your e-mail address first: we sent you a new link, valid for 48 hours"};
  }
  Result<SessionGrant> grant = Error{"internal-error", "no session"};
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    // The password was checked outside this write: a reset that ended every session meanwhile
    // must not be followed by a session opened with the old password.
    OPENVAP_ASSIGN_OR_RETURN(const auto now_stored, uow.Accounts().Find(account->id));
    if (!now_stored || now_stored->password_hash != account->password_hash ||
        now_stored->disabled) {
      grant = InvalidCredentials();
      return Ok();
    }
    grant = NewSession(uow, *account, false, ip_address);
    if (!grant.ok()) return grant.error();
    return uow.Audit().Append(Event(PrincipalOf(*account, false), "account.sign-in",
                                    "account:" + account->id.value(), {{"ip", ip_address}}));
  }));
  return grant;
}

Result<Session> AccountService::LiveSession(UnitOfWork& uow, const std::string& token_hash) {
  OPENVAP_ASSIGN_OR_RETURN(auto session, uow.Accounts().FindSession(token_hash));
  if (!session) return Error{"unauthenticated", "sign in first"};
  const Timestamp now = clock_.Now();
  if (now - session->last_seen_at > policy_.session_idle_timeout ||
      now - session->created_at > policy_.session_lifetime) {
    return Error{"session-expired", "your session has expired; sign in again"};
  }
  return *session;
}

Result<AccountService::SignedIn> AccountService::LiveSessionAccount(UnitOfWork& uow,
                                                                    const std::string& token_hash) {
  OPENVAP_ASSIGN_OR_RETURN(Session session, LiveSession(uow, token_hash));
  OPENVAP_ASSIGN_OR_RETURN(auto account, uow.Accounts().Find(session.account));
  if (!account) return Error{"unauthenticated", "sign in first"};
  return SignedIn{std::move(session), *std::move(account)};
}

Status AccountService::CountSecondFactorAttempt(const std::string& session_hash) {
  // Counted against the account before the code is looked at, outside the write that uses the
  // code (Throttle::Allow runs a transaction of its own).
  std::optional<AccountId> account_id;
  OPENVAP_RETURN_IF_ERROR(store_.Read([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(const Session session, LiveSession(uow, session_hash));
    account_id = session.account;
    return Ok();
  }));
  OPENVAP_ASSIGN_OR_RETURN(const bool allowed,
                           throttle_.Allow("mfa:" + account_id->value(), 10, LoginWindow()));
  if (!allowed) return Error{"rate-limited", "too many codes tried; wait 15 minutes"};
  return Ok();
}

std::optional<std::int64_t> AccountService::FreshTotpStep(const Account& account,
                                                          const std::string& code) const {
  if (!account.totp_secret) return std::nullopt;
  const auto step = credentials_.VerifyTotp(*account.totp_secret, code, clock_.Now());
  // A code is taken once (RFC 6238 §5.2): never one of a step already used.
  if (!step || (account.last_totp_step && *step <= *account.last_totp_step)) return std::nullopt;
  return step;
}

Result<SessionGrant> AccountService::CompleteSignIn(const std::string& session_token,
                                                    const std::string& code) {
  const std::string hash = credentials_.HashToken(session_token);
  OPENVAP_RETURN_IF_ERROR(CountSecondFactorAttempt(hash));
  Result<SessionGrant> grant = Error{"internal-error", "no session"};
  bool bad_code = false;
  const Status written = store_.Write([&](UnitOfWork& uow) -> Status {
    bad_code = false;
    OPENVAP_ASSIGN_OR_RETURN(const Session session, LiveSession(uow, hash));
    // Passed already: a code sent again (a second click) uses nothing up, a recovery code least.
    if (session.mfa_verified) {
      return Error{"invalid-transition", "this session has passed the second factor already"};
    }
    OPENVAP_ASSIGN_OR_RETURN(auto account, uow.Accounts().Find(session.account));
    if (!account || !account->mfa_enabled || !account->totp_secret) {
      return Error{"mfa-not-enrolled", "set up an authenticator app first"};
    }
    std::string used;
    if (const auto step = FreshTotpStep(*account, code)) {
      account->last_totp_step = *step;
      used = "totp";
    } else {
      const std::string code_hash = credentials_.HashRecoveryCode(code);
      auto& codes = account->recovery_code_hashes;
      const auto it = std::find(codes.begin(), codes.end(), code_hash);
      if (it != codes.end()) {
        codes.erase(it);
        used = "recovery-code";
      }
    }
    if (used.empty()) {
      bad_code = true;
      return uow.Audit().Append(Event(PrincipalOf(*account, false), "account.mfa-failed",
                                      "account:" + account->id.value()));
    }
    OPENVAP_RETURN_IF_ERROR(uow.Accounts().Update(*account));
    OPENVAP_RETURN_IF_ERROR(uow.Accounts().DeleteSession(hash));
    grant = NewSession(uow, *account, true, session.ip_address);
    if (!grant.ok()) return grant.error();
    return uow.Audit().Append(Event(PrincipalOf(*account, true), "account.mfa-passed",
                                    "account:" + account->id.value(), {{"factor", used}}));
  });
  if (!written.ok()) return written.error();
  if (bad_code) return Error{"invalid-code", "the code is not right or was already used"};
  return grant;
}

Result<Authenticated> AccountService::Authenticate(const std::string& session_token) {
  const std::string hash = credentials_.HashToken(session_token);
  std::optional<Session> session;
  std::optional<Account> account;
  Error failure{"", ""};
  OPENVAP_RETURN_IF_ERROR(store_.Read([&](UnitOfWork& uow) -> Status {
    auto live = LiveSession(uow, hash);
    if (!live.ok()) {
      failure = live.error();
      return Ok();
    }
    session = *live;
    OPENVAP_ASSIGN_OR_RETURN(account, uow.Accounts().Find(session->account));
    return Ok();
  }));
  if (!failure.code.empty()) return failure;
  if (!account || account->disabled) return Error{"unauthenticated", "sign in first"};
  // Slide the idle timeout, writing at most once a minute per session.
  const Timestamp now = clock_.Now();
  if (now - session->last_seen_at > std::chrono::minutes(1)) {
    session->last_seen_at = now;
    OPENVAP_RETURN_IF_ERROR(
        store_.Write([&](UnitOfWork& uow) { return uow.Accounts().UpdateSession(*session); }));
  }
  return Authenticated{PrincipalOf(*account, session->mfa_verified), session->csrf_token};
}

Status AccountService::SignOut(const std::string& session_token) {
  const std::string hash = credentials_.HashToken(session_token);
  return store_.Write([&](UnitOfWork& uow) { return uow.Accounts().DeleteSession(hash); });
}

Result<TotpEnrolment> AccountService::BeginTotpEnrolment(const std::string& session_token) {
  const std::string hash = credentials_.HashToken(session_token);
  TotpEnrolment enrolment;
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(auto signed_in, LiveSessionAccount(uow, hash));
    Account& account = signed_in.account;
    if (account.mfa_enabled) {
      return Error{"conflict", "an authenticator app is already set up for this account"};
    }
    account.totp_secret = credentials_.NewTotpSecret();
    OPENVAP_RETURN_IF_ERROR(uow.Accounts().Update(account));
    enrolment.secret = *account.totp_secret;
    enrolment.uri = credentials_.TotpUri(enrolment.secret, account.email);
    return uow.Audit().Append(Event(PrincipalOf(account, false), "account.mfa-enrolment-started",
                                    "account:" + account.id.value()));
  }));
  return enrolment;
}

Result<AccountService::EnrolmentDone> AccountService::ConfirmTotpEnrolment(
    const std::string& session_token, const std::string& code) {
  const std::string hash = credentials_.HashToken(session_token);
  EnrolmentDone done;
  bool bad_code = false;
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    bad_code = false;
    OPENVAP_ASSIGN_OR_RETURN(auto signed_in, LiveSessionAccount(uow, hash));
    const Session& session = signed_in.session;
    Account& account = signed_in.account;
    if (account.mfa_enabled) {
      return Error{"conflict", "an authenticator app is already set up for this account"};
    }
    if (!account.totp_secret) return Error{"invalid-transition", "start the enrolment first"};
    const auto step = credentials_.VerifyTotp(*account.totp_secret, code, clock_.Now());
    if (!step) {
      bad_code = true;
      return Ok();
    }
    account.mfa_enabled = true;
    account.last_totp_step = *step;
    done.recovery_codes = NewRecoveryCodes(account);
    OPENVAP_RETURN_IF_ERROR(uow.Accounts().Update(account));
    OPENVAP_RETURN_IF_ERROR(uow.Accounts().DeleteSession(hash));
    OPENVAP_ASSIGN_OR_RETURN(done.session, NewSession(uow, account, true, session.ip_address));
    return uow.Audit().Append(
        Event(PrincipalOf(account, true), "account.mfa-enrolled", "account:" + account.id.value()));
  }));
  if (bad_code) return Error{"invalid-code", "the code is not right; check the time on your phone"};
  return done;
}

Status AccountService::CloseAccount(const std::string& session_token, const std::string& password) {
  const std::string hash = credentials_.HashToken(session_token);
  OPENVAP_ASSIGN_OR_RETURN(const auto account, ProveCurrentPassword(hash, password, "close"));
  if (account.role != Role::kApplicant && account.role != Role::kRepresentative) {
    return Error{"forbidden", "an official's account is closed by an administrator"};
  }
  return store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(const auto owner, uow.Accounts().Find(account.id));
    if (!owner || owner->password_hash != account.password_hash) {
      return Error{"conflict", "the account changed meanwhile; sign in again"};
    }
    // Every application of the account, a page after the other (an agency may have thousands);
    // each read again, locked (PostgreSQL), so that one submitted meanwhile is not deleted.
    std::vector<Application> applications;
    std::vector<std::string> under_way;
    PageRequest page{.after = "", .limit = PageRequest::kMaxLimit};
    do {
      OPENVAP_ASSIGN_OR_RETURN(const auto listed, uow.Applications().ListByOwner(account.id, page));
      for (const Application& a : listed.items) {
        OPENVAP_ASSIGN_OR_RETURN(auto current, uow.Applications().Find(a.id));
        if (!current) continue;
        // A paid draft would lose its fee with it: it is submitted or withdrawn first.
        const bool draft = current->status == ApplicationStatus::kDraft;
        if ((!draft && !IsFinal(current->status)) || (draft && current->fee_paid)) {
          under_way.push_back(a.id.value());
        }
        applications.push_back(*std::move(current));
      }
      page.after = listed.next;
    } while (!page.after.empty());
    if (!under_way.empty()) {
      // The first ten are named; an agency's hundreds would make a message nobody reads.
      constexpr std::size_t kNamed = 10;
      std::string named;
      for (std::size_t i = 0; i < std::min(kNamed, under_way.size()); ++i) {
        named += (i == 0 ? "" : ", ") + under_way[i];
      }
      if (under_way.size() > kNamed) {
        named += " and " + std::to_string(under_way.size() - kNamed) + " more";
      }
      return Error{"applications-in-progress",
                   "withdraw these applications or wait for their decisions first: " + named};
    }
    for (const Application& a : applications) {
      // A visit booked for a draft goes back to the consulate's free slots.
      if (a.appointment) {
        OPENVAP_RETURN_IF_ERROR(uow.Appointments().Release(*a.appointment, a.id));
      }
      OPENVAP_RETURN_IF_ERROR(uow.Applications().Delete(a.id));
      OPENVAP_RETURN_IF_ERROR(
          uow.Audit().Append(Event(PrincipalOf(account, true), "application.delete-with-account",
                                   "application:" + a.id.value())));
    }
    OPENVAP_RETURN_IF_ERROR(uow.Messages().DeleteAllOf(account.id));
    OPENVAP_RETURN_IF_ERROR(uow.Mail().Enqueue(OutgoingMail{
        {account.email},
        "Your OpenVAP account was closed",
        "Your OpenVAP account was closed at your request, with your messages, drafts and the "
        "data kept for later applications. Decisions and visas stay in the visa register for "
        "the period the law sets. If this was not you, write to the help desk at once.",
        "account-closed"}));
    OPENVAP_RETURN_IF_ERROR(uow.Accounts().Delete(account.id));
    return uow.Audit().Append(Event(PrincipalOf(account, true), "account.close",
                                    "account:" + account.id.value(),
                                    {{"applications_deleted", applications.size()}}));
  });
}

Status AccountService::SetKeepDataConsent(const Principal& principal, bool consent) {
  if (!principal.account) return Error{"unauthenticated", "sign in first"};
  const Timestamp now = clock_.Now();
  return store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(auto account, uow.Accounts().Find(*principal.account));
    if (!account) return Error{"not-found", "no such account"};
    account->keep_data_consent = consent;
    account->consent_changed_at = now;
    // Withdrawn consent: what was kept goes at once (GDPR Art 7(3), Art 17(1)(b)).
    const bool deleted = !consent && account->kept.has_value();
    if (!consent) account->kept.reset();
    OPENVAP_RETURN_IF_ERROR(uow.Accounts().Update(*account));
    return uow.Audit().Append(
        Event(principal, consent ? "account.consent-given" : "account.consent-withdrawn",
              "account:" + account->id.value(), {{"kept_data_deleted", deleted}}));
  });
}

Result<Account> AccountService::GetAccount(const Principal& principal) {
  if (!principal.account) return Error{"unauthenticated", "sign in first"};
  std::optional<Account> account;
  OPENVAP_RETURN_IF_ERROR(store_.Read([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(account, uow.Accounts().Find(*principal.account));
    return Ok();
  }));
  if (!account) return Error{"not-found", "no such account"};
  return *account;
}

Result<AccountId> AccountService::CreateStaffAccount(const Principal& admin,
                                                     const StaffAccount& staff) {
  OPENVAP_RETURN_IF_ERROR(AdministratorsOnly(admin, "create officials' accounts"));
  if (staff.role == Role::kApplicant || staff.role == Role::kRepresentative ||
      staff.role == Role::kPublicVerifier || staff.role == Role::kSystem) {
    return Error{"invalid-field", "role: not a staff role"};
  }
  if (IsMemberStateOfficial(staff.role) &&
      (staff.member_state.size() != 2 || staff.organisation.empty())) {
    return Error{"invalid-field",
                 "member_state/organisation: officials act for one Member State (alpha-2) and "
                 "one organisation"};
  }
  // The state is printed on visas and decides whose files an official sees; the organisation
  // is matched against slots and appointments and shown on decisions.
  if (!staff.member_state.empty()) {
    const auto& states = policy_.member_states;
    const bool known = states.empty() ? IsUpperCaseCode(staff.member_state, 2)
                                      : std::find(states.begin(), states.end(),
                                                  staff.member_state) != states.end();
    if (!known) {
      return Error{"invalid-field",
                   "member_state: '" + staff.member_state +
                       "' is not a state issuing uniform visas (alpha-2, e.g. FR)"};
    }
  }
  if (staff.organisation.size() > 100 || !IsPlainText(staff.organisation)) {
    return Error{"invalid-field", "organisation: at most 100 characters of plain text"};
  }
  OPENVAP_ASSIGN_OR_RETURN(const std::string email, NormaliseEmail(staff.email));
  OPENVAP_RETURN_IF_ERROR(credentials_.CheckPasswordPolicy("password", staff.password, email));
  OPENVAP_ASSIGN_OR_RETURN(const std::string hash, credentials_.HashPassword(staff.password));
  Account account;
  account.id = AccountId(NewId("acc-"));
  account.email = email;
  account.display_name = staff.display_name;
  account.role = staff.role;
  account.member_state = staff.member_state;
  account.organisation = staff.organisation;
  account.password_hash = hash;
  account.created_at = clock_.Now();
  account.email_verified_at = account.created_at;
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(const auto existing, uow.Accounts().FindByEmail(email));
    if (existing) return Error{"already-exists", "an account with this e-mail already exists"};
    OPENVAP_RETURN_IF_ERROR(uow.Accounts().Insert(account));
    return uow.Audit().Append(Event(admin, "account.create-staff", "account:" + account.id.value(),
                                    {{"role", RoleName(staff.role)},
                                     {"member_state", staff.member_state},
                                     {"organisation", staff.organisation}}));
  }));
  return account.id;
}

Result<std::string> AccountService::IssueServiceProviderKey(const Principal& admin,
                                                            const AccountId& staff,
                                                            const std::string& label) {
  OPENVAP_RETURN_IF_ERROR(AdministratorsOnly(admin, "issue service provider keys"));
  if (label.size() > 200 || !IsPlainText(label)) {
    return Error{"invalid-field", "label: at most 200 characters of plain text"};
  }
  const std::string key = "esp_" + credentials_.NewToken();
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_RETURN_IF_ERROR(CheckProviderStaff(uow, staff));
    OPENVAP_RETURN_IF_ERROR(uow.Accounts().InsertServiceProviderKey(
        ServiceProviderKey{credentials_.HashToken(key), staff, label, clock_.Now(), std::nullopt}));
    return uow.Audit().Append(
        Event(admin, "account.issue-provider-key", "account:" + staff.value(), {{"label", label}}));
  }));
  return key;
}

Status AccountService::RevokeServiceProviderKey(const Principal& admin, const std::string& key) {
  OPENVAP_RETURN_IF_ERROR(AdministratorsOnly(admin, "revoke service provider keys"));
  const std::string hash = credentials_.HashToken(key);
  return store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(auto found, uow.Accounts().FindServiceProviderKey(hash));
    if (!found) return Error{"not-found", "no such key"};
    found->revoked_at = clock_.Now();
    OPENVAP_RETURN_IF_ERROR(uow.Accounts().UpdateServiceProviderKey(*found));
    return uow.Audit().Append(
        Event(admin, "account.revoke-provider-key", "account:" + found->account.value()));
  });
}

Result<int> AccountService::RevokeServiceProviderKeysOf(const Principal& admin,
                                                        const AccountId& staff) {
  OPENVAP_RETURN_IF_ERROR(AdministratorsOnly(admin, "revoke service provider keys"));
  int revoked = 0;
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    revoked = 0;
    OPENVAP_RETURN_IF_ERROR(CheckProviderStaff(uow, staff));
    OPENVAP_ASSIGN_OR_RETURN(auto keys, uow.Accounts().ServiceProviderKeysOf(staff));
    for (ServiceProviderKey& k : keys) {
      if (k.revoked_at) continue;
      k.revoked_at = clock_.Now();
      OPENVAP_RETURN_IF_ERROR(uow.Accounts().UpdateServiceProviderKey(k));
      ++revoked;
    }
    return uow.Audit().Append(Event(admin, "account.revoke-provider-keys",
                                    "account:" + staff.value(), {{"revoked", revoked}}));
  }));
  return revoked;
}

Status AccountService::SetAccountDisabled(const Principal& admin, const AccountId& id,
                                          bool disabled, const std::string& reason) {
  OPENVAP_RETURN_IF_ERROR(AdministratorsOnly(admin, "disable or enable accounts"));
  if (admin.account && *admin.account == id) {
    return Error{"forbidden", "an administrator cannot disable or enable their own account"};
  }
  if (disabled && reason.empty()) {
    return Error{"invalid-field", "reason: say why the account is disabled (the audit keeps it)"};
  }
  if (reason.size() > 500 || !IsPlainText(reason)) {
    return Error{"invalid-field", "reason: at most 500 characters of plain text"};
  }
  return store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(auto account, uow.Accounts().Find(id));
    if (!account) return Error{"not-found", "no such account"};
    if (account->disabled == disabled) return Ok();  // already so: nothing to tell anyone
    account->disabled = disabled;
    OPENVAP_RETURN_IF_ERROR(uow.Accounts().Update(*account));
    if (disabled) {
      OPENVAP_RETURN_IF_ERROR(uow.Accounts().DeleteSessionsOf(id));
    }
    OPENVAP_RETURN_IF_ERROR(uow.Mail().Enqueue(OutgoingMail{
        {account->email},
        disabled ? "Your OpenVAP account was disabled" : "Your OpenVAP account was enabled again",
        disabled ? "An administrator disabled your OpenVAP account: you can no longer sign in, "
                   "and your sessions have ended. Write to the help desk if you think this is "
                   "a mistake."
                 : "An administrator enabled your OpenVAP account again: you can sign in.",
        disabled ? "account-disabled" : "account-enabled"}));
    return uow.Audit().Append(Event(admin, disabled ? "account.disable" : "account.enable",
                                    "account:" + id.value(), {{"reason", reason}}));
  });
}

Result<Account> AccountService::FindAccountByEmail(const Principal& admin,
                                                   const std::string& email) {
  OPENVAP_RETURN_IF_ERROR(AdministratorsOnly(admin, "look accounts up"));
  OPENVAP_ASSIGN_OR_RETURN(const std::string normalised, NormaliseEmail(email));
  std::optional<Account> found;
  OPENVAP_RETURN_IF_ERROR(store_.Write([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(found, uow.Accounts().FindByEmail(normalised));
    if (!found) return Error{"not-found", "no account with this e-mail address"};
    return uow.Audit().Append(Event(admin, "account.read", "account:" + found->id.value()));
  }));
  return *std::move(found);
}

Result<Principal> AccountService::AuthenticateServiceProviderKey(const std::string& key) {
  const std::string hash = credentials_.HashToken(key);
  std::optional<Account> account;
  bool valid = false;
  OPENVAP_RETURN_IF_ERROR(store_.Read([&](UnitOfWork& uow) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(const auto found, uow.Accounts().FindServiceProviderKey(hash));
    if (!found || found->revoked_at) return Ok();
    OPENVAP_ASSIGN_OR_RETURN(account, uow.Accounts().Find(found->account));
    valid = account && account->role == Role::kServiceProvider;
    return Ok();
  }));
  // A key of a staff member whose account an administrator disabled: the same answer as a
  // password sign-in gets (403), not "no such key".
  if (valid && account->disabled) {
    return Error{"account-disabled",
                 "this service provider staff account is disabled; ask your administrator"};
  }
  if (!valid) {
    return Error{"unauthenticated",
                 "a valid service provider key is required "
                 "(Authorization: Bearer <key>)"};
  }
  // The key is the gateway's own factor; the staff member proved possession of it.
  return PrincipalOf(*account, true);
}

}  // namespace openvap::domain
