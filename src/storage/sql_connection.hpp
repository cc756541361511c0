// A connection to an SQL database, the small surface the shared SQL repository needs from sqlite/ and postgres/.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace gantry::storage {

using SqlValue = std::variant<std::nullptr_t, std::int64_t, std::string>;
using SqlRow = std::vector<std::string>;  // every column as text; NULL reads as ""

enum class SqlDialect { sqlite, postgres };

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  virtual SqlDialect dialect() const = 0;
  // One statement with `?` placeholders. Throws StorageError.
  virtual std::vector<SqlRow> query(const std::string& sql, const std::vector<SqlValue>& params = {}) = 0;
  // Any number of statements without parameters (migrations, BEGIN/COMMIT). Throws StorageError.
  virtual void execute(const std::string& sql) = 0;
};

}  // namespace gantry::storage
