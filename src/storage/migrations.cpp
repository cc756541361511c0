#include "storage/migrations.hpp"

#include "storage/records.hpp"
#include "storage/repository.hpp"

#include <spdlog/spdlog.h>

#include <string>
#include <vector>

namespace gantry::storage {

namespace {

struct Migration {
  int version;
  const char* description;
  const char* sql;  // portable SQL: both SQLite and PostgreSQL run it as is
};

// Append only: a released migration never changes, a new version follows it.
const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all = {
      {1, "apis, deployments, plans, applications, subscriptions, api keys, settings", R"sql(
CREATE TABLE apis (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, definition TEXT NOT NULL, paths TEXT NOT NULL, state TEXT NOT NULL,
  lifecycle_state TEXT NOT NULL, need_redeploy INTEGER NOT NULL, created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL, deployed_at BIGINT NOT NULL);
CREATE TABLE deleted_apis (id TEXT PRIMARY KEY, deleted_at BIGINT NOT NULL);
CREATE TABLE deployments (
  id TEXT PRIMARY KEY, api_id TEXT NOT NULL, number BIGINT NOT NULL, label TEXT NOT NULL,
  definition TEXT NOT NULL, created_at BIGINT NOT NULL, UNIQUE (api_id, number));
CREATE TABLE plans (
  id TEXT PRIMARY KEY, api_id TEXT NOT NULL, name TEXT NOT NULL, description TEXT NOT NULL,
  security_type TEXT NOT NULL, security_configuration TEXT NOT NULL, validation TEXT NOT NULL, mode TEXT NOT NULL,
  status TEXT NOT NULL, extra TEXT NOT NULL, sort_order BIGINT NOT NULL, created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL, published_at BIGINT NOT NULL, closed_at BIGINT NOT NULL);
CREATE INDEX plans_by_api ON plans (api_id);
CREATE TABLE applications (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL, status TEXT NOT NULL,
  api_key_mode TEXT NOT NULL, extra TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);
CREATE TABLE subscriptions (
  id TEXT PRIMARY KEY, api_id TEXT NOT NULL, plan_id TEXT NOT NULL, application_id TEXT NOT NULL,
  status TEXT NOT NULL, consumer_message TEXT NOT NULL, publisher_message TEXT NOT NULL, metadata TEXT NOT NULL,
  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, processed_at BIGINT NOT NULL, starting_at BIGINT NOT NULL,
  ending_at BIGINT NOT NULL, paused_at BIGINT NOT NULL, closed_at BIGINT NOT NULL);
CREATE INDEX subscriptions_by_api ON subscriptions (api_id);
CREATE INDEX subscriptions_by_application ON subscriptions (application_id);
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY, key_value TEXT NOT NULL, api_id TEXT NOT NULL, application_id TEXT NOT NULL,
  subscription_id TEXT NOT NULL, revoked INTEGER NOT NULL, paused INTEGER NOT NULL, expire_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, revoked_at BIGINT NOT NULL);
CREATE INDEX api_keys_by_value ON api_keys (api_id, key_value);
CREATE INDEX api_keys_by_subscription ON api_keys (subscription_id);
CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sync_state (id INTEGER PRIMARY KEY, revision BIGINT NOT NULL);
INSERT INTO sync_state (id, revision) VALUES (1, 0);
)sql"},
      {2, "subscriptions keep their consumer configuration (webhook callbacks)", R"sql(
ALTER TABLE subscriptions ADD COLUMN consumer_configuration TEXT NOT NULL DEFAULT '{}';
)sql"},
  };
  return all;
}

int current_version(SqlConnection& db) {
  auto rows = db.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  return rows.empty() ? 0 : std::stoi(rows[0][0]);
}

}  // namespace

int latest_schema_version() { return migrations().back().version; }

int migrate(SqlConnection& db) {
  const bool pg = db.dialect() == SqlDialect::postgres;
  // Two processes starting on one database must not both apply version N: PostgreSQL serialises them with an
  // advisory lock; SQLite with its write lock (BEGIN IMMEDIATE).
  if (pg) db.query("SELECT pg_advisory_lock(7262001)");
  int applied = 0;
  try {
    db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)");
    for (const auto& m : migrations()) {
      db.execute(pg ? "BEGIN" : "BEGIN IMMEDIATE");
      try {
        if (current_version(db) >= m.version) {
          db.execute("COMMIT");
          continue;
        }
        db.execute(m.sql);
        db.query("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                 {std::int64_t{m.version}, now_millis()});
        db.execute("COMMIT");
      } catch (...) {
        db.execute("ROLLBACK");
        throw;
      }
      spdlog::info("storage: applied schema migration {} ({})", m.version, m.description);
      ++applied;
    }
  } catch (...) {
    if (pg) db.query("SELECT pg_advisory_unlock(7262001)");
    throw;
  }
  if (pg) db.query("SELECT pg_advisory_unlock(7262001)");
  if (current_version(db) > latest_schema_version())
    throw StorageError("the database schema (version " + std::to_string(current_version(db)) +
                       ") is newer than this gantry knows (" + std::to_string(latest_schema_version()) + ")");
  return applied;
}

}  // namespace gantry::storage
