#include "rules/reference_data.h"

#include <algorithm>
#include <charconv>

#include "rules/csv.h"

namespace openvap::rules {
namespace {

// Reads the cells of one table by column name; every error names table, line and column.
class Rows {
 public:
  explicit Rows(const CsvTable& table) : table_(table) {}

  Result<std::string> Text(std::size_t row, std::string_view column) const {
    OPENVAP_ASSIGN_OR_RETURN(const std::size_t index, table_.Column(column));
    return table_.Cell(row, index);
  }

  Result<std::string> Required(std::size_t row, std::string_view column) const {
    OPENVAP_ASSIGN_OR_RETURN(std::string text, Text(row, column));
    if (text.empty()) return Fail(row, column, "is empty");
    return text;
  }

  Result<std::optional<Date>> OptionalDate(std::size_t row, std::string_view column) const {
    OPENVAP_ASSIGN_OR_RETURN(const std::string text, Text(row, column));
    if (text.empty()) return std::optional<Date>();
    auto date = ParseIsoDate(text);
    if (!date.ok()) return Fail(row, column, "'" + text + "' is not a date YYYY-MM-DD");
    return std::optional<Date>(*date);
  }

  Result<Date> RequiredDate(std::size_t row, std::string_view column) const {
    OPENVAP_ASSIGN_OR_RETURN(const std::optional<Date> date, OptionalDate(row, column));
    if (!date) return Fail(row, column, "is empty");
    return *date;
  }

  Result<bool> YesNo(std::size_t row, std::string_view column) const {
    OPENVAP_ASSIGN_OR_RETURN(const std::string text, Text(row, column));
    if (text == "yes") return true;
    if (text == "no") return false;
    return Fail(row, column, "'" + text + "' is neither yes nor no");
  }

  Error Fail(std::size_t row, std::string_view column, const std::string& why) const {
    return Error{"malformed-reference-data", table_.name() + ":" +
                                                 std::to_string(table_.line_of(row)) + ": " +
                                                 std::string(column) + " " + why};
  }

