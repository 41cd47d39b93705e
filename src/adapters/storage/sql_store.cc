#include "adapters/storage/sql_store.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>

#include "adapters/storage/documents.h"
#include "base/json_text.h"
#include "crypto/digest.h"

namespace openvap::storage {
namespace {

using domain::Account;
using domain::Application;
using domain::ApplicationStatus;
using nlohmann::json;

// What a write transaction changed that the decoded documents follow once it is committed.
struct CommittedChange {
  enum class Kind {
    kApplicationWritten,  // application `key` was stored as `text`, which decodes to `decoded`
    kApplicationDeleted,  // application `key`
    kSessionDeleted,      // session `key` (its token hash)
    kSessionsOfAccount,   // every session of account `key`
    kSessionsIdle,        // every session last seen before `cutoff`
    kAccountDeleted,      // account `key`
  };
  Kind kind;
  std::string key;
  std::string text{};
  std::shared_ptr<const Application> decoded{};
  Timestamp cutoff{};
};

json Parse(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  return j.is_discarded() ? json::object() : j;
}

// The text an application's row is decoded from (and kept decoded by): its document and, when
// there are pre-check details kept apart (DetailsKeptApart), a NUL and those details. The
// document is JSON, which holds no NUL, so that different rows give different texts.
std::string ApplicationRowText(std::string doc, const std::string* details_kept_apart) {
  if (details_kept_apart != nullptr) {
    doc.reserve(doc.size() + 1 + details_kept_apart->size());
    doc += '\0';
    doc += *details_kept_apart;
  }
  return doc;
}
std::string ApplicationRowText(const SqlRow& r) {
  if (r.IsNull(1)) return r.Text(0);
  const std::string details = r.Text(1);
  return ApplicationRowText(r.Text(0), &details);
}

// Applications are decoded from a document parsed for the purpose, so its parts are moved.
Application DecodeApplication(const std::string& row_text) {
  const std::size_t cut = std::min(row_text.find('\0'), row_text.size());
  json doc = json::parse(row_text.begin(), row_text.begin() + static_cast<std::ptrdiff_t>(cut),
                         nullptr, false);
  if (doc.is_discarded()) doc = json::object();
  std::optional<std::string> details;
  if (cut < row_text.size()) details.emplace(row_text, cut + 1);
  return ApplicationFromDoc(std::move(doc), std::move(details));
}

// The canonical bytes an audit entry's hash covers: compact JSON with its keys in sorted order,
// `details` being the stored text of the details (itself compact with sorted keys, as Dump
// writes it). Written directly, not through a tree: every write appends an entry, on the one
// writer (docs/PERFORMANCE.md). Chains written before by dumping a tree of the same members have
// the same bytes (storage test). The details go in as stored, so that a change to their text,
// even of spacing only, breaks the chain.
std::string AuditCanonical(std::int64_t seq, std::int64_t at_ms, std::string_view actor,
                           std::string_view role, std::string_view action, std::string_view subject,
                           std::string_view details) {
  JsonWriter w;
  w.BeginObject().Key("action").String(action).Key("actor").String(actor);
  w.Key("at_ms").Int(at_ms).Key("details").Raw(details).Key("role").String(role);
  w.Key("seq").Int(seq).Key("subject").String(subject).EndObject();
  return std::move(w).Text();
}

std::string ChainHash(const std::string& prev, const std::string& canonical) {
  return ToHex(crypto::Sha256(AsBytes(prev + "\n" + canonical)));
}

class SqlUnitOfWork final : public domain::UnitOfWork,
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
  // `decoded` may be null (nothing kept decoded). What this unit writes or deletes of the
  // documents kept decoded is added to `changes` (when not null), to be followed once the
  // transaction is committed.
  SqlUnitOfWork(SqlConnection& c, bool writing, const Clock& clock, RandomSource& random,
                DecodedDocumentCaches* decoded, std::vector<CommittedChange>* changes = nullptr)
      : c_(c),
        writing_(writing),
        clock_(clock),
        random_(random),
        decoded_(decoded),
        changes_(changes) {}

  domain::AccountRepository& Accounts() override { return *this; }
  domain::ApplicationRepository& Applications() override { return *this; }
  domain::MessageRepository& Messages() override { return *this; }
  domain::Register& Registry() override { return *this; }
  domain::JobScheduler& Jobs() override { return *this; }
  domain::PaymentRepository& Payments() override { return *this; }
  domain::AppointmentRepository& Appointments() override { return *this; }
  domain::Outbox& Mail() override { return *this; }
  domain::AuditLog& Audit() override { return *this; }

