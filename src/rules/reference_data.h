#ifndef OPENVAP_RULES_REFERENCE_DATA_H_
#define OPENVAP_RULES_REFERENCE_DATA_H_

// The reference tables of data/refdata/ (see its README.md for every source key and for what is
// unconfirmed), parsed into typed rows. Each row keeps its `source` citation and the date from
// which it applies, so that answers can say where a rule comes from. Pure: the CSV text comes
// in as memory (the embedded copy, or text a test supplies).

#include <openvap/result.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"
#include "rules/embedded_tables.h"

namespace openvap::rules {

// Reg (EU) 2018/1806 Annex I (visa required) or Annex II (visa-exempt), visa_requirement.csv.
enum class VisaAnnex { kAnnexI, kAnnexII };

struct VisaListEntry {
  std::string iso3;  // ISO 3166-1 alpha-3; XKX, PSE and the ICAO GBN/GBD/GBO/GBP/GBS as noted
  std::string name;
  VisaAnnex annex = VisaAnnex::kAnnexI;
  std::optional<Date> valid_from;   // empty: unchanged since before 2018-12-18
  std::string annex_part;           // "1 (States)", ...
  std::string exemption_condition;  // biometric_passport_only, hksar_passport_only, ...
  std::string suspended_categories;
  std::optional<Date> suspension_from;
  std::optional<Date> suspension_until;
  std::string notes;
  std::string source;
};

// Visa Code Annex IV, airport_transit_visa.csv.
struct AirportTransitEntry {
  std::string iso3;
  std::string name;
  Date valid_from;
  std::string notes;
  std::string source;
};

// schengen_states.csv: the states applying the acquis in full, and CY and IE which do not.
struct SchengenState {
  std::string iso2;  // ISO 3166-1 alpha-2 ("GR"; EU documents use "EL")
  std::string iso3;
  std::string name;
  bool eu_member = false;
  std::string schengen_status;
  bool applies_in_full = false;
  std::optional<Date> full_application_date;
  bool issues_uniform_visas = false;
  std::vector<std::string> official_languages;  // ISO 639-1, the first is the main one
  std::string notes;
  std::string source;

  // Whether the state applies the Schengen acquis in full on `date`.
  bool AppliesInFullOn(Date date) const;
};

// visa_fees.csv.
struct FeeRow {
  std::string category;
  std::optional<int> amount_eur;  // empty for "0 or reduced"
  std::string conditions;
  std::string legal_basis;
  std::optional<Date> valid_from;
  std::optional<Date> valid_until;
  std::string status;  // in force, in force (optional), conditional, note, NOT YET APPLICABLE
  std::string notes;
  std::string source;

  // In force on `date`: status "in force" and `date` within [valid_from, valid_until].
  bool InForceOn(Date date) const;
};

// refusal_grounds.csv: the Annex VI grounds.
struct RefusalGround {
  int number = 0;
  std::string text;
  std::string applies_to;
  std::string legal_basis;
  std::optional<Date> valid_from;
  std::string source;
};

// representation_arrangements.csv (Visa Code Art 8; Art 8(4a) as inserted by Reg 2023/2667:
// displayed in the EU VAP): in `location_iso3`, `representing_state` examines applications
// for which `represented_state` is competent.
struct RepresentationArrangement {
  std::string location_iso3;
  std::string represented_state;   // alpha-2
  std::string representing_state;  // alpha-2
  std::string visa_types;          // e.g. "C" or "A;C"
  std::optional<Date> valid_from;
  std::optional<Date> valid_until;
  std::string notes;
  std::string source;
};

class ReferenceData {
 public:
  // Parses the six tables by file name ("visa_requirement.csv", ...). Errors "malformed-csv"
  // or "malformed-reference-data" naming the table, the line and the column; a missing table is
  // an error too.
  static Result<ReferenceData> Parse(std::span<const EmbeddedTable> tables);

  // The tables compiled into the binary, parsed once (thread-safe) on first use.
  static const Result<ReferenceData>& Embedded();

  const std::vector<VisaListEntry>& visa_list() const { return visa_list_; }
  const std::vector<AirportTransitEntry>& airport_transit_list() const { return atv_list_; }
  const std::vector<SchengenState>& states() const { return states_; }
  const std::vector<FeeRow>& fees() const { return fees_; }
  const std::vector<RefusalGround>& refusal_grounds() const { return refusal_grounds_; }
  const std::vector<RepresentationArrangement>& representation() const { return representation_; }

  const VisaListEntry* FindVisaListEntry(std::string_view iso3) const;
  const AirportTransitEntry* FindAirportTransitEntry(std::string_view iso3) const;
  // Accepts "EL" for Greece.
  const SchengenState* FindStateByIso2(std::string_view iso2) const;
  const SchengenState* FindStateByIso3(std::string_view iso3) const;
  const FeeRow* FindFee(std::string_view category) const;

  // For tests: replace the representation table.
  void set_representation(std::vector<RepresentationArrangement> rows) {
    representation_ = std::move(rows);
  }

 private:
  std::vector<VisaListEntry> visa_list_;
  std::vector<AirportTransitEntry> atv_list_;
  std::vector<SchengenState> states_;
  std::vector<FeeRow> fees_;
  std::vector<RefusalGround> refusal_grounds_;
  std::vector<RepresentationArrangement> representation_;
};

}  // namespace openvap::rules

#endif  // OPENVAP_RULES_REFERENCE_DATA_H_
