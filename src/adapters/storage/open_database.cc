#include "adapters/storage/postgres_database.h"
#include "adapters/storage/sql.h"
#include "adapters/storage/sqlite_database.h"

namespace openvap::storage {

Result<std::unique_ptr<Database>> OpenDatabase(const std::string& url,
                                               const DatabaseOptions& options) {
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    return OpenPostgres(url, options);
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
