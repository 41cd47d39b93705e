#ifndef OPENVAP_ADAPTERS_AUTH_CREDENTIALS_H_
#define OPENVAP_ADAPTERS_AUTH_CREDENTIALS_H_

// The domain's Credentials port over argon2id (RFC 9106; libargon2) and TOTP (RFC 6238;
// liboath), with random URL-safe tokens stored only as SHA-256 hashes (VAP-ACCT).
// docs/security.md explains the choices.

#include <cstdint>
#include <mutex>
#include <string>

#include "base/random.h"
#include "domain/credentials.h"

namespace openvap::auth {

struct Argon2Parameters {
  // OWASP Password Storage Cheat Sheet, argon2id option 2: m = 19 MiB, t = 2, p = 1.
  std::uint32_t memory_kib = 19456;
  std::uint32_t iterations = 2;
  std::uint32_t parallelism = 1;
};

struct TotpParameters {
  std::string issuer = "OpenVAP";
  unsigned digits = 6;
  unsigned period_seconds = 30;
  int window = 1;  // accept codes one step early or late (clock drift, RFC 6238 §5.2)
};

class Credentials final : public domain::Credentials {
 public:
  Credentials(RandomSource& random, Argon2Parameters argon = {}, TotpParameters totp = {});

  // Policy (NIST SP 800-63B §5.1.1): 12 to 128 characters; not containing the e-mail's local
  // part; not one of the most common passwords. Error "weak-password" says which.
  Status CheckPasswordPolicy(std::string_view field, std::string_view password,
                             std::string_view email) const override;
  Result<std::string> HashPassword(std::string_view password) const override;
  bool VerifyPassword(std::string_view password, std::string_view encoded) const override;
  // True when `encoded` was made with weaker parameters than the current ones.
  bool NeedsRehash(std::string_view encoded) const;

  // 32 random bytes, base64url without padding (43 characters).
  std::string NewToken() const override;
  // SHA-256, hex.
  std::string HashToken(std::string_view token) const override;

  // 20 random bytes (RFC 4226 §4 recommends 160 bits), base32 without padding.
  std::string NewTotpSecret() const override;
  std::string TotpUri(std::string_view secret, std::string_view account_label) const override;
  std::optional<std::int64_t> VerifyTotp(std::string_view secret, std::string_view code,
                                         Timestamp now) const override;
  // The code at `now` (for tests and for the demo's printed enrolment).
  Result<std::string> TotpCode(std::string_view secret, Timestamp now) const;

  // Ten codes of 10 characters from an unambiguous alphabet, shown as "abcde-fghjk".
  std::vector<std::string> NewRecoveryCodes() const override;
  std::string HashRecoveryCode(std::string_view code) const override;

 private:
  RandomSource& random_;
  mutable std::mutex random_mu_;
  Argon2Parameters argon_;
  TotpParameters totp_;
  std::string dummy_hash_;  // verified against for unknown accounts (equal time)
};

}  // namespace openvap::auth

#endif  // OPENVAP_ADAPTERS_AUTH_CREDENTIALS_H_
