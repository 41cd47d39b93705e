#include "adapters/storage/postgres_database.h"
#include "adapters/storage/sql.h"
#include "adapters/storage/sqlite_database.h"

namespace openvap::storage {

Dialect DialectOfUrl(std::string_view url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://") ? Dialect::kPostgres
                                                                            : Dialect::kSqlite;
}

Result<std::unique_ptr<Database>> OpenDatabase(const std::string& url,
                                               const DatabaseOptions& options) {
  if (DialectOfUrl(url) == Dialect::kPostgres) return OpenPostgres(url, options);
  std::string path = url;
  if (path.rfind("sqlite://", 0) == 0) {
    path = path.substr(9);
  } else if (path.rfind("sqlite:", 0) == 0) {
    path = path.substr(7);
  }
  if (path.empty()) return Error{"storage-error", "no database path in '" + url + "'"};
  return OpenSqlite(path, options);
}

}  // namespace openvap::storage
