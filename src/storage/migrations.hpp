// Versioned schema migrations, applied in order at start; each version is applied once, in one transaction.
#pragma once

#include "storage/sql_connection.hpp"

namespace gantry::storage {

// Brings the schema up to the newest version. Safe when several processes start at once on one PostgreSQL.
// Returns the number of migrations applied. Throws StorageError.
int migrate(SqlConnection& db);

// The newest schema version this build knows.
int latest_schema_version();

}  // namespace gantry::storage
