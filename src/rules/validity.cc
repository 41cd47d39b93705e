#include "rules/validity.h"

#include <algorithm>

namespace openvap::rules {
namespace {

bool ValidForAtLeastYears(const PreviousVisa& visa, int years) {
  return visa.valid_until >= AddDays(AddYears(visa.valid_from, years), -1);
}

bool Counts(const PreviousVisa& visa, Date lodged_on, int look_back_years) {
  return visa.type == "C" && visa.lawfully_used && visa.valid_from <= lodged_on &&
         visa.valid_until >= AddYears(lodged_on, -look_back_years);
}

}  // namespace

std::string CascadeStepName(CascadeStep step) {
  switch (step) {
    case CascadeStep::kOneYear:
      return "one-year";
    case CascadeStep::kTwoYears:
      return "two-years";
    case CascadeStep::kFiveYears:
      return "five-years";
    case CascadeStep::kNone:
      break;
  }
  return "none";
}

ValidityAssessment AssessValidity(std::span<const PreviousVisa> previous, Date lodged_on,
                                  Date first_day, Date last_day, Date travel_document_expires_on) {
  ValidityAssessment out;
  int used_in_two_years = 0;
  bool one_year_mev = false;
  bool two_year_mev = false;
  for (const PreviousVisa& v : previous) {
    if (Counts(v, lodged_on, 2)) {
      ++used_in_two_years;
      one_year_mev = one_year_mev || (v.multiple_entry && ValidForAtLeastYears(v, 1));
    }
    if (Counts(v, lodged_on, 3)) {
      two_year_mev = two_year_mev || (v.multiple_entry && ValidForAtLeastYears(v, 2));
    }
  }
  int years = 0;
  if (two_year_mev) {
    out.step = CascadeStep::kFiveYears;
    out.basis =
        "Visa Code Art 24(2)(c): a previous multiple-entry visa valid for two years, lawfully "
        "used within the previous three years";
    years = 5;
  } else if (one_year_mev) {
    out.step = CascadeStep::kTwoYears;
    out.basis =
        "Visa Code Art 24(2)(b): a previous multiple-entry visa valid for one year, lawfully "
        "used within the previous two years";
    years = 2;
  } else if (used_in_two_years >= 3) {
    out.step = CascadeStep::kOneYear;
    out.basis =
        "Visa Code Art 24(2)(a): three visas obtained and lawfully used within the previous two "
        "years";
    years = 1;
  } else {
    out.step = CascadeStep::kNone;
    out.basis =
        "no step of Visa Code Art 24(2) is reached: the visa covers the intended stay plus the "
        "15-day period of grace of Art 24(1)";
  }
  const Date wanted = years > 0 ? AddDays(AddYears(first_day, years), -1) : AddDays(last_day, 15);
  // Art 12(a) and Art 24(2): never beyond the travel document's validity less three months.
  out.travel_document_limit = AddMonths(travel_document_expires_on, -3);
  out.limited_by_travel_document = out.travel_document_limit < wanted;
  out.max_validity_until = std::min(wanted, out.travel_document_limit);
  return out;
}

Result<FacilitatedTransitLimits> DetermineFacilitatedTransitLimits(
    FacilitatedTransitDocument document, Date issued_on, Date travel_document_expires_on) {
  if (travel_document_expires_on < issued_on) {
    return Error{"travel-document-expired",
                 "an FTD/FRTD is never issued for an expired travel document (Reg (EC) 693/2003 "
                 "Art 6): the travel document expired on " +
                     FormatIsoDate(travel_document_expires_on)};
  }
  FacilitatedTransitLimits out;
  Date wanted;
  if (document == FacilitatedTransitDocument::kFtd) {
    wanted = AddDays(AddYears(issued_on, 3), -1);
    out.max_transit = std::chrono::hours(24);
    out.basis =
        "Reg (EC) 693/2003 Art 6(1): FTD valid for at most three years, transit at most "
        "24 hours";
  } else {
    wanted = AddDays(AddMonths(issued_on, 3), -1);
    out.max_transit = std::chrono::hours(6);
    out.basis =
        "Reg (EC) 693/2003 Art 6(2): FRTD valid for at most three months, transit at "
        "most six hours";
  }
  // Art 6(3)-(4): the travel document must remain valid after the FTD/FRTD expires.
  const Date document_limit = AddDays(travel_document_expires_on, -1);
  if (document_limit < wanted) {
    out.basis += "; limited by the travel document, which must outlast it";
  }
  out.max_valid_until = std::min(wanted, document_limit);
  if (out.max_valid_until < issued_on) {
    return Error{"travel-document-expired",
                 "the travel document expires on " + FormatIsoDate(travel_document_expires_on) +
                     ", it would not outlast an FTD/FRTD issued that day (Reg (EC) 693/2003 "
                     "Art 6)"};
  }
  return out;
}

}  // namespace openvap::rules
