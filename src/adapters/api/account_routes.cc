#include "adapters/api/account_routes.h"

#include <utility>

namespace openvap::api {
namespace {

using domain::Role;
using nlohmann::json;

std::string SessionCookie(const std::string& token, const CookiePolicy& policy) {
  std::string c = std::string(kSessionCookie) + "=" + token +
                  "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                  std::to_string(std::chrono::seconds(policy.max_age).count());
  if (policy.secure) c += "; Secure";
  return c;
}

std::string ClearedCookie(const CookiePolicy& policy) {
  std::string c = std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
  if (policy.secure) c += "; Secure";
  return c;
}

http::Response GrantResponse(int status, const domain::SessionGrant& grant,
                             const CookiePolicy& policy, json extra = json::object()) {
  extra["csrf_token"] = grant.csrf_token;
  extra["mfa_verified"] = grant.mfa_verified;
  extra["mfa_enrolment_required"] = grant.mfa_enrolment_required;
  http::Response r = http::JsonResponse(status, extra);
  r.SetHeader("Set-Cookie", SessionCookie(grant.token, policy));
  return r;
}

// What the account keeps for later applications (VIS Art 7b(4)); its fields only when asked.
json KeptDataJson(const std::optional<domain::KeptApplicationData>& kept, bool with_fields) {
  if (!kept) return nullptr;
  json out = {{"from_application", kept->from.value()},
              {"kept_at", FormatIsoTimestamp(kept->kept_at)}};
  if (with_fields) out["fields"] = kept->form.Fields();
  return out;
}

// Who the account is: what its owner and an administrator both see.
json AccountIdentityJson(const domain::Account& a) {
  json out = {{"id", a.id.value()},
              {"email", a.email},
              {"display_name", a.display_name},
              {"role", domain::RoleName(a.role)},
              {"mfa_enabled", a.mfa_enabled}};
  if (!a.member_state.empty()) out["member_state"] = a.member_state;
  if (!a.organisation.empty()) out["organisation"] = a.organisation;
  return out;
}

// The signed-in owner's view of their account.
json AccountJson(const domain::Account& a) {
  json out = AccountIdentityJson(a);
  out["keep_data_consent"] = a.keep_data_consent;
  out["kept_data"] = KeptDataJson(a.kept, false);
  out["preferred_language"] = a.preferred_language;
  out["recovery_codes_left"] = a.recovery_code_hashes.size();
  return out;
}

}  // namespace

std::string CookieValue(const http::Request& request, std::string_view name) {
  const auto range = request.headers.equal_range("cookie");
  for (auto it = range.first; it != range.second; ++it) {
    std::string_view rest = it->second;
    while (!rest.empty()) {
      const std::size_t semi = rest.find(';');
      std::string_view pair = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
      pair.remove_prefix(std::min(pair.find_first_not_of(' '), pair.size()));
      const std::size_t eq = pair.find('=');
      if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
        return std::string(pair.substr(eq + 1));
      }
    }
  }
  return "";
}

Result<Authenticator::Authenticated> AccountAuthenticator::Authenticate(
    const http::Request& request, AuthScheme scheme) const {
  Authenticated out;
  if (scheme == AuthScheme::kServiceProviderKey) {
    const std::string_view header = request.Header("authorization");
    constexpr std::string_view kBearer = "Bearer ";
    if (header.substr(0, kBearer.size()) != kBearer) {
      return Error{"unauthenticated",
                   "the service provider gateway needs 'Authorization: Bearer <key>'"};
    }
    OPENVAP_ASSIGN_OR_RETURN(out.principal, accounts_.AuthenticateServiceProviderKey(
                                                std::string(header.substr(kBearer.size()))));
    return out;
  }
  const std::string token = CookieValue(request, kSessionCookie);
  if (token.empty()) return Error{"unauthenticated", "sign in first"};
  OPENVAP_ASSIGN_OR_RETURN(auto who, accounts_.Authenticate(token));
  out.principal = who.principal;
  out.session_id = token;
  out.csrf_token = who.csrf_token;
  return out;
}

