#ifndef OPENVAP_ADAPTERS_STORAGE_MIGRATIONS_H_
#define OPENVAP_ADAPTERS_STORAGE_MIGRATIONS_H_

#include <string>
#include <vector>

#include "adapters/storage/sql.h"

namespace openvap::storage {

struct Migration {
  int version;
  std::string description;
  std::string sql;  // statements separated by ";\n"; `{BLOB}` is the dialect's binary type
  // The statements for PostgreSQL where its SQL differs from SQLite's beyond what `sql`'s
  // placeholders cover (JSON functions); empty: `sql` serves both.
  std::string postgres_sql = {};
};

// Every schema version, oldest first. Never edit a released migration; add a new one.
const std::vector<Migration>& Migrations();

// Applies the migrations `connection` has not seen, in order, recording each in
// schema_migrations; must run inside a transaction. On PostgreSQL it first takes an advisory
// lock, so that servers starting together migrate once.
Status ApplyMigrations(SqlConnection& connection);

// The highest version applied.
Result<int> SchemaVersion(SqlConnection& connection);

// ApplyMigrations, or with `migrate` false only a check that the database has an OpenVAP schema
// (schema_migrations at version 1 or later), changing nothing. Errors: "storage-error".
Status PrepareSchema(SqlConnection& connection, bool migrate);

}  // namespace openvap::storage

#endif  // OPENVAP_ADAPTERS_STORAGE_MIGRATIONS_H_
