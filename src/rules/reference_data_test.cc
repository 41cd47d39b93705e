// The reference tables (data/refdata/, embedded at build time) parse, keep their sources and
// "applies from" dates, and malformed tables are errors, not crashes.
#include "rules/reference_data.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rules/csv.h"
#include "rules/embedded_tables.h"

namespace openvap::rules {
namespace {

Date D(const char* text) { return ParseIsoDate(text).value(); }

TEST(Csv, QuotedFieldsWithCommasQuotesAndLineBreaks) {
  auto table = CsvTable::Parse("t.csv", "a,b,c\r\n1,\"x, \"\"y\"\"\nz\",3\n\n4,,6");
  ASSERT_TRUE(table.ok()) << table.error().message;
  ASSERT_EQ(table->row_count(), 2U);
  EXPECT_EQ(table->Cell(0, 1), "x, \"y\"\nz");
  EXPECT_EQ(table->Cell(1, 1), "");
  EXPECT_EQ(table->line_of(1), 5);
}

TEST(Csv, MalformedTablesAreErrorsNamingTheLine) {
  auto unterminated = CsvTable::Parse("t.csv", "a,b\n1,\"open\n");
  ASSERT_FALSE(unterminated.ok());
  EXPECT_EQ(unterminated.error().code, "malformed-csv");
  EXPECT_NE(unterminated.error().message.find("t.csv:2"), std::string::npos);
  auto short_row = CsvTable::Parse("t.csv", "a,b,c\n1,2\n");
  ASSERT_FALSE(short_row.ok());
  EXPECT_NE(short_row.error().message.find("t.csv:2"), std::string::npos);
  EXPECT_FALSE(CsvTable::Parse("t.csv", "").ok());
  EXPECT_FALSE(CsvTable::Parse("t.csv", "a,a\n1,2\n").ok());
  EXPECT_FALSE(CsvTable::Parse("t.csv", "a,b\n\"x\"y,2\n").ok());
}

TEST(ReferenceData, EmbeddedTablesParseWithTheDocumentedRowCounts) {
  const auto& data = ReferenceData::Embedded();
  ASSERT_TRUE(data.ok()) << data.error().message;
  // data/refdata/README.md "Files": 173 (104 Annex I + 69 Annex II), 12, 31, 21, 17.
  EXPECT_EQ(data->visa_list().size(), 173U);
  int annex_one = 0;
  for (const auto& e : data->visa_list()) annex_one += e.annex == VisaAnnex::kAnnexI ? 1 : 0;
  EXPECT_EQ(annex_one, 104);
  EXPECT_EQ(data->airport_transit_list().size(), 12U);
  EXPECT_EQ(data->states().size(), 31U);
  EXPECT_EQ(data->fees().size(), 21U);
  EXPECT_EQ(data->refusal_grounds().size(), 17U);
  EXPECT_TRUE(data->representation().empty());  // no confirmed source yet (docs/rules.md)
  for (const auto& e : data->visa_list()) EXPECT_FALSE(e.source.empty()) << e.iso3;
}

TEST(ReferenceData, RowsKeepTheirApplyFromDates) {
  const auto& data = ReferenceData::Embedded().value();
  EXPECT_EQ(data.FindVisaListEntry("VUT")->valid_from, D("2025-02-03"));  // Reg 2025/11
  EXPECT_EQ(data.FindVisaListEntry("XKX")->valid_from, D("2024-01-01"));  // Reg 2023/850
  EXPECT_FALSE(data.FindVisaListEntry("IND")->valid_from.has_value());
  EXPECT_EQ(data.FindStateByIso2("HR")->full_application_date, D("2023-01-01"));
  EXPECT_EQ(data.FindStateByIso2("BG")->full_application_date, D("2024-03-31"));
  EXPECT_EQ(data.FindStateByIso2("EL")->iso2, "GR");
  EXPECT_FALSE(data.FindStateByIso2("CY")->applies_in_full);
  EXPECT_FALSE(data.FindStateByIso2("IE")->AppliesInFullOn(D("2027-01-01")));
  EXPECT_FALSE(data.FindStateByIso2("RO")->AppliesInFullOn(D("2024-03-30")));
  EXPECT_TRUE(data.FindStateByIso2("RO")->AppliesInFullOn(D("2024-03-31")));
  const FeeRow* adult = data.FindFee("standard_adult");
  ASSERT_NE(adult, nullptr);
  EXPECT_EQ(adult->amount_eur, 90);
  EXPECT_EQ(adult->valid_from, D("2024-06-11"));
  EXPECT_FALSE(adult->InForceOn(D("2024-06-10")));
  EXPECT_TRUE(adult->InForceOn(D("2024-06-11")));
  EXPECT_FALSE(data.FindFee("individual_case_waiver_or_reduction")->amount_eur.has_value());
  EXPECT_EQ(data.FindFee("visa_confirmation_new_travel_document")->status, "NOT YET APPLICABLE");
}

std::vector<EmbeddedTable> TablesWith(std::string_view name, std::string_view text) {
  std::vector<EmbeddedTable> tables(EmbeddedTables().begin(), EmbeddedTables().end());
  for (auto& t : tables) {
    if (t.name == name) t.text = text;
  }
  return tables;
}

TEST(ReferenceData, BadCellsAreErrorsNamingTableLineAndColumn) {
  const std::string header =
      "category,amount_eur,conditions,legal_basis,valid_from,valid_until,status,notes,source\n";
  auto bad_date = ReferenceData::Parse(
      TablesWith("visa_fees.csv", header + "standard_adult,90,x,Art 16(1),2024-13-01,,in "
                                           "force,,F1\n"));
  ASSERT_FALSE(bad_date.ok());
  EXPECT_EQ(bad_date.error().code, "malformed-reference-data");
  EXPECT_NE(bad_date.error().message.find("visa_fees.csv:2: valid_from"), std::string::npos)
      << bad_date.error().message;
  auto bad_amount = ReferenceData::Parse(
      TablesWith("visa_fees.csv", header + "standard_adult,ninety,x,Art 16(1),,,in force,,F1\n"));
  ASSERT_FALSE(bad_amount.ok());
  EXPECT_NE(bad_amount.error().message.find("amount_eur"), std::string::npos);
  auto no_source = ReferenceData::Parse(
      TablesWith("visa_fees.csv", header + "standard_adult,90,x,Art 16(1),,,in force,,\n"));
  ASSERT_FALSE(no_source.ok());
  EXPECT_NE(no_source.error().message.find("source"), std::string::npos);
  auto bad_annex = ReferenceData::Parse(TablesWith(
      "visa_requirement.csv",
      "iso3,name,annex,valid_from,notes,source,annex_part,code_system,exemption_condition,"
      "suspended_categories,suspension_from,suspension_until\nIND,India,III,,,S1,,,,,,\n"));
  ASSERT_FALSE(bad_annex.ok());
  EXPECT_NE(bad_annex.error().message.find("annex"), std::string::npos);
  auto missing_column = ReferenceData::Parse(TablesWith("airport_transit_visa.csv", "iso3\nAFG\n"));
  ASSERT_FALSE(missing_column.ok());
  std::vector<EmbeddedTable> none;
  const auto nothing = ReferenceData::Parse(none);
  ASSERT_FALSE(nothing.ok());
  EXPECT_EQ(nothing.error().message, "reference table visa_requirement.csv is missing");
}

}  // namespace
}  // namespace openvap::rules
