// The embedded default back end: one SQLite file in WAL mode, so readers never wait for the writer.
#pragma once

#include "storage/sql_connection.hpp"

#include <memory>
#include <string>

struct sqlite3;

namespace gantry::storage {

class SqliteConnection : public SqlConnection {
 public:
  // Creates the file (and its folder) when missing. Throws StorageError.
  explicit SqliteConnection(const std::string& path);
  ~SqliteConnection() override;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  SqlDialect dialect() const override { return SqlDialect::sqlite; }
  std::vector<SqlRow> query(const std::string& sql, const std::vector<SqlValue>& params) override;
  void execute(const std::string& sql) override;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

}  // namespace gantry::storage