  // ---- accounts ----
  Status Insert(const Account& a) override {
    auto done = c_.Execute("INSERT INTO accounts (id, email, doc) VALUES ($1, $2, $3)",
                           {a.id.value(), a.email, Dump(ToDoc(a))});
    if (!done.ok() && done.error().code == "unique-violation") {
      return Error{"already-exists", "an account with this e-mail address already exists"};
    }
    return done.ok() ? Ok() : Status(done.error());
  }
  Status Update(const Account& a) override {
    return Changed(c_.Execute("UPDATE accounts SET email = $2, doc = $3 WHERE id = $1",
                              {a.id.value(), a.email, Dump(ToDoc(a))}),
                   "account");
  }
  Result<std::optional<Account>> Find(const AccountId& id) override {
    // Locked in a write (Lock): account documents are written whole, so two writes that read
    // one must not interleave (a withdrawn consent or a new password written back over).
    return Decoded(decoded_ ? &decoded_->accounts : nullptr, id.value(),
                   std::string("SELECT doc FROM accounts WHERE id = $1") + Lock(), AccountFromDoc);
  }
  Result<std::optional<Account>> FindByEmail(const std::string& email) override {
    return One<Account>(std::string("SELECT doc FROM accounts WHERE email = $1") + Lock(), {email},
                        AccountFromDoc);
  }
  Status InsertSession(const domain::Session& s) override {
    return Done(c_.Execute(
        "INSERT INTO sessions (token_hash, account, last_seen_ms, doc) VALUES ($1, $2, $3, $4)",
        {s.token_hash, s.account.value(), ToMillis(s.last_seen_at), Dump(ToDoc(s))}));
  }
  Status UpdateSession(const domain::Session& s) override {
    return Done(c_.Execute("UPDATE sessions SET last_seen_ms = $2, doc = $3 WHERE token_hash = $1",
                           {s.token_hash, ToMillis(s.last_seen_at), Dump(ToDoc(s))}));
  }
  Result<std::optional<domain::Session>> FindSession(const std::string& hash) override {
    return Decoded(decoded_ ? &decoded_->sessions : nullptr, hash,
                   "SELECT doc FROM sessions WHERE token_hash = $1", SessionFromDoc);
  }
  Status DeleteSession(const std::string& hash) override {
    Changing({CommittedChange::Kind::kSessionDeleted, hash});
    return Done(c_.Execute("DELETE FROM sessions WHERE token_hash = $1", {hash}));
  }
  Status DeleteSessionsOf(const AccountId& account) override {
    Changing({CommittedChange::Kind::kSessionsOfAccount, account.value()});
    return Done(c_.Execute("DELETE FROM sessions WHERE account = $1", {account.value()}));
  }
  Status Delete(const AccountId& account) override {
    OPENVAP_RETURN_IF_ERROR(DeleteSessionsOf(account));
    Changing({CommittedChange::Kind::kAccountDeleted, account.value()});
    OPENVAP_RETURN_IF_ERROR(
        Done(c_.Execute("DELETE FROM one_time_tokens WHERE account = $1", {account.value()})));
    return Changed(c_.Execute("DELETE FROM accounts WHERE id = $1", {account.value()}), "account");
  }
  Result<std::int64_t> DeleteSessionsIdleSince(Timestamp cutoff) override {
    Changing({CommittedChange::Kind::kSessionsIdle, "", "", nullptr, cutoff});
    return c_.Execute("DELETE FROM sessions WHERE last_seen_ms < $1", {ToMillis(cutoff)});
  }
  Status InsertToken(const domain::OneTimeToken& t) override {
    return Done(
        c_.Execute("INSERT INTO one_time_tokens (token_hash, account, doc, expires_ms) VALUES "
                   "($1, $2, $3, $4)",
                   {t.token_hash, t.account.value(), Dump(ToDoc(t)), ToMillis(t.expires_at)}));
  }
  Result<std::int64_t> DeleteTokensExpiredBefore(Timestamp cutoff) override {
    return c_.Execute("DELETE FROM one_time_tokens WHERE expires_ms < $1", {ToMillis(cutoff)});
  }
  Status UpdateToken(const domain::OneTimeToken& t) override {
    return Done(c_.Execute("UPDATE one_time_tokens SET doc = $2 WHERE token_hash = $1",
                           {t.token_hash, Dump(ToDoc(t))}));
  }
  Result<std::optional<domain::OneTimeToken>> FindToken(const std::string& hash) override {
    return One<domain::OneTimeToken>("SELECT doc FROM one_time_tokens WHERE token_hash = $1",
                                     {hash}, TokenFromDoc);
  }
  Status InsertServiceProviderKey(const domain::ServiceProviderKey& k) override {
    return Done(c_.Execute("INSERT INTO provider_keys (key_hash, account, doc) VALUES ($1, $2, $3)",
                           {k.key_hash, k.account.value(), Dump(ToDoc(k))}));
  }
  Status UpdateServiceProviderKey(const domain::ServiceProviderKey& k) override {
    return Done(c_.Execute("UPDATE provider_keys SET doc = $2 WHERE key_hash = $1",
                           {k.key_hash, Dump(ToDoc(k))}));
  }
  Result<std::optional<domain::ServiceProviderKey>> FindServiceProviderKey(
      const std::string& hash) override {
    return One<domain::ServiceProviderKey>("SELECT doc FROM provider_keys WHERE key_hash = $1",
                                           {hash}, ProviderKeyFromDoc);
  }
  Result<std::vector<domain::ServiceProviderKey>> ServiceProviderKeysOf(
      const AccountId& account) override {
    return Many<domain::ServiceProviderKey>(
        std::string("SELECT doc FROM provider_keys WHERE account = $1 ORDER BY key_hash") + Lock(),
        {account.value()}, ProviderKeyFromDoc);
  }

