#include "adapters/storage/sql.h"

#include <cctype>

namespace openvap::storage {

std::int64_t SqlRow::Int(std::size_t i) const {
  const SqlValue& v = values.at(i);
  if (const auto* n = std::get_if<std::int64_t>(&v)) return *n;
  if (const auto* d = std::get_if<double>(&v)) return static_cast<std::int64_t>(*d);
  if (const auto* s = std::get_if<std::string>(&v)) return s->empty() ? 0 : std::stoll(*s);
  return 0;
}

double SqlRow::Real(std::size_t i) const {
  const SqlValue& v = values.at(i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* n = std::get_if<std::int64_t>(&v)) return static_cast<double>(*n);
  return 0;
}

std::string SqlRow::Text(std::size_t i) const {
  const SqlValue& v = values.at(i);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* n = std::get_if<std::int64_t>(&v)) return std::to_string(*n);
  if (const auto* b = std::get_if<Bytes>(&v)) return AsString(*b);
  return "";
}

Bytes SqlRow::Blob(std::size_t i) const {
  const SqlValue& v = values.at(i);
  if (const auto* b = std::get_if<Bytes>(&v)) return *b;
  if (const auto* s = std::get_if<std::string>(&v)) return Bytes(s->begin(), s->end());
  return {};
}

Result<std::optional<SqlRow>> SqlConnection::QueryOne(std::string_view sql,
                                                      const std::vector<SqlValue>& params) {
  OPENVAP_ASSIGN_OR_RETURN(auto rows, Query(sql, params));
  if (rows.empty()) return std::optional<SqlRow>{};
  return std::optional<SqlRow>(std::move(rows.front()));
}

}  // namespace openvap::storage
