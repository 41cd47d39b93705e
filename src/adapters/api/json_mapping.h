#ifndef OPENVAP_ADAPTERS_API_JSON_MAPPING_H_
#define OPENVAP_ADAPTERS_API_JSON_MAPPING_H_

// Domain values as the API's JSON, in one place so that every route shows them the same way.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "domain/application.h"
#include "domain/decision.h"
#include "domain/page.h"
#include "domain/payment.h"
#include "domain/principal.h"
#include "domain/verification_service.h"
#include "domain/visa.h"

namespace openvap::api {

// Who reads an application: its applicant (or representative), or an official or a provider's
// staff. The applicant sees everything but the doubts the provider recorded for the consulate
// (VC Art 12(5)'s kind: about the documents presented, for the examination to weigh).
enum class ApplicationReader { kApplicant, kOfficial };

// An application as an official or a provider's staff sees it: everything, with the pre-check
// details and the lodging record.
nlohmann::json ApplicationJson(const domain::Application& a);
nlohmann::json PreCheckJson(const domain::PreCheckOutcome& p);
// The same two as JSON text for a response body, written directly: the form's text is the one
// its value keeps, and the pre-check details, which the platform keeps as JSON text, are copied
// in as they are rather than parsed and written out again (docs/PERFORMANCE.md). Equal to
// ApplicationJson(a) once parsed, for an official; for the applicant without the doubts.
std::string ApplicationJsonText(const domain::Application& a, ApplicationReader reader);
std::string PreCheckJsonText(const domain::PreCheckOutcome& p);
// {"applications": [...], "next": cursor or null}: a page of a list, each application as
// ApplicationJsonText writes it; `next` asks for the following page (?after=).
std::string ApplicationListJsonText(const domain::Page<domain::Application>& page,
                                    ApplicationReader reader);
// The `kind` member of a request that starts an application: short-stay-visa when absent.
// Errors: "invalid-field" (not a string), "invalid-kind" (no such kind). ApplicationKindSchema()
// is its JSON Schema, the kinds as an enum.
Result<domain::ApplicationKind> ApplicationKindIn(const nlohmann::json& body);
nlohmann::json ApplicationKindSchema();
nlohmann::json DocumentJson(const domain::ApplicationDocument& d);
nlohmann::json DecisionJson(const domain::Decision& d);
nlohmann::json PaymentJson(const domain::Payment& p);
nlohmann::json SlotJson(const domain::AppointmentSlot& s);
nlohmann::json VerificationJson(const domain::Verification& v);

// A visa number as people type it ("fra 123456788", " FRA123456788"): blanks dropped, letters
// upper-cased; whether it is one is the services' check (ValidateVisaNumber).
VisaNumber VisaNumberFromText(std::string_view text);

}  // namespace openvap::api

#endif  // OPENVAP_ADAPTERS_API_JSON_MAPPING_H_