  // ---- applications (temporary storage) ----
  Status Insert(const Application& a) override {
    const std::string* details = DetailsKeptApart(a);  // once per write: it scans the details
    std::string text = ApplicationDocText(a, details);
    auto done = c_.Execute(
        "INSERT INTO applications (id, owner, status, notified_state, appointment_location, "
        "submitted_ms, created_ms, updated_ms, version, doc, purged, precheck_details) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        ApplicationRow(a, text, details));
    if (!done.ok() && done.error().code == "unique-violation") {
      return Error{"already-exists", "application id taken"};
    }
    if (!done.ok()) return done.error();
    ApplicationWritten(a, std::move(text), details);
    return Ok();
  }
  Status Update(Application& a) override {
    const std::int64_t read_version = a.version;
    ++a.version;  // the version this write stores, if the row is still at the one read
    const std::string* details = DetailsKeptApart(a);  // once per write: it scans the details
    std::string text = ApplicationDocText(a, details);
    // Only the columns that change are set: the table has four indexes, and SQLite rewrites the
    // entry of every index with a column in the SET list (a submission changes two of them).
    // What the row holds is known when the application at the version read is kept decoded: the
    // version is checked by the UPDATE itself, and a version has one content (docs/PERFORMANCE.md).
    // Otherwise every column is set.
    std::shared_ptr<const Application> before =
        decoded_ != nullptr ? decoded_->applications.Peek(a.id.value()) : nullptr;
    if (before != nullptr && before->version != read_version) before = nullptr;
    std::vector<SqlValue> row = ApplicationRow(a, text, details);
    const std::vector<SqlValue> was =
        before != nullptr ? ApplicationRow(*before, std::string(), DetailsKeptApart(*before))
                          : std::vector<SqlValue>();
    std::string sql = "UPDATE applications SET version = $2, doc = $3";
    std::vector<SqlValue> params = {row[0], row[kVersionColumn], std::move(row[kDocColumn])};
    for (std::size_t i = 1; i < row.size(); ++i) {
      if (i == kVersionColumn || i == kDocColumn || (!was.empty() && was[i] == row[i])) continue;
      params.push_back(std::move(row[i]));
      sql += std::string(", ") + kApplicationColumns[i] + " = $" + std::to_string(params.size());
    }
    params.emplace_back(read_version);
    sql += " WHERE id = $1 AND version = $" + std::to_string(params.size());
    const auto changed = c_.Execute(sql, params);
    if (!changed.ok() || *changed == 0) {
      a.version = read_version;
      if (!changed.ok()) return changed.error();
      OPENVAP_ASSIGN_OR_RETURN(
          auto exists,
          c_.QueryOne("SELECT version FROM applications WHERE id = $1", {a.id.value()}));
      if (!exists) return Error{"not-found", "no application " + a.id.value()};
      return Error{"conflict", "the application was changed meanwhile; reload it"};
    }
    ApplicationWritten(a, std::move(text), details);
    return Ok();
  }
  Result<std::optional<Application>> Find(const ApplicationId& id) override {
    // A kept application is known by the row's version alone: every change of the row goes
    // through Update, whose version check lets one write store version n + 1 over n, so a
    // version has one content (Insert takes a new random id, and a deleted row is forgotten).
    // Reading the version reads none of the 5-kB document and its details, and nothing is
    // compared (docs/PERFORMANCE.md); only a version not kept reads the row.
    if (decoded_ != nullptr) {
      OPENVAP_ASSIGN_OR_RETURN(
          auto row,
          c_.QueryOne(std::string("SELECT version FROM applications WHERE id = $1") + Lock(),
                      {id.value()}));
      if (!row) return std::optional<Application>{};
      const std::int64_t version = row->Int(0);
      if (auto known = decoded_->applications.FindMatching(
              id.value(), clock_.Now(), [version](const Application& kept, const std::string&) {
                return kept.version == version;
              })) {
        return std::optional<Application>(*known);
      }
    }
    return Decoded(
        decoded_ ? &decoded_->applications : nullptr, id.value(),
        std::string("SELECT doc, precheck_details FROM applications WHERE id = $1") + Lock(),
        ApplicationRowText, DecodeApplication);
  }
  Result<std::int64_t> CountOpenOf(const AccountId& owner) override {
    OPENVAP_ASSIGN_OR_RETURN(const auto row,
                             c_.QueryOne("SELECT COUNT(*) FROM applications WHERE owner = $1 AND "
                                         "status IN ('draft', 'submitted')",
                                         {owner.value()}));
    return row ? row->Int(0) : 0;
  }
  Result<domain::Page<Application>> ListByOwner(const AccountId& owner,
                                                const domain::PageRequest& page) override {
    return Paged<Application>("SELECT doc, precheck_details", "FROM applications WHERE owner = $1",
                              {owner.value()}, "created_ms", Newest::kFirst, page,
                              ApplicationRowText, DecodeApplication);
  }
  Result<domain::Page<Application>> ListByAppointmentLocation(
      const std::string& org, const domain::PageRequest& page) override {
    return Paged<Application>("SELECT doc, precheck_details",
                              "FROM applications WHERE appointment_location = $1 "
                              "AND status IN ('submitted', 'notified')",
                              {org}, "submitted_ms", Newest::kLast, page, ApplicationRowText,
                              DecodeApplication);
  }
  Result<domain::Page<Application>> ListForState(const std::string& state, ApplicationStatus status,
                                                 const domain::PageRequest& page) override {
    return Paged<Application>("SELECT doc, precheck_details",
                              "FROM applications WHERE notified_state = $1 AND status = $2",
                              {state, std::string(domain::ApplicationStatusName(status))},
                              "submitted_ms", Newest::kLast, page, ApplicationRowText,
                              DecodeApplication);
  }
  Status InsertDocument(const ApplicationId& app, const domain::ApplicationDocument& d,
                        ByteView content) override {
    domain::ApplicationDocument stored = d;
    stored.sha256 = ToHex(crypto::Sha256(content));
    return Done(c_.Execute(
        "INSERT INTO application_documents (application, id, doc, content) VALUES ($1, $2, $3, $4)",
        {app.value(), d.id, Dump(ToDoc(stored)), Bytes(content.begin(), content.end())}));
  }
  Status DeleteDocument(const ApplicationId& app, const std::string& id) override {
    OPENVAP_ASSIGN_OR_RETURN(
        const std::int64_t n,
        c_.Execute("DELETE FROM application_documents WHERE application = $1 AND id = $2",
                   {app.value(), id}));
    if (n == 0) return Error{"not-found", "no document " + id};
    return Ok();
  }
  Result<std::vector<domain::ApplicationDocument>> ListDocuments(
      const ApplicationId& app) override {
    return Many<domain::ApplicationDocument>(
        "SELECT doc FROM application_documents WHERE application = $1 ORDER BY id", {app.value()},
        DocumentFromDoc);
  }
  Result<std::optional<Bytes>> DocumentContent(const ApplicationId& app,
                                               const std::string& id) override {
    OPENVAP_ASSIGN_OR_RETURN(
        auto row, c_.QueryOne("SELECT content FROM application_documents WHERE application = $1 "
                              "AND id = $2",
                              {app.value(), id}));
    if (!row) return std::optional<Bytes>{};
    return std::optional<Bytes>(row->Blob(0));
  }

  Status DeleteDocuments(const ApplicationId& app) override {
    return Done(
        c_.Execute("DELETE FROM application_documents WHERE application = $1", {app.value()}));
  }
  Status Delete(const ApplicationId& app) override {
    Changing({CommittedChange::Kind::kApplicationDeleted, app.value()});
    OPENVAP_RETURN_IF_ERROR(DeleteDocuments(app));
    return Done(c_.Execute("DELETE FROM applications WHERE id = $1", {app.value()}));
  }
  Result<std::vector<Application>> ListStale(ApplicationStatus status, Timestamp cutoff,
                                             int limit) override {
    return Many<Application>(
        "SELECT doc, precheck_details FROM applications WHERE status = $1 AND purged = 0 "
        "AND updated_ms < $2 ORDER BY updated_ms LIMIT $3",
        {std::string(domain::ApplicationStatusName(status)), ToMillis(cutoff), std::int64_t{limit}},
        ApplicationRowText, DecodeApplication);
  }

  // ---- account messages ----
  Status Insert(const domain::AccountMessage& m) override {
    return Done(c_.Execute(
        "INSERT INTO account_messages (id, account, created_ms, doc, application) VALUES ($1, "
        "$2, $3, $4, NULLIF($5, ''))",
        {m.id, m.account.value(), ToMillis(m.created_at), MessageDocText(m),
         m.application ? m.application->value() : std::string()}));
  }
  Status DeleteAllOf(const AccountId& account) override {
    return Done(c_.Execute("DELETE FROM account_messages WHERE account = $1", {account.value()}));
  }
  Status DeleteAbout(const AccountId& account, const ApplicationId& application) override {
    return Done(c_.Execute("DELETE FROM account_messages WHERE account = $1 AND application = $2",
                           {account.value(), application.value()}));
  }
  Result<domain::AccountMessage> MarkRead(const AccountId& account, const std::string& id,
                                          Timestamp at) override {
    OPENVAP_ASSIGN_OR_RETURN(
        auto found,
        One<domain::AccountMessage>(
            std::string("SELECT doc FROM account_messages WHERE id = $1 AND account = $2") + Lock(),
            {id, account.value()}, MessageFromDoc));
    if (!found) return Error{"not-found", "no message " + id + " in your account"};
    if (found->read_at) return *std::move(found);
    found->read_at = at;
    OPENVAP_RETURN_IF_ERROR(Done(c_.Execute("UPDATE account_messages SET doc = $2 WHERE id = $1",
                                            {id, MessageDocText(*found)})));
    return *std::move(found);
  }
  Result<domain::Page<domain::AccountMessage>> ListFor(const AccountId& account,
                                                       const domain::PageRequest& page) override {
    return Paged<domain::AccountMessage>(
        "SELECT doc", "FROM account_messages WHERE account = $1", {account.value()}, "created_ms",
        Newest::kFirst, page, DocText,
        [](const std::string& text) { return MessageFromDoc(Parse(text)); });
  }

  // ---- register ----
  Status InsertFile(const domain::ApplicationFile& f) override {
    return Done(c_.Execute("INSERT INTO register_files (application, doc) VALUES ($1, $2)",
                           {f.application.value(), Dump(ToDoc(f))}));
  }
  Result<std::optional<domain::ApplicationFile>> FindFile(const ApplicationId& id) override {
    return One<domain::ApplicationFile>("SELECT doc FROM register_files WHERE application = $1",
                                        {id.value()}, FileFromDoc);
  }
  Status RecordBiometrics(const domain::BiometricsOnRecord& r) override {
    return Done(
        c_.Execute("INSERT INTO register_biometrics (document_key, application, collected_on, doc) "
                   "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                   {domain::TravelDocumentKey(r.issuing_country, r.travel_document_number),
                    r.application.value(), FormatIsoDate(r.collected_on), Dump(ToDoc(r))}));
  }
  Result<std::optional<domain::BiometricsOnRecord>> LatestBiometrics(
      std::string_view country, std::string_view number) override {
    return One<domain::BiometricsOnRecord>(
        "SELECT doc FROM register_biometrics WHERE document_key = $1 "
        "ORDER BY collected_on DESC, application DESC LIMIT 1",
        {domain::TravelDocumentKey(country, number)}, BiometricsFromDoc);
  }
  Status InsertVisa(const domain::DigitalVisa& v) override {
    auto done =
        c_.Execute("INSERT INTO register_visas (number, application, doc) VALUES ($1, $2, $3)",
                   {v.number.value(), v.application.value(), Dump(ToDoc(v))});
    if (!done.ok() && done.error().code == "unique-violation") {
      return Error{"already-exists", "visa number taken"};
    }
    return done.ok() ? Ok() : Status(done.error());
  }
  Status UpdateVisa(const domain::DigitalVisa& v) override {
    return Changed(c_.Execute("UPDATE register_visas SET doc = $2 WHERE number = $1",
                              {v.number.value(), Dump(ToDoc(v))}),
                   "visa");
  }
  Result<std::optional<domain::DigitalVisa>> FindVisa(const VisaNumber& n) override {
    return One<domain::DigitalVisa>(
        std::string("SELECT doc FROM register_visas WHERE number = $1") + Lock(), {n.value()},
        VisaFromDoc);
  }
  Result<std::vector<domain::DigitalVisa>> VisasOfApplication(const ApplicationId& id) override {
    return Many<domain::DigitalVisa>("SELECT doc FROM register_visas WHERE application = $1",
                                     {id.value()}, VisaFromDoc);
  }
  Status InsertDecision(const domain::Decision& d) override {
    return Done(
        c_.Execute("INSERT INTO register_decisions (id, application, decided_ms, message_sent_ms, "
                   "awaiting_notification, doc) VALUES ($1, $2, $3, $4, $5, $6)",
                   DecisionRow(d)));
  }
  Status UpdateDecision(const domain::Decision& d) override {
    return Changed(c_.Execute("UPDATE register_decisions SET application = $2, decided_ms = $3, "
                              "message_sent_ms = $4, awaiting_notification = $5, doc = $6 "
                              "WHERE id = $1",
                              DecisionRow(d)),
                   "decision");
  }
  Result<std::optional<domain::Decision>> FindDecision(const DecisionId& id) override {
    return One<domain::Decision>(
        std::string("SELECT doc FROM register_decisions WHERE id = $1") + Lock(), {id.value()},
        DecisionFromDoc);
  }
  Result<std::vector<domain::Decision>> DecisionsOfApplication(const ApplicationId& id) override {
    return Many<domain::Decision>(
        std::string("SELECT doc FROM register_decisions WHERE application = $1 "
                    "ORDER BY decided_ms") +
            Lock(),
        {id.value()}, DecisionFromDoc);
  }
  Result<std::vector<domain::Decision>> DecisionsAwaitingPresumedNotification(
      Timestamp cutoff) override {
    return Many<domain::Decision>(
        std::string("SELECT doc FROM register_decisions WHERE awaiting_notification = 1 AND "
                    "message_sent_ms < $1 ORDER BY message_sent_ms LIMIT 1000") +
            Lock(),
        {ToMillis(cutoff)}, DecisionFromDoc);
  }
  Status InsertInvalidatedSticker(const std::string& sticker, const VisaNumber& by,
                                  Timestamp at) override {
    auto done = c_.Execute(
        "INSERT INTO invalidated_stickers (sticker, replaced_by, at_ms) VALUES ($1, $2, $3)",
        {sticker, by.value(), ToMillis(at)});
    if (!done.ok() && done.error().code == "unique-violation") {
      return Error{"already-exists", "sticker " + sticker + " was already invalidated"};
    }
    return done.ok() ? Ok() : Status(done.error());
  }

