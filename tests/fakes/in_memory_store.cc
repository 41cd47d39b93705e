#include "fakes/in_memory_store.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace openvap::fakes {
namespace {

// A page of `all` in the order `before` gives, ties newest id first as the SQL store's
// (domain/page.h); the fake's cursor is the number of items before the page.
template <typename T, typename Before>
Result<domain::Page<T>> PageOf(std::vector<T> all, Before before, const domain::PageRequest& page) {
  std::sort(all.begin(), all.end(), [&before](const T& x, const T& y) {
    if (before(x, y)) return true;
    if (before(y, x)) return false;
    return x.id > y.id;
  });
  std::size_t from = 0;
  if (!page.after.empty()) {
    const auto parsed =
        std::from_chars(page.after.data(), page.after.data() + page.after.size(), from);
    if (parsed.ec != std::errc() || parsed.ptr != page.after.data() + page.after.size()) {
      return Error{"invalid-field", "after: not a cursor of this list"};
    }
  }
  domain::Page<T> out;
  const auto limit =
      static_cast<std::size_t>(std::clamp(page.limit, 1, domain::PageRequest::kMaxLimit));
  for (std::size_t i = from; i < all.size() && out.items.size() < limit; ++i) {
    out.items.push_back(all[i]);
  }
  if (from + out.items.size() < all.size()) out.next = std::to_string(from + out.items.size());
  return out;
}

bool NewestFirst(const domain::Application& x, const domain::Application& y) {
  return x.created_at > y.created_at;
}
bool SubmittedFirst(const domain::Application& x, const domain::Application& y) {
  return x.submitted_at < y.submitted_at;
}

class Uow final : public domain::UnitOfWork,
                  public domain::AccountRepository,
                  public domain::ApplicationRepository,
                  public domain::MessageRepository,
                  public domain::Register,
                  public domain::JobScheduler,
                  public domain::PaymentRepository,
                  public domain::AppointmentRepository,
                  public domain::Outbox,
                  public domain::AuditLog {
 public:
  explicit Uow(StoreState& s) : s_(s) {}
  domain::AccountRepository& Accounts() override { return *this; }
  domain::ApplicationRepository& Applications() override { return *this; }
  domain::MessageRepository& Messages() override { return *this; }
  domain::Register& Registry() override { return *this; }
  domain::JobScheduler& Jobs() override { return *this; }
  domain::PaymentRepository& Payments() override { return *this; }
  domain::AppointmentRepository& Appointments() override { return *this; }
  domain::Outbox& Mail() override { return *this; }
  domain::AuditLog& Audit() override { return *this; }

  Status Insert(const domain::Account& a) override {
    for (const auto& [id, other] : s_.accounts) {
      if (other.email == a.email) return Error{"already-exists", "e-mail taken"};
    }
    if (!s_.accounts.emplace(a.id.value(), a).second) return Error{"already-exists", "id taken"};
    return Ok();
  }
  Status Update(const domain::Account& a) override {
    auto it = s_.accounts.find(a.id.value());
    if (it == s_.accounts.end()) return Error{"not-found", "no account"};
    it->second = a;
    return Ok();
  }
  Result<std::optional<domain::Account>> Find(const AccountId& id) override {
    auto it = s_.accounts.find(id.value());
    if (it == s_.accounts.end()) return std::optional<domain::Account>{};
    return std::optional<domain::Account>(it->second);
  }
  Result<std::optional<domain::Account>> FindByEmail(const std::string& email) override {
    for (const auto& [id, a] : s_.accounts) {
      if (a.email == email) return std::optional<domain::Account>(a);
    }
    return std::optional<domain::Account>{};
  }
  Status InsertSession(const domain::Session& s) override {
    s_.sessions[s.token_hash] = s;
    return Ok();
  }
  Status UpdateSession(const domain::Session& s) override {
    s_.sessions[s.token_hash] = s;
    return Ok();
  }
  Result<std::optional<domain::Session>> FindSession(const std::string& hash) override {
    auto it = s_.sessions.find(hash);
    if (it == s_.sessions.end()) return std::optional<domain::Session>{};
    return std::optional<domain::Session>(it->second);
  }
  Status DeleteSession(const std::string& hash) override {
    s_.sessions.erase(hash);
    return Ok();
  }
  Status DeleteSessionsOf(const AccountId& account) override {
    std::erase_if(s_.sessions, [&](const auto& kv) { return kv.second.account == account; });
    return Ok();
  }
  Status Delete(const AccountId& account) override {
    OPENVAP_RETURN_IF_ERROR(DeleteSessionsOf(account));
    std::erase_if(s_.tokens, [&](const auto& kv) { return kv.second.account == account; });
    if (s_.accounts.erase(account.value()) == 0) return Error{"not-found", "no such account"};
    return Ok();
  }
  Result<std::int64_t> DeleteSessionsIdleSince(Timestamp cutoff) override {
    return static_cast<std::int64_t>(std::erase_if(
        s_.sessions, [&](const auto& kv) { return kv.second.last_seen_at < cutoff; }));
  }
  Status InsertToken(const domain::OneTimeToken& t) override {
    s_.tokens[t.token_hash] = t;
    return Ok();
  }
  Status UpdateToken(const domain::OneTimeToken& t) override {
    s_.tokens[t.token_hash] = t;
    return Ok();
  }
  Result<std::optional<domain::OneTimeToken>> FindToken(const std::string& hash) override {
    auto it = s_.tokens.find(hash);
    if (it == s_.tokens.end()) return std::optional<domain::OneTimeToken>{};
    return std::optional<domain::OneTimeToken>(it->second);
  }
  Result<std::int64_t> DeleteTokensExpiredBefore(Timestamp cutoff) override {
    return static_cast<std::int64_t>(
        std::erase_if(s_.tokens, [&](const auto& t) { return t.second.expires_at < cutoff; }));
  }

  Status InsertServiceProviderKey(const domain::ServiceProviderKey& k) override {
    s_.provider_keys[k.key_hash] = k;
    return Ok();
  }
  Status UpdateServiceProviderKey(const domain::ServiceProviderKey& k) override {
    s_.provider_keys[k.key_hash] = k;
    return Ok();
  }
  Result<std::vector<domain::ServiceProviderKey>> ServiceProviderKeysOf(
      const AccountId& account) override {
    std::vector<domain::ServiceProviderKey> out;
    for (const auto& [hash, k] : s_.provider_keys) {
      if (k.account == account) out.push_back(k);
    }
    return out;
  }
  Result<std::optional<domain::ServiceProviderKey>> FindServiceProviderKey(
      const std::string& hash) override {
    auto it = s_.provider_keys.find(hash);
    if (it == s_.provider_keys.end()) return std::optional<domain::ServiceProviderKey>{};
    return std::optional<domain::ServiceProviderKey>(it->second);
  }
  // Applications.
  Status Insert(const domain::Application& a) override {
    if (!s_.applications.emplace(a.id.value(), a).second) return Error{"already-exists", "id"};
    return Ok();
  }
  Status Update(domain::Application& a) override {
    auto it = s_.applications.find(a.id.value());
    if (it == s_.applications.end()) return Error{"not-found", "no application"};
    if (it->second.version != a.version) return Error{"conflict", "stale version"};
    ++a.version;
    it->second = a;
    return Ok();
  }
  Result<std::optional<domain::Application>> Find(const ApplicationId& id) override {
    auto it = s_.applications.find(id.value());
    if (it == s_.applications.end()) return std::optional<domain::Application>{};
    return std::optional<domain::Application>(it->second);
  }
  Result<std::int64_t> CountOpenOf(const AccountId& owner) override {
    std::int64_t n = 0;
    for (const auto& [id, a] : s_.applications) {
      n += a.owner == owner && domain::IsEditableByApplicant(a.status);
    }
    return n;
  }
  Result<domain::Page<domain::Application>> ListByOwner(const AccountId& owner,
                                                        const domain::PageRequest& page) override {
    std::vector<domain::Application> out;
    for (const auto& [id, a] : s_.applications) {
      if (a.owner == owner) out.push_back(a);
    }
    return PageOf(std::move(out), NewestFirst, page);
  }
  Result<domain::Page<domain::Application>> ListByAppointmentLocation(
      const std::string& organisation, const domain::PageRequest& page) override {
    std::vector<domain::Application> out;
    for (const auto& [id, a] : s_.applications) {
      if (a.appointment && a.appointment_location == organisation && !domain::IsFinal(a.status)) {
        out.push_back(a);
      }
    }
    return PageOf(std::move(out), SubmittedFirst, page);
  }
  Result<domain::Page<domain::Application>> ListForState(const std::string& state,
                                                         domain::ApplicationStatus status,
                                                         const domain::PageRequest& page) override {
    std::vector<domain::Application> out;
    for (const auto& [id, a] : s_.applications) {
      if (a.notified_state == state && a.status == status) out.push_back(a);
    }
    return PageOf(std::move(out), SubmittedFirst, page);
  }
  Status InsertDocument(const ApplicationId& id, const domain::ApplicationDocument& d,
                        ByteView content) override {
    s_.documents[id.value()].emplace_back(d, Bytes(content.begin(), content.end()));
    return Ok();
  }
  Status DeleteDocument(const ApplicationId& id, const std::string& doc) override {
    auto& docs = s_.documents[id.value()];
    const auto n = std::erase_if(docs, [&](const auto& p) { return p.first.id == doc; });
    return n == 0 ? Status(Error{"not-found", "no document " + doc}) : Ok();
  }
  Result<std::vector<domain::ApplicationDocument>> ListDocuments(const ApplicationId& id) override {
    std::vector<domain::ApplicationDocument> out;
    for (const auto& [d, bytes] : s_.documents[id.value()]) out.push_back(d);
    return out;
  }
  Result<std::optional<Bytes>> DocumentContent(const ApplicationId& id,
                                               const std::string& doc) override {
    for (const auto& [d, bytes] : s_.documents[id.value()]) {
      if (d.id == doc) return std::optional<Bytes>(bytes);
    }
    return std::optional<Bytes>{};
  }
  Status DeleteDocuments(const ApplicationId& id) override {
    s_.documents.erase(id.value());
    return Ok();
  }
  Status Delete(const ApplicationId& id) override {
    s_.documents.erase(id.value());
    s_.applications.erase(id.value());
    return Ok();
  }
  Result<std::vector<domain::Application>> ListStale(domain::ApplicationStatus status,
                                                     Timestamp cutoff, int limit) override {
    std::vector<domain::Application> out;
    for (const auto& [id, a] : s_.applications) {
      if (a.status == status && !a.purged && a.updated_at < cutoff &&
          static_cast<int>(out.size()) < limit) {
        out.push_back(a);
      }
    }
    return out;
  }
  // Messages.
  Status Insert(const domain::AccountMessage& m) override {
    s_.messages.push_back(m);
    return Ok();
  }
  Result<domain::AccountMessage> MarkRead(const AccountId& account, const std::string& id,
                                          Timestamp at) override {
    for (auto& m : s_.messages) {
      if (m.id != id || m.account != account) continue;
      if (!m.read_at) m.read_at = at;
      return m;
    }
    return Error{"not-found", "no message " + id + " in your account"};
  }
  Result<domain::Page<domain::AccountMessage>> ListFor(const AccountId& account,
                                                       const domain::PageRequest& page) override {
    std::vector<domain::AccountMessage> out;
    for (const auto& m : s_.messages) {
      if (m.account == account) out.push_back(m);
    }
    return PageOf(
        std::move(out), [](const auto& x, const auto& y) { return x.created_at > y.created_at; },
        page);
  }
  Status DeleteAllOf(const AccountId& account) override {
    std::erase_if(s_.messages,
                  [&](const domain::AccountMessage& m) { return m.account == account; });
    return Ok();
  }
  Status DeleteAbout(const AccountId& account, const ApplicationId& application) override {
    std::erase_if(s_.messages, [&](const domain::AccountMessage& m) {
      return m.account == account && m.application == application;
    });
    return Ok();
  }
  // Register.
  Status InsertFile(const domain::ApplicationFile& f) override {
    s_.files[f.application.value()] = f;
    return Ok();
  }
  Result<std::optional<domain::ApplicationFile>> FindFile(const ApplicationId& id) override {
    auto it = s_.files.find(id.value());
    if (it == s_.files.end()) return std::optional<domain::ApplicationFile>{};
    return std::optional<domain::ApplicationFile>(it->second);
  }
  Status RecordBiometrics(const domain::BiometricsOnRecord& r) override {
    for (const auto& kept : s_.biometrics) {
      if (kept.application == r.application &&
          domain::TravelDocumentKey(kept.issuing_country, kept.travel_document_number) ==
              domain::TravelDocumentKey(r.issuing_country, r.travel_document_number)) {
        return Ok();
      }
    }
    s_.biometrics.push_back(r);
    return Ok();
  }
  Result<std::optional<domain::BiometricsOnRecord>> LatestBiometrics(
      std::string_view country, std::string_view number) override {
    const std::string key = domain::TravelDocumentKey(country, number);
    std::optional<domain::BiometricsOnRecord> latest;
    for (const auto& r : s_.biometrics) {
      if (domain::TravelDocumentKey(r.issuing_country, r.travel_document_number) == key &&
          (!latest || latest->collected_on < r.collected_on ||
           (latest->collected_on == r.collected_on && latest->application < r.application))) {
        latest = r;
      }
    }
    return latest;
  }
  Status InsertVisa(const domain::DigitalVisa& v) override {
    if (!s_.visas.emplace(v.number.value(), v).second) return Error{"already-exists", "number"};
    return Ok();
  }
  Status UpdateVisa(const domain::DigitalVisa& v) override {
    s_.visas[v.number.value()] = v;
    return Ok();
  }
  Result<std::optional<domain::DigitalVisa>> FindVisa(const VisaNumber& n) override {
    auto it = s_.visas.find(n.value());
    if (it == s_.visas.end()) return std::optional<domain::DigitalVisa>{};
    return std::optional<domain::DigitalVisa>(it->second);
  }
  Result<std::vector<domain::DigitalVisa>> VisasOfApplication(const ApplicationId& id) override {
    std::vector<domain::DigitalVisa> out;
    for (const auto& [n, v] : s_.visas) {
      if (v.application == id) out.push_back(v);
    }
    return out;
  }
  Status InsertDecision(const domain::Decision& d) override {
    s_.decisions[d.id.value()] = d;
    return Ok();
  }
  Status UpdateDecision(const domain::Decision& d) override {
    s_.decisions[d.id.value()] = d;
    return Ok();
  }
  Result<std::optional<domain::Decision>> FindDecision(const DecisionId& id) override {
    auto it = s_.decisions.find(id.value());
    if (it == s_.decisions.end()) return std::optional<domain::Decision>{};
    return std::optional<domain::Decision>(it->second);
  }
  Result<std::vector<domain::Decision>> DecisionsOfApplication(const ApplicationId& id) override {
    std::vector<domain::Decision> out;
    for (const auto& [k, d] : s_.decisions) {
      if (d.application == id) out.push_back(d);
    }
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a.decided_at < b.decided_at; });
    return out;
  }
  Result<std::vector<domain::Decision>> DecisionsAwaitingPresumedNotification(
      Timestamp cutoff) override {
    std::vector<domain::Decision> out;
    for (const auto& [k, d] : s_.decisions) {
      if (d.message_sent_at && *d.message_sent_at < cutoff && !d.accessed_at &&
          !d.presumed_notified_on && domain::IsAppealable(d)) {
        out.push_back(d);
      }
    }
    return out;
  }
  Status InsertInvalidatedSticker(const std::string& sticker, const VisaNumber& by,
                                  Timestamp) override {
    if (!s_.invalidated_stickers.emplace(sticker, by.value()).second) {
      return Error{"already-exists", "sticker already invalidated"};
    }
    return Ok();
  }
  Status KeepUntil(const ApplicationId& id, std::optional<Date> until) override {
    s_.retained_until[id.value()] = until;
    return Ok();
  }
  Result<std::vector<ApplicationId>> RetentionEndedBefore(Date today, int limit) override {
    std::vector<std::pair<Date, std::string>> ended;
    for (const auto& [id, until] : s_.retained_until) {
      if (until && *until < today) ended.emplace_back(*until, id);
    }
    std::sort(ended.begin(), ended.end());
    std::vector<ApplicationId> out;
    for (const auto& [until, id] : ended) {
      if (static_cast<int>(out.size()) == limit) break;
      out.emplace_back(id);
    }
    return out;
  }
  Status DeleteRecordsOf(const ApplicationId& id) override {
    s_.files.erase(id.value());
    std::erase_if(s_.biometrics, [&](const auto& r) { return r.application == id; });
    std::erase_if(s_.decisions, [&](const auto& d) { return d.second.application == id; });
    std::erase_if(s_.invalidated_stickers, [&](const auto& st) {
      auto v = s_.visas.find(st.second);
      return v != s_.visas.end() && v->second.application == id;
    });
    std::erase_if(s_.visas, [&](const auto& v) { return v.second.application == id; });
    s_.retained_until.erase(id.value());
    return Ok();
  }
  Status Schedule(const domain::Job& job) override {
    for (const auto& j : s_.jobs) {
      if (j.key == job.key) return Ok();
    }
    s_.jobs.push_back(job);
    return Ok();
  }
  // Jobs never run here, so none is ever finished (the SQL store's deletion is tested on both
  // engines).
  Result<std::int64_t> DeleteFinished(Timestamp, Timestamp, int) override { return 0; }
  // Payments.
  Status Insert(const domain::Payment& p) override {
    s_.payments[p.id] = p;
    return Ok();
  }
  Status Update(const domain::Payment& p) override {
    s_.payments[p.id] = p;
    return Ok();
  }
  Result<std::optional<domain::Payment>> FindByCheckout(const std::string& checkout) override {
    for (const auto& [id, p] : s_.payments) {
      if (!checkout.empty() && p.checkout_id == checkout) return std::optional<domain::Payment>(p);
    }
    return std::optional<domain::Payment>{};
  }
  Result<std::vector<domain::Payment>> OfApplication(const ApplicationId& id) override {
    std::vector<domain::Payment> out;
    for (const auto& [k, p] : s_.payments) {
      if (p.application == id) out.push_back(p);
    }
    return out;
  }
  Result<bool> FirstTimeEvent(const std::string& provider, const std::string& event) override {
    const std::string key = provider + "/" + event;
    if (std::find(s_.payment_events.begin(), s_.payment_events.end(), key) !=
        s_.payment_events.end()) {
      return false;
    }
    s_.payment_events.push_back(key);
    return true;
  }
  // Appointments.
  Status InsertSlot(const domain::AppointmentSlot& slot) override {
    s_.slots[slot.id] = slot;
    return Ok();
  }
  Result<std::optional<domain::AppointmentSlot>> FindSlot(const std::string& id) override {
    auto it = s_.slots.find(id);
    if (it == s_.slots.end()) return std::optional<domain::AppointmentSlot>{};
    return std::optional<domain::AppointmentSlot>(it->second);
  }
  Result<std::vector<domain::AppointmentSlot>> FreeSlots(const std::string& state,
                                                         const std::string& org, Timestamp from,
                                                         Timestamp to) override {
    std::vector<domain::AppointmentSlot> out;
    for (const auto& [id, slot] : s_.slots) {
      if (slot.member_state == state && (org.empty() || slot.organisation == org) &&
          !slot.booked_by && slot.starts_at >= from && slot.starts_at < to) {
        out.push_back(slot);
      }
    }
    return out;
  }
  Status Book(const std::string& slot_id, const ApplicationId& application) override {
    auto it = s_.slots.find(slot_id);
    if (it == s_.slots.end()) return Error{"not-found", "no slot"};
    if (it->second.booked_by) return Error{"slot-taken", "someone booked this slot first"};
    it->second.booked_by = application;
    return Ok();
  }
  Status Release(const std::string& slot_id, const ApplicationId& application) override {
    auto it = s_.slots.find(slot_id);
    if (it != s_.slots.end() && it->second.booked_by == application) it->second.booked_by.reset();
    return Ok();
  }
  Status EnqueueOne(const domain::OutgoingMail& mail) override {
    s_.mail.push_back(mail);
    return Ok();
  }
  Status Append(const domain::AuditEvent& event) override {
    s_.audit.push_back(event);
    return Ok();
  }

 private:
  StoreState& s_;
};

}  // namespace

