#include <gtest/gtest.h>

#include <set>

#include "adapters/auth/credentials.h"
#include "base/time.h"

namespace openvap::auth {
namespace {

// Cheap parameters: the tests check behaviour, not cost.
constexpr Argon2Parameters kCheap{.memory_kib = 1024, .iterations = 1, .parallelism = 1};

Timestamp At(std::int64_t unix_seconds) { return Timestamp(std::chrono::seconds(unix_seconds)); }

// The RFC 6238 Appendix B key ("12345678901234567890", SHA-1) in base32.
constexpr const char* kRfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

TEST(Passwords, HashAndVerifyWithArgon2id) {
  SystemRandom random;
  const Credentials creds(random, kCheap);
  const auto hash = creds.HashPassword("correct horse battery");
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->rfind("$argon2id$v=19$m=1024,t=1,p=1$", 0), 0U);
  EXPECT_TRUE(creds.VerifyPassword("correct horse battery", *hash));
  EXPECT_FALSE(creds.VerifyPassword("correct horse batterY", *hash));
  EXPECT_NE(*creds.HashPassword("correct horse battery"), *hash);  // random salt
  EXPECT_FALSE(creds.VerifyPassword("anything", ""));              // unknown account
  EXPECT_FALSE(creds.VerifyPassword("anything", "not a hash"));
}

TEST(Passwords, VerifiesTheReferenceImplementationsVector) {
  // phc-winner-argon2 test vector: argon2id, v=0x13, t=2, m=2^16, p=1, "password"/"somesalt".
  SystemRandom random;
  const Credentials creds(random, kCheap);
  const std::string reference =
      "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
  EXPECT_TRUE(creds.VerifyPassword("password", reference));
  EXPECT_FALSE(creds.VerifyPassword("passwore", reference));
}

TEST(Passwords, RehashWhenParametersGrow) {
  SystemRandom random;
  const Credentials cheap(random, kCheap);
  const Credentials strong(random, Argon2Parameters{.memory_kib = 2048, .iterations = 2});
  const std::string hash = *cheap.HashPassword("correct horse battery");
  EXPECT_FALSE(cheap.NeedsRehash(hash));
  EXPECT_TRUE(strong.NeedsRehash(hash));
  EXPECT_TRUE(strong.VerifyPassword("correct horse battery", hash));  // still verifies
}

TEST(Passwords, PolicySaysWhatToChange) {
  SystemRandom random;
  const Credentials creds(random, kCheap);
  EXPECT_TRUE(
      creds.CheckPasswordPolicy("password", "correct horse battery", "anna@example.org").ok());
  EXPECT_NE(creds.CheckPasswordPolicy("password", "short", "").error().message.find("12"),
            std::string::npos);
  EXPECT_EQ(creds.CheckPasswordPolicy("password", std::string(129, 'x'), "").error().code,
            "weak-password");
  EXPECT_EQ(creds.CheckPasswordPolicy("password", "my-anna.lopez-secret", "anna.lopez@example.org")
                .error()
                .message,
            "password: do not use the name of your e-mail address ('anna.lopez') in it");
  // A short name is a word like any other: "rep" is in "representative".
  EXPECT_TRUE(
      creds.CheckPasswordPolicy("password", "representative passphrase 1", "rep@agency.example")
          .ok());
  EXPECT_EQ(creds.CheckPasswordPolicy("password", "Password1234", "").error().code,
            "weak-password");
  EXPECT_EQ(creds.CheckPasswordPolicy("password", "aaaaaaaaaaaaaaa", "").error().code,
            "weak-password");
  // Length counts characters, not bytes: 12 Greek letters are enough.
  EXPECT_TRUE(creds.CheckPasswordPolicy("password", "αβγδεζηθικλμ", "").ok());
}

TEST(Totp, MatchesTheRfc6238VectorsAtSixDigits) {
  SystemRandom random;
  const Credentials creds(random, kCheap);
  const std::pair<std::int64_t, const char*> vectors[] = {{59, "287082"},
                                                          {1111111109, "081804"},
                                                          {1111111111, "050471"},
                                                          {1234567890, "005924"},
                                                          {2000000000, "279037"}};
  for (const auto& [time, code] : vectors) {
    EXPECT_EQ(*creds.TotpCode(kRfcSecret, At(time)), code) << time;
    const auto step = creds.VerifyTotp(kRfcSecret, code, At(time));
    ASSERT_TRUE(step.has_value()) << time;
    EXPECT_EQ(*step, time / 30);
  }
}

TEST(Totp, RefusesTimesBeyondLiboathsRangeInsteadOfComputingWrongCodes) {
  // RFC 6238's last vector (T = 20000000000, code 353130) lies past 2106, where liboath's
  // 32-bit arithmetic gives other codes (and past what system_clock holds). From 2106-02-07:
  SystemRandom random;
  const Credentials creds(random, kCheap);
  const Timestamp after_2106 = At((std::int64_t{1} << 32) + 60);
  EXPECT_FALSE(creds.TotpCode(kRfcSecret, after_2106).ok());
  EXPECT_FALSE(creds.VerifyTotp(kRfcSecret, "353130", after_2106).has_value());
  EXPECT_TRUE(creds.TotpCode(kRfcSecret, At((std::int64_t{1} << 32) - 60)).ok());
}

TEST(Totp, AcceptsOneStepOfDriftAndNothingMore) {
  SystemRandom random;
  const Credentials creds(random, kCheap);
  const std::string code = *creds.TotpCode(kRfcSecret, At(1111111111));
  EXPECT_EQ(*creds.VerifyTotp(kRfcSecret, code, At(1111111111 + 30)), 1111111111 / 30);
  EXPECT_EQ(*creds.VerifyTotp(kRfcSecret, code, At(1111111111 - 30)), 1111111111 / 30);
  EXPECT_FALSE(creds.VerifyTotp(kRfcSecret, code, At(1111111111 + 90)).has_value());
  EXPECT_FALSE(creds.VerifyTotp(kRfcSecret, "12345", At(59)).has_value());
  EXPECT_FALSE(creds.VerifyTotp(kRfcSecret, "28708a", At(59)).has_value());
  EXPECT_FALSE(creds.VerifyTotp("not base32!", "287082", At(59)).has_value());
}

TEST(Totp, NewSecretsEnrolInAuthenticatorApps) {
  SystemRandom random;
  const Credentials creds(random, kCheap);
  const std::string secret = creds.NewTotpSecret();
  EXPECT_EQ(secret.size(), 32U);  // 160 bits in base32
  EXPECT_NE(creds.NewTotpSecret(), secret);
  const std::string uri = creds.TotpUri(secret, "anna@example.org");
  EXPECT_EQ(uri, "otpauth://totp/OpenVAP:anna@example.org?secret=" + secret +
                     "&issuer=OpenVAP&algorithm=SHA1&digits=6&period=30");
  const Timestamp now = At(1800000000);
  EXPECT_TRUE(creds.VerifyTotp(secret, *creds.TotpCode(secret, now), now).has_value());
}

TEST(Tokens, AreRandomUrlSafeAndStoredAsHashes) {
  SystemRandom random;
  const Credentials creds(random, kCheap);
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string t = creds.NewToken();
    EXPECT_EQ(t.size(), 43U);
    EXPECT_EQ(
        t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos);
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 100U);
  EXPECT_EQ(creds.HashToken("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(RecoveryCodes, AreUnambiguousAndHashedTheSameWhateverTheFormatting) {
  SeededRandom random(5);
  const Credentials creds(random, kCheap);
  const auto codes = creds.NewRecoveryCodes();
  ASSERT_EQ(codes.size(), 10U);
  EXPECT_EQ(std::set<std::string>(codes.begin(), codes.end()).size(), 10U);
  for (const std::string& c : codes) {
    EXPECT_EQ(c.size(), 11U);
    EXPECT_EQ(c[5], '-');
    EXPECT_EQ(c.find_first_of("01ilo"), std::string::npos);
  }
  std::string shouted = codes[0];
  for (char& ch : shouted) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  shouted.erase(5, 1);
  EXPECT_EQ(creds.HashRecoveryCode(shouted), creds.HashRecoveryCode(codes[0]));
  EXPECT_NE(creds.HashRecoveryCode(codes[1]), creds.HashRecoveryCode(codes[0]));
}

}  // namespace
}  // namespace openvap::auth