 private:
  const CsvTable& table_;
};

Result<std::optional<int>> ParseAmount(const Rows& rows, std::size_t row) {
  OPENVAP_ASSIGN_OR_RETURN(const std::string text, rows.Required(row, "amount_eur"));
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc() && end == text.data() + text.size()) return std::optional<int>(value);
  // "0 or reduced" (Art 16(6)): no single amount.
  if (text.find("or") != std::string::npos) return std::optional<int>();
  return rows.Fail(row, "amount_eur", "'" + text + "' is not an amount in euro");
}

Result<VisaListEntry> ReadVisaListEntry(const Rows& rows, std::size_t r) {
  VisaListEntry e;
  OPENVAP_ASSIGN_OR_RETURN(e.iso3, rows.Required(r, "iso3"));
  OPENVAP_ASSIGN_OR_RETURN(e.name, rows.Required(r, "name"));
  OPENVAP_ASSIGN_OR_RETURN(const std::string annex, rows.Required(r, "annex"));
  if (annex == "I") {
    e.annex = VisaAnnex::kAnnexI;
  } else if (annex == "II") {
    e.annex = VisaAnnex::kAnnexII;
  } else {
    return rows.Fail(r, "annex", "'" + annex + "' is neither I nor II");
  }
  OPENVAP_ASSIGN_OR_RETURN(e.valid_from, rows.OptionalDate(r, "valid_from"));
  OPENVAP_ASSIGN_OR_RETURN(e.annex_part, rows.Text(r, "annex_part"));
  OPENVAP_ASSIGN_OR_RETURN(e.exemption_condition, rows.Text(r, "exemption_condition"));
  OPENVAP_ASSIGN_OR_RETURN(e.suspended_categories, rows.Text(r, "suspended_categories"));
  OPENVAP_ASSIGN_OR_RETURN(e.suspension_from, rows.OptionalDate(r, "suspension_from"));
  OPENVAP_ASSIGN_OR_RETURN(e.suspension_until, rows.OptionalDate(r, "suspension_until"));
  OPENVAP_ASSIGN_OR_RETURN(e.notes, rows.Text(r, "notes"));
  OPENVAP_ASSIGN_OR_RETURN(e.source, rows.Required(r, "source"));
  return e;
}

Result<AirportTransitEntry> ReadAirportTransitEntry(const Rows& rows, std::size_t r) {
  AirportTransitEntry e;
  OPENVAP_ASSIGN_OR_RETURN(e.iso3, rows.Required(r, "iso3"));
  OPENVAP_ASSIGN_OR_RETURN(e.name, rows.Required(r, "name"));
  OPENVAP_ASSIGN_OR_RETURN(e.valid_from, rows.RequiredDate(r, "valid_from"));
  OPENVAP_ASSIGN_OR_RETURN(e.notes, rows.Text(r, "notes"));
  OPENVAP_ASSIGN_OR_RETURN(e.source, rows.Required(r, "source"));
  return e;
}

Result<SchengenState> ReadSchengenState(const Rows& rows, std::size_t r) {
  SchengenState s;
  OPENVAP_ASSIGN_OR_RETURN(s.iso2, rows.Required(r, "iso2"));
  OPENVAP_ASSIGN_OR_RETURN(s.iso3, rows.Required(r, "iso3"));
  OPENVAP_ASSIGN_OR_RETURN(s.name, rows.Required(r, "name"));
  OPENVAP_ASSIGN_OR_RETURN(s.eu_member, rows.YesNo(r, "eu_member"));
  OPENVAP_ASSIGN_OR_RETURN(s.schengen_status, rows.Required(r, "schengen_status"));
  s.applies_in_full = s.schengen_status.rfind("applies in full", 0) == 0;
  OPENVAP_ASSIGN_OR_RETURN(s.full_application_date, rows.OptionalDate(r, "full_application_date"));
  if (s.applies_in_full && !s.full_application_date) {
    return rows.Fail(r, "full_application_date", "is empty for a state applying in full");
  }
  OPENVAP_ASSIGN_OR_RETURN(s.issues_uniform_visas, rows.YesNo(r, "issues_uniform_visas"));
  OPENVAP_ASSIGN_OR_RETURN(const std::string languages,
                           rows.Text(r, "official_languages_iso639_1"));
  for (std::size_t start = 0; start < languages.size();) {
    const std::size_t end = std::min(languages.find(';', start), languages.size());
    if (end > start) s.official_languages.push_back(languages.substr(start, end - start));
    start = end + 1;
  }
  OPENVAP_ASSIGN_OR_RETURN(s.notes, rows.Text(r, "notes"));
  OPENVAP_ASSIGN_OR_RETURN(s.source, rows.Required(r, "source"));
  return s;
}

Result<FeeRow> ReadFeeRow(const Rows& rows, std::size_t r) {
  FeeRow f;
  OPENVAP_ASSIGN_OR_RETURN(f.category, rows.Required(r, "category"));
  OPENVAP_ASSIGN_OR_RETURN(f.amount_eur, ParseAmount(rows, r));
  OPENVAP_ASSIGN_OR_RETURN(f.conditions, rows.Text(r, "conditions"));
  OPENVAP_ASSIGN_OR_RETURN(f.legal_basis, rows.Required(r, "legal_basis"));
  OPENVAP_ASSIGN_OR_RETURN(f.valid_from, rows.OptionalDate(r, "valid_from"));
  OPENVAP_ASSIGN_OR_RETURN(f.valid_until, rows.OptionalDate(r, "valid_until"));
  OPENVAP_ASSIGN_OR_RETURN(f.status, rows.Required(r, "status"));
  OPENVAP_ASSIGN_OR_RETURN(f.notes, rows.Text(r, "notes"));
  OPENVAP_ASSIGN_OR_RETURN(f.source, rows.Required(r, "source"));
  return f;
}

Result<RefusalGround> ReadRefusalGround(const Rows& rows, std::size_t r) {
  RefusalGround g;
  OPENVAP_ASSIGN_OR_RETURN(const std::string number, rows.Required(r, "number"));
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), g.number);
  if (ec != std::errc() || end != number.data() + number.size()) {
    return rows.Fail(r, "number", "'" + number + "' is not a number");
  }
  OPENVAP_ASSIGN_OR_RETURN(g.text, rows.Required(r, "text"));
  OPENVAP_ASSIGN_OR_RETURN(g.applies_to, rows.Text(r, "applies_to"));
  OPENVAP_ASSIGN_OR_RETURN(g.legal_basis, rows.Text(r, "legal_basis_compiler_mapping"));
  OPENVAP_ASSIGN_OR_RETURN(g.valid_from, rows.OptionalDate(r, "valid_from"));
  OPENVAP_ASSIGN_OR_RETURN(g.source, rows.Required(r, "source"));
  return g;
}