  Status KeepUntil(const ApplicationId& id, std::optional<Date> until) override {
    return Done(c_.Execute(
        "INSERT INTO register_retention (application, retained_until) VALUES ($1, $2) "
        "ON CONFLICT (application) DO UPDATE SET retained_until = excluded.retained_until",
        {id.value(), until ? SqlValue(FormatIsoDate(*until)) : SqlValue(nullptr)}));
  }
  Result<std::vector<ApplicationId>> RetentionEndedBefore(Date today, int limit) override {
    OPENVAP_ASSIGN_OR_RETURN(
        auto rows, c_.Query("SELECT application FROM register_retention WHERE retained_until < $1 "
                            "ORDER BY retained_until, application LIMIT $2",
                            {FormatIsoDate(today), std::int64_t{limit}}));
    std::vector<ApplicationId> out;
    out.reserve(rows.size());
    for (const SqlRow& row : rows) out.emplace_back(row.Text(0));
    return out;
  }
  Status DeleteRecordsOf(const ApplicationId& id) override {
    constexpr const char* kStickersOfItsVisas =
        "DELETE FROM invalidated_stickers WHERE replaced_by IN "
        "(SELECT number FROM register_visas WHERE application = $1)";
    for (const char* sql :
         {kStickersOfItsVisas, "DELETE FROM register_visas WHERE application = $1",
          "DELETE FROM register_decisions WHERE application = $1",
          "DELETE FROM register_biometrics WHERE application = $1",
          "DELETE FROM register_files WHERE application = $1",
          "DELETE FROM register_retention WHERE application = $1"}) {
      OPENVAP_RETURN_IF_ERROR(Done(c_.Execute(sql, {id.value()})));
    }
    return Ok();
  }

