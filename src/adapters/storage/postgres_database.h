#ifndef OPENVAP_ADAPTERS_STORAGE_POSTGRES_DATABASE_H_
#define OPENVAP_ADAPTERS_STORAGE_POSTGRES_DATABASE_H_

#include <memory>
#include <string>

#include "adapters/storage/sql.h"

namespace openvap::storage {

// PostgreSQL through libpq, for several `openvap serve` processes sharing one database: a pool
// of connections; READ COMMITTED transactions in which the repositories lock what they change
// (row locks, advisory locks, atomic conditional updates); serialisation failures and
// deadlocks (SQLSTATE 40001, 40P01) are retried. A commit is acknowledged only after
// PostgreSQL has made it durable (synchronous_commit on).
Result<std::unique_ptr<Database>> OpenPostgres(const std::string& uri,
                                               const DatabaseOptions& options);

}  // namespace openvap::storage

#endif  // OPENVAP_ADAPTERS_STORAGE_POSTGRES_DATABASE_H_
