#include "domain/application_form.h"

#include <array>
#include <string_view>
#include <utility>

namespace openvap::domain {

using nlohmann::json;

ApplicationForm::ApplicationForm() : ApplicationForm(json::object()) {}

ApplicationForm::ApplicationForm(json fields)
    : value_(std::make_shared<Value>(std::move(fields))) {}

const std::string& ApplicationForm::Text() const {
  std::call_once(value_->text_once, [this] {
    value_->text = value_->fields.dump(-1, ' ', false, json::error_handler_t::replace);
  });
  return value_->text;
}

const std::string* ApplicationForm::FindText(std::string_view field) const {
  const json& fields = value_->fields;
  if (!fields.is_object()) return nullptr;
  const auto it = fields.find(field);
  return it != fields.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
}

const std::string& ApplicationForm::FieldText(std::string_view field) const {
  static const std::string kNone;
  const std::string* text = FindText(field);
  return text != nullptr ? *text : kNone;
}

json ApplicationForm::Release() {
  // use_count() == 1: no other copy (in any thread) refers to this value, so nobody reads it
  // while it is moved out; a count that is off because another thread is dropping its copy
  // only costs a copy.
  if (value_.use_count() == 1) {
    json fields = std::move(value_->fields);
    return fields.is_object() ? std::move(fields) : json::object();
  }
  return value_->fields.is_object() ? value_->fields : json::object();
}

void ApplicationForm::Apply(const json& changes) {
  json fields = Release();
  for (const auto& [field, value] : changes.items()) {
    if (value.is_null()) {
      fields.erase(field);
    } else {
      fields[field] = value;
    }
  }
  value_ = std::make_shared<Value>(std::move(fields));
}

void ApplicationForm::Set(const std::string& field, json value) {
  json fields = Release();
  fields[field] = std::move(value);
  value_ = std::make_shared<Value>(std::move(fields));
}

void ApplicationForm::Erase(const std::string& field) {
  json fields = Release();
  fields.erase(field);
  value_ = std::make_shared<Value>(std::move(fields));
}

const std::string& TravelDocumentIssuer(const ApplicationForm& form) {
  const std::string& issuer = form.FieldText("16");
  return issuer.empty() ? form.FieldText("7") : issuer;
}

ApplicationForm KeptForLaterApplications(const ApplicationForm& form) {
  // application_form_fields.csv: the person, not the journey; and two fields of the platform.
  // clang-format off
  static constexpr std::array<std::string_view, 42> kKept = {
      "1", "2", "3", "4", "5", "6", "7", "7a", "7b", "8", "9", "9a",
      "10a", "10b", "10c", "10d", "10e", "10f", "11",
      "12", "12a", "13", "14", "15", "16",
      "17a", "17b", "17c", "17d", "17e", "18", "18a",
      "19", "19a", "20", "20a", "20b", "20c", "21", "22",
      "residence_time_zone", "contact_email"};
  // clang-format on
  nlohmann::json kept = nlohmann::json::object();
  const nlohmann::json& fields = form.Fields();
  if (!fields.is_object()) return ApplicationForm(std::move(kept));
  for (std::string_view key : kKept) {
    const auto it = fields.find(key);
    if (it != fields.end() && !it->is_null()) kept[std::string(key)] = *it;
  }
  return ApplicationForm(std::move(kept));
}

}  // namespace openvap::domain