  // ---- jobs and the outbox ----
  Status Schedule(const domain::Job& job) override {
    return Done(c_.Execute(
        "INSERT INTO jobs (id, kind, job_key, payload, run_at_ms, attempts, lease_until_ms, "
        "state, last_error) VALUES ($1, $2, $3, $4, $5, 0, 0, 'pending', '') "
        "ON CONFLICT (job_key) DO NOTHING",
        {"job-" + random_.HexToken(10), job.kind, job.key, Dump(job.payload),
         ToMillis(job.run_at)}));
  }
  Result<std::int64_t> DeleteFinished(Timestamp done_before, Timestamp dead_mail_before,
                                      int limit) override {
    return c_.Execute(
        "DELETE FROM jobs WHERE id IN (SELECT id FROM jobs WHERE (state = 'done' AND "
        "finished_ms < $1) OR (state = 'dead' AND kind IN ('send-mail', 'password-reset') AND "
        "finished_ms < $2) "
        "LIMIT $3)",
        {ToMillis(done_before), ToMillis(dead_mail_before), std::int64_t{limit}});
  }
  Status EnqueueOne(const domain::OutgoingMail& mail) override {
    return Schedule(domain::Job{
        "send-mail",
        "mail:" + random_.HexToken(10),
        {{"to", mail.to}, {"subject", mail.subject}, {"text", mail.text}, {"kind", mail.kind}},
        clock_.Now()});
  }

  // ---- payments ----
  Status Insert(const domain::Payment& p) override {
    return Done(c_.Execute(
        "INSERT INTO payments (id, application, checkout_id, doc) VALUES ($1, $2, $3, $4)",
        {p.id, p.application.value(), p.checkout_id, Dump(ToDoc(p))}));
  }
  Status Update(const domain::Payment& p) override {
    return Changed(c_.Execute("UPDATE payments SET checkout_id = $2, doc = $3 WHERE id = $1",
                              {p.id, p.checkout_id, Dump(ToDoc(p))}),
                   "payment");
  }
  Result<std::optional<domain::Payment>> FindByCheckout(const std::string& checkout) override {
    if (checkout.empty()) return std::optional<domain::Payment>{};
    return One<domain::Payment>(
        std::string("SELECT doc FROM payments WHERE checkout_id = $1") + Lock(), {checkout},
        PaymentFromDoc);
  }
  Result<std::vector<domain::Payment>> OfApplication(const ApplicationId& id) override {
    // Locked in a write (PostgreSQL): a refund, a notification and a payment in person that
    // cross decide on the payment as the other left it, not as it was.
    return Many<domain::Payment>(
        std::string("SELECT doc FROM payments WHERE application = $1") + Lock(), {id.value()},
        PaymentFromDoc);
  }
  Result<bool> FirstTimeEvent(const std::string& provider, const std::string& event) override {
    OPENVAP_ASSIGN_OR_RETURN(const std::int64_t n,
                             c_.Execute("INSERT INTO payment_events (provider, event_id) VALUES "
                                        "($1, $2) ON CONFLICT DO NOTHING",
                                        {provider, event}));
    return n == 1;
  }

  // ---- appointments ----
  Status InsertSlot(const domain::AppointmentSlot& s) override {
    return Done(c_.Execute(
        "INSERT INTO appointment_slots (id, member_state, organisation, starts_ms, booked_by, doc) "
        "VALUES ($1, $2, $3, $4, NULL, $5)",
        {s.id, s.member_state, s.organisation, ToMillis(s.starts_at), Dump(ToDoc(s))}));
  }
  Result<std::optional<domain::AppointmentSlot>> FindSlot(const std::string& id) override {
    OPENVAP_ASSIGN_OR_RETURN(
        auto row, c_.QueryOne("SELECT doc, booked_by FROM appointment_slots WHERE id = $1", {id}));
    if (!row) return std::optional<domain::AppointmentSlot>{};
    return std::optional<domain::AppointmentSlot>(SlotOf(*row));
  }
  Result<std::vector<domain::AppointmentSlot>> FreeSlots(const std::string& state,
                                                         const std::string& org, Timestamp from,
                                                         Timestamp to) override {
    OPENVAP_ASSIGN_OR_RETURN(
        auto rows,
        c_.Query("SELECT doc, booked_by FROM appointment_slots WHERE member_state = $1 AND "
                 "($2 = '' OR organisation = $2) AND booked_by IS NULL AND starts_ms >= $3 AND "
                 "starts_ms < $4 ORDER BY starts_ms LIMIT 500",
                 {state, org, ToMillis(from), ToMillis(to)}));
    std::vector<domain::AppointmentSlot> out;
    out.reserve(rows.size());
    for (const SqlRow& r : rows) out.push_back(SlotOf(r));
    return out;
  }
  Status Book(const std::string& slot, const ApplicationId& app) override {
    // One atomic conditional update: of two concurrent bookings exactly one changes the row.
    OPENVAP_ASSIGN_OR_RETURN(
        const std::int64_t n,
        c_.Execute(
            "UPDATE appointment_slots SET booked_by = $2 WHERE id = $1 AND booked_by IS NULL",
            {slot, app.value()}));
    if (n == 1) return Ok();
    OPENVAP_ASSIGN_OR_RETURN(auto exists,
                             c_.QueryOne("SELECT id FROM appointment_slots WHERE id = $1", {slot}));
    if (!exists) return Error{"not-found", "no slot " + slot};
    return Error{"slot-taken", "someone booked this slot first; choose another one"};
  }
  Status Release(const std::string& slot, const ApplicationId& app) override {
    return Done(
        c_.Execute("UPDATE appointment_slots SET booked_by = NULL WHERE id = $1 AND booked_by = $2",
                   {slot, app.value()}));
  }

