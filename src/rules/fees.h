#ifndef OPENVAP_RULES_FEES_H_
#define OPENVAP_RULES_FEES_H_

// Visa fees (Visa Code Art 16 as amended by Commission Delegated Reg (EU) 2024/1415, in force
// 11 June 2024; visa_fees.csv), by age on the lodging date: EUR 90 from the 12th birthday
// (Art 16(1)); EUR 45 from the 6th birthday until the day before the 12th (Art 16(2)); nothing
// below six (Art 16(4)(a)); the other mandatory waivers of Art 16(4); family members of
// EU/EEA/CH citizens and of Withdrawal Agreement beneficiaries pay nothing (Directive
// 2004/38/EC Art 5(2); VIS Art 7c(4)-(5)); extension EUR 30 (Art 33(2)) or free (Art 33(1));
// confirmation in a new travel document EUR 20 (Art 32a(3)), waived for family members.

#include <openvap/result.h>

#include <optional>
#include <string>

#include "base/time.h"
#include "rules/reference_data.h"

namespace openvap::rules {

enum class Procedure {
  kApplication,            // Art 16
  kExtension,              // Art 33(2): serious personal reasons
  kExtensionForceMajeure,  // Art 33(1): force majeure or humanitarian reasons
  kConfirmation,           // Art 32a: confirmation of a valid visa in a new travel document
};

// The mandatory waivers of Art 16(4) other than age.
enum class FeeExemption {
  kNone,
  kPupilStudentTeacher,     // Art 16(4)(b)
  kResearcher,              // Art 16(4)(c)
  kNonProfitRepresentative  // Art 16(4)(d): aged 25 years or less
};

struct FeeFacts {
  Date date_of_birth;
  Date lodged_on;
  // Family member of an EU/EEA/CH citizen, or of a UK national who is a Withdrawal Agreement
  // beneficiary (VAP-FAM).
  bool family_member = false;
  FeeExemption exemption = FeeExemption::kNone;
  Procedure procedure = Procedure::kApplication;
};

struct Fee {
  int amount_eur = 0;
  std::string category;  // the visa_fees.csv row
  std::string legal_basis;
  std::optional<Date> valid_from;
  std::string source;
  // False when the row is not yet applicable (Art 32a: from the EU VAP start date).
  bool applicable = true;
  std::string note;
};

// Whole years of age on `on` (the birthday itself counts: a person born 2020-03-10 is 6 on
// 2026-03-10). A birthday on 29 February falls on 28 February in common years.
int AgeOn(Date date_of_birth, Date on);

// Errors: "no-fee-in-force" when the table has no fee in force on the lodging date (it starts
// on 2024-06-11), "invalid-date" when the birth date is after the lodging date.
Result<Fee> DetermineFee(const ReferenceData& data, const FeeFacts& facts);

}  // namespace openvap::rules

#endif  // OPENVAP_RULES_FEES_H_
