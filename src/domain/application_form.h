#ifndef OPENVAP_DOMAIN_APPLICATION_FORM_H_
#define OPENVAP_DOMAIN_APPLICATION_FORM_H_

// The harmonised application form's data (Annex I of the Visa Code) as the applicant filled it
// in: a JSON object of fields by number ("1", "7a", ...) plus the structured parts the platform
// asks for (`itinerary`, `previous_stays`, ...).
//
// An application is copied at every step of a request (the snapshot the pre-checks read, the
// write, the store's cache, the response), and the form is most of its size. So copies of a form
// share one immutable value; a change makes a value of its own first (copy on write). The form's
// JSON text, which the stored document and every response carry, is written once per value and
// kept with it (docs/PERFORMANCE.md).

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace openvap::domain {

class ApplicationForm {
 public:
  ApplicationForm();  // empty: no field filled in
  // `fields` should be an object; anything else is kept as given (an old record read back).
  explicit ApplicationForm(nlohmann::json fields);

  const nlohmann::json& Fields() const { return value_->fields; }
  bool empty() const { return value_->fields.empty(); }

  // The text of `field`: null when the field is absent or not a text (FieldText: empty then).
  const std::string* FindText(std::string_view field) const;
  const std::string& FieldText(std::string_view field) const;

  // The fields as compact JSON text (invalid UTF-8 replaced by U+FFFD), written the first time
  // it is asked for and shared by every copy. Safe to call from several threads.
  const std::string& Text() const;

  // One step of filling in (VAP-FORM): each member of `changes` sets that field, and a null
  // removes it; fields not named stay as they are.
  void Apply(const nlohmann::json& changes);
  void Set(const std::string& field, nlohmann::json value);
  void Erase(const std::string& field);

  friend bool operator==(const ApplicationForm& a, const ApplicationForm& b) {
    return a.value_ == b.value_ || a.Fields() == b.Fields();
  }

 private:
  struct Value {
    explicit Value(nlohmann::json f) : fields(std::move(f)) {}
    nlohmann::json fields;
    mutable std::once_flag text_once;
    mutable std::string text;
  };
  // The fields to change: moved out when no other copy shares them, copied otherwise; a form
  // that is not an object starts again from an empty one.
  nlohmann::json Release();

  std::shared_ptr<Value> value_;  // never changed while shared (see Release)
};

// The country that issued the travel document: field 16, or the nationality (field 7) when it
// is not filled in, as the pre-checks read it.
const std::string& TravelDocumentIssuer(const ApplicationForm& form);

// VIS Art 7b(4): of a submitted form, what is kept for the applicant's later applications when
// they consent: who they are (fields 1 to 11, the guardian of a minor included), their travel
// document (12 to 16), the EU family member (17, 18), their address, telephone, residence and
// occupation (19 to 22), the time zone of residence and the e-mail for messages. Nothing of the
// journey (23 onwards, the stays and itinerary) or of the declarations is kept.
ApplicationForm KeptForLaterApplications(const ApplicationForm& form);

}  // namespace openvap::domain

#endif  // OPENVAP_DOMAIN_APPLICATION_FORM_H_