  // ---- audit trail ----
  Status Append(const domain::AuditEvent& e) override {
    if (c_.dialect() == Dialect::kPostgres) {
      // Appends are serialised across processes; the lock is held until commit.
      OPENVAP_RETURN_IF_ERROR(Done(c_.Query("SELECT pg_advisory_xact_lock(728302)")));
    }
    OPENVAP_ASSIGN_OR_RETURN(
        auto last, c_.QueryOne("SELECT seq, hash FROM audit_trail ORDER BY seq DESC LIMIT 1"));
    const std::int64_t seq = last ? last->Int(0) + 1 : 1;
    const std::string prev = last ? last->Text(1) : std::string(64, '0');
    const std::int64_t at = ToMillis(clock_.Now());
    const std::string details = Dump(e.details.is_null() ? json::object() : e.details);
    const std::string hash =
        ChainHash(prev, AuditCanonical(seq, at, e.actor, e.role, e.action, e.subject, details));
    return Done(c_.Execute(
        "INSERT INTO audit_trail (seq, at_ms, actor, role, action, subject, details, prev_hash, "
        "hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        {seq, at, e.actor, e.role, e.action, e.subject, details, prev, hash}));
  }

 private:
  // Rows read in a write transaction are locked on PostgreSQL until commit, so that a
  // read-modify-write of an account, visa, decision or payment cannot interleave with another.
  // (SQLite has one writer at a time.)
  const char* Lock() const {
    return writing_ && c_.dialect() == Dialect::kPostgres ? " FOR UPDATE" : "";
  }

  template <typename T, typename F>
  Result<std::optional<T>> One(const std::string& sql, const std::vector<SqlValue>& params,
                               F from_doc) {
    OPENVAP_ASSIGN_OR_RETURN(auto row, c_.QueryOne(sql, params));
    if (!row) return std::optional<T>{};
    return std::optional<T>(from_doc(Parse(row->Text(0))));
  }

  template <typename T, typename F>
  Result<std::vector<T>> Many(const std::string& sql, const std::vector<SqlValue>& params,
                              F from_doc) {
    return Many<T>(sql, params, DocText,
                   [&from_doc](const std::string& text) { return from_doc(Parse(text)); });
  }
  // Rows decoded from the text `row_text` makes of each (a row of more than a document).
  template <typename T, typename F>
  Result<std::vector<T>> Many(const std::string& sql, const std::vector<SqlValue>& params,
                              std::string (*row_text)(const SqlRow&), F from_text) {
    OPENVAP_ASSIGN_OR_RETURN(auto rows, c_.Query(sql, params));
    std::vector<T> out;
    out.reserve(rows.size());
    for (const SqlRow& r : rows) out.push_back(from_text(row_text(r)));
    return out;
  }

  static std::string DocText(const SqlRow& r) { return r.Text(0); }

  enum class Newest { kFirst, kLast };
  // One page of a list in the order of `key_column` (milliseconds), then of id (domain::Page):
  // `select` names the columns `row_text` reads, `from_where` the list's rows with its parameters
  // `params`. The rows come after the cursor's (key, id) in keyset order, so that a page is a
  // range of an index; one row more than the limit says whether a next page exists. The cursor is
  // "<key>.<id>" of the page's last row. Rows added meanwhile are neither skipped nor repeated
  // where the key never changes (creation times); a list ordered by submission time (the queue,
  // the visit desks) shows a file submitted again, or one that joins the list with an older
  // time, where its new time or its status puts it. The key is never NULL in these lists.
  template <typename T, typename F>
  Result<domain::Page<T>> Paged(const std::string& select, const std::string& from_where,
                                std::vector<SqlValue> params, const std::string& key_column,
                                Newest newest, const domain::PageRequest& page,
                                std::string (*row_text)(const SqlRow&), F from_text) {
    const std::string direction = newest == Newest::kFirst ? " DESC" : "";
    std::string sql = select + ", " + key_column + ", id " + from_where;
    if (!page.after.empty()) {
      OPENVAP_ASSIGN_OR_RETURN(const auto cursor, ParseCursor(page.after));
      sql += " AND (" + key_column + ", id) " + (newest == Newest::kFirst ? "<" : ">") + " ($" +
             std::to_string(params.size() + 1) + ", $" + std::to_string(params.size() + 2) + ")";
      params.emplace_back(cursor.first);
      params.emplace_back(cursor.second);
    }
    const int limit = std::clamp(page.limit, 1, domain::PageRequest::kMaxLimit);
    sql += " ORDER BY " + key_column + direction + ", id" + direction + " LIMIT $" +
           std::to_string(params.size() + 1);
    params.emplace_back(std::int64_t{limit} + 1);
    OPENVAP_ASSIGN_OR_RETURN(auto rows, c_.Query(sql, params));
    domain::Page<T> out;
    const std::size_t shown = std::min(rows.size(), static_cast<std::size_t>(limit));
    out.items.reserve(shown);
    for (std::size_t i = 0; i < shown; ++i) out.items.push_back(from_text(row_text(rows[i])));
    if (rows.size() > shown) {
      const SqlRow& last = rows[shown - 1];
      const std::size_t columns = last.values.size();
      out.next = std::to_string(last.Int(columns - 2)) + "." + last.Text(columns - 1);
    }
    return out;
  }
  static Result<std::pair<std::int64_t, std::string>> ParseCursor(std::string_view cursor) {
    const std::size_t dot = cursor.find('.');
    std::int64_t key = 0;
    const char* end = cursor.data() + (dot == std::string_view::npos ? 0 : dot);
    const auto parsed = std::from_chars(cursor.data(), end, key);
    if (dot == std::string_view::npos || dot == 0 || dot + 1 == cursor.size() ||
        parsed.ec != std::errc() || parsed.ptr != end) {
      return Error{"invalid-field",
                   "after: not a cursor of this list; ask for the first page without it"};
    }
    return std::pair{key, std::string(cursor.substr(dot + 1))};
  }

  // One document by its key, decoded from its row's text, or taken from `cache` when that text
  // was decoded before.
  template <typename T, typename F>
  Result<std::optional<T>> Decoded(DecodedDocuments<T>* cache, const std::string& key,
                                   const std::string& sql, F from_doc) {
    return Decoded(cache, key, sql, DocText,
                   [&from_doc](const std::string& text) { return from_doc(Parse(text)); });
  }
  // The same for a row of more than a document: decoded from the text `row_text` makes of it,
  // which the cache compares.
  template <typename T, typename F>
  Result<std::optional<T>> Decoded(DecodedDocuments<T>* cache, const std::string& key,
                                   const std::string& sql, std::string (*row_text)(const SqlRow&),
                                   F from_text) {
    OPENVAP_ASSIGN_OR_RETURN(auto row, c_.QueryOne(sql, {key}));
    if (!row) return std::optional<T>{};
    std::string text = row_text(*row);
    if (cache == nullptr) return std::optional<T>(from_text(text));
    const Timestamp now = clock_.Now();
    if (auto known = cache->Find(key, text, now)) return std::optional<T>(*known);
    auto decoded = std::make_shared<const T>(from_text(text));
    cache->Remember(key, std::move(text), decoded, now);
    return std::optional<T>(*decoded);
  }

  void Changing(CommittedChange change) {
    if (changes_ != nullptr) changes_->push_back(std::move(change));
  }

  // Application `a` was stored with the document `doc_text` and `details` (DetailsKeptApart(a))
  // beside it: kept decoded once committed, under the text a read of its row gives.
  void ApplicationWritten(const Application& a, std::string doc_text, const std::string* details) {
    Changing({CommittedChange::Kind::kApplicationWritten, a.id.value(),
              ApplicationRowText(std::move(doc_text), details),
              std::make_shared<const Application>(AsStored(a, details != nullptr))});
  }

  template <typename T>
  static Status Done(const Result<T>& r) {
    return r.ok() ? Ok() : Status(r.error());
  }

  static Status Changed(const Result<std::int64_t>& r, const char* what) {
    if (!r.ok()) return r.error();
    if (*r == 0) return Error{"not-found", std::string("no such ") + what};
    return Ok();
  }

  // The columns of `applications` in the order of ApplicationRow.
  static constexpr std::array<const char*, 12> kApplicationColumns = {
      "id",           "owner",           "status",     "notified_state", "appointment_location",
      "submitted_ms", "created_ms",      "updated_ms", "version",        "doc",
      "purged",       "precheck_details"};
  static constexpr std::size_t kVersionColumn = 8;
  static constexpr std::size_t kDocColumn = 9;

  // `details`: DetailsKeptApart(a), worked out once by the write.
  static std::vector<SqlValue> ApplicationRow(const Application& a, std::string doc_text,
                                              const std::string* details) {
    return {a.id.value(),
            a.owner.value(),
            std::string(domain::ApplicationStatusName(a.status)),
            a.notified_state,
            a.appointment_location,
            a.submitted_at ? SqlValue(ToMillis(*a.submitted_at)) : SqlValue(nullptr),
            ToMillis(a.created_at),
            ToMillis(a.updated_at),
            a.version,
            std::move(doc_text),
            std::int64_t{a.purged ? 1 : 0},
            details != nullptr ? SqlValue(*details) : SqlValue(nullptr)};
  }

  static std::vector<SqlValue> DecisionRow(const domain::Decision& d) {
    // Only appealable decisions wait for a presumed notification (Store contract).
    const bool awaiting =
        d.message_sent_at && !d.accessed_at && !d.presumed_notified_on && domain::IsAppealable(d);
    return {d.id.value(),
            d.application.value(),
            ToMillis(d.decided_at),
            d.message_sent_at ? SqlValue(ToMillis(*d.message_sent_at)) : SqlValue(nullptr),
            std::int64_t{awaiting ? 1 : 0},
            Dump(ToDoc(d))};
  }

  static domain::AppointmentSlot SlotOf(const SqlRow& r) {
    domain::AppointmentSlot s = SlotFromDoc(Parse(r.Text(0)));
    if (!r.IsNull(1)) s.booked_by = ApplicationId(r.Text(1));
    return s;
  }

  SqlConnection& c_;
  bool writing_;
  const Clock& clock_;
  RandomSource& random_;
  DecodedDocumentCaches* decoded_;
  std::vector<CommittedChange>* changes_;
};

}  // namespace

SqlStore::SqlStore(Database& db, const Clock& clock, RandomSource& random)
    : db_(db), clock_(clock), random_(random) {}

Status SqlStore::Write(const std::function<Status(domain::UnitOfWork&)>& work) {
  std::vector<CommittedChange> changes;
  OPENVAP_RETURN_IF_ERROR(db_.Write([&](SqlConnection& c) {
    changes.clear();  // a retried transaction starts again
    SqlUnitOfWork uow(c, true, clock_, random_, &decoded_, &changes);
    return work(uow);
  }));
  // Committed. Done here, on the caller's thread, and not inside the transaction: SQLite runs
  // every write transaction on its one writer thread.
  for (CommittedChange& change : changes) {
    switch (change.kind) {
      case CommittedChange::Kind::kApplicationWritten: {
        // Read again in the next step of the procedure: kept as written (decoding the stored
        // text gives the same), not decoded again.
        decoded_.applications.Remember(change.key, std::move(change.text),
                                       std::move(change.decoded), clock_.Now());
        break;
      }
      // Deleted rows could not be served from here anyway (a hit needs the row), but their
      // personal data are not kept here longer than there (VAP-DP).
      case CommittedChange::Kind::kApplicationDeleted:
        decoded_.applications.Forget(change.key);
        break;
      case CommittedChange::Kind::kSessionDeleted:
        decoded_.sessions.Forget(change.key);
        break;
      case CommittedChange::Kind::kSessionsOfAccount:
        decoded_.sessions.ForgetIf(
            [&](const domain::Session& s) { return s.account.value() == change.key; });
        break;
      case CommittedChange::Kind::kAccountDeleted:
        decoded_.accounts.Forget(change.key);
        break;
      case CommittedChange::Kind::kSessionsIdle:
        decoded_.sessions.ForgetIf(
            [&](const domain::Session& s) { return s.last_seen_at < change.cutoff; });
        break;
    }
  }
  return Ok();
}

Status SqlStore::Read(const std::function<Status(domain::UnitOfWork&)>& work) {
  return db_.Read([&](SqlConnection& c) {
    SqlUnitOfWork uow(c, false, clock_, random_, &decoded_);
    return work(uow);
  });
}

Result<bool> SqlStore::Allow(const std::string& key, int limit, std::chrono::seconds window) {
  const std::int64_t now = ToMillis(clock_.Now());
  const std::int64_t span = std::max<std::int64_t>(1, window.count() * 1000);
  const std::int64_t start = now - now % span;
  std::int64_t hits = 0;
  OPENVAP_RETURN_IF_ERROR(db_.Write([&](SqlConnection& c) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(
        auto row, c.QueryOne("INSERT INTO rate_limits (limit_key, window_start_ms, hits) "
                             "VALUES ($1, $2, 1) ON CONFLICT (limit_key, window_start_ms) "
                             "DO UPDATE SET hits = rate_limits.hits + 1 RETURNING hits",
                             {key, start}));
    hits = row ? row->Int(0) : 0;
    return Ok();
  }));
  return hits <= limit;
}

Result<std::int64_t> SqlStore::ForgetAttemptsBefore(Timestamp cutoff) {
  std::int64_t deleted = 0;
  OPENVAP_RETURN_IF_ERROR(db_.Write([&](SqlConnection& c) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(
        deleted,
        c.Execute("DELETE FROM rate_limits WHERE window_start_ms < $1", {ToMillis(cutoff)}));
    return Ok();
  }));
  return deleted;
}