namespace {

// Whether this thread is inside a unit of work of an InMemoryStore. The SQL store refuses a write
// transaction, and so a Throttle count, inside one (SQLite has one writer): so does the fake,
// so that the use cases' tests catch what the real store would refuse.
thread_local bool in_unit_of_work = false;

class UnitOfWorkScope {
 public:
  UnitOfWorkScope() { in_unit_of_work = true; }
  ~UnitOfWorkScope() { in_unit_of_work = false; }
  UnitOfWorkScope(const UnitOfWorkScope&) = delete;
  UnitOfWorkScope& operator=(const UnitOfWorkScope&) = delete;
};

Error NestedTransaction() {
  return Error{"storage-error", "a write transaction cannot start inside another one"};
}

}  // namespace

Status InMemoryStore::Write(const std::function<Status(domain::UnitOfWork&)>& work) {
  if (in_unit_of_work) return NestedTransaction();
  std::lock_guard lock(mu_);
  const UnitOfWorkScope scope;
  StoreState copy = state_;
  Uow uow(copy);
  Status status = work(uow);
  if (status.ok()) state_ = std::move(copy);
  return status;
}

Status InMemoryStore::Read(const std::function<Status(domain::UnitOfWork&)>& work) {
  if (in_unit_of_work) return NestedTransaction();
  std::lock_guard lock(mu_);
  const UnitOfWorkScope scope;
  StoreState copy = state_;
  Uow uow(copy);
  return work(uow);
}

