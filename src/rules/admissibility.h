#ifndef OPENVAP_RULES_ADMISSIBILITY_H_
#define OPENVAP_RULES_ADMISSIBILITY_H_

// The automated admissibility pre-check (VAP-ADM; VIS Art 7d(7)-(8); Visa Code Art 19 with
// Arts 9, 10, 12 and 13) and the reuse of biometric identifiers (VAP-BIO; VIS Art 7d(4); Visa
// Code Art 13(3)). Each failure is an Error with a stable `code` and a `message` that tells the
// applicant what to fix (codes listed in docs/rules.md).

#include <openvap/result.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"

namespace openvap::rules {

inline constexpr int kEarliestMonths = 6;          // Art 9(1)
inline constexpr int kEarliestMonthsSeafarer = 9;  // Art 9(1), seafarers in their duties
inline constexpr int kLatestDaysBefore = 15;       // Art 9(1), "as a rule"
inline constexpr int kDocumentValidityMonths = 3;  // Art 12(a)
inline constexpr int kDocumentMaxAgeYears = 10;    // Art 12(c)
inline constexpr int kBiometricsReuseMonths = 59;  // Art 13(3); VIS Art 7d(4)

struct BiometricsRecord {
  Date collected_on;
  std::string travel_document_number;
};

struct BiometricsReuse {
  bool reusable = false;
  bool visit_required = true;
  std::optional<Date> reusable_until;  // last lodging day on which they can be reused
  std::string basis;
};

// VIS Art 7d(4): biometrics taken "in the last 59 months" with the same travel document mean
// no visit is needed. Visa Code Art 13(3) says "less than 59 months before the date of the new
// application": biometrics collected on D can be reused for an application lodged up to the
// day before D + 59 months. Document numbers are compared ignoring case, spaces and '<'.
BiometricsReuse AssessBiometricsReuse(const std::optional<BiometricsRecord>& record,
                                      std::string_view travel_document_number, Date lodged_on);

struct AdmissibilityFacts {
  Date lodged_on;
  Date first_day;  // start of the intended visit
  Date last_day;   // last intended date of departure
  bool seafarer = false;
  bool urgent = false;  // Art 9(1): the consulate accepts a justified case of urgency
  Date travel_document_issued_on;
  Date travel_document_expires_on;
  bool form_complete = true;  // Art 10(3)(a), Art 11
  bool photo = true;          // Art 10(3)(c)
  int fee_due_eur = 0;
  std::string fee_legal_basis = "Visa Code Art 16";  // of fee_due_eur (Art 16, 32a(3), 33(2))
  bool fee_paid = true;                              // Art 10(3)(d), Art 16
  std::optional<double> fee_paid_eur;  // paid so far, when known: less than the fee leaves the rest
  bool biometrics_collected = false;
  bool biometrics_reusable = false;
  bool humanitarian = false;            // Art 19(4)
  std::vector<Error> form_data_errors;  // e.g. non-Latin characters (VIS Art 7b(5))
};

struct Admissibility {
  bool admissible = false;
  bool by_derogation = false;  // admissible only under Art 19(4)
  std::vector<Error> missing;
  Date earliest_lodging;  // first day the application may be lodged
  Date latest_lodging;    // last day, as a rule, to lodge it
};

// Codes: lodged-too-early, lodged-too-late, travel-document-expires-too-soon,
// travel-document-too-old, travel-document-not-yet-issued, form-incomplete, photo-missing,
// fee-not-paid, biometrics-not-collected, plus the codes of `form_data_errors`.
Admissibility AssessAdmissibility(const AdmissibilityFacts& facts);

}  // namespace openvap::rules

#endif  // OPENVAP_RULES_ADMISSIBILITY_H_
