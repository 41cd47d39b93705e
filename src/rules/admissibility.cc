#include "rules/admissibility.h"

#include <cmath>
#include <string>

#include "base/euros.h"
#include "base/ids.h"

namespace openvap::rules {
namespace {

// Euros as people write them: "45", "12.50".
std::string EuroAmount(double euros) { return EuroText(std::llround(euros * 100)); }

}  // namespace

BiometricsReuse AssessBiometricsReuse(const std::optional<BiometricsRecord>& record,
                                      std::string_view travel_document_number, Date lodged_on) {
  BiometricsReuse out;
  if (!record) {
    out.basis =
        "no biometric identifiers in VIS: a visit to the consulate or external service "
        "provider is needed (VIS Reg Art 7d(4))";
    return out;
  }
  out.reusable_until = AddDays(AddMonths(record->collected_on, kBiometricsReuseMonths), -1);
  const bool recent = record->collected_on <= lodged_on && lodged_on <= *out.reusable_until;
  const bool same_document = TravelDocumentNumberKey(record->travel_document_number) ==
                             TravelDocumentNumberKey(travel_document_number);
  if (recent && same_document) {
    out.reusable = true;
    out.visit_required = false;
    out.basis =
        "biometric identifiers taken in the last 59 months with the same travel "
        "document: no visit is required (VIS Reg Art 7d(4); Visa Code Art 13(3))";
  } else if (!same_document) {
    out.basis =
        "biometric identifiers were taken with another travel document: a visit is "
        "needed (VIS Reg Art 7d(4))";
  } else {
    out.basis = "biometric identifiers are older than 59 months (reusable until " +
                FormatIsoDate(*out.reusable_until) +
                "): a visit is needed (VIS Reg Art 7d(4); Visa Code Art 13(3))";
  }
  return out;
}

Admissibility AssessAdmissibility(const AdmissibilityFacts& f) {
  Admissibility out;
  const int months = f.seafarer ? kEarliestMonthsSeafarer : kEarliestMonths;
  out.earliest_lodging = AddMonths(f.first_day, -months);
  out.latest_lodging = AddDays(f.first_day, -kLatestDaysBefore);
  const std::string first = FormatIsoDate(f.first_day);
  const std::string lodged = FormatIsoDate(f.lodged_on);

  // Art 9(1): "no more than six months, and for seafarers in the performance of their duties no
  // more than nine months, before the start of the intended visit".
  if (f.lodged_on < out.earliest_lodging) {
    out.missing.push_back(Error{
        "lodged-too-early", "The application is lodged on " + lodged + ", more than " +
                                std::to_string(months) + " months before the visit starts on " +
                                first + ": lodge it on or after " +
                                FormatIsoDate(out.earliest_lodging) + " (Visa Code Art 9(1))."});
  }
  // Art 9(1): "as a rule, no later than 15 calendar days before the start of the intended
  // visit"; in justified cases of urgency the consulate may accept a later application.
  if (f.lodged_on > out.latest_lodging && !f.urgent) {
    out.missing.push_back(Error{
        "lodged-too-late",
        "The application is lodged on " + lodged + ", less than 15 calendar days before the " +
            "visit starts on " + first + " (the last day was " + FormatIsoDate(out.latest_lodging) +
            "): move the start of the visit, or ask the consulate to accept a justified case of "
            "urgency (Visa Code Art 9(1))."});
  }
  // Art 12(a): valid for at least three months after the intended date of departure (the last
  // one for several visits).
  const Date must_be_valid_until = AddMonths(f.last_day, kDocumentValidityMonths);
  if (f.travel_document_expires_on < must_be_valid_until) {
    out.missing.push_back(
        Error{"travel-document-expires-too-soon",
              "The travel document expires on " + FormatIsoDate(f.travel_document_expires_on) +
                  "; it must be valid until at least " + FormatIsoDate(must_be_valid_until) +
                  ", three months after the intended departure on " + FormatIsoDate(f.last_day) +
                  ": renew it or shorten the stay (Visa Code Art 12(a))."});
  }
  // Art 12(c): issued within the previous ten years.
  const Date oldest_issue = AddYears(f.lodged_on, -kDocumentMaxAgeYears);
  if (f.travel_document_issued_on < oldest_issue) {
    out.missing.push_back(Error{
        "travel-document-too-old",
        "The travel document was issued on " + FormatIsoDate(f.travel_document_issued_on) +
            ", more than 10 years before the application; apply with a travel document issued "
            "on or after " +
            FormatIsoDate(oldest_issue) + " (Visa Code Art 12(c))."});
  }
  if (f.travel_document_issued_on > f.lodged_on) {
    out.missing.push_back(
        Error{"travel-document-not-yet-issued",
              "The travel document is issued on " + FormatIsoDate(f.travel_document_issued_on) +
                  ", after the lodging date " + lodged +
                  ": apply with a travel document you already hold (Visa Code Art 12)."});
  }
  if (!f.form_complete) {
    out.missing.push_back(Error{"form-incomplete",
                                "Complete and sign the application form (Visa Code Art 10(3)(a), "
                                "Art 11)."});
  }
  if (!f.photo) {
    out.missing.push_back(Error{"photo-missing",
                                "Add a photograph in accordance with the ICAO standards (Visa "
                                "Code Art 10(3)(c), Art 13)."});
  }
  if (f.fee_due_eur > 0 && !f.fee_paid) {
    out.missing.push_back(
        Error{"fee-not-paid", "Pay the visa fee of EUR " + std::to_string(f.fee_due_eur) +
                                  " (Visa Code Art 10(3)(d); " + f.fee_legal_basis + ")."});
  } else if (f.fee_due_eur > 0 && f.fee_paid_eur && *f.fee_paid_eur + 0.005 < f.fee_due_eur) {
    // Paid for a lower fee than the one due now (the form changed after the payment).
    out.missing.push_back(Error{
        "fee-not-paid", "Pay the remaining EUR " + EuroAmount(f.fee_due_eur - *f.fee_paid_eur) +
                            " of the visa fee of EUR " + std::to_string(f.fee_due_eur) + " (EUR " +
                            EuroAmount(*f.fee_paid_eur) + " paid; Visa Code Art 10(3)(d); " +
                            f.fee_legal_basis + ")."});
  }
  if (!f.biometrics_collected && !f.biometrics_reusable) {
    out.missing.push_back(
        Error{"biometrics-not-collected",
              "Book a visit to the consulate or the external service provider to give your "
              "fingerprints and facial image (Visa Code Art 13; VIS Reg Art 7d(4))."});
  }
  for (const Error& e : f.form_data_errors) out.missing.push_back(e);

  out.admissible = out.missing.empty();
  // Art 19(4): an application that does not meet these requirements may be considered
  // admissible on humanitarian grounds, for reasons of national interest or because of
  // international obligations.
  if (!out.admissible && f.humanitarian) {
    out.admissible = true;
    out.by_derogation = true;
  }
  return out;
}

}  // namespace openvap::rules
