#include "adapters/auth/credentials.h"

#include <argon2.h>
#include <liboath/oath.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "crypto/digest.h"
#include "domain/plain_text.h"

namespace openvap::auth {
namespace {

// The most used passwords of public breach corpora that meet the length rule (a short list;
// deployments can put a larger one in front).
constexpr std::array<std::string_view, 24> kCommonPasswords = {
    "123456789012",  "1234567890123", "12345678901234",   "qwertyuiopas", "qwertyuiop123",
    "password1234",  "password12345", "passwordpassword", "iloveyou1234", "111111111111",
    "000000000000",  "abcdefghijkl",  "abc123abc123",     "letmein12345", "welcome12345",
    "administrator", "qwerty123456",  "1q2w3e4r5t6y",     "zaq12wsxcde3", "trustno1trustno1",
    "football1234",  "baseball1234",  "sunshine1234",     "princess1234"};

void InitOath() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (oath_init() != OATH_OK) throw std::runtime_error("liboath initialisation failed");
  });
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string Base64Url(const std::uint8_t* data, std::size_t n) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < n; ++i) {
    buffer = (buffer << 8) | data[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(buffer >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (6 - bits)) & 63]);
  return out;
}

std::string UrlEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~' || c == '@') {
      out.push_back(static_cast<char>(c));
    } else {
      constexpr char kHex[] = "0123456789ABCDEF";
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

// Parses "m=..,t=..,p=.." of a PHC argon2 string; false when it is not one.
bool ParseParameters(std::string_view encoded, Argon2Parameters& out) {
  const std::size_t m = encoded.find("$m=");
  if (encoded.rfind("$argon2id$", 0) != 0 || m == std::string_view::npos) return false;
  unsigned long mem = 0;
  unsigned long t = 0;
  unsigned long p = 0;
  const std::string params(encoded.substr(m + 1, encoded.find('$', m + 1) - m - 1));
  if (std::sscanf(params.c_str(), "m=%lu,t=%lu,p=%lu", &mem, &t, &p) != 3) return false;  // NOLINT
  out = {static_cast<std::uint32_t>(mem), static_cast<std::uint32_t>(t),
         static_cast<std::uint32_t>(p)};
  return true;
}

}  // namespace

Credentials::Credentials(RandomSource& random, Argon2Parameters argon, TotpParameters totp)
    : random_(random), argon_(argon), totp_(std::move(totp)) {
  InitOath();
  auto dummy = HashPassword("dummy password for unknown accounts");
  if (!dummy.ok()) throw std::runtime_error("argon2 is not usable: " + dummy.error().message);
  dummy_hash_ = *dummy;
}

Status Credentials::CheckPasswordPolicy(std::string_view field, std::string_view password,
                                        std::string_view email) const {
  const std::string name(field);
  const std::size_t length = domain::CharacterCount(password);
  if (length < 12) {
    return Error{"weak-password", name + ": use at least 12 characters (a few words work well)"};
  }
  if (length > 128) return Error{"weak-password", name + ": at most 128 characters"};
  const std::string lower = Lower(password);
  const std::string local = Lower(email.substr(0, email.find('@')));
  // The address's name is what an attacker tries first (NIST SP 800-63B 5.1.1.2: context
  // words). A name of a few letters is a word like any other ("rep" in "representative").
  if (local.size() >= 5 && lower.find(local) != std::string::npos) {
    return Error{"weak-password",
                 name + ": do not use the name of your e-mail address ('" + local + "') in it"};
  }
  if (std::find(kCommonPasswords.begin(), kCommonPasswords.end(), lower) !=
      kCommonPasswords.end()) {
    return Error{"weak-password", name + ": this one is among the most common; choose another"};
  }
  if (std::all_of(lower.begin(), lower.end(), [&](char c) { return c == lower.front(); })) {
    return Error{"weak-password", name + ": do not repeat one character"};
  }
  return Ok();
}

Result<std::string> Credentials::HashPassword(std::string_view password) const {
  std::array<std::uint8_t, 16> salt{};
  {
    std::lock_guard lock(random_mu_);
    random_.Fill(salt);
  }
  constexpr std::size_t kHashLength = 32;
  std::string encoded(argon2_encodedlen(argon_.iterations, argon_.memory_kib, argon_.parallelism,
                                        salt.size(), kHashLength, Argon2_id),
                      '\0');
  const int rc = argon2id_hash_encoded(argon_.iterations, argon_.memory_kib, argon_.parallelism,
                                       password.data(), password.size(), salt.data(), salt.size(),
                                       kHashLength, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) {
    return Error{"hashing-failed", std::string("argon2id: ") + argon2_error_message(rc)};
  }
  encoded.resize(std::strlen(encoded.c_str()));
  return encoded;
}

bool Credentials::VerifyPassword(std::string_view password, std::string_view encoded) const {
  const std::string target(encoded.empty() ? std::string_view(dummy_hash_) : encoded);
  const bool ok = argon2id_verify(target.c_str(), password.data(), password.size()) == ARGON2_OK;
  return ok && !encoded.empty();
}

