#include "adapters/api/json_mapping.h"

#include "adapters/api/api.h"
#include "adapters/http/message.h"
#include "base/json_text.h"
#include "base/time.h"

namespace openvap::api {

using nlohmann::json;

namespace {

// The pre-check outcome without its details, as members of an object the caller opened.
void WritePreCheckMembers(JsonWriter& w, const domain::PreCheckOutcome& p) {
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
  w.Key("checked_at").String(FormatIsoTimestamp(p.checked_at));
}

// The application without the form and the pre-checks, its two large parts, as members of an
// object the caller opened.
void WriteApplicationMembers(JsonWriter& w, const domain::Application& a,
                             ApplicationReader reader) {
  w.Key("id").String(a.id.value());
  w.Key("kind").String(domain::ApplicationKindName(a.kind));
  w.Key("status").String(domain::ApplicationStatusName(a.status));
  w.Key("version").Int(a.version);
  w.Key("declarations").Strings(a.declarations);
  w.Key("fee_paid").Bool(a.fee_paid);
  if (const auto paid = domain::FeePaidEur(a)) w.Key("fee_paid_eur").Number(*paid);
  w.Key("lodged_by_official").Bool(a.lodged_by_official);
  w.Key("created_at").String(FormatIsoTimestamp(a.created_at));
  w.Key("updated_at").String(FormatIsoTimestamp(a.updated_at));
  if (!a.notified_state.empty()) w.Key("notified_state").String(a.notified_state);
  if (a.submitted_at) w.Key("submitted_at").String(FormatIsoTimestamp(*a.submitted_at));
  if (a.appointment) {
    w.Key("appointment").BeginObject().Key("slot").String(*a.appointment);
    w.Key("organisation").String(a.appointment_location).EndObject();
  }
  w.Key("lodging").BeginObject();
  w.Key("travel_document_verified").Bool(a.lodging.travel_document_verified);
  w.Key("documents_quality_checked").Bool(a.lodging.documents_quality_checked);
  w.Key("provider_reviewed").Bool(a.lodging.provider_reviewed);
  if (reader == ApplicationReader::kOfficial) w.Key("doubts").Strings(a.lodging.doubts);
  if (a.lodging.biometrics_collected_on) {
    w.Key("biometrics_collected_on").String(FormatIsoDate(*a.lodging.biometrics_collected_on));
  }
  w.EndObject();
  if (a.humanitarian_derogation) {
    w.Key("humanitarian_derogation").String(*a.humanitarian_derogation);
  }
  if (a.purged) w.Key("purged").Bool(true);
}

// The details are kept as JSON text written by the platform itself (RulesPreChecks): put into
// a response as they are. An older record may hold them as an object, and an empty text stands
// for none.
std::string DetailsText(const json& details) {
  const bool text = details.is_string() && !details.get_ref<const std::string&>().empty();
  return text ? details.get_ref<const std::string&>() : http::JsonText(details);
}

json DetailsJson(const json& details) {
  return details.is_string() ? json::parse(details.get_ref<const std::string&>(), nullptr, false)
                             : details;
}

}  // namespace

json PreCheckJson(const domain::PreCheckOutcome& p) {
  JsonWriter w;
  WritePreCheckMembers(w.BeginObject(), p);
  json out = json::parse(std::move(w.EndObject()).Text());
  out["details"] = DetailsJson(p.details);
  return out;
}

std::string PreCheckJsonText(const domain::PreCheckOutcome& p) {
  JsonWriter w;
  WritePreCheckMembers(w.BeginObject(), p);
  return std::move(w.Key("details").Raw(DetailsText(p.details)).EndObject()).Text();
}

std::string ApplicationJsonText(const domain::Application& a, ApplicationReader reader) {
  JsonWriter w;
  WriteApplicationMembers(w.BeginObject(), a, reader);
  w.Key("form").Raw(a.form.Text());  // written once per form (ApplicationForm)
  if (a.prechecks) {
    WritePreCheckMembers(w.Key("prechecks").BeginObject(), *a.prechecks);
    w.Key("details").Raw(DetailsText(a.prechecks->details)).EndObject();
  }
  return std::move(w.EndObject()).Text();
}

std::string ApplicationListJsonText(const domain::Page<domain::Application>& page,
                                    ApplicationReader reader) {
  JsonWriter w;
  w.BeginObject().Key("applications").BeginArray();
  for (const domain::Application& a : page.items) w.Raw(ApplicationJsonText(a, reader));
  w.EndArray().Key("next");
  if (page.next.empty()) {
    w.Null();
  } else {
    w.String(page.next);
  }
  return std::move(w.EndObject()).Text();
}

json ApplicationJson(const domain::Application& a) {
  JsonWriter w;
  WriteApplicationMembers(w.BeginObject(), a, ApplicationReader::kOfficial);
  json out = json::parse(std::move(w.EndObject()).Text());
  out["form"] = a.form.Fields();
  if (a.prechecks) out["prechecks"] = PreCheckJson(*a.prechecks);
  return out;
}

Result<domain::ApplicationKind> ApplicationKindIn(const json& body) {
  OPENVAP_ASSIGN_OR_RETURN(const auto name, OptionalString(body, "kind"));
  return domain::ParseApplicationKind(name.value_or("short-stay-visa"));
}

json ApplicationKindSchema() {
  json kinds = json::array();
  for (const domain::ApplicationKind k :
       {domain::ApplicationKind::kShortStayVisa, domain::ApplicationKind::kLongStayVisa,
        domain::ApplicationKind::kVisaExtension, domain::ApplicationKind::kVisaConfirmation}) {
    kinds.push_back(domain::ApplicationKindName(k));
  }
  return {{"type", "string"}, {"enum", kinds}};
}

json DocumentJson(const domain::ApplicationDocument& d) {
  return {{"id", d.id},
          {"kind", d.kind},
          {"filename", d.filename},
          {"content_type", d.content_type},
          {"size", d.size},
          {"uploaded_at", FormatIsoTimestamp(d.uploaded_at)}};
}

json DecisionJson(const domain::Decision& d) {
  json out = {{"id", d.id.value()},
              {"application", d.application.value()},
              {"kind", domain::DecisionKindName(d.kind)},
              {"member_state", d.member_state},
              {"authority", d.authority},
              {"decided_at", FormatIsoTimestamp(d.decided_at)},
              {"grounds", d.grounds},
              {"text", {{"en", d.text_english}}},
              {"appealable", domain::IsAppealable(d)}};
  // The state's language only where the text was written in it (the Annex VI form of a
  // refusal, annulment or revocation); other decisions have their English text alone, rather
  // than English under another language's name.
  if (d.state_language != "en" && !d.state_language.empty() &&
      d.text_state_language != d.text_english) {
    out["text"][d.state_language] = d.text_state_language;
  }
  if (d.visa) out["visa_number"] = d.visa->value();
  if (!d.remarks.empty()) out["remarks"] = d.remarks;
  if (!d.confirmation_number.empty()) out["confirmation_number"] = d.confirmation_number;
  if (d.message_sent_at) out["message_sent_at"] = FormatIsoTimestamp(*d.message_sent_at);
  if (d.accessed_at) out["accessed_at"] = FormatIsoTimestamp(*d.accessed_at);
  if (d.presumed_notified_on) out["presumed_notified_on"] = FormatIsoDate(*d.presumed_notified_on);
  return out;
}

json PaymentJson(const domain::Payment& p) {
  json out = {{"id", p.id},
              {"application", p.application.value()},
              {"amount_eur", static_cast<double>(p.amount_cents) / 100.0},
              {"currency", "EUR"},
              {"method", p.method},
              {"status", domain::PaymentStatusName(p.status)},
              {"created_at", FormatIsoTimestamp(p.created_at)}};
  if (!p.redirect_url.empty() && p.status == domain::PaymentStatus::kPending) {
    out["redirect_url"] = p.redirect_url;
  }
  if (p.paid_at) out["paid_at"] = FormatIsoTimestamp(*p.paid_at);
  if (!p.receipt.empty()) out["receipt"] = p.receipt;
  return out;
}

json SlotJson(const domain::AppointmentSlot& s) {
  return {{"id", s.id},
          {"member_state", s.member_state},
          {"organisation", s.organisation},
          {"location", s.location},
          {"starts_at", FormatIsoTimestamp(s.starts_at)},
          {"time_zone", s.time_zone},
          {"starts_at_local", FormatLocalTimestamp(s.starts_at, s.utc_offset)},
          {"minutes", s.minutes},
          {"booked", s.booked_by.has_value()}};
}

json VerificationJson(const domain::Verification& v) {
  return {{"status", v.status}, {"reason", v.reason}, {"document", v.document}};
}

VisaNumber VisaNumberFromText(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == ' ' || c == '\t') continue;
    out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  }
  return VisaNumber(out);
}

}  // namespace openvap::api
