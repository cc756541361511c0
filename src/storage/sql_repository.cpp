#include "storage/sql_repository.hpp"

#include "storage/migrations.hpp"

#include <sstream>

namespace gantry::storage {

namespace {

const char* const kApiColumns =
    "id, name, definition, paths, state, lifecycle_state, need_redeploy, created_at, updated_at, deployed_at";
const char* const kDeploymentColumns = "id, api_id, number, label, definition, created_at";

std::string join_lines(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : "\n") + item;
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

ApiRecord read_api(const SqlRow& row) {
  RowReader r(row);
  ApiRecord api;
  api.id = r.text();
  api.name = r.text();
  api.definition = r.text();
  api.paths = split_lines(r.text());
  api.state = r.text();
  api.lifecycle_state = r.text();
  api.need_redeploy = r.flag();
  api.created_at = r.number();
  api.updated_at = r.number();
  api.deployed_at = r.number();
  return api;
}

std::vector<SqlValue> api_values(const ApiRecord& api) {
  return {api.id,          api.name,       api.definition,
          join_lines(api.paths), api.state, api.lifecycle_state,
          std::int64_t{api.need_redeploy}, api.created_at, api.updated_at,
          api.deployed_at};
}

DeploymentRecord read_deployment(const SqlRow& row) {
  RowReader r(row);
  DeploymentRecord d;
  d.id = r.text();
  d.api_id = r.text();
  d.number = r.number();
  d.label = r.text();
  d.definition = r.text();
  d.created_at = r.number();
  return d;
}

}  // namespace

std::int64_t RowReader::number() {
  const auto& value = row_.at(next_++);
  return value.empty() ? 0 : std::stoll(value);
}

SqlRepository::SqlRepository(std::unique_ptr<SqlConnection> db) : db_(std::move(db)) { migrate(*db_); }

std::vector<SqlRow> SqlRepository::query(const std::string& sql, const std::vector<SqlValue>& params) {
  std::lock_guard lock(mutex_);
  return db_->query(sql, params);
}

void SqlRepository::upsert(const char* table, const std::vector<const char*>& columns,
                           const std::vector<SqlValue>& values) {
  std::string names, marks, updates;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    names += (i ? ", " : "") + std::string(columns[i]);
    marks += i ? ", ?" : "?";
    if (i) updates += (i > 1 ? ", " : "") + std::string(columns[i]) + " = excluded." + columns[i];
  }
  query("INSERT INTO " + std::string(table) + " (" + names + ") VALUES (" + marks + ") ON CONFLICT (id) DO UPDATE SET " +
            updates,
        values);
}

void SqlRepository::transaction(const std::function<void()>& work) {
  std::lock_guard lock(mutex_);
  const bool outermost = transaction_depth_ == 0;
  if (outermost) db_->execute(db_->dialect() == SqlDialect::sqlite ? "BEGIN IMMEDIATE" : "BEGIN");
  ++transaction_depth_;
  try {
    work();
  } catch (...) {
    --transaction_depth_;
    if (outermost) db_->execute("ROLLBACK");
    throw;
  }
  --transaction_depth_;
  if (outermost) db_->execute("COMMIT");
}

// -- APIs --------------------------------------------------------------------------------------------------------

void SqlRepository::insert_api(const ApiRecord& api) {
  transaction([&] {
    query(std::string("INSERT INTO apis (") + kApiColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          api_values(api));
    query("DELETE FROM deleted_apis WHERE id = ?", {api.id});
  });
}

void SqlRepository::update_api(const ApiRecord& api) {
  transaction([&] {
    auto values = api_values(api);
    values.push_back(api.id);
    values.erase(values.begin());
    query("UPDATE apis SET name = ?, definition = ?, paths = ?, state = ?, lifecycle_state = ?, need_redeploy = ?, "
          "created_at = ?, updated_at = ?, deployed_at = ? WHERE id = ?",
          values);
    bump_revision();
  });
}

