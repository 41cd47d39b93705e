#ifndef OPENVAP_DOMAIN_CREDENTIALS_H_
#define OPENVAP_DOMAIN_CREDENTIALS_H_

// The credential primitives the account service needs (VAP-ACCT): password hashing and policy,
// random tokens, TOTP (RFC 6238) and recovery codes. A port: adapters/auth implements it with
// argon2id and liboath.

#include <openvap/result.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"

namespace openvap::domain {

class Credentials {
 public:
  virtual ~Credentials() = default;

  // Errors name the request's `field` ("password", "new_password") and what the user should
  // change (too short, contains the e-mail, too common).
  virtual Status CheckPasswordPolicy(std::string_view field, std::string_view password,
                                     std::string_view email) const = 0;
  virtual Result<std::string> HashPassword(std::string_view password) const = 0;
  // An empty `encoded` is checked against a dummy hash of the current parameters: it takes
  // the same time as a real check and is always false (no account enumeration by timing).
  virtual bool VerifyPassword(std::string_view password, std::string_view encoded) const = 0;

  // A new random, URL-safe secret (session ids, e-mail links, CSRF tokens).
  virtual std::string NewToken() const = 0;
  // What is stored instead of a token: a one-way hash.
  virtual std::string HashToken(std::string_view token) const = 0;

  // TOTP: a new base32 secret, its otpauth:// enrolment URI, and verification of a code at
  // `now` that returns the matched time step (callers refuse steps already used).
  virtual std::string NewTotpSecret() const = 0;
  virtual std::string TotpUri(std::string_view secret, std::string_view account_label) const = 0;
  virtual std::optional<std::int64_t> VerifyTotp(std::string_view secret, std::string_view code,
                                                 Timestamp now) const = 0;

  // Fresh single-use recovery codes (shown once) and the hash that is stored for each.
  virtual std::vector<std::string> NewRecoveryCodes() const = 0;
  virtual std::string HashRecoveryCode(std::string_view code) const = 0;
};

}  // namespace openvap::domain

#endif  // OPENVAP_DOMAIN_CREDENTIALS_H_
