// Turns validated definitions into live APIs: builds their runtimes, claims their routes, and publishes a new
// immutable snapshot. Requests in flight keep the snapshot they started with.
#pragma once

#include "core/registry/registry.hpp"
#include "gateway/deployed_api.hpp"
#include "gateway/flows/policy.hpp"
#include "gateway/ratelimit/counter_store.hpp"
#include "gateway/subscription_directory.hpp"
#include "policies/cache/response_cache.hpp"

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gantry {

class Deployer {
 public:
  // Health checks and other background services run on `control`.
  Deployer(const Registry& registry, std::size_t workers, boost::asio::io_context& control);
  // This gateway's tenant (gateway.tenant): endpoints naming other tenants are left out of every API it deploys.
  void set_tenant(std::string tenant) { tenant_ = std::move(tenant); }

  std::shared_ptr<const GatewaySnapshot> snapshot() const { return current_.load(std::memory_order_acquire); }

  // Deploys every *.json in `dir` and retires APIs whose file is gone. An unchanged file keeps its running API
  // (pools, health state); an invalid file is reported and the previous version of its API keeps serving.
  // Returns the number of problems reported.
  std::size_t load_directory(const std::string& dir);

  // The same rules for any origin of definitions (a folder, the repository): `sources` maps each source name (a
  // file, "repository:api/<id>") to its definition text, or to nullopt when it could not be read (what was
  // deployed from it keeps serving). APIs of this origin missing from `sources` are retired; APIs of other origins
  // are untouched. Returns the number of problems reported. Call on one thread only (the control thread).
  std::size_t deploy_origin(const std::string& origin, const std::map<std::string, std::optional<std::string>>& sources);

  // Ends the streams of every message API (SSE goaway, WebSocket 1001) so the gateway can drain.
  void stop_message_streams();

  // Where rate-limit counters live (in memory until told otherwise); set before the first deployment.
  void set_counter_store(std::unique_ptr<CounterStore> store);

  // Which subscription each API key belongs to (kept up to date by RepositorySync); read by every API's flows.
  SubscriptionDirectory& subscriptions() { return subscriptions_; }

 private:
  struct Entry {
    std::string origin;  // which deploy_origin() call owns it
    std::string text;  // the file as last deployed, to detect changes
    std::shared_ptr<const DeployedApi> api;
  };
  std::shared_ptr<const DeployedApi> build(const std::string& source, const std::string& text, std::size_t& problems);

  const Registry& registry_;
  std::size_t workers_;
  boost::asio::io_context& control_;
  std::map<std::string, Entry> by_source_;
  std::vector<std::string> order_;  // sources in deployment order: earlier deployments keep contested paths
  std::atomic<std::shared_ptr<const GatewaySnapshot>> current_;
  std::unique_ptr<CounterStore> counters_ = make_memory_counter_store();
  SubscriptionDirectory subscriptions_;
  ResponseCache cache_;  // the cache policy's responses; an API's are dropped when it is redeployed
  PolicyServices services_{counters_.get(), &subscriptions_, &cache_};
  std::string tenant_;
};

}  // namespace gantry
