#include "adapters/api/json_mapping.h"

#include "adapters/http/message.h"
#include "base/json_text.h"
#include "base/time.h"

namespace openvap::api {

using nlohmann::json;

namespace {

json PreCheckJsonWithoutDetails(const domain::PreCheckOutcome& p) {
  json missing = json::array();
  for (const auto& m : p.missing) missing.push_back({{"code", m.code}, {"message", m.message}});
  return {{"visa_required", p.visa_required},
          {"airport_transit_visa_required", p.airport_transit_visa_required},
          {"competent_state", p.competent_state},
          {"competence_reason", p.competence_reason},
          {"competence_needs_confirmation", p.competence_needs_confirmation},
          {"admissible", p.admissible},
          {"missing", missing},
          {"fee_eur", p.fee_eur},
          {"visit_required", p.visit_required},
          {"checked_at", FormatIsoTimestamp(p.checked_at)}};
}

// Without the form and the pre-checks, the two large parts.
json ApplicationJsonOutline(const domain::Application& a) {
  json out = {{"id", a.id.value()},
              {"kind", domain::ApplicationKindName(a.kind)},
              {"status", domain::ApplicationStatusName(a.status)},
              {"version", a.version},
              {"declarations", a.declarations},
              {"fee_paid", a.fee_paid},
              {"lodged_by_official", a.lodged_by_official},
              {"created_at", FormatIsoTimestamp(a.created_at)},
              {"updated_at", FormatIsoTimestamp(a.updated_at)}};
  if (!a.notified_state.empty()) out["notified_state"] = a.notified_state;
  if (a.submitted_at) out["submitted_at"] = FormatIsoTimestamp(*a.submitted_at);
  if (a.appointment) {
    out["appointment"] = {{"slot", *a.appointment}, {"organisation", a.appointment_location}};
  }
  json lodging = {{"travel_document_verified", a.lodging.travel_document_verified},
                  {"documents_quality_checked", a.lodging.documents_quality_checked},
                  {"provider_reviewed", a.lodging.provider_reviewed},
                  {"doubts", a.lodging.doubts}};
  if (a.lodging.biometrics_collected_on) {
    lodging["biometrics_collected_on"] = FormatIsoDate(*a.lodging.biometrics_collected_on);
  }
  out["lodging"] = lodging;
  if (a.humanitarian_derogation) out["humanitarian_derogation"] = *a.humanitarian_derogation;
  if (a.purged) out["purged"] = true;
  return out;
}

}  // namespace

json PreCheckJson(const domain::PreCheckOutcome& p) {
  json out = PreCheckJsonWithoutDetails(p);
  // Kept as JSON text with the application (parsed only here, for the reader).
  out["details"] = p.details.is_string()
                       ? json::parse(p.details.get_ref<const std::string&>(), nullptr, false)
                       : p.details;
  return out;
}

std::string PreCheckJsonText(const domain::PreCheckOutcome& p) {
  // The text was written by the platform itself (RulesPreChecks); an older record may hold it
  // as an object, and an empty one stands for none.
  const bool text = p.details.is_string() && !p.details.get_ref<const std::string&>().empty();
  std::string out = http::JsonText(PreCheckJsonWithoutDetails(p));
  AppendJsonMember(out, "details",
                   text ? p.details.get_ref<const std::string&>() : http::JsonText(p.details));
  return out;
}

std::string ApplicationJsonText(const domain::Application& a) {
  std::string out = http::JsonText(ApplicationJsonOutline(a));
  AppendJsonMember(out, "form", a.form.Text());  // written once per form (ApplicationForm)
  if (a.prechecks) AppendJsonMember(out, "prechecks", PreCheckJsonText(*a.prechecks));
  return out;
}

json ApplicationJson(const domain::Application& a) {
  json out = ApplicationJsonOutline(a);
  out["form"] = a.form.Fields();
  if (a.prechecks) out["prechecks"] = PreCheckJson(*a.prechecks);
  return out;
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
              {"text", {{d.state_language, d.text_state_language}, {"en", d.text_english}}},
              {"appealable", domain::IsAppealable(d.kind)}};
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
          {"minutes", s.minutes},
          {"booked", s.booked_by.has_value()}};
}

json VerificationJson(const domain::Verification& v) {
  return {{"status", v.status}, {"reason", v.reason}, {"document", v.document}};
}

}  // namespace openvap::api
