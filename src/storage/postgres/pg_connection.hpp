// The PostgreSQL back end over libpq: several gantry processes can share one database.
#pragma once

#include "storage/sql_connection.hpp"

#include <string>

typedef struct pg_conn PGconn;

namespace gantry::storage {

class PgConnection : public SqlConnection {
 public:
  // `uri` is a libpq connection URI (postgresql://user:pass@host:port/db). Throws StorageError.
  explicit PgConnection(const std::string& uri);
  ~PgConnection() override;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  SqlDialect dialect() const override { return SqlDialect::postgres; }
  std::vector<SqlRow> query(const std::string& sql, const std::vector<SqlValue>& params) override;
  void execute(const std::string& sql) override;

 private:
  void reconnect_if_broken();
  PGconn* conn_ = nullptr;
};

// "a = ? AND b = ?" -> "a = $1 AND b = $2" (placeholders inside quoted literals are left alone).
std::string to_postgres_placeholders(const std::string& sql);

}  // namespace gantry::storage
