// The one storage interface of Gantry: every back end (sqlite/, postgres/) sits behind it. Calls block; never call
// them on a gateway worker thread. Failures of the database throw StorageError.
#pragma once

#include "storage/records.hpp"

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace gantry::storage {

struct StorageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Repository {
 public:
  virtual ~Repository() = default;

  // Runs `work` atomically: every call made inside commits together or not at all (an exception rolls back).
  virtual void transaction(const std::function<void()>& work) = 0;

  // -- APIs and deployments ----------------------------------------------------------------------------------
  virtual void insert_api(const ApiRecord& api) = 0;
  virtual void update_api(const ApiRecord& api) = 0;
  virtual std::optional<ApiRecord> find_api(const std::string& id) = 0;
  virtual std::vector<ApiRecord> list_apis() = 0;  // oldest first
  // Removes the API with its deployments, plans, subscriptions and keys, and remembers that it existed.
  virtual void delete_api(const std::string& id) = 0;
  virtual bool api_was_deleted(const std::string& id) = 0;

  // Stores a new deployment, numbering it after the API's previous ones; returns it with its number.
  virtual DeploymentRecord add_deployment(DeploymentRecord deployment) = 0;
  virtual std::vector<DeploymentRecord> list_deployments(const std::string& api_id) = 0;  // newest first
  virtual std::optional<DeploymentRecord> find_deployment(const std::string& api_id, const std::string& id) = 0;

  // -- what gateways read ------------------------------------------------------------------------------------
  // Every started API with its latest deployment.
  virtual std::vector<DeployableApi> deployable_apis() = 0;
  // Grows whenever what deployable_apis() returns may have changed; gateways poll it.
  virtual std::int64_t revision() = 0;
  virtual void bump_revision() = 0;

  // -- plans -------------------------------------------------------------------------------------------------
  virtual void save_plan(const PlanRecord& plan) = 0;  // insert or replace
  virtual std::optional<PlanRecord> find_plan(const std::string& id) = 0;
  virtual std::vector<PlanRecord> list_plans(const std::string& api_id) = 0;
  virtual void delete_plan(const std::string& id) = 0;

  // -- applications ------------------------------------------------------------------------------------------
  virtual void save_application(const ApplicationRecord& app) = 0;
  virtual std::optional<ApplicationRecord> find_application(const std::string& id) = 0;
  virtual std::vector<ApplicationRecord> list_applications() = 0;
  virtual void delete_application(const std::string& id) = 0;

  // -- subscriptions -----------------------------------------------------------------------------------------
  virtual void save_subscription(const SubscriptionRecord& sub) = 0;
  virtual std::optional<SubscriptionRecord> find_subscription(const std::string& id) = 0;
  virtual std::vector<SubscriptionRecord> list_subscriptions(const std::string& api_id) = 0;
  virtual std::vector<SubscriptionRecord> list_application_subscriptions(const std::string& application_id) = 0;
  // Accepted subscriptions of an API whose period includes `now` (what the gateway will enforce plans with).
  virtual std::vector<SubscriptionRecord> active_subscriptions(const std::string& api_id, Millis now) = 0;

  // -- API keys ----------------------------------------------------------------------------------------------
  virtual void save_api_key(const ApiKeyRecord& key) = 0;
  virtual std::optional<ApiKeyRecord> find_api_key_by_id(const std::string& id) = 0;
  virtual std::vector<ApiKeyRecord> list_api_keys(const std::string& subscription_id) = 0;
  // The key a client presented to an API (revoked, paused and expired ones included: check usable()).
  virtual std::optional<ApiKeyRecord> find_api_key(const std::string& api_id, const std::string& key) = 0;

  // -- settings (e.g. the management password hash) ----------------------------------------------------------
  virtual std::optional<std::string> get_setting(const std::string& name) = 0;
  virtual void put_setting(const std::string& name, const std::string& value) = 0;
};

}  // namespace gantry::storage