bool Credentials::NeedsRehash(std::string_view encoded) const {
  Argon2Parameters p;
  if (!ParseParameters(encoded, p)) return true;
  return p.memory_kib < argon_.memory_kib || p.iterations < argon_.iterations ||
         p.parallelism != argon_.parallelism;
}

std::string Credentials::NewToken() const {
  std::array<std::uint8_t, 32> bytes{};
  {
    std::lock_guard lock(random_mu_);
    random_.Fill(bytes);
  }
  return Base64Url(bytes.data(), bytes.size());
}

std::string Credentials::HashToken(std::string_view token) const {
  return ToHex(crypto::Sha256(AsBytes(token)));
}

std::string Credentials::NewTotpSecret() const {
  std::array<std::uint8_t, 20> bytes{};
  {
    std::lock_guard lock(random_mu_);
    random_.Fill(bytes);
  }
  char* out = nullptr;
  std::size_t len = 0;
  if (oath_base32_encode(reinterpret_cast<const char*>(bytes.data()), bytes.size(),  // NOLINT
                         &out, &len) != OATH_OK) {
    throw std::runtime_error("base32 encoding failed");
  }
  std::string secret(out, len);
  std::free(out);  // NOLINT(cppcoreguidelines-no-malloc): liboath allocates with malloc
  secret.erase(std::remove(secret.begin(), secret.end(), '='), secret.end());
  return secret;
}

std::string Credentials::TotpUri(std::string_view secret, std::string_view label) const {
  return "otpauth://totp/" + UrlEncode(totp_.issuer) + ":" + UrlEncode(label) +
         "?secret=" + std::string(secret) + "&issuer=" + UrlEncode(totp_.issuer) +
         "&algorithm=SHA1&digits=" + std::to_string(totp_.digits) +
         "&period=" + std::to_string(totp_.period_seconds);
}

namespace {

// liboath 2.6 computes TOTP time steps from 32-bit seconds: from 2106-02-07 its codes differ
// from RFC 6238 (its Appendix B vector for T = 20000000000 fails). Refuse rather than compute
// wrong codes.
constexpr std::int64_t kLiboathTimeLimit = std::int64_t{1} << 32;

// Decodes a base32 secret (padding optional). Empty on malformed input.
std::string DecodeSecret(std::string_view secret) {
  std::string padded(secret);
  while (padded.size() % 8 != 0) padded.push_back('=');
  char* out = nullptr;
  std::size_t len = 0;
  if (oath_base32_decode(padded.data(), padded.size(), &out, &len) != OATH_OK) return "";
  std::string bin(out, len);
  std::free(out);  // NOLINT(cppcoreguidelines-no-malloc): liboath allocates with malloc
  return bin;
}

}  // namespace

std::optional<std::int64_t> Credentials::VerifyTotp(std::string_view secret, std::string_view code,
                                                    Timestamp now) const {
  if (code.size() != totp_.digits ||
      !std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  const std::string key = DecodeSecret(secret);
  if (key.empty()) return std::nullopt;
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (seconds < 0 || seconds >= kLiboathTimeLimit) return std::nullopt;
  int position = 0;
  const std::string otp(code);
  const int rc = oath_totp_validate2(
      key.data(), key.size(), static_cast<time_t>(seconds), totp_.period_seconds, 0,
      static_cast<std::size_t>(totp_.window), &position, otp.c_str());
  if (rc < 0) return std::nullopt;
  return seconds / totp_.period_seconds + position;
}

Result<std::string> Credentials::TotpCode(std::string_view secret, Timestamp now) const {
  const std::string key = DecodeSecret(secret);
  if (key.empty()) return Error{"invalid-field", "secret: not base32"};
  std::array<char, 16> out{};
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (seconds < 0 || seconds >= kLiboathTimeLimit) {
    return Error{"invalid-field", "TOTP is not supported after 2106-02-07 (liboath limit)"};
  }
  if (oath_totp_generate(key.data(), key.size(), static_cast<time_t>(seconds), totp_.period_seconds,
                         0, totp_.digits, out.data()) != OATH_OK) {
    return Error{"invalid-field", "secret: cannot generate a code"};
  }
  return std::string(out.data());
}

std::vector<std::string> Credentials::NewRecoveryCodes() const {
  static constexpr char kAlphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";  // no 0/o, 1/l/i
  constexpr std::size_t kAlphabetSize = sizeof kAlphabet - 1;
  std::vector<std::string> codes;
  // Rejection sampling keeps every character equally likely (about 50 bits per code).
  constexpr std::uint8_t kLimit = 256 - 256 % kAlphabetSize;
  std::lock_guard lock(random_mu_);
  for (int i = 0; i < 10; ++i) {
    std::string code;
    while (code.size() < 11) {
      std::array<std::uint8_t, 1> byte{};
      random_.Fill(byte);
      if (byte[0] >= kLimit) continue;
      if (code.size() == 5) code.push_back('-');
      code.push_back(kAlphabet[byte[0] % kAlphabetSize]);
    }
    codes.push_back(code);
  }
  return codes;
}

std::string Credentials::HashRecoveryCode(std::string_view code) const {
  std::string normal;
  for (char c : code) {
    if (c != '-' && c != ' ')
      normal.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return ToHex(crypto::Sha256(AsBytes(normal)));
}

}  // namespace openvap::auth