JobQueue::JobQueue(Database& db, const Clock& clock, RandomSource& random)
    : db_(db), clock_(clock), random_(random) {}

Result<std::optional<ClaimedJob>> JobQueue::Claim(std::chrono::seconds lease) {
  const std::int64_t now = ToMillis(clock_.Now());
  const std::int64_t until = now + lease.count() * 1000;
  std::optional<ClaimedJob> claimed;
  OPENVAP_RETURN_IF_ERROR(db_.Write([&](SqlConnection& c) -> Status {
    claimed.reset();
    const std::string skip = c.dialect() == Dialect::kPostgres ? " FOR UPDATE SKIP LOCKED" : "";
    OPENVAP_ASSIGN_OR_RETURN(
        auto row,
        c.QueryOne(
            "UPDATE jobs SET state = 'running', lease_until_ms = $2, attempts = attempts + 1 "
            "WHERE id = (SELECT id FROM jobs WHERE (state = 'pending' AND run_at_ms <= $1) "
            "OR (state = 'running' AND lease_until_ms < $1) ORDER BY run_at_ms LIMIT 1" +
                skip + ") RETURNING id, kind, job_key, payload, attempts",
            {now, until}));
    if (row) {
      claimed = ClaimedJob{row->Text(0), row->Text(1), row->Text(2), Parse(row->Text(3)),
                           static_cast<int>(row->Int(4))};
    }
    return Ok();
  }));
  return claimed;
}

