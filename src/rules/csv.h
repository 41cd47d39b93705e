#ifndef OPENVAP_RULES_CSV_H_
#define OPENVAP_RULES_CSV_H_

// RFC 4180 CSV, as the reference tables under data/refdata/ are written: a header row, fields
// separated by commas, fields with commas, quotes or line breaks enclosed in double quotes and
// inner quotes doubled. LF or CRLF line ends. Pure: parses text already in memory.

#include <openvap/result.h>

#include <string>
#include <string_view>
#include <vector>

namespace openvap::rules {

class CsvTable {
 public:
  // Errors "malformed-csv" naming `name` and the line: an unterminated quoted field, text after
  // a closing quote, a row whose field count differs from the header's, an empty table, a
  // duplicated column name.
  static Result<CsvTable> Parse(std::string_view name, std::string_view text);

  const std::string& name() const { return name_; }
  const std::vector<std::string>& header() const { return header_; }
  std::size_t row_count() const { return rows_.size(); }
  // Line number of the row in the file (for messages); rows may span lines.
  int line_of(std::size_t row) const { return lines_[row]; }

  // The index of a column, or an error "malformed-csv" naming the missing column.
  Result<std::size_t> Column(std::string_view column) const;
  const std::string& Cell(std::size_t row, std::size_t column) const { return rows_[row][column]; }

 private:
  std::string name_;
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<int> lines_;
};

}  // namespace openvap::rules

#endif  // OPENVAP_RULES_CSV_H_
