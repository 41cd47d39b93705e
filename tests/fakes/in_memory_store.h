#ifndef OPENVAP_TESTS_FAKES_IN_MEMORY_STORE_H_
#define OPENVAP_TESTS_FAKES_IN_MEMORY_STORE_H_

// In-memory implementations of the domain's ports for unit tests of use cases (DESIGN.md:
// "tests use fakes"). The real adapters are tested against SQLite and PostgreSQL with the same
// contract tests. Transactions are all-or-nothing: a unit of work runs on a copy that replaces
// the state only when it returns Ok.

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "domain/credentials.h"
#include "domain/store.h"

namespace openvap::fakes {

struct StoreState {
  std::map<std::string, domain::Account> accounts;
  std::map<std::string, domain::Session> sessions;
  std::map<std::string, domain::OneTimeToken> tokens;
  std::map<std::string, domain::ServiceProviderKey> provider_keys;
  std::map<std::string, domain::Application> applications;
  std::map<std::string, std::vector<std::pair<domain::ApplicationDocument, Bytes>>> documents;
  std::vector<domain::AccountMessage> messages;
  std::map<std::string, domain::ApplicationFile> files;
  std::vector<domain::BiometricsOnRecord> biometrics;
  std::map<std::string, domain::DigitalVisa> visas;
  std::map<std::string, domain::Decision> decisions;
  std::map<std::string, std::string> invalidated_stickers;    // sticker -> replacing visa
  std::map<std::string, std::optional<Date>> retained_until;  // application -> last day
  std::vector<domain::Job> jobs;
  std::map<std::string, domain::Payment> payments;
  std::vector<std::string> payment_events;
  std::map<std::string, domain::AppointmentSlot> slots;
  std::vector<domain::OutgoingMail> mail;
  std::vector<domain::AuditEvent> audit;
};

class InMemoryStore final : public domain::Store {
 public:
  Status Write(const std::function<Status(domain::UnitOfWork&)>& work) override;
  Status Read(const std::function<Status(domain::UnitOfWork&)>& work) override;

  // A copy of the committed state, for assertions.
  StoreState Snapshot() const;

  // Adds the account `id` (address <id>@example.org) in `role`, as a principal of that id stands
  // for in a test of a service that reads the account (starting an application does).
  void AddAccount(const std::string& id, domain::Role role = domain::Role::kApplicant);

 private:
  mutable std::mutex mu_;
  StoreState state_;
};

// Counts attempts per key; with a clock, within the sliding window before now (the SQL store's
// throttle counts in fixed windows, so a limit reached there may be lifted a little earlier),
// without one for ever.
class InMemoryThrottle final : public domain::Throttle {
 public:
  explicit InMemoryThrottle(const Clock* clock = nullptr) : clock_(clock) {}
  Result<bool> Allow(const std::string& key, int limit, std::chrono::seconds window) override;

 private:
  const Clock* clock_;
  std::mutex mu_;
  std::map<std::string, std::vector<Timestamp>> attempts_;
};

// Deterministic, fast stand-ins for argon2id and TOTP. The TOTP code of time step n is
// FakeCredentials::CodeAt(now): the step modulo 10^6, six digits.
class FakeCredentials final : public domain::Credentials {
 public:
  Status CheckPasswordPolicy(std::string_view field, std::string_view password,
                             std::string_view email) const override;
  Result<std::string> HashPassword(std::string_view password) const override;
  bool VerifyPassword(std::string_view password, std::string_view encoded) const override;
  std::string NewToken() const override;
  std::string HashToken(std::string_view token) const override;
  std::string NewTotpSecret() const override;
  std::string TotpUri(std::string_view secret, std::string_view account_label) const override;
  std::optional<std::int64_t> VerifyTotp(std::string_view secret, std::string_view code,
                                         Timestamp now) const override;
  std::vector<std::string> NewRecoveryCodes() const override;
  std::string HashRecoveryCode(std::string_view code) const override;

  static std::string CodeAt(Timestamp now);

 private:
  mutable std::mutex mu_;
  mutable int counter_ = 0;
  mutable int recovery_batches_ = 0;  // each batch of codes differs: recovery-1..3, -4..6, ...
};

}  // namespace openvap::fakes

#endif  // OPENVAP_TESTS_FAKES_IN_MEMORY_STORE_H_
