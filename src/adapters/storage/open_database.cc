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
  // Another database's URL is not a file name: "mysql://host/db" made a SQLite file of that
  // name in the working directory.
  if (url.find("://") != std::string::npos && url.rfind("sqlite://", 0) != 0) {
    return Error{"storage-error", "unsupported database URL '" + url +
                                      "': use sqlite:PATH or postgresql://USER@HOST:PORT/DB"};
  }
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