void InMemoryStore::AddAccount(const std::string& id, domain::Role role) {
  domain::Account account;
  account.id = AccountId(id);
  account.email = id + "@example.org";
  account.role = role;
  std::lock_guard lock(mu_);
  state_.accounts[id] = account;
}

StoreState InMemoryStore::Snapshot() const {
  std::lock_guard lock(mu_);
  return state_;
}

Result<bool> InMemoryThrottle::Allow(const std::string& key, int limit,
                                     std::chrono::seconds window) {
  if (in_unit_of_work) return NestedTransaction();  // domain::Throttle's contract
  std::lock_guard lock(mu_);
  std::vector<Timestamp>& attempts = attempts_[key];
  const Timestamp now = clock_ ? clock_->Now() : Timestamp{};
  if (clock_) std::erase_if(attempts, [&](Timestamp t) { return t <= now - window; });
  attempts.push_back(now);
  return attempts.size() <= static_cast<std::size_t>(limit);
}

Status FakeCredentials::CheckPasswordPolicy(std::string_view field, std::string_view password,
                                            std::string_view email) const {
  const std::string name(field);
  if (password.size() < 12) return Error{"weak-password", name + ": use at least 12 characters"};
  const std::string_view local = email.substr(0, email.find('@'));
  if (local.size() >= 3 && password.find(local) != std::string::npos) {
    return Error{"weak-password", name + ": do not use your e-mail address in it"};
  }
  return Ok();
}

