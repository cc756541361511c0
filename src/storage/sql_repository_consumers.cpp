// The consumer side of SqlRepository: plans, applications, subscriptions and API keys.
#include "storage/sql_repository.hpp"

namespace gantry::storage {

namespace {

const std::vector<const char*> kPlanColumns = {
    "id",        "api_id", "name",   "description", "security_type", "security_configuration", "validation",
    "mode",      "status", "extra",  "sort_order",  "created_at",    "updated_at",             "published_at",
    "closed_at"};
const std::vector<const char*> kApplicationColumns = {"id",           "name",  "description", "status",
                                                      "api_key_mode", "extra", "created_at",  "updated_at"};
const std::vector<const char*> kSubscriptionColumns = {
    "id",         "api_id",     "plan_id",      "application_id", "status",      "consumer_message",
    "publisher_message", "metadata", "created_at", "updated_at",  "processed_at", "starting_at",
    "ending_at",  "paused_at",  "closed_at", "consumer_configuration"};
const std::vector<const char*> kApiKeyColumns = {"id",        "key_value", "api_id",     "application_id",
                                                 "subscription_id", "revoked", "paused", "expire_at",
                                                 "created_at", "updated_at", "revoked_at"};

std::string select_from(const std::vector<const char*>& columns, const char* table) {
  std::string sql = "SELECT ";
  for (std::size_t i = 0; i < columns.size(); ++i) sql += (i ? ", " : "") + std::string(columns[i]);
  return sql + " FROM " + table;
}

PlanRecord read_plan(const SqlRow& row) {
  RowReader r(row);
  PlanRecord p;
  p.id = r.text();
  p.api_id = r.text();
  p.name = r.text();
  p.description = r.text();
  p.security_type = r.text();
  p.security_configuration = r.text();
  p.validation = r.text();
  p.mode = r.text();
  p.status = r.text();
  p.extra = r.text();
  p.order = r.number();
  p.created_at = r.number();
  p.updated_at = r.number();
  p.published_at = r.number();
  p.closed_at = r.number();
  return p;
}

ApplicationRecord read_application(const SqlRow& row) {
  RowReader r(row);
  ApplicationRecord a;
  a.id = r.text();
  a.name = r.text();
  a.description = r.text();
  a.status = r.text();
  a.api_key_mode = r.text();
  a.extra = r.text();
  a.created_at = r.number();
  a.updated_at = r.number();
  return a;
}

SubscriptionRecord read_subscription(const SqlRow& row) {
  RowReader r(row);
  SubscriptionRecord s;
  s.id = r.text();
  s.api_id = r.text();
  s.plan_id = r.text();
  s.application_id = r.text();
  s.status = r.text();
  s.consumer_message = r.text();
  s.publisher_message = r.text();
  s.metadata = r.text();
  s.created_at = r.number();
  s.updated_at = r.number();
  s.processed_at = r.number();
  s.starting_at = r.number();
  s.ending_at = r.number();
  s.paused_at = r.number();
  s.closed_at = r.number();
  s.consumer_configuration = r.text();
  return s;
}

ApiKeyRecord read_api_key(const SqlRow& row) {
  RowReader r(row);
  ApiKeyRecord k;
  k.id = r.text();
  k.key = r.text();
  k.api_id = r.text();
  k.application_id = r.text();
  k.subscription_id = r.text();
  k.revoked = r.flag();
  k.paused = r.flag();
  k.expire_at = r.number();
  k.created_at = r.number();
  k.updated_at = r.number();
  k.revoked_at = r.number();
  return k;
}

template <class Record, class Read>
std::vector<Record> read_all(const std::vector<SqlRow>& rows, Read read) {
  std::vector<Record> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(read(row));
  return out;
}

}  // namespace

// -- plans -------------------------------------------------------------------------------------------------------

void SqlRepository::save_plan(const PlanRecord& p) {
  upsert("plans", kPlanColumns,
         {p.id, p.api_id, p.name, p.description, p.security_type, p.security_configuration, p.validation, p.mode,
          p.status, p.extra, p.order, p.created_at, p.updated_at, p.published_at, p.closed_at});
}

std::optional<PlanRecord> SqlRepository::find_plan(const std::string& id) {
  auto rows = query(select_from(kPlanColumns, "plans") + " WHERE id = ?", {id});
  if (rows.empty()) return std::nullopt;
  return read_plan(rows[0]);
}

std::vector<PlanRecord> SqlRepository::list_plans(const std::string& api_id) {
  return read_all<PlanRecord>(
      query(select_from(kPlanColumns, "plans") + " WHERE api_id = ? ORDER BY sort_order, created_at, id", {api_id}),
      read_plan);
}

void SqlRepository::delete_plan(const std::string& id) { query("DELETE FROM plans WHERE id = ?", {id}); }

// -- applications ------------------------------------------------------------------------------------------------

void SqlRepository::save_application(const ApplicationRecord& a) {
  upsert("applications", kApplicationColumns,
         {a.id, a.name, a.description, a.status, a.api_key_mode, a.extra, a.created_at, a.updated_at});
}

std::optional<ApplicationRecord> SqlRepository::find_application(const std::string& id) {
  auto rows = query(select_from(kApplicationColumns, "applications") + " WHERE id = ?", {id});
  if (rows.empty()) return std::nullopt;
  return read_application(rows[0]);
}

std::vector<ApplicationRecord> SqlRepository::list_applications() {
  return read_all<ApplicationRecord>(
      query(select_from(kApplicationColumns, "applications") + " ORDER BY created_at, id"), read_application);
}

void SqlRepository::delete_application(const std::string& id) {
  query("DELETE FROM applications WHERE id = ?", {id});
}

// -- subscriptions -----------------------------------------------------------------------------------------------

// Subscriptions and keys are what gateways identify clients with (#subscription.metadata): a change is a revision.
void SqlRepository::save_subscription(const SubscriptionRecord& s) {
  transaction([&] {
    upsert("subscriptions", kSubscriptionColumns,
           {s.id, s.api_id, s.plan_id, s.application_id, s.status, s.consumer_message, s.publisher_message,
            s.metadata, s.created_at, s.updated_at, s.processed_at, s.starting_at, s.ending_at, s.paused_at,
            s.closed_at, s.consumer_configuration});
    bump_revision();
  });
}

std::optional<SubscriptionRecord> SqlRepository::find_subscription(const std::string& id) {
  auto rows = query(select_from(kSubscriptionColumns, "subscriptions") + " WHERE id = ?", {id});
  if (rows.empty()) return std::nullopt;
  return read_subscription(rows[0]);
}

std::vector<SubscriptionRecord> SqlRepository::list_subscriptions(const std::string& api_id) {
  return read_all<SubscriptionRecord>(
      query(select_from(kSubscriptionColumns, "subscriptions") + " WHERE api_id = ? ORDER BY created_at, id",
            {api_id}),
      read_subscription);
}

std::vector<SubscriptionRecord> SqlRepository::list_application_subscriptions(const std::string& application_id) {
  return read_all<SubscriptionRecord>(
      query(select_from(kSubscriptionColumns, "subscriptions") + " WHERE application_id = ? ORDER BY created_at, id",
            {application_id}),
      read_subscription);
}

std::vector<SubscriptionRecord> SqlRepository::active_subscriptions(const std::string& api_id, Millis now) {
  return read_all<SubscriptionRecord>(
      query(select_from(kSubscriptionColumns, "subscriptions") +
                " WHERE api_id = ? AND status = 'ACCEPTED' AND starting_at <= ? AND (ending_at = 0 OR ending_at > ?)"
                " ORDER BY created_at, id",
            {api_id, now, now}),
      read_subscription);
}

// -- API keys ----------------------------------------------------------------------------------------------------

void SqlRepository::save_api_key(const ApiKeyRecord& k) {
  transaction([&] {
    upsert("api_keys", kApiKeyColumns,
           {k.id, k.key, k.api_id, k.application_id, k.subscription_id, std::int64_t{k.revoked},
            std::int64_t{k.paused}, k.expire_at, k.created_at, k.updated_at, k.revoked_at});
    bump_revision();
  });
}

std::optional<ApiKeyRecord> SqlRepository::find_api_key_by_id(const std::string& id) {
  auto rows = query(select_from(kApiKeyColumns, "api_keys") + " WHERE id = ?", {id});
  if (rows.empty()) return std::nullopt;
  return read_api_key(rows[0]);
}

std::vector<ApiKeyRecord> SqlRepository::list_api_keys(const std::string& subscription_id) {
  return read_all<ApiKeyRecord>(
      query(select_from(kApiKeyColumns, "api_keys") + " WHERE subscription_id = ? ORDER BY created_at DESC, id",
            {subscription_id}),
      read_api_key);
}

std::optional<ApiKeyRecord> SqlRepository::find_api_key(const std::string& api_id, const std::string& key) {
  // A renewed key and its predecessor never share a value; when an old revoked one does, the newest wins.
  auto rows = query(select_from(kApiKeyColumns, "api_keys") +
                        " WHERE api_id = ? AND key_value = ? ORDER BY revoked, created_at DESC",
                    {api_id, key});
  if (rows.empty()) return std::nullopt;
  return read_api_key(rows[0]);
}

}  // namespace gantry::storage
