#ifndef OPENVAP_RULES_VALIDITY_H_
#define OPENVAP_RULES_VALIDITY_H_

// How long a visa may be valid: the multiple-entry "cascade" of Visa Code Art 24(2) (as
// replaced by Reg (EU) 2019/1155), the 15-day period of grace of Art 24(1), the travel document
// limit (never beyond its expiry less three months, Art 12(a) read with Art 24(2)), and the
// FTD/FRTD limits of Reg (EC) 693/2003 Art 6 (DV-FTD).

#include <openvap/result.h>

#include <chrono>
#include <span>
#include <string>

#include "base/time.h"

namespace openvap::rules {

struct PreviousVisa {
  std::string type = "C";  // "A", "C", "D", "LTV"
  bool multiple_entry = false;
  Date valid_from;
  Date valid_until;
  bool lawfully_used = false;
};

enum class CascadeStep {
  kNone,       // validity covers the trip plus the 15-day period of grace (Art 24(1))
  kOneYear,    // Art 24(2)(a)
  kTwoYears,   // Art 24(2)(b)
  kFiveYears,  // Art 24(2)(c)
};

struct ValidityAssessment {
  CascadeStep step = CascadeStep::kNone;
  std::string basis;
  // The validity the cascade allows, counted from the first planned day (or the trip plus the
  // grace period), then capped by the travel document.
  Date max_validity_until;
  Date travel_document_limit;  // expiry less three months
  bool limited_by_travel_document = false;
};

// A previous visa counts for the cascade when it is a uniform visa (type C), was lawfully used,
// and its validity overlaps the look-back period (two years for (a) and (b), three for (c))
// ending on the lodging date: Art 24(2) "obtained and lawfully used ... within the previous two
// [three] years". A visa "valid for one year" is one whose validity spans at least a year
// (valid_until >= valid_from + 1 year - 1 day); likewise for two years.
ValidityAssessment AssessValidity(std::span<const PreviousVisa> previous, Date lodged_on,
                                  Date first_day, Date last_day, Date travel_document_expires_on);

std::string CascadeStepName(CascadeStep step);  // "none", "one-year", "two-years", "five-years"

// Facilitated Transit Document (FTD) and Facilitated Rail Transit Document (FRTD).
enum class FacilitatedTransitDocument { kFtd, kFrtd };

struct FacilitatedTransitLimits {
  Date max_valid_until;
  std::chrono::hours max_transit{0};
  std::string basis;
};

// Reg (EC) 693/2003 Art 6 as amended: an FTD is valid for at most three years and a transit on
// it lasts at most 24 hours; an FRTD is valid for at most three months and a transit on it lasts
// at most six hours; neither is issued on an expired travel document, and the travel document
// must remain valid beyond the FTD/FRTD (its validity ends at the latest the day before the
// travel document expires). Errors: "travel-document-expired" when the travel document has
// expired on the issuing date.
Result<FacilitatedTransitLimits> DetermineFacilitatedTransitLimits(
    FacilitatedTransitDocument document, Date issued_on, Date travel_document_expires_on);

}  // namespace openvap::rules

#endif  // OPENVAP_RULES_VALIDITY_H_
