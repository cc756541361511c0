#include "storage/postgres/pg_connection.hpp"

#include "storage/repository.hpp"

#include <libpq-fe.h>

#include <memory>

namespace gantry::storage {

namespace {

using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

std::string error_of(PGconn* conn) {
  std::string message = PQerrorMessage(conn);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return "postgres: " + message;
}

}  // namespace

std::string to_postgres_placeholders(const std::string& sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  bool quoted = false;
  for (char ch : sql) {
    if (ch == '\'') quoted = !quoted;
    if (ch == '?' && !quoted) out += "$" + std::to_string(++n);
    else out += ch;
  }
  return out;
}

PgConnection::PgConnection(const std::string& uri) {
  conn_ = PQconnectdb(uri.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) {
    // The message may quote the URI's host but never its password.
    std::string message = error_of(conn_);
    PQfinish(conn_);
    conn_ = nullptr;
    throw StorageError(message);
  }
  try {
    execute("SET client_min_messages TO WARNING");
  } catch (...) {
    PQfinish(conn_);  // the destructor does not run for a constructor that throws
    throw;
  }
}

PgConnection::~PgConnection() { PQfinish(conn_); }

void PgConnection::reconnect_if_broken() {
  if (PQstatus(conn_) == CONNECTION_BAD) PQreset(conn_);
}

std::vector<SqlRow> PgConnection::query(const std::string& sql, const std::vector<SqlValue>& params) {
  reconnect_if_broken();
  std::vector<std::string> texts(params.size());
  std::vector<const char*> values(params.size(), nullptr);
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (std::holds_alternative<std::int64_t>(params[i])) texts[i] = std::to_string(std::get<std::int64_t>(params[i]));
    else if (std::holds_alternative<std::string>(params[i])) texts[i] = std::get<std::string>(params[i]);
    else continue;
    values[i] = texts[i].c_str();
  }
  const std::string text = to_postgres_placeholders(sql);
  Result res(PQexecParams(conn_, text.c_str(), static_cast<int>(params.size()), nullptr, values.data(), nullptr,
                          nullptr, 0),
             &PQclear);
  const auto status = PQresultStatus(res.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) throw StorageError(error_of(conn_));
  std::vector<SqlRow> rows;
  const int count = PQntuples(res.get()), columns = PQnfields(res.get());
  rows.reserve(count);
  for (int r = 0; r < count; ++r) {
    SqlRow row;
    for (int c = 0; c < columns; ++c)
      row.emplace_back(PQgetvalue(res.get(), r, c), static_cast<std::size_t>(PQgetlength(res.get(), r, c)));
    rows.push_back(std::move(row));
  }
  return rows;
}

void PgConnection::execute(const std::string& sql) {
  reconnect_if_broken();
  Result res(PQexec(conn_, sql.c_str()), &PQclear);
  const auto status = PQresultStatus(res.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) throw StorageError(error_of(conn_));
}

}  // namespace gantry::storage
