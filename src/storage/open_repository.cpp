#include "storage/open_repository.hpp"

#include "storage/postgres/pg_connection.hpp"
#include "storage/sql_repository.hpp"
#include "storage/sqlite/sqlite_connection.hpp"

namespace gantry::storage {

std::unique_ptr<Repository> open_repository(const RepositoryConfig& config) {
  if (config.type == "postgres") {
    if (config.uri.empty()) throw StorageError("repository.uri is required when repository.type is postgres");
    return std::make_unique<SqlRepository>(std::make_unique<PgConnection>(config.uri));
  }
  return std::make_unique<SqlRepository>(std::make_unique<SqliteConnection>(config.path));
}

}  // namespace gantry::storage