Result<RepresentationArrangement> ReadRepresentationArrangement(const Rows& rows, std::size_t r) {
  RepresentationArrangement a;
  OPENVAP_ASSIGN_OR_RETURN(a.location_iso3, rows.Required(r, "location_iso3"));
  OPENVAP_ASSIGN_OR_RETURN(a.represented_state, rows.Required(r, "represented_state"));
  OPENVAP_ASSIGN_OR_RETURN(a.representing_state, rows.Required(r, "representing_state"));
  OPENVAP_ASSIGN_OR_RETURN(a.visa_types, rows.Text(r, "visa_types"));
  OPENVAP_ASSIGN_OR_RETURN(a.valid_from, rows.OptionalDate(r, "valid_from"));
  OPENVAP_ASSIGN_OR_RETURN(a.valid_until, rows.OptionalDate(r, "valid_until"));
  OPENVAP_ASSIGN_OR_RETURN(a.notes, rows.Text(r, "notes"));
  OPENVAP_ASSIGN_OR_RETURN(a.source, rows.Required(r, "source"));
  return a;
}

// Every row of the embedded table `name`, read by `read_row`; the first bad row fails all.
template <typename T>
Result<std::vector<T>> ReadTable(std::span<const EmbeddedTable> tables, std::string_view name,
                                 Result<T> (*read_row)(const Rows&, std::size_t)) {
  const auto embedded = std::find_if(tables.begin(), tables.end(),
                                     [&](const EmbeddedTable& t) { return t.name == name; });
  if (embedded == tables.end()) {
    return Error{"malformed-reference-data",
                 "reference table " + std::string(name) + " is missing"};
  }
  OPENVAP_ASSIGN_OR_RETURN(const CsvTable table, CsvTable::Parse(embedded->name, embedded->text));
  const Rows rows(table);
  std::vector<T> out;
  out.reserve(table.row_count());
  for (std::size_t r = 0; r < table.row_count(); ++r) {
    OPENVAP_ASSIGN_OR_RETURN(T row, read_row(rows, r));
    out.push_back(std::move(row));
  }
  return out;
}

template <typename Row>
const Row* FindBy(const std::vector<Row>& rows, std::string_view key, std::string Row::*field) {
  const auto it =
      std::find_if(rows.begin(), rows.end(), [&](const Row& r) { return r.*field == key; });
  return it == rows.end() ? nullptr : &*it;
}

}  // namespace

bool SchengenState::AppliesInFullOn(Date date) const {
  return applies_in_full && full_application_date && *full_application_date <= date;
}

bool FeeRow::InForceOn(Date date) const {
  if (status.rfind("in force", 0) != 0) return false;
  if (valid_from && date < *valid_from) return false;
  if (valid_until && date > *valid_until) return false;
  return true;
}

Result<ReferenceData> ReferenceData::Parse(std::span<const EmbeddedTable> tables) {
  ReferenceData data;
  OPENVAP_ASSIGN_OR_RETURN(data.visa_list_,
                           ReadTable(tables, "visa_requirement.csv", ReadVisaListEntry));
  OPENVAP_ASSIGN_OR_RETURN(data.atv_list_,
                           ReadTable(tables, "airport_transit_visa.csv", ReadAirportTransitEntry));
  OPENVAP_ASSIGN_OR_RETURN(data.states_,
                           ReadTable(tables, "schengen_states.csv", ReadSchengenState));
  OPENVAP_ASSIGN_OR_RETURN(data.fees_, ReadTable(tables, "visa_fees.csv", ReadFeeRow));
  OPENVAP_ASSIGN_OR_RETURN(data.refusal_grounds_,
                           ReadTable(tables, "refusal_grounds.csv", ReadRefusalGround));
  OPENVAP_ASSIGN_OR_RETURN(
      data.representation_,
      ReadTable(tables, "representation_arrangements.csv", ReadRepresentationArrangement));
  return data;
}

const Result<ReferenceData>& ReferenceData::Embedded() {
  static const Result<ReferenceData> kData = Parse(EmbeddedTables());
  return kData;
}

const VisaListEntry* ReferenceData::FindVisaListEntry(std::string_view iso3) const {
  return FindBy(visa_list_, iso3, &VisaListEntry::iso3);
}

const AirportTransitEntry* ReferenceData::FindAirportTransitEntry(std::string_view iso3) const {
  return FindBy(atv_list_, iso3, &AirportTransitEntry::iso3);
}

const SchengenState* ReferenceData::FindStateByIso2(std::string_view iso2) const {
  return FindBy(states_, iso2 == "EL" ? std::string_view("GR") : iso2, &SchengenState::iso2);
}

const SchengenState* ReferenceData::FindStateByIso3(std::string_view iso3) const {
  return FindBy(states_, iso3, &SchengenState::iso3);
}

const FeeRow* ReferenceData::FindFee(std::string_view category) const {
  return FindBy(fees_, category, &FeeRow::category);
}

}  // namespace openvap::rules