std::optional<ApiRecord> SqlRepository::find_api(const std::string& id) {
  auto rows = query(std::string("SELECT ") + kApiColumns + " FROM apis WHERE id = ?", {id});
  if (rows.empty()) return std::nullopt;
  return read_api(rows[0]);
}

std::vector<ApiRecord> SqlRepository::list_apis() {
  std::vector<ApiRecord> out;
  for (const auto& row : query(std::string("SELECT ") + kApiColumns + " FROM apis ORDER BY created_at, id"))
    out.push_back(read_api(row));
  return out;
}

void SqlRepository::delete_api(const std::string& id) {
  transaction([&] {
    query("DELETE FROM api_keys WHERE api_id = ?", {id});
    query("DELETE FROM subscriptions WHERE api_id = ?", {id});
    query("DELETE FROM plans WHERE api_id = ?", {id});
    query("DELETE FROM deployments WHERE api_id = ?", {id});
    query("DELETE FROM apis WHERE id = ?", {id});
    query("DELETE FROM deleted_apis WHERE id = ?", {id});
    query("INSERT INTO deleted_apis (id, deleted_at) VALUES (?, ?)", {id, now_millis()});
    bump_revision();
  });
}

bool SqlRepository::api_was_deleted(const std::string& id) {
  return !query("SELECT id FROM deleted_apis WHERE id = ?", {id}).empty();
}

// -- deployments -------------------------------------------------------------------------------------------------

DeploymentRecord SqlRepository::add_deployment(DeploymentRecord deployment) {
  transaction([&] {
    auto rows = query("SELECT COALESCE(MAX(number), 0) + 1 FROM deployments WHERE api_id = ?", {deployment.api_id});
    deployment.number = std::stoll(rows.at(0).at(0));
    query(std::string("INSERT INTO deployments (") + kDeploymentColumns + ") VALUES (?, ?, ?, ?, ?, ?)",
          {deployment.id, deployment.api_id, deployment.number, deployment.label, deployment.definition,
           deployment.created_at});
    bump_revision();
  });
  return deployment;
}

std::vector<DeploymentRecord> SqlRepository::list_deployments(const std::string& api_id) {
  std::vector<DeploymentRecord> out;
  for (const auto& row : query(std::string("SELECT ") + kDeploymentColumns +
                                   " FROM deployments WHERE api_id = ? ORDER BY number DESC",
                               {api_id}))
    out.push_back(read_deployment(row));
  return out;
}

std::optional<DeploymentRecord> SqlRepository::find_deployment(const std::string& api_id, const std::string& id) {
  auto rows = query(std::string("SELECT ") + kDeploymentColumns + " FROM deployments WHERE api_id = ? AND id = ?",
                    {api_id, id});
  if (rows.empty()) return std::nullopt;
  return read_deployment(rows[0]);
}

std::vector<DeployableApi> SqlRepository::deployable_apis() {
  std::vector<DeployableApi> out;
  const auto rows = query(
      "SELECT d.api_id, d.id, d.definition FROM deployments d JOIN apis a ON a.id = d.api_id "
      "WHERE a.state = 'STARTED' AND d.number = (SELECT MAX(number) FROM deployments m WHERE m.api_id = d.api_id) "
      "ORDER BY a.created_at, a.id");
  for (const auto& row : rows) out.push_back({row[0], row[1], row[2]});
  return out;
}

std::int64_t SqlRepository::revision() {
  auto rows = query("SELECT revision FROM sync_state WHERE id = 1");
  return rows.empty() ? 0 : std::stoll(rows[0][0]);
}

void SqlRepository::bump_revision() { query("UPDATE sync_state SET revision = revision + 1 WHERE id = 1"); }

// -- settings ----------------------------------------------------------------------------------------------------

std::optional<std::string> SqlRepository::get_setting(const std::string& name) {
  auto rows = query("SELECT value FROM settings WHERE name = ?", {name});
  if (rows.empty()) return std::nullopt;
  return rows[0][0];
}

void SqlRepository::put_setting(const std::string& name, const std::string& value) {
  query("INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        {name, value});
}

}  // namespace gantry::storage
