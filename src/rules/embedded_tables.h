#ifndef OPENVAP_RULES_EMBEDDED_TABLES_H_
#define OPENVAP_RULES_EMBEDDED_TABLES_H_

// The reference tables of data/refdata/ as compiled into the binary (src/rules/CMakeLists.txt
// generates the definition from the CSV files), so that the rules never read files.

#include <span>
#include <string_view>

namespace openvap::rules {

struct EmbeddedTable {
  std::string_view name;  // file name, e.g. "visa_fees.csv"
  std::string_view text;  // the whole CSV file, UTF-8
};

std::span<const EmbeddedTable> EmbeddedTables();

}  // namespace openvap::rules

#endif  // OPENVAP_RULES_EMBEDDED_TABLES_H_
