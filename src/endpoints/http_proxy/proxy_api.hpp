// A deployed proxy API's runtime: its endpoint groups with load balancers, circuit breakers, health state and
// per-thread connection pools. Built once at deploy time from the validated definition.
#pragma once

#include "core/definition/model.hpp"
#include "core/json/diagnostics.hpp"
#include "endpoints/http_proxy/circuit_breaker.hpp"
#include "endpoints/http_proxy/config.hpp"
#include "endpoints/http_proxy/load_balancer.hpp"
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
                  std::unique_ptr<boost::asio::ssl::context> tls, std::size_t workers, const Failover& failover,
                  std::shared_ptr<const HealthCheckConfig> health_check);

  const std::string& name() const { return name_; }
  const EndpointConfig& config() const { return *config_; }
  boost::asio::ssl::context* tls() const { return tls_.get(); }
  UpstreamPool& pool(std::size_t worker) { return *pools_[worker]; }
  CircuitBreaker* breaker() { return breaker_.get(); }  // null when failover is off
  HealthTracker* health() { return health_.get(); }     // null without a health check
  const HealthCheckConfig* health_check() const { return health_check_.get(); }

  // Neither marked down by its health check nor cut off by an open circuit breaker.
  bool available(std::chrono::steady_clock::time_point now) const;

 private:
  std::string name_;
  std::shared_ptr<const EndpointConfig> config_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
  std::vector<std::unique_ptr<UpstreamPool>> pools_;
  std::unique_ptr<CircuitBreaker> breaker_;
  std::shared_ptr<const HealthCheckConfig> health_check_;
  std::unique_ptr<HealthTracker> health_;
};

class GroupRuntime {
 public:
  std::string name;
  std::vector<std::unique_ptr<EndpointRuntime>> primaries;
  std::vector<std::unique_ptr<EndpointRuntime>> secondaries;  // used only when no primary is available
  std::unique_ptr<LoadBalancer> primary_lb, secondary_lb;

  // The next endpoint to call, preferring ones not in `tried` (a failover retry); null when every endpoint is down.
  EndpointRuntime* pick(std::chrono::steady_clock::time_point now, std::span<EndpointRuntime* const> tried = {});
};

class ProxyApi {
 public:
  // Null (with problems in `diag`, under JSON paths) when something only checkable now fails, e.g. a PEM file.
  static std::shared_ptr<ProxyApi> create(std::shared_ptr<const ApiDefinition> def, std::size_t workers,
                                          Diagnostics& diag, const PolicyServices& services = {});

  const ApiDefinition& definition() const { return *def_; }
  const Failover& failover() const { return def_->failover; }
  GroupRuntime& default_group() { return groups_.front(); }
  const FlowChain* flows() const { return flows_.get(); }  // null: no flow has anything to do
  std::vector<GroupRuntime>& groups() { return groups_; }

  // Starts the health checks on `control`; they stop by themselves once this API is retired.
  void start_health_checks(boost::asio::io_context& control);

 private:
  std::shared_ptr<const ApiDefinition> def_;
  std::vector<GroupRuntime> groups_;
  std::shared_ptr<const FlowChain> flows_;
  std::weak_ptr<ProxyApi> self_;
};

}  // namespace gantry::http_proxy
