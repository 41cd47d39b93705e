#include "adapters/storage/documents.h"

#include <optional>
#include <utility>

#include "base/json_text.h"
#include "base/time.h"

namespace openvap::storage {
namespace {

using nlohmann::json;

json Opt(const std::optional<Timestamp>& t) { return t ? json(ToMillis(*t)) : json(nullptr); }
json Opt(const std::optional<Date>& d) { return d ? json(FormatIsoDate(*d)) : json(nullptr); }
json Opt(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }
json Opt(const std::optional<std::int64_t>& n) { return n ? json(*n) : json(nullptr); }

std::string Str(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}
std::int64_t Int(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<std::int64_t>() : 0;
}
bool Bool(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}
double Real(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}
Timestamp Time(const json& j, const char* key) { return FromMillis(Int(j, key)); }
std::optional<Timestamp> OptTime(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  return FromMillis(it->get<std::int64_t>());
}
std::optional<Date> OptDate(const json& j, const char* key) {
  auto d = ParseIsoDate(Str(j, key));
  if (!d.ok()) return std::nullopt;
  return *d;
}
Date ReqDate(const json& j, const char* key) { return OptDate(j, key).value_or(Date{}); }
std::optional<std::string> OptStr(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}
std::vector<std::string> Strings(const json& j, const char* key) {
  std::vector<std::string> out;
  const auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}
// The member `key` of `j`, or null (which reads as empty) when there is none; not copied.
const json& Member(const json& j, const char* key) {
  static const json kNone;
  if (!j.is_object()) return kNone;
  const auto it = j.find(key);
  return it != j.end() ? *it : kNone;
}

json Sub(const json& j, const char* key, const json& fallback = json::object()) {
  const auto it = j.find(key);
  return it != j.end() ? *it : fallback;
}

json HolderDoc(const domain::VisaHolder& h) {
  return {{"surname", h.surname},
          {"given_names", h.given_names},
          {"date_of_birth", Opt(h.date_of_birth)},
          {"sex", h.sex},
          {"nationality", h.nationality},
          {"travel_document_type", h.travel_document_type},
          {"travel_document_number", h.travel_document_number},
          {"travel_document_issuing_country", h.travel_document_issuing_country},
          {"travel_document_expires_on", Opt(h.travel_document_expires_on)}};
}

domain::VisaHolder HolderFromDoc(const json& j) {
  domain::VisaHolder h;
  h.surname = Str(j, "surname");
  h.given_names = Str(j, "given_names");
  h.date_of_birth = OptDate(j, "date_of_birth");
  h.sex = Str(j, "sex");
  h.nationality = Str(j, "nationality");
  h.travel_document_type = Str(j, "travel_document_type");
  h.travel_document_number = Str(j, "travel_document_number");
  h.travel_document_issuing_country = Str(j, "travel_document_issuing_country");
  h.travel_document_expires_on = OptDate(j, "travel_document_expires_on");
  return h;
}

}  // namespace

std::int64_t ToMillis(Timestamp t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

Timestamp FromMillis(std::int64_t ms) {
  return Timestamp(std::chrono::duration_cast<Timestamp::duration>(std::chrono::milliseconds(ms)));
}

json ToDoc(const domain::Account& a) {
  return {{"id", a.id.value()},
          {"email", a.email},
          {"display_name", a.display_name},
          {"role", domain::RoleName(a.role)},
          {"member_state", a.member_state},
          {"organisation", a.organisation},
          {"password_hash", a.password_hash},
          {"password_changed_at", Opt(a.password_changed_at)},
          {"email_verified_at", Opt(a.email_verified_at)},
          {"totp_secret", Opt(a.totp_secret)},
          {"mfa_enabled", a.mfa_enabled},
          {"last_totp_step", Opt(a.last_totp_step)},
          {"recovery_code_hashes", a.recovery_code_hashes},
          {"keep_data_consent", a.keep_data_consent},
          {"consent_changed_at", Opt(a.consent_changed_at)},
          {"kept", a.kept ? json{{"form", a.kept->form.Fields()},
                                 {"from", a.kept->from.value()},
                                 {"kept_at", ToMillis(a.kept->kept_at)}}
                          : json(nullptr)},
          {"preferred_language", a.preferred_language},
          {"created_at", ToMillis(a.created_at)},
          {"disabled", a.disabled}};
}

domain::Account AccountFromDoc(const json& j) {
  domain::Account a;
  a.id = AccountId(Str(j, "id"));
  a.email = Str(j, "email");
  a.display_name = Str(j, "display_name");
  a.role = domain::ParseRole(Str(j, "role")).ValueOr(domain::Role::kApplicant);
  a.member_state = Str(j, "member_state");
  a.organisation = Str(j, "organisation");
  a.password_hash = Str(j, "password_hash");
  a.password_changed_at = OptTime(j, "password_changed_at");
  a.email_verified_at = OptTime(j, "email_verified_at");
  a.totp_secret = OptStr(j, "totp_secret");
  a.mfa_enabled = Bool(j, "mfa_enabled");
  if (j.contains("last_totp_step") && j["last_totp_step"].is_number()) {
    a.last_totp_step = j["last_totp_step"].get<std::int64_t>();
  }
  a.recovery_code_hashes = Strings(j, "recovery_code_hashes");
  a.keep_data_consent = Bool(j, "keep_data_consent");
  a.consent_changed_at = OptTime(j, "consent_changed_at");
  if (const auto kept = j.find("kept"); kept != j.end() && kept->is_object()) {
    a.kept =
        domain::KeptApplicationData{domain::ApplicationForm(kept->value("form", json::object())),
                                    ApplicationId(Str(*kept, "from")), Time(*kept, "kept_at")};
  }
  a.preferred_language = Str(j, "preferred_language");
  a.created_at = Time(j, "created_at");
  a.disabled = Bool(j, "disabled");
  return a;
}

json ToDoc(const domain::Session& s) {
  return {{"token_hash", s.token_hash},
          {"account", s.account.value()},
          {"created_at", ToMillis(s.created_at)},
          {"last_seen_at", ToMillis(s.last_seen_at)},
          {"mfa_verified", s.mfa_verified},
          {"csrf_token", s.csrf_token},
          {"ip_address", s.ip_address}};
}

domain::Session SessionFromDoc(const json& j) {
  return {Str(j, "token_hash"),    AccountId(Str(j, "account")), Time(j, "created_at"),
          Time(j, "last_seen_at"), Bool(j, "mfa_verified"),      Str(j, "csrf_token"),
          Str(j, "ip_address")};
}

json ToDoc(const domain::OneTimeToken& t) {
  return {{"token_hash", t.token_hash}, {"account", t.account.value()},
          {"purpose", t.purpose},       {"expires_at", ToMillis(t.expires_at)},
          {"used_at", Opt(t.used_at)},  {"created_at", ToMillis(t.created_at)}};
}

domain::OneTimeToken TokenFromDoc(const json& j) {
  return {Str(j, "token_hash"),  AccountId(Str(j, "account")), Str(j, "purpose"),
          Time(j, "expires_at"), OptTime(j, "used_at"),        Time(j, "created_at")};
}

json ToDoc(const domain::ServiceProviderKey& k) {
  return {{"key_hash", k.key_hash},
          {"account", k.account.value()},
          {"label", k.label},
          {"created_at", ToMillis(k.created_at)},
          {"revoked_at", Opt(k.revoked_at)}};
}

domain::ServiceProviderKey ProviderKeyFromDoc(const json& j) {
  return {Str(j, "key_hash"), AccountId(Str(j, "account")), Str(j, "label"), Time(j, "created_at"),
          OptTime(j, "revoked_at")};
}

std::string Dump(const json& doc) {
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

const std::string* DetailsKeptApart(const domain::Application& a) {
  if (!a.prechecks || !a.prechecks->details.is_string()) return nullptr;
  const auto& text = a.prechecks->details.get_ref<const std::string&>();
  return IsUtf8WithoutNul(text) ? &text : nullptr;
}

json ToDoc(const domain::Application& a) { return json::parse(ApplicationDocText(a)); }

std::string ApplicationDocText(const domain::Application& a) {
  return ApplicationDocText(a, DetailsKeptApart(a));
}

std::string ApplicationDocText(const domain::Application& a,
                               const std::string* details_kept_apart) {
  // Written directly (no JSON tree first): every write of an application writes it, on the
  // store's one writer (docs/PERFORMANCE.md). The form's text is the one its value keeps.
  JsonWriter w;
  const auto text = [&w](const std::optional<std::string>& s) { s ? w.String(*s) : w.Null(); };
  w.BeginObject();
  w.Key("id").String(a.id.value());
  w.Key("kind").String(domain::ApplicationKindName(a.kind));
  w.Key("status").String(domain::ApplicationStatusName(a.status));
  w.Key("owner").String(a.owner.value());
  w.Key("lodged_by_official").Bool(a.lodged_by_official);
  w.Key("declarations").Strings(a.declarations);
  w.Key("notified_state").String(a.notified_state);
  w.Key("submitted_at");
  a.submitted_at ? w.Int(ToMillis(*a.submitted_at)) : w.Null();
  w.Key("submitted_from_ip").String(a.submitted_from_ip);
  w.Key("fee_paid").Bool(a.fee_paid);
  w.Key("fee_payment_reference").String(a.fee_payment_reference);
  w.Key("fee_paid_cents");
  a.fee_paid_cents ? w.Int(*a.fee_paid_cents) : w.Null();
  w.Key("appointment");
  text(a.appointment);
  w.Key("appointment_location").String(a.appointment_location);
  w.Key("appointment_state").String(a.appointment_state);
  w.Key("humanitarian_derogation");
  text(a.humanitarian_derogation);
  w.Key("contact_email").String(a.contact_email);
  w.Key("purged").Bool(a.purged);
  w.Key("created_at").Int(ToMillis(a.created_at));
  w.Key("updated_at").Int(ToMillis(a.updated_at));
  w.Key("version").Int(a.version);
  const domain::LodgingRecord& l = a.lodging;
  w.Key("lodging").BeginObject().Key("biometrics_collected_on");
  l.biometrics_collected_on ? w.String(FormatIsoDate(*l.biometrics_collected_on)) : w.Null();
  w.Key("biometrics_travel_document").String(l.biometrics_travel_document);
  w.Key("travel_document_verified").Bool(l.travel_document_verified);
  w.Key("documents_quality_checked").Bool(l.documents_quality_checked);
  w.Key("provider_reviewed").Bool(l.provider_reviewed);
  w.Key("doubts").Strings(l.doubts);
  w.Key("chip_data").Raw(Dump(l.chip_data)).EndObject();
  w.Key("form").Raw(a.form.Text());
  if (a.prechecks) {
    const domain::PreCheckOutcome& p = *a.prechecks;
    w.Key("prechecks").BeginObject();
    w.Key("visa_required").Bool(p.visa_required);
    w.Key("airport_transit_visa_required").Bool(p.airport_transit_visa_required);
    w.Key("competent_state").String(p.competent_state);
    w.Key("competence_reason").String(p.competence_reason);
    w.Key("competence_needs_confirmation").Bool(p.competence_needs_confirmation);
    w.Key("admissible").Bool(p.admissible);
    w.Key("missing").BeginArray();
    for (const domain::MissingItem& m : p.missing) {
      w.BeginObject().Key("code").String(m.code).Key("message").String(m.message).EndObject();
    }
    w.EndArray();
    w.Key("fee_eur").Number(p.fee_eur);
    w.Key("visit_required").Bool(p.visit_required);
    w.Key("checked_at").Int(ToMillis(p.checked_at));
    // Text (RulesPreChecks) is kept apart; an older record may hold an object, and a text that
    // a text column would not keep as it is (a NUL, invalid UTF-8) goes in escaped.
    if (details_kept_apart == nullptr) w.Key("details").Raw(Dump(p.details));
    w.EndObject();
  }
  w.EndObject();
  return std::move(w).Text();
}

domain::Application AsStored(domain::Application a) {
  const bool details_kept_apart = DetailsKeptApart(a) != nullptr;
  return AsStored(std::move(a), details_kept_apart);
}

domain::Application AsStored(domain::Application a, bool details_kept_apart) {
  const auto millis = [](Timestamp t) { return FromMillis(ToMillis(t)); };
  if (a.submitted_at) a.submitted_at = millis(*a.submitted_at);
  a.created_at = millis(a.created_at);
  a.updated_at = millis(a.updated_at);
  if (a.prechecks) a.prechecks->checked_at = millis(a.prechecks->checked_at);
  // Details that go into the document as a string read back with invalid UTF-8 replaced.
  if (a.prechecks && a.prechecks->details.is_string() && !details_kept_apart) {
    a.prechecks->details = json::parse(Dump(a.prechecks->details));
  }
  return a;
}

domain::Application ApplicationFromDoc(const json& j, const std::string* details_kept_apart) {
  domain::Application a;
  a.id = ApplicationId(Str(j, "id"));
  a.kind =
      domain::ParseApplicationKind(Str(j, "kind")).ValueOr(domain::ApplicationKind::kShortStayVisa);
  a.status =
      domain::ParseApplicationStatus(Str(j, "status")).ValueOr(domain::ApplicationStatus::kDraft);
  a.owner = AccountId(Str(j, "owner"));
  a.lodged_by_official = Bool(j, "lodged_by_official");
  a.form = domain::ApplicationForm(Sub(j, "form"));
  a.declarations = Strings(j, "declarations");
  a.notified_state = Str(j, "notified_state");
  a.submitted_at = OptTime(j, "submitted_at");
  a.submitted_from_ip = Str(j, "submitted_from_ip");
  a.fee_paid = Bool(j, "fee_paid");
  a.fee_payment_reference = Str(j, "fee_payment_reference");
  if (const auto it = j.find("fee_paid_cents"); it != j.end() && it->is_number_integer()) {
    a.fee_paid_cents = it->get<std::int64_t>();
  }
  a.appointment = OptStr(j, "appointment");
  a.appointment_location = Str(j, "appointment_location");
  a.appointment_state = Str(j, "appointment_state");
  a.humanitarian_derogation = OptStr(j, "humanitarian_derogation");
  a.contact_email = Str(j, "contact_email");
  a.purged = Bool(j, "purged");
  a.created_at = Time(j, "created_at");
  a.updated_at = Time(j, "updated_at");
  a.version = Int(j, "version");
  const json& l = Member(j, "lodging");
  a.lodging.biometrics_collected_on = OptDate(l, "biometrics_collected_on");
  a.lodging.biometrics_travel_document = Str(l, "biometrics_travel_document");
  a.lodging.travel_document_verified = Bool(l, "travel_document_verified");
  a.lodging.documents_quality_checked = Bool(l, "documents_quality_checked");
  a.lodging.provider_reviewed = Bool(l, "provider_reviewed");
  a.lodging.doubts = Strings(l, "doubts");
  a.lodging.chip_data = Sub(l, "chip_data");
  if (j.contains("prechecks") && j["prechecks"].is_object()) {
    const json& p = j["prechecks"];
    domain::PreCheckOutcome o;
    o.visa_required = Bool(p, "visa_required");
    o.airport_transit_visa_required = Bool(p, "airport_transit_visa_required");
    o.competent_state = Str(p, "competent_state");
    o.competence_reason = Str(p, "competence_reason");
    o.competence_needs_confirmation = Bool(p, "competence_needs_confirmation");
    o.admissible = Bool(p, "admissible");
    for (const auto& m : Member(p, "missing")) {
      o.missing.push_back({Str(m, "code"), Str(m, "message")});
    }
    o.fee_eur = Real(p, "fee_eur");
    o.visit_required = Bool(p, "visit_required");
    o.details = details_kept_apart != nullptr ? json(*details_kept_apart) : Sub(p, "details");
    o.checked_at = Time(p, "checked_at");
    a.prechecks = std::move(o);
  }
  return a;
}

domain::Application ApplicationFromDoc(json&& j, std::optional<std::string> details_kept_apart) {
  // The large parts are moved out of the document first, then put into the application.
  const auto take = [](json& parent, const char* key) -> std::optional<json> {
    if (!parent.is_object()) return std::nullopt;
    const auto it = parent.find(key);
    if (it == parent.end()) return std::nullopt;
    std::optional<json> out(std::move(*it));
    parent.erase(it);
    return out;
  };
  std::optional<json> form = take(j, "form");
  std::optional<json> chip_data;
  if (const auto l = j.find("lodging"); l != j.end()) chip_data = take(*l, "chip_data");
  std::optional<json> details;
  if (details_kept_apart) {
    details = json(std::move(*details_kept_apart));
  } else if (const auto p = j.find("prechecks"); p != j.end()) {
    details = take(*p, "details");
  }
  domain::Application a = ApplicationFromDoc(static_cast<const json&>(j));
  if (form) a.form = domain::ApplicationForm(std::move(*form));
  if (chip_data) a.lodging.chip_data = std::move(*chip_data);
  if (details && a.prechecks) a.prechecks->details = std::move(*details);
  return a;
}

json ToDoc(const domain::ApplicationDocument& d) {
  return {{"id", d.id},
          {"kind", d.kind},
          {"filename", d.filename},
          {"content_type", d.content_type},
          {"size", d.size},
          {"sha256", d.sha256},
          {"uploaded_at", ToMillis(d.uploaded_at)}};
}

domain::ApplicationDocument DocumentFromDoc(const json& j) {
  return {Str(j, "id"),   Str(j, "kind"),   Str(j, "filename"),    Str(j, "content_type"),
          Int(j, "size"), Str(j, "sha256"), Time(j, "uploaded_at")};
}

std::string MessageDocText(const domain::AccountMessage& m) {
  // Written directly (no JSON tree first): most submissions add a message, on the store's one
  // writer (docs/PERFORMANCE.md).
  JsonWriter w;
  w.BeginObject();
  w.Key("id").String(m.id);
  w.Key("account").String(m.account.value());
  w.Key("application");
  m.application ? w.String(m.application->value()) : w.Null();
  w.Key("kind").String(m.kind);
  w.Key("subject").String(m.subject);
  w.Key("body").String(m.body);
  w.Key("created_at").Int(ToMillis(m.created_at));
  w.Key("read_at");
  m.read_at ? w.Int(ToMillis(*m.read_at)) : w.Null();
  w.EndObject();
  return std::move(w).Text();
}

domain::AccountMessage MessageFromDoc(const json& j) {
  domain::AccountMessage m;
  m.id = Str(j, "id");
  m.account = AccountId(Str(j, "account"));
  if (auto app = OptStr(j, "application")) m.application = ApplicationId(*app);
  m.kind = Str(j, "kind");
  m.subject = Str(j, "subject");
  m.body = Str(j, "body");
  m.created_at = Time(j, "created_at");
  m.read_at = OptTime(j, "read_at");
  return m;
}

json ToDoc(const domain::ApplicationFile& f) {
  return {{"application", f.application.value()},
          {"owner", f.owner.value()},
          {"member_state", f.member_state},
          {"authority", f.authority},
          {"holder", HolderDoc(f.holder)},
          {"data", f.data},
          {"prechecks", f.prechecks},
          {"lodged_at", ToMillis(f.lodged_at)},
          {"created_at", ToMillis(f.created_at)},
          {"residence_time_zone", f.residence_time_zone},
          {"notify_emails", f.notify_emails},
          {"lodged_by_official", f.lodged_by_official}};
}

domain::ApplicationFile FileFromDoc(const json& j) {
  domain::ApplicationFile f;
  f.application = ApplicationId(Str(j, "application"));
  f.owner = AccountId(Str(j, "owner"));
  f.member_state = Str(j, "member_state");
  f.authority = Str(j, "authority");
  f.holder = HolderFromDoc(Sub(j, "holder"));
  f.data = Sub(j, "data");
  f.prechecks = Sub(j, "prechecks");
  f.lodged_at = Time(j, "lodged_at");
  // Files written before the creation was kept: lodging is the nearest earlier instant.
  f.created_at = j.contains("created_at") ? Time(j, "created_at") : f.lodged_at;
  f.residence_time_zone = Str(j, "residence_time_zone");
  f.notify_emails = Strings(j, "notify_emails");
  f.lodged_by_official = Bool(j, "lodged_by_official");
  return f;
}

json ToDoc(const domain::BiometricsOnRecord& r) {
  return {{"issuing_country", r.issuing_country},
          {"travel_document_number", r.travel_document_number},
          {"collected_on", FormatIsoDate(r.collected_on)},
          {"application", r.application.value()},
          {"surname", r.surname},
          {"date_of_birth", r.date_of_birth ? json(FormatIsoDate(*r.date_of_birth)) : json()},
          {"nationality", r.nationality}};
}

domain::BiometricsOnRecord BiometricsFromDoc(const json& j) {
  domain::BiometricsOnRecord r;
  r.issuing_country = Str(j, "issuing_country");
  r.travel_document_number = Str(j, "travel_document_number");
  r.collected_on = ReqDate(j, "collected_on");
  r.application = ApplicationId(Str(j, "application"));
  r.surname = Str(j, "surname");
  r.date_of_birth = OptDate(j, "date_of_birth");
  r.nationality = Str(j, "nationality");
  return r;
}

json ToDoc(const domain::DigitalVisa& v) {
  return {{"number", v.number.value()},
          {"application", v.application.value()},
          {"type", domain::VisaTypeCode(v.type)},
          {"issuing_state", v.issuing_state},
          {"issuing_authority", v.issuing_authority},
          {"place_of_issue", v.place_of_issue},
          {"issued_on", FormatIsoDate(v.issued_on)},
          {"territory", v.territory},
          {"valid_from", FormatIsoDate(v.valid_from)},
          {"valid_until", FormatIsoDate(v.valid_until)},
          {"entries", v.entries},
          {"duration_of_stay_days", v.duration_of_stay_days},
          {"holder", HolderDoc(v.holder)},
          {"remarks", v.remarks},
          {"family_member_of_eu_citizen", v.family_member_of_eu_citizen},
          {"replaces_sticker", Opt(v.replaces_sticker)},
          {"status", domain::VisaStatusName(v.status)},
          {"withdrawn_at", Opt(v.withdrawn_at)},
          {"seal", ToHex(v.seal)}};
}

domain::DigitalVisa VisaFromDoc(const json& j) {
  domain::DigitalVisa v;
  v.number = VisaNumber(Str(j, "number"));
  v.application = ApplicationId(Str(j, "application"));
  v.type = domain::ParseVisaTypeCode(Str(j, "type")).ValueOr(domain::VisaType::kUniform);
  v.issuing_state = Str(j, "issuing_state");
  v.issuing_authority = Str(j, "issuing_authority");
  v.place_of_issue = Str(j, "place_of_issue");
  v.issued_on = ReqDate(j, "issued_on");
  v.territory = Strings(j, "territory");
  v.valid_from = ReqDate(j, "valid_from");
  v.valid_until = ReqDate(j, "valid_until");
  v.entries = static_cast<int>(Int(j, "entries"));
  v.duration_of_stay_days = static_cast<int>(Int(j, "duration_of_stay_days"));
  v.holder = HolderFromDoc(Sub(j, "holder"));
  v.remarks = Str(j, "remarks");
  v.family_member_of_eu_citizen = Bool(j, "family_member_of_eu_citizen");
  v.replaces_sticker = OptStr(j, "replaces_sticker");
  v.status = domain::ParseVisaStatus(Str(j, "status")).ValueOr(domain::VisaStatus::kIssued);
  v.withdrawn_at = OptTime(j, "withdrawn_at");
  v.seal = FromHex(Str(j, "seal")).ValueOr(Bytes{});
  return v;
}

json ToDoc(const domain::Decision& d) {
  return {{"id", d.id.value()},
          {"application", d.application.value()},
          {"visa", d.visa ? json(d.visa->value()) : json(nullptr)},
          {"kind", domain::DecisionKindName(d.kind)},
          {"member_state", d.member_state},
          {"authority", d.authority},
          {"place", d.place},
          {"decided_by", d.decided_by.value()},
          {"decided_at", ToMillis(d.decided_at)},
          {"grounds", d.grounds},
          {"remarks", d.remarks},
          {"state_language", d.state_language},
          {"text_state_language", d.text_state_language},
          {"text_english", d.text_english},
          {"confirmation_number", d.confirmation_number},
          {"message_sent_at", Opt(d.message_sent_at)},
          {"accessed_at", Opt(d.accessed_at)},
          {"presumed_notified_on", Opt(d.presumed_notified_on)},
          {"presumed_message_sent_at", Opt(d.presumed_message_sent_at)},
          {"residence_time_zone", d.residence_time_zone}};
}

domain::Decision DecisionFromDoc(const json& j) {
  domain::Decision d;
  d.id = DecisionId(Str(j, "id"));
  d.application = ApplicationId(Str(j, "application"));
  if (auto v = OptStr(j, "visa")) d.visa = VisaNumber(*v);
  d.kind = domain::ParseDecisionKind(Str(j, "kind")).ValueOr(domain::DecisionKind::kIssue);
  d.member_state = Str(j, "member_state");
  d.authority = Str(j, "authority");
  d.place = Str(j, "place");
  d.decided_by = AccountId(Str(j, "decided_by"));
  d.decided_at = Time(j, "decided_at");
  for (const auto& g : Sub(j, "grounds", json::array())) {
    if (g.is_number_integer()) d.grounds.push_back(g.get<int>());
  }
  d.remarks = Str(j, "remarks");
  d.state_language = Str(j, "state_language");
  d.text_state_language = Str(j, "text_state_language");
  d.text_english = Str(j, "text_english");
  d.confirmation_number = Str(j, "confirmation_number");
  d.message_sent_at = OptTime(j, "message_sent_at");
  d.accessed_at = OptTime(j, "accessed_at");
  d.presumed_notified_on = OptDate(j, "presumed_notified_on");
  d.presumed_message_sent_at = OptTime(j, "presumed_message_sent_at");
  d.residence_time_zone = Str(j, "residence_time_zone");
  return d;
}

json ToDoc(const domain::Payment& p) {
  return {{"id", p.id},
          {"application", p.application.value()},
          {"amount_cents", p.amount_cents},
          {"method", p.method},
          {"provider", p.provider},
          {"checkout_id", p.checkout_id},
          {"redirect_url", p.redirect_url},
          {"status", domain::PaymentStatusName(p.status)},
          {"receipt", p.receipt},
          {"created_at", ToMillis(p.created_at)},
          {"paid_at", Opt(p.paid_at)}};
}

domain::Payment PaymentFromDoc(const json& j) {
  domain::Payment p;
  p.id = Str(j, "id");
  p.application = ApplicationId(Str(j, "application"));
  p.amount_cents = Int(j, "amount_cents");
  p.method = Str(j, "method");
  p.provider = Str(j, "provider");
  p.checkout_id = Str(j, "checkout_id");
  p.redirect_url = Str(j, "redirect_url");
  p.status = domain::ParsePaymentStatus(Str(j, "status")).ValueOr(domain::PaymentStatus::kPending);
  p.receipt = Str(j, "receipt");
  p.created_at = Time(j, "created_at");
  p.paid_at = OptTime(j, "paid_at");
  return p;
}

json ToDoc(const domain::AppointmentSlot& s) {
  return {{"id", s.id},
          {"member_state", s.member_state},
          {"organisation", s.organisation},
          {"location", s.location},
          {"starts_at", ToMillis(s.starts_at)},
          {"minutes", s.minutes},
          {"time_zone", s.time_zone},
          {"utc_offset_s", s.utc_offset.count()}};
}

domain::AppointmentSlot SlotFromDoc(const json& j) {
  domain::AppointmentSlot s;
  s.id = Str(j, "id");
  s.member_state = Str(j, "member_state");
  s.organisation = Str(j, "organisation");
  s.location = Str(j, "location");
  s.starts_at = Time(j, "starts_at");
  s.minutes = static_cast<int>(Int(j, "minutes"));
  if (j.contains("time_zone")) {  // published before time zones were kept: UTC
    s.time_zone = Str(j, "time_zone");
    s.utc_offset = std::chrono::seconds(Int(j, "utc_offset_s"));
  }
  return s;
}

}  // namespace openvap::storage
