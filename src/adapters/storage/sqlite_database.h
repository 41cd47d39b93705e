#ifndef OPENVAP_ADAPTERS_STORAGE_SQLITE_DATABASE_H_
#define OPENVAP_ADAPTERS_STORAGE_SQLITE_DATABASE_H_

#include <memory>
#include <string>

#include "adapters/storage/sql.h"

namespace openvap::storage {

// SQLite in WAL mode with synchronous=FULL: a write acknowledged by Write() survives a crash
// of the process and of the machine. Writes go through one writer thread that commits
// concurrent transactions together (group commit: each in its own SAVEPOINT, so one failing
// transaction does not affect the others, then one COMMIT and one fsync for the batch); reads
// use a pool of read-only connections that see the last committed state.
Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path,
                                             const DatabaseOptions& options);

}  // namespace openvap::storage

#endif  // OPENVAP_ADAPTERS_STORAGE_SQLITE_DATABASE_H_
