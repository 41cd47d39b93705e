#include "rules/csv.h"

#include <algorithm>

namespace openvap::rules {

Result<CsvTable> CsvTable::Parse(std::string_view name, std::string_view text) {
  CsvTable table;
  table.name_ = std::string(name);
  const auto fail = [&](int line, const std::string& why) {
    return Error{"malformed-csv", std::string(name) + ":" + std::to_string(line) + ": " + why};
  };
  std::vector<std::vector<std::string>> records;
  std::vector<int> record_lines;
  std::vector<std::string> record;
  std::string field;
  int line = 1;
  int record_line = 1;
  std::size_t i = 0;
  bool in_record = false;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"' && field.empty()) {
      // Quoted field: up to the closing quote; "" is one quote.
      const int opened_at = line;
      ++i;
      bool closed = false;
      while (i < text.size()) {
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          closed = true;
          ++i;
          break;
        }
        if (text[i] == '\n') ++line;
        field.push_back(text[i]);
        ++i;
      }
      if (!closed) return fail(opened_at, "unterminated quoted field");
      if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
        return fail(line, "text after the closing quote of a field");
      }
      in_record = true;
      continue;
    }
    if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
      in_record = true;
      ++i;
      continue;
    }
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      ++i;
      if (in_record || !field.empty()) {
        record.push_back(std::move(field));
        field.clear();
        records.push_back(std::move(record));
        record.clear();
        record_lines.push_back(record_line);
      }
      in_record = false;
      ++line;
      record_line = line;
      continue;
    }
    field.push_back(c);
    in_record = true;
    ++i;
  }
  if (in_record || !field.empty()) {
    record.push_back(std::move(field));
    records.push_back(std::move(record));
    record_lines.push_back(record_line);
  }
  if (records.empty()) return fail(1, "empty table: no header row");
  table.header_ = std::move(records.front());
  for (std::size_t a = 0; a < table.header_.size(); ++a) {
    if (std::count(table.header_.begin(), table.header_.end(), table.header_[a]) > 1) {
      return fail(1, "column '" + table.header_[a] + "' appears twice");
    }
  }
  for (std::size_t r = 1; r < records.size(); ++r) {
    if (records[r].size() != table.header_.size()) {
      return fail(record_lines[r], "row has " + std::to_string(records[r].size()) +
                                       " fields, the header has " +
                                       std::to_string(table.header_.size()));
    }
    table.rows_.push_back(std::move(records[r]));
    table.lines_.push_back(record_lines[r]);
  }
  return table;
}

Result<std::size_t> CsvTable::Column(std::string_view column) const {
  const auto it = std::find(header_.begin(), header_.end(), column);
  if (it == header_.end()) {
    return Error{"malformed-csv", name_ + ": no column '" + std::string(column) + "'"};
  }
  return static_cast<std::size_t>(it - header_.begin());
}

}  // namespace openvap::rules
