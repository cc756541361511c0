// A deployed proxy API's runtime: its endpoint groups with load balancers, health state and per-thread connection
// pools, and its failover circuit breakers. Built once at deploy time from the validated definition.
#pragma once

#include "core/definition/model.hpp"
#include "core/json/diagnostics.hpp"
#include "core/el/expression.hpp"
#include "core/balancing/breaker_registry.hpp"
#include "endpoints/http_proxy/config.hpp"
#include "core/balancing/load_balancer.hpp"
#include "core/balancing/tiered_pick.hpp"
#include "endpoints/http_proxy/upstream_pool.hpp"
#include "gateway/flows/flow_chain.hpp"
#include "services/http_health_check/config.hpp"
#include "services/http_health_check/health_tracker.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <span>
#include <vector>

namespace gantry::http_proxy {

class EndpointRuntime {
 public:
  EndpointRuntime(const Endpoint& def, std::shared_ptr<const EndpointConfig> config,
                  std::unique_ptr<boost::asio::ssl::context> tls, std::size_t workers,
                  std::shared_ptr<const HealthCheckConfig> health_check);

  const std::string& name() const { return name_; }
  const EndpointConfig& config() const { return *config_; }
  boost::asio::ssl::context* tls() const { return tls_.get(); }
  UpstreamPool& pool(std::size_t worker) { return *pools_[worker]; }
  HealthTracker* health() { return health_.get(); }     // null without a health check
  const HealthCheckConfig* health_check() const { return health_check_.get(); }

  // Not marked down by its health check. (Circuit breakers guard requests, not endpoints: see BreakerRegistry.)
  bool available() const;

 private:
  std::string name_;
  std::shared_ptr<const EndpointConfig> config_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
  std::vector<std::unique_ptr<UpstreamPool>> pools_;
  std::shared_ptr<const HealthCheckConfig> health_check_;
  std::unique_ptr<HealthTracker> health_;
};

class GroupRuntime {
 public:
  std::string name;
  std::vector<std::unique_ptr<EndpointRuntime>> primaries;
  std::vector<std::unique_ptr<EndpointRuntime>> secondaries;  // used only when no primary is available
  std::unique_ptr<LoadBalancer> primary_lb, secondary_lb;

  // The endpoint for a request's first call: the load balancer's choice among the available primaries, else among
  // the available secondaries; null when every endpoint is down.
  EndpointRuntime* pick();
  // The endpoint for a failover retry once the endpoints in `tried` (in call order, not empty) failed. By default
  // the load balancer's next choice after the last one tried, preferring endpoints not tried yet (a rotation thus
  // goes 1 -> 2 -> 3, then round again). With `force_next` (forceNextEndpointOnFailure), whatever the strategy,
  // the endpoint declared after the last one tried, looping back to the first. Secondaries only serve when no
  // primary is available or every available primary was tried.
  EndpointRuntime* pick_retry(std::span<EndpointRuntime* const> tried, bool force_next);

 private:
  TieredGroup view() const;
  EndpointRuntime* member(std::size_t number) const;  // primaries first, then secondaries
  std::size_t number_of(const EndpointRuntime* e) const;
};

class ProxyApi {
 public:
  // Null (with problems in `diag`, under JSON paths) when something only checkable now fails, e.g. a PEM file.
  static std::shared_ptr<ProxyApi> create(std::shared_ptr<const ApiDefinition> def, std::size_t workers,
                                          Diagnostics& diag, const PolicyServices& services = {});

  const ApiDefinition& definition() const { return *def_; }
  const Failover& failover() const { return def_->failover; }
  // failover.failureCondition, compiled; null when failover is off or has none.
  const el::Expression* failure_condition() const { return failure_condition_.get(); }
  // Null when failover is off.
  BreakerRegistry* breakers() { return breakers_.get(); }
  // The subscription a request came through, for failover's per-subscription breakers: the accepted subscription
  // of the API key it presents (X-Gravitee-Api-Key header, else the api-key query parameter); "" when keyless or
  // the key is unknown.
  std::string subscription_of(const Exchange& ex) const;
  GroupRuntime& default_group() { return groups_.front(); }
  const FlowChain* flows() const { return flows_.get(); }  // null: no flow has anything to do
  std::vector<GroupRuntime>& groups() { return groups_; }

  // Starts the health checks on `control`; they stop by themselves once this API is retired.
  void start_health_checks(boost::asio::io_context& control);

 private:
  std::shared_ptr<const ApiDefinition> def_;
  std::vector<GroupRuntime> groups_;
  std::shared_ptr<const FlowChain> flows_;
  el::ExpressionPtr failure_condition_;
  std::unique_ptr<BreakerRegistry> breakers_;
  const SubscriptionDirectory* subscriptions_ = nullptr;
  std::weak_ptr<ProxyApi> self_;
};

}  // namespace gantry::http_proxy
