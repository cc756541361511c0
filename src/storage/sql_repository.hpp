// The Repository over any SqlConnection: the SQL is portable, so SQLite and PostgreSQL share every query and rule.
// One connection per repository, guarded by a mutex (management and the gateway sync share it).
#pragma once

#include "storage/repository.hpp"
#include "storage/sql_connection.hpp"

#include <memory>
#include <mutex>

namespace gantry::storage {

class SqlRepository : public Repository {
 public:
  // Applies pending schema migrations. Throws StorageError.
  explicit SqlRepository(std::unique_ptr<SqlConnection> db);

  void transaction(const std::function<void()>& work) override;

  void insert_api(const ApiRecord& api) override;
  void update_api(const ApiRecord& api) override;
  std::optional<ApiRecord> find_api(const std::string& id) override;
  std::vector<ApiRecord> list_apis() override;
  void delete_api(const std::string& id) override;
  bool api_was_deleted(const std::string& id) override;
  DeploymentRecord add_deployment(DeploymentRecord deployment) override;
  std::vector<DeploymentRecord> list_deployments(const std::string& api_id) override;
  std::optional<DeploymentRecord> find_deployment(const std::string& api_id, const std::string& id) override;
  std::vector<DeployableApi> deployable_apis() override;
  std::int64_t revision() override;
  void bump_revision() override;

  void save_plan(const PlanRecord& plan) override;
  std::optional<PlanRecord> find_plan(const std::string& id) override;
  std::vector<PlanRecord> list_plans(const std::string& api_id) override;
  void delete_plan(const std::string& id) override;
  void save_application(const ApplicationRecord& app) override;
  std::optional<ApplicationRecord> find_application(const std::string& id) override;
  std::vector<ApplicationRecord> list_applications() override;
  void delete_application(const std::string& id) override;
  void save_subscription(const SubscriptionRecord& sub) override;
  std::optional<SubscriptionRecord> find_subscription(const std::string& id) override;
  std::vector<SubscriptionRecord> list_subscriptions(const std::string& api_id) override;
  std::vector<SubscriptionRecord> list_application_subscriptions(const std::string& application_id) override;
  std::vector<SubscriptionRecord> active_subscriptions(const std::string& api_id, Millis now) override;
  void save_api_key(const ApiKeyRecord& key) override;
  std::optional<ApiKeyRecord> find_api_key_by_id(const std::string& id) override;
  std::vector<ApiKeyRecord> list_api_keys(const std::string& subscription_id) override;
  std::optional<ApiKeyRecord> find_api_key(const std::string& api_id, const std::string& key) override;

  std::optional<std::string> get_setting(const std::string& name) override;
  void put_setting(const std::string& name, const std::string& value) override;

 private:
  std::vector<SqlRow> query(const std::string& sql, const std::vector<SqlValue>& params = {});
  // INSERT ... ON CONFLICT (id) DO UPDATE: `values` in the order of `columns`, "id" first.
  void upsert(const char* table, const std::vector<const char*>& columns, const std::vector<SqlValue>& values);

  std::recursive_mutex mutex_;
  std::unique_ptr<SqlConnection> db_;
  int transaction_depth_ = 0;
};

// Column values read in order from one result row.
class RowReader {
 public:
  explicit RowReader(const SqlRow& row) : row_(row) {}
  std::string text() { return row_.at(next_++); }
  std::int64_t number();
  bool flag() { return number() != 0; }

 private:
  const SqlRow& row_;
  std::size_t next_ = 0;
};

}  // namespace gantry::storage
