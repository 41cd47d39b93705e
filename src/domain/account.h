#ifndef OPENVAP_DOMAIN_ACCOUNT_H_
#define OPENVAP_DOMAIN_ACCOUNT_H_

// The secure account service (VAP-ACCT, VIS Art 7b(4)): accounts, sessions with a second
// factor, and one-time tokens (e-mail verification). Entities only; the rules of their use
// are in account_service.h.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/ids.h"
#include "domain/application_form.h"
#include "domain/principal.h"

namespace openvap::domain {

// What the secure account keeps for later applications (VIS Art 7b(4)), only while the applicant
// consents: the applicant's own fields of the application they last submitted
// (KeptForLaterApplications), from which a new application may start.
struct KeptApplicationData {
  ApplicationForm form;
  ApplicationId from;  // the application they were taken from
  Timestamp kept_at{};
};

struct Account {
  AccountId id;
  std::string email;  // normalised (NormaliseEmail); unique
  std::string display_name;
  Role role = Role::kApplicant;
  std::string member_state;   // officials: ISO alpha-2 of their state
  std::string organisation;   // officials: consulate / authority / provider identifier
  std::string password_hash;  // encoded by the Credentials port (argon2id PHC string)
  std::optional<Timestamp> password_changed_at;  // reset links sent before it no longer work
  std::optional<Timestamp> email_verified_at;
  std::optional<std::string> totp_secret;         // base32; set at enrolment start
  bool mfa_enabled = false;                       // enrolment confirmed with a first code
  std::optional<std::int64_t> last_totp_step;     // replay protection (RFC 6238 §5.2)
  std::vector<std::string> recovery_code_hashes;  // unused recovery codes, hashed
  // VIS Art 7b(4): data are kept for later applications only with free, explicit consent.
  bool keep_data_consent = false;
  std::optional<Timestamp> consent_changed_at;
  std::optional<KeptApplicationData> kept;  // never set without keep_data_consent
  std::string preferred_language = "en";
  Timestamp created_at{};
  bool disabled = false;
};

// A signed-in browser. Only the hash of the session token is stored.
struct Session {
  std::string token_hash;
  AccountId account;
  Timestamp created_at{};
  Timestamp last_seen_at{};
  bool mfa_verified = false;
  std::string csrf_token;  // sent to the browser, echoed in X-CSRF-Token on changes
  std::string ip_address;
};

// A single-use secret sent by e-mail (verify the address, reset the password).
struct OneTimeToken {
  std::string token_hash;
  AccountId account;
  std::string purpose;  // "verify-email", "reset-password"
  Timestamp expires_at{};
  std::optional<Timestamp> used_at;
  Timestamp created_at{};  // the epoch for tokens stored before it was kept
};

// An API key of an external service provider's staff member (VIS Art 7f(2): an authentication
// scheme reserved for service providers). Only the hash is stored.
struct ServiceProviderKey {
  std::string key_hash;
  AccountId account;  // the staff member's account (role service-provider)
  std::string label;
  Timestamp created_at{};
  std::optional<Timestamp> revoked_at;
};

// Lower-cases and trims an e-mail address and checks its shape (one '@', a dot in the domain,
// no spaces, at most 254 characters). Errors: "invalid-field" naming `email`.
Result<std::string> NormaliseEmail(std::string_view email);

// The first e-mail address in free text, normalised: Annex I field 33a holds "address and
// e-mail address" of the person who filled in the form ("1 Janpath, New Delhi; Agent
// <agent@travel.example>"). Nothing when the text has none.
std::optional<std::string> EmailAddressIn(std::string_view text);

}  // namespace openvap::domain

#endif  // OPENVAP_DOMAIN_ACCOUNT_H_
