#include "rules/fees.h"

namespace openvap::rules {
namespace {

Result<Fee> FromRow(const ReferenceData& data, const std::string& category, Date on,
                    bool require_in_force) {
  const FeeRow* row = data.FindFee(category);
  if (row == nullptr) {
    return Error{"no-fee-in-force", "visa_fees.csv has no row '" + category + "'"};
  }
  Fee fee;
  fee.amount_eur = row->amount_eur.value_or(0);
  fee.category = row->category;
  fee.legal_basis = row->legal_basis;
  fee.valid_from = row->valid_from;
  fee.source = row->source;
  if (row->status == "NOT YET APPLICABLE") {
    fee.applicable = false;
    fee.note = row->legal_basis +
               " is not yet applicable: it applies from the start of operations of the EU VAP "
               "set by Commission decision (Reg (EU) 2023/2667 Art 7(1), 8(2))";
    return fee;
  }
  if (require_in_force && !row->InForceOn(on)) {
    return Error{"no-fee-in-force",
                 "no fee of visa_fees.csv is in force on " + FormatIsoDate(on) + " for " +
                     category +
                     (row->valid_from ? " (it applies from " + FormatIsoDate(*row->valid_from) +
                                            "; before 2024-06-11 the fees of Reg (EU) 2019/1155 "
                                            "applied)"
                                      : std::string())};
  }
  return fee;
}

}  // namespace

int AgeOn(Date date_of_birth, Date on) {
  int age = static_cast<int>(on.year()) - static_cast<int>(date_of_birth.year());
  if (age > 0 && AddYears(date_of_birth, age) > on) --age;
  return age;
}

Result<Fee> DetermineFee(const ReferenceData& data, const FeeFacts& facts) {
  const Date on = facts.lodged_on;
  if (facts.date_of_birth > on) {
    return Error{"invalid-date", "the date of birth " + FormatIsoDate(facts.date_of_birth) +
                                     " is after the lodging date " + FormatIsoDate(on)};
  }
  switch (facts.procedure) {
    case Procedure::kExtension:
      if (facts.family_member) {
        // VIS Art 7c(4)-(5): the visa extension fee shall be waived for family members.
        OPENVAP_ASSIGN_OR_RETURN(Fee fee, FromRow(data, "family_members_of_eu_citizens", on, true));
        fee.legal_basis = "VIS Reg Art 7c(4); Directive 2004/38/EC Art 5(2)";
        return fee;
      }
      return FromRow(data, "extension_serious_personal_reasons", on, true);
    case Procedure::kExtensionForceMajeure:
      return FromRow(data, "extension_force_majeure_humanitarian", on, true);
    case Procedure::kConfirmation: {
      OPENVAP_ASSIGN_OR_RETURN(Fee fee,
                               FromRow(data, "visa_confirmation_new_travel_document", on, false));
      if (facts.family_member) {
        // VIS Art 7c(4)-(5): "The visa extension fee and the visa confirmation fee shall be
        // waived."
        fee.amount_eur = 0;
        fee.legal_basis = "Visa Code Art 32a(3) waived by VIS Reg Art 7c(4)";
      }
      return fee;
    }
    case Procedure::kApplication:
      break;
  }
  if (facts.family_member) {
    return FromRow(data, "family_members_of_eu_citizens", on, true);
  }
  const int age = AgeOn(facts.date_of_birth, on);
  if (age < 6) return FromRow(data, "child_under_6", on, true);  // Art 16(4)(a)
  std::string note;
  switch (facts.exemption) {
    case FeeExemption::kPupilStudentTeacher:
      return FromRow(data, "exempt_pupils_students_teachers", on, true);  // Art 16(4)(b)
    case FeeExemption::kResearcher:
      return FromRow(data, "exempt_researchers", on, true);  // Art 16(4)(c)
    case FeeExemption::kNonProfitRepresentative:
      // Art 16(4)(d): "aged 25 years or less", i.e. up to the day before the 26th birthday.
      if (age <= 25) return FromRow(data, "exempt_npo_representatives_up_to_25", on, true);
      note = "the waiver of Art 16(4)(d) is only for representatives aged 25 years or less";
      break;
    case FeeExemption::kNone:
      break;
  }
  // Art 16(2): from the sixth birthday until the day before the twelfth.
  OPENVAP_ASSIGN_OR_RETURN(
      Fee fee, FromRow(data, age < 12 ? "child_6_to_under_12" : "standard_adult", on, true));
  fee.note = note;
  return fee;
}

}  // namespace openvap::rules