Status JobQueue::Complete(const std::string& id) {
  return db_.Write([&](SqlConnection& c) -> Status {
    // A delivered e-mail keeps who it went to, not its text: a link in it (a password reset) may
    // still work, and the outbox keeps delivered e-mails for a while (RetentionPolicy). A
    // password-reset request keeps nothing (its address may have no account).
    const std::string without_text = c.dialect() == Dialect::kPostgres
                                         ? "(payload::jsonb - 'text')::text"
                                         : "json_remove(payload, '$.text')";
    auto done = c.Execute(
        "UPDATE jobs SET state = 'done', last_error = '', finished_ms = $2, payload = CASE WHEN "
        "kind = 'send-mail' THEN " +
            without_text + " WHEN kind = 'password-reset' THEN '{}' ELSE payload END WHERE id = $1",
        {id, ToMillis(clock_.Now())});
    return done.ok() ? Ok() : Status(done.error());
  });
}

Status JobQueue::Fail(const ClaimedJob& job, const std::string& error, bool permanent,
                      std::chrono::seconds backoff, int max_attempts) {
  const bool dead = permanent || job.attempts >= max_attempts;
  const std::int64_t run_at = ToMillis(clock_.Now()) + backoff.count() * 1000;
  return db_.Write([&](SqlConnection& c) -> Status {
    // A job given up is finished now; one to retry is not.
    auto done = c.Execute(
        "UPDATE jobs SET state = $2, run_at_ms = $3, lease_until_ms = 0, last_error = $4, "
        "finished_ms = CASE WHEN $2 = 'dead' THEN CAST($5 AS BIGINT) END WHERE id = $1",
        {job.id, std::string(dead ? "dead" : "pending"), run_at, error.substr(0, 2000),
         ToMillis(clock_.Now())});
    return done.ok() ? Ok() : Status(done.error());
  });
}

Status JobQueue::Schedule(const domain::Job& job) {
  return db_.Write([&](SqlConnection& c) -> Status {
    SqlUnitOfWork uow(c, true, clock_, random_, nullptr);
    return uow.Jobs().Schedule(job);
  });
}

Result<JobQueue::Counts> JobQueue::Count() {
  Counts counts;
  OPENVAP_RETURN_IF_ERROR(db_.Read([&](SqlConnection& c) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT state, COUNT(*) FROM jobs GROUP BY state"));
    for (const SqlRow& r : rows) {
      const std::string state = r.Text(0);
      const std::int64_t n = r.Int(1);
      if (state == "pending") counts.pending = n;
      if (state == "running") counts.running = n;
      if (state == "done") counts.done = n;
      if (state == "dead") counts.dead = n;
    }
    return Ok();
  }));
  return counts;
}

Result<std::vector<StoredAuditEntry>> ListAuditEntries(Database& db, const std::string& subject,
                                                       std::int64_t after, int limit) {
  std::vector<StoredAuditEntry> out;
  OPENVAP_RETURN_IF_ERROR(db.Read([&](SqlConnection& c) -> Status {
    out.clear();
    OPENVAP_ASSIGN_OR_RETURN(
        auto rows,
        c.Query("SELECT seq, at_ms, actor, role, action, subject, details, prev_hash, hash FROM "
                "audit_trail WHERE seq > $1 AND ($2 = '' OR subject = $2) ORDER BY seq LIMIT $3",
                {after, subject, std::int64_t{limit}}));
    for (const SqlRow& r : rows) {
      out.push_back(StoredAuditEntry{
          r.Int(0), r.Int(1),
          domain::AuditEvent{r.Text(2), r.Text(3), r.Text(4), r.Text(5), Parse(r.Text(6))},
          r.Text(7), r.Text(8)});
    }
    return Ok();
  }));
  return out;
}

Result<std::int64_t> CountAuditEntries(Database& db) {
  std::int64_t n = 0;
  OPENVAP_RETURN_IF_ERROR(db.Read([&](SqlConnection& c) -> Status {
    OPENVAP_ASSIGN_OR_RETURN(auto row, c.QueryOne("SELECT COUNT(*) FROM audit_trail"));
    n = row ? row->Int(0) : 0;
    return Ok();
  }));
  return n;
}

Result<std::optional<std::int64_t>> VerifyAuditChain(Database& db) {
  std::optional<std::int64_t> first_bad;
  OPENVAP_RETURN_IF_ERROR(db.Read([&](SqlConnection& c) -> Status {
    first_bad.reset();
    OPENVAP_ASSIGN_OR_RETURN(
        auto rows, c.Query("SELECT seq, at_ms, actor, role, action, subject, details, prev_hash, "
                           "hash FROM audit_trail ORDER BY seq"));
    std::string prev(64, '0');
    std::int64_t expected = 1;
    for (const SqlRow& r : rows) {
      const std::int64_t seq = r.Int(0);
      const std::string hash = ChainHash(prev, AuditCanonical(seq, r.Int(1), r.Text(2), r.Text(3),
                                                              r.Text(4), r.Text(5), r.Text(6)));
      if (seq != expected || r.Text(7) != prev || r.Text(8) != hash) {
        first_bad = seq;
        return Ok();
      }
      prev = r.Text(8);
      ++expected;
    }
    return Ok();
  }));
  return first_bad;
}

}  // namespace openvap::storage