Result<std::string> FakeCredentials::HashPassword(std::string_view password) const {
  return "fake$" + std::string(password.rbegin(), password.rend());
}

bool FakeCredentials::VerifyPassword(std::string_view password, std::string_view encoded) const {
  return !encoded.empty() && *HashPassword(password) == encoded;
}

std::string FakeCredentials::NewToken() const {
  std::lock_guard lock(mu_);
  return "token-" + std::to_string(++counter_);
}

std::string FakeCredentials::HashToken(std::string_view token) const {
  return "h(" + std::string(token) + ")";
}

std::string FakeCredentials::NewTotpSecret() const { return "JBSWY3DPEHPK3PXP"; }

std::string FakeCredentials::TotpUri(std::string_view secret, std::string_view label) const {
  return "otpauth://totp/OpenVAP:" + std::string(label) + "?secret=" + std::string(secret);
}

std::string FakeCredentials::CodeAt(Timestamp now) {
  const auto step =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count() / 30;
  char buf[8];
  (void)std::snprintf(buf, sizeof buf, "%06lld", static_cast<long long>(step % 1000000));
  return buf;
}

std::optional<std::int64_t> FakeCredentials::VerifyTotp(std::string_view, std::string_view code,
                                                        Timestamp now) const {
  if (code != CodeAt(now)) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count() / 30;
}

std::vector<std::string> FakeCredentials::NewRecoveryCodes() const {
  std::lock_guard lock(mu_);
  const int first = 3 * recovery_batches_++ + 1;
  return {"recovery-" + std::to_string(first), "recovery-" + std::to_string(first + 1),
          "recovery-" + std::to_string(first + 2)};
}

std::string FakeCredentials::HashRecoveryCode(std::string_view code) const {
  return "rc(" + std::string(code) + ")";
}

}  // namespace openvap::fakes
