#include "storage/sqlite/sqlite_connection.hpp"

#include "storage/repository.hpp"

#include <sqlite3.h>

#include <filesystem>

namespace gantry::storage {

namespace {

// Finalises a statement on every path out of query().
struct Statement {
  sqlite3_stmt* stmt = nullptr;
  ~Statement() { sqlite3_finalize(stmt); }
};

}  // namespace

SqliteConnection::SqliteConnection(const std::string& path) : path_(path) {
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw StorageError("sqlite '" + path + "': " + message);
  }
  // Another gantry process may hold the write lock for a moment: wait instead of failing.
  sqlite3_busy_timeout(db_, 5000);
  try {
    execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
  } catch (...) {
    sqlite3_close(db_);  // the destructor does not run for a constructor that throws
    throw;
  }
}

SqliteConnection::~SqliteConnection() { sqlite3_close(db_); }

std::vector<SqlRow> SqliteConnection::query(const std::string& sql, const std::vector<SqlValue>& params) {
  Statement st;
  if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &st.stmt, nullptr) != SQLITE_OK)
    throw StorageError("sqlite: " + std::string(sqlite3_errmsg(db_)) + " in: " + sql);
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i + 1);
    const auto& p = params[i];
    if (std::holds_alternative<std::int64_t>(p)) {
      sqlite3_bind_int64(st.stmt, index, std::get<std::int64_t>(p));
    } else if (std::holds_alternative<std::string>(p)) {
      const auto& s = std::get<std::string>(p);
      sqlite3_bind_text(st.stmt, index, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    } else {
      sqlite3_bind_null(st.stmt, index);
    }
  }
  std::vector<SqlRow> rows;
  for (;;) {
    const int rc = sqlite3_step(st.stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) throw StorageError("sqlite: " + std::string(sqlite3_errmsg(db_)));
    SqlRow row;
    const int columns = sqlite3_column_count(st.stmt);
    for (int c = 0; c < columns; ++c) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st.stmt, c));
      row.emplace_back(text ? std::string(text, sqlite3_column_bytes(st.stmt, c)) : std::string());
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

void SqliteConnection::execute(const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    throw StorageError("sqlite: " + message);
  }
}

}  // namespace gantry::storage
