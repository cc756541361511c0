// Opens the repository the configuration names (repository.type: sqlite | postgres) and migrates its schema.
#pragma once

#include "core/config/config.hpp"
#include "storage/repository.hpp"

#include <memory>

namespace gantry::storage {

// Throws StorageError when the database cannot be opened or migrated.
std::unique_ptr<Repository> open_repository(const RepositoryConfig& config);

}  // namespace gantry::storage