void AddAccountRoutes(Api& api, domain::AccountService& accounts, CookiePolicy cookies) {
  api.Add({.method = "POST",
           .path = "/api/v1/accounts",
           .summary = "Register an applicant or representative account (VAP-ACCT); a "
                      "verification link is e-mailed",
           .tag = "accounts",
           .auth = AuthScheme::kNone,
           .request_schema = ObjectSchema(
               {{"email", StringSchema(nullptr, "email")},
                {"password", StringSchema("at least 12 characters")},
                {"display_name", StringSchema()},
                {"role", {{"type", "string"}, {"enum", {"applicant", "representative"}}}},
                {"preferred_language", StringSchema("ISO 639-1")}},
               {"email", "password", "display_name"}),
           .success_status = 202,
           .handler = [&accounts](CallContext& c) {
             OPENVAP_API_TRY(body, ParseJsonObject(c.request));
             domain::Registration reg;
             OPENVAP_API_TRY(email, RequireString(body, "email"));
             OPENVAP_API_TRY(password, RequireString(body, "password"));
             OPENVAP_API_TRY(name, RequireString(body, "display_name"));
             OPENVAP_API_TRY(role, OptionalString(body, "role"));
             OPENVAP_API_TRY(language, OptionalString(body, "preferred_language"));
             reg.email = email;
             reg.password = password;
             reg.display_name = name;
             if (role) {
               auto parsed = domain::ParseRole(*role);
               if (!parsed.ok()) {
                 return ErrorResponseFor(
                     {"invalid-field", "role: applicant or representative, not '" + *role + "'"});
               }
               reg.role = *parsed;
             }
             if (language) reg.preferred_language = *language;
             reg.ip_address = c.request.remote_address;
             auto done = accounts.Register(reg);
             if (!done.ok()) return ErrorResponseFor(done.error());
             return http::JsonResponse(
                 202, {{"status", "verification-sent"},
                       {"message",
                        "If the address can be used, a confirmation link is on its "
                        "way. Open it to activate the account."}});
           }});

  api.Add({.method = "POST",
           .path = "/api/v1/accounts/verify-email",
           .summary = "Confirm an e-mail address with the token from the e-mailed link",
           .tag = "accounts",
           .auth = AuthScheme::kNone,
           .request_schema = ObjectSchema({{"token", StringSchema()}}, {"token"}),
           .handler = [&accounts](CallContext& c) {
             OPENVAP_API_TRY(body, ParseJsonObject(c.request));
             OPENVAP_API_TRY(token, RequireString(body, "token"));
             const Status s = accounts.VerifyEmail(token);
             if (!s.ok()) return ErrorResponseFor(s.error());
             return http::JsonResponse(200, {{"status", "verified"}});
           }});

  api.Add({.method = "POST",
           .path = "/api/v1/accounts/password-reset",
           .summary = "Forgotten password: a link to choose a new one is e-mailed to the account "
                      "with this address, if there is one (the answer is the same either way)",
           .tag = "accounts",
           .auth = AuthScheme::kNone,
           .request_schema = ObjectSchema({{"email", StringSchema(nullptr, "email")}}, {"email"}),
           .success_status = 202,
           .handler = [&accounts](CallContext& c) {
             OPENVAP_API_TRY(body, ParseJsonObject(c.request));
             OPENVAP_API_TRY(email, RequireString(body, "email"));
             const Status s = accounts.RequestPasswordReset(email, c.request.remote_address);
             if (!s.ok()) return ErrorResponseFor(s.error());
             return http::JsonResponse(
                 202, {{"status", "reset-link-sent"},
                       {"message",
                        "If an account has this address, a link to choose a new password is on "
                        "its way. It works once, within one hour."}});
           }});

  api.Add({.method = "POST",
           .path = "/api/v1/accounts/password-reset/confirm",
           .summary = "Choose a new password with the token of the e-mailed link; ends every "
                      "session of the account (the second factor stays)",
           .tag = "accounts",
           .auth = AuthScheme::kNone,
           .request_schema = ObjectSchema(
               {{"token", StringSchema()}, {"password", StringSchema("at least 12 characters")}},
               {"token", "password"}),
           .handler = [&accounts](CallContext& c) {
             OPENVAP_API_TRY(body, ParseJsonObject(c.request));
             OPENVAP_API_TRY(token, RequireString(body, "token"));
             OPENVAP_API_TRY(password, RequireString(body, "password"));
             const Status s = accounts.ResetPassword(token, password);
             if (!s.ok()) return ErrorResponseFor(s.error());
             return http::JsonResponse(
                 200, {{"status", "password-changed"},
                       {"message", "Your password was changed. Sign in with it."}});
           }});

  api.Add({.method = "POST",
           .path = "/api/v1/sessions",
           .summary = "Sign in with e-mail and password (first factor); sets the session cookie",
           .tag = "accounts",
           .auth = AuthScheme::kNone,
           .request_schema = ObjectSchema(
               {{"email", StringSchema(nullptr, "email")}, {"password", StringSchema()}},
               {"email", "password"}),
           .success_status = 201,
           .handler = [&accounts, cookies](CallContext& c) {
             OPENVAP_API_TRY(body, ParseJsonObject(c.request));
             OPENVAP_API_TRY(email, RequireString(body, "email"));
             OPENVAP_API_TRY(password, RequireString(body, "password"));
             auto grant = accounts.SignIn(email, password, c.request.remote_address);
             if (!grant.ok()) return ErrorResponseFor(grant.error());
             return GrantResponse(201, *grant, cookies);
           }});

  api.Add({.method = "POST",
           .path = "/api/v1/sessions/mfa",
           .summary = "Second factor: a code of the authenticator app or a recovery code",
           .tag = "accounts",
           .roles = {},
           .requires_mfa = false,
           .request_schema = ObjectSchema({{"code", StringSchema()}}, {"code"}),
           .handler = [&accounts, cookies](CallContext& c) {
             OPENVAP_API_TRY(body, ParseJsonObject(c.request));
             OPENVAP_API_TRY(code, RequireString(body, "code"));
             auto grant = accounts.CompleteSignIn(*c.session_id, code);
             if (!grant.ok()) return ErrorResponseFor(grant.error());
             return GrantResponse(200, *grant, cookies);
           }});

  api.Add({.method = "DELETE",
           .path = "/api/v1/sessions/current",
           .summary = "Sign out",
           .tag = "accounts",
           .requires_mfa = false,
           .handler = [&accounts, cookies](CallContext& c) {
             const Status s = accounts.SignOut(*c.session_id);
             if (!s.ok()) return ErrorResponseFor(s.error());
             http::Response r = http::JsonResponse(200, {{"status", "signed-out"}});
             r.SetHeader("Set-Cookie", ClearedCookie(cookies));
             return r;
           }});

  api.Add({.method = "GET",
           .path = "/api/v1/me",
           .summary = "The signed-in account",
           .tag = "accounts",
           .requires_mfa = false,
           .handler = [&accounts](CallContext& c) {
             auto account = accounts.GetAccount(c.principal);
             if (!account.ok()) return ErrorResponseFor(account.error());
             json out = AccountJson(*account);
             out["mfa_verified"] = c.principal.mfa_verified;
             return http::JsonResponse(200, out);
           }});

  api.Add(
      {.method = "POST",
       .path = "/api/v1/me/mfa/totp",
       .summary = "Start setting up an authenticator app: returns the secret and its "
                  "otpauth URI",
       .tag = "accounts",
       .requires_mfa = false,
       .handler = [&accounts](CallContext& c) {
         auto enrolment = accounts.BeginTotpEnrolment(*c.session_id);
         if (!enrolment.ok()) return ErrorResponseFor(enrolment.error());
         return http::JsonResponse(200, {{"secret", enrolment->secret}, {"uri", enrolment->uri}});
       }});

  api.Add({.method = "POST",
           .path = "/api/v1/me/mfa/totp/confirm",
           .summary = "Finish setting up the authenticator app with a first code; returns the "
                      "recovery codes once",
           .tag = "accounts",
           .requires_mfa = false,
           .request_schema = ObjectSchema({{"code", StringSchema()}}, {"code"}),
           .handler = [&accounts, cookies](CallContext& c) {
             OPENVAP_API_TRY(body, ParseJsonObject(c.request));
             OPENVAP_API_TRY(code, RequireString(body, "code"));
             auto done = accounts.ConfirmTotpEnrolment(*c.session_id, code);
             if (!done.ok()) return ErrorResponseFor(done.error());
             return GrantResponse(200, done->session, cookies,
                                  {{"recovery_codes", done->recovery_codes}});
           }});

  api.Add(
      {.method = "POST",
       .path = "/api/v1/me/password",
       .summary = "Change the password, giving the current one; ends every other session "
                  "and replaces this one (new cookie and CSRF token)",
       .tag = "accounts",
       .request_schema = ObjectSchema({{"current_password", StringSchema()},
                                       {"new_password", StringSchema("at least 12 characters")}},
                                      {"current_password", "new_password"}),
       .handler = [&accounts, cookies](CallContext& c) {
         OPENVAP_API_TRY(body, ParseJsonObject(c.request));
         OPENVAP_API_TRY(current, RequireString(body, "current_password"));
         OPENVAP_API_TRY(next, RequireString(body, "new_password"));
         auto grant = accounts.ChangePassword(*c.session_id, current, next);
         if (!grant.ok()) return ErrorResponseFor(grant.error());
         return GrantResponse(200, *grant, cookies, {{"status", "password-changed"}});
       }});

  api.Add({.method = "POST",
           .path = "/api/v1/me/close",
           .summary = "Close the account, giving its password (GDPR Art 17): the account, its "
                      "messages, drafts and kept data are deleted; the register keeps decisions "
                      "and visas for their period. Refused while an application is under way",
           .tag = "accounts",
           .roles = {Role::kApplicant, Role::kRepresentative},
           .request_schema = ObjectSchema({{"password", StringSchema()}}, {"password"}),
           .handler = [&accounts, cookies](CallContext& c) {
             OPENVAP_API_TRY(body, ParseJsonObject(c.request));
             OPENVAP_API_TRY(password, RequireString(body, "password"));
             const Status closed = accounts.CloseAccount(*c.session_id, password);
             if (!closed.ok()) return ErrorResponseFor(closed.error());
             http::Response r = http::JsonResponse(200, {{"status", "closed"}});
             r.SetHeader("Set-Cookie", ClearedCookie(cookies));
             return r;
           }});

  api.Add({.method = "POST",
           .path = "/api/v1/me/mfa/recovery-codes",
           .summary = "New recovery codes, shown once, for a code of the authenticator app now; "
                      "the old ones stop working",
           .tag = "accounts",
           .request_schema = ObjectSchema({{"code", StringSchema()}}, {"code"}),
           .handler = [&accounts](CallContext& c) {
             OPENVAP_API_TRY(body, ParseJsonObject(c.request));
             OPENVAP_API_TRY(code, RequireString(body, "code"));
             auto codes = accounts.RenewRecoveryCodes(*c.session_id, code);
             if (!codes.ok()) return ErrorResponseFor(codes.error());
             return http::JsonResponse(200, {{"recovery_codes", *codes}});
           }});

  api.Add(
      {.method = "PUT",
       .path = "/api/v1/me/consent",
       .summary = "Give or withdraw consent to keep data for later applications "
                  "(VIS Art 7b(4)); withdrawing deletes what was kept",
       .tag = "accounts",
       .roles = {Role::kApplicant, Role::kRepresentative},
       .request_schema = ObjectSchema({{"keep_data_for_later_applications", {{"type", "boolean"}}}},
                                      {"keep_data_for_later_applications"}),
       .handler = [&accounts](CallContext& c) {
         OPENVAP_API_TRY(body, ParseJsonObject(c.request));
         OPENVAP_API_TRY(consent, RequireBool(body, "keep_data_for_later_applications"));
         const Status s = accounts.SetKeepDataConsent(c.principal, consent);
         if (!s.ok()) return ErrorResponseFor(s.error());
         return http::JsonResponse(200, {{"keep_data_for_later_applications", consent}});
       }});

  api.Add({.method = "GET",
           .path = "/api/v1/me/kept-data",
           .summary = "What the account keeps for later applications (VIS Art 7b(4)): the "
                      "applicant's own fields of the application last submitted with consent",
           .tag = "accounts",
           .roles = {Role::kApplicant, Role::kRepresentative},
           .handler = [&accounts](CallContext& c) {
             auto account = accounts.GetAccount(c.principal);
             if (!account.ok()) return ErrorResponseFor(account.error());
             return http::JsonResponse(200, {{"keep_data_consent", account->keep_data_consent},
                                             {"kept", KeptDataJson(account->kept, true)}});
           }});

  api.Add({.method = "POST",
           .path = "/api/v1/admin/accounts",
           .summary = "Create an official's account",
           .tag = "administration",
           .roles = {Role::kAdministrator},
           .request_schema =
               ObjectSchema({{"email", StringSchema(nullptr, "email")},
                             {"display_name", StringSchema()},
                             {"role", StringSchema("consular-officer, "
                                                   "central-authority, "
                                                   "service-provider, "
                                                   "border-guard or administrator")},
                             {"member_state", StringSchema("ISO alpha-2; required but for an "
                                                           "administrator")},
                             {"organisation", StringSchema("required but for an administrator")},
                             {"password", StringSchema()}},
                            {"email", "display_name", "role", "password"}),
           .success_status = 201,
           .handler = [&accounts](CallContext& c) {
             OPENVAP_API_TRY(body, ParseJsonObject(c.request));
             domain::StaffAccount staff;
             OPENVAP_API_TRY(email, RequireString(body, "email"));
             OPENVAP_API_TRY(name, RequireString(body, "display_name"));
             OPENVAP_API_TRY(role, RequireString(body, "role"));
             OPENVAP_API_TRY(state, OptionalString(body, "member_state"));
             OPENVAP_API_TRY(org, OptionalString(body, "organisation"));
             OPENVAP_API_TRY(password, RequireString(body, "password"));
             auto parsed = domain::ParseRole(role);
             if (!parsed.ok()) {
               return ErrorResponseFor(
                   {"invalid-field",
                    "role: consular-officer, central-authority, service-provider, "
                    "border-guard or administrator, not '" +
                        role + "'"});
             }
             staff.email = email;
             staff.display_name = name;
             staff.role = *parsed;
             staff.member_state = state.value_or("");
             staff.organisation = org.value_or("");
             staff.password = password;
             auto id = accounts.CreateStaffAccount(c.principal, staff);
             if (!id.ok()) return ErrorResponseFor(id.error());
             return http::JsonResponse(201, {{"id", id->value()}});
           }});

  api.Add({.method = "POST",
           .path = "/api/v1/admin/accounts/{id}/provider-keys",
           .summary = "Issue an API key to a service provider's staff member (VIS Art 7f(2)); "
                      "shown once",
           .tag = "administration",
           .roles = {Role::kAdministrator},
           .request_schema = ObjectSchema({{"label", StringSchema()}}),
           .success_status = 201,
           .handler = [&accounts](CallContext& c) {
             OPENVAP_API_TRY(body, ParseJsonObject(c.request));
             OPENVAP_API_TRY(label, OptionalString(body, "label"));
             auto key = accounts.IssueServiceProviderKey(
                 c.principal, AccountId(c.request.path_params["id"]), label.value_or(""));
             if (!key.ok()) return ErrorResponseFor(key.error());
             return http::JsonResponse(201, {{"key", *key}});
           }});

  api.Add(
      {.method = "GET",
       .path = "/api/v1/admin/accounts",
       .summary = "Look an account up by its e-mail address (the read is audited)",
       .tag = "administration",
       .query = {{"email", "the account's e-mail address", StringSchema(nullptr, "email"), true}},
       .roles = {Role::kAdministrator},
       .handler = [&accounts](CallContext& c) {
         OPENVAP_API_TRY(a, accounts.FindAccountByEmail(c.principal, c.request.query["email"]));
         json out = AccountIdentityJson(a);
         out["disabled"] = a.disabled;
         out["created_at"] = FormatIsoTimestamp(a.created_at);
         return http::JsonResponse(200, out);
       }});

  api.Add({.method = "POST",
           .path = "/api/v1/admin/accounts/{id}/provider-keys/revoke",
           .summary = "Revoke every key of a service provider's staff member (a key lost or "
                      "leaked, someone who left)",
           .tag = "administration",
           .roles = {Role::kAdministrator},
           .handler = [&accounts](CallContext& c) {
             OPENVAP_API_TRY(revoked, accounts.RevokeServiceProviderKeysOf(
                                          c.principal, AccountId(c.request.path_params["id"])));
             return http::JsonResponse(200, {{"revoked", revoked}});
           }});

  for (const bool disable : {true, false}) {
    api.Add({.method = "POST",
             .path = disable ? "/api/v1/admin/accounts/{id}/disable"
                             : "/api/v1/admin/accounts/{id}/enable",
             .summary = disable ? "Disable an account: sign-in, sessions and keys stop at once, "
                                  "nothing is deleted; `reason` goes into the audit trail"
                                : "Enable a disabled account again (no body needed; a `reason` "
                                  "goes into the audit trail)",
             .tag = "administration",
             .roles = {Role::kAdministrator},
             .request_schema =
                 disable ? ObjectSchema({{"reason", StringSchema()}}, {"reason"}) : json(nullptr),
             .handler = [&accounts, disable](CallContext& c) {
               std::optional<std::string> reason;
               if (disable || !c.request.body.empty()) {
                 OPENVAP_API_TRY(body, ParseJsonObject(c.request));
                 OPENVAP_API_TRY(given, OptionalString(body, "reason"));
                 reason = std::move(given);
               }
               const AccountId id(c.request.path_params["id"]);
               const Status done =
                   accounts.SetAccountDisabled(c.principal, id, disable, reason.value_or(""));
               if (!done.ok()) return ErrorResponseFor(done.error());
               return http::JsonResponse(200, {{"id", id.value()}, {"disabled", disable}});
             }});
  }
}

}  // namespace openvap::api
