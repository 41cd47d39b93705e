#ifndef OPENVAP_DOMAIN_APPLICATION_H_
#define OPENVAP_DOMAIN_APPLICATION_H_

// A visa application in the platform's temporary storage (VIS Arts 7b-7d): the harmonised form
// (Annex I of the Visa Code) filled in steps, the uploaded documents, the automated pre-check
// results, and what the applicant still has to do to lodge it (fee, biometrics, review).

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/ids.h"
#include "base/time.h"
#include "domain/application_form.h"
#include "domain/application_status.h"

namespace openvap::domain {

// One item the admissibility pre-check found missing, in words the applicant can act on
// (VIS 7d(8): "inform the applicant of which part of the application file is missing").
struct MissingItem {
  std::string code;     // stable, e.g. "fee-not-paid", "travel-document-expires-too-soon"
  std::string message;  // what to fix
};

// The combined result of the automated pre-checks (VIS 7d(1), 7d(4), 7d(7)-(8)), kept with
// the application and shown to the consulate when it is notified.
struct PreCheckOutcome {
  bool visa_required = true;
  bool airport_transit_visa_required = false;
  std::string competent_state;                 // ISO alpha-2
  std::string competence_reason;               // "sole-destination", "main-destination", ...
  bool competence_needs_confirmation = false;  // chosen by main purpose (VIS 7d(1))
  bool admissible = false;
  std::vector<MissingItem> missing;
  double fee_eur = 0;
  bool visit_required = true;  // VIS 7d(4): no biometrics reusable
  nlohmann::json details;      // the full rules response, for the officer (an object, or its
                               // JSON text as the platform keeps it)
  Timestamp checked_at{};
};

// An uploaded file (VAP-DOCS, VIS 7d(2)). The bytes are stored apart from this record.
struct ApplicationDocument {
  std::string id;
  std::string kind;  // "travel-document", "photo", "supporting-document", "travel-insurance"
  std::string filename;
  std::string content_type;  // checked against the file's signature, not trusted from the client
  std::int64_t size = 0;
  std::string sha256;
  Timestamp uploaded_at{};
};

// What a service provider or the consulate recorded while lodging (VIS 7f; VC Arts 12, 13).
// NOLINTNEXTLINE(bugprone-exception-escape): clang-tidy 14 misreads nlohmann::json's noexcept move
struct LodgingRecord {
  std::optional<Date> biometrics_collected_on;  // VC Art 13
  std::string biometrics_travel_document;       // the document they were collected with
  bool travel_document_verified = false;        // VC Art 12(4): scan matches the document
  bool documents_quality_checked = false;
  bool provider_reviewed = false;   // VIS 7f(1): "mark as reviewed"
  std::vector<std::string> doubts;  // raised to the consulate (VC Art 12(5))
  nlohmann::json chip_data;         // VC Art 12(6): data read from the chip
};

struct Application {
  ApplicationId id;
  ApplicationKind kind = ApplicationKind::kShortStayVisa;
  ApplicationStatus status = ApplicationStatus::kDraft;
  AccountId owner;                  // the account that manages it (applicant or representative)
  bool lodged_by_official = false;  // VAP-HUM: an officer lodged it on the person's behalf
  ApplicationForm form;             // Annex I data by field number ("1", "7a", ...)
  std::vector<std::string> declarations;  // accepted declarations ("D1", ...)
  std::optional<PreCheckOutcome> prechecks;
  std::string notified_state;  // the state the file went to (VIS 7d(8))
  std::optional<Timestamp> submitted_at;
  std::string submitted_from_ip;  // VIS 7b(6)
  bool fee_paid = false;          // VIS 7e(1)
  std::string fee_payment_reference;
  // What the fee's payments came to, in cents, when fee_paid: the pre-checks ask for the rest
  // when the fee due rose after a payment. Unknown for a fee paid before amounts were kept
  // (counted as the whole fee).
  std::optional<std::int64_t> fee_paid_cents;
  std::optional<std::string> appointment;  // booked slot (VIS 7e(2))
  std::string appointment_location;        // organisation of that slot (consulate or provider)
  std::string appointment_state;  // the state whose slot it is (alpha-2); "" if booked before it
                                  // was recorded
  LodgingRecord lodging;
  std::optional<std::string> humanitarian_derogation;  // VC Art 19(4): reason given
  std::string contact_email;                           // kept after transfer (VIS 7d(10))
  bool purged = false;  // transferred and deleted from temporary storage (VAP-XFER)
  Timestamp created_at{};
  Timestamp updated_at{};
  std::int64_t version = 0;  // optimistic concurrency: each update increments it
};

// What the fee's payments came to, in euros, when the fee is paid and the amount is known.
inline std::optional<double> FeePaidEur(const Application& a) {
  if (!a.fee_paid || !a.fee_paid_cents) return std::nullopt;
  return static_cast<double>(*a.fee_paid_cents) / 100;
}

// The ids of `applications`, for the audit entry of a list that showed their data (VAP-DP: who
// read whose data, lists included).
inline nlohmann::json ApplicationIds(const std::vector<Application>& applications) {
  nlohmann::json ids = nlohmann::json::array();
  for (const Application& a : applications) ids.push_back(a.id.value());
  return ids;
}

}  // namespace openvap::domain

#endif  // OPENVAP_DOMAIN_APPLICATION_H_
