#include "endpoints/http_proxy/proxy_api.hpp"

#include "endpoints/http_proxy/health_checker.hpp"
#include "endpoints/http_proxy/upstream_tls.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <algorithm>

namespace gantry::http_proxy {

EndpointRuntime::EndpointRuntime(const Endpoint& def, std::shared_ptr<const EndpointConfig> config,
                                 std::unique_ptr<boost::asio::ssl::context> tls, std::size_t workers,
                                 const Failover& failover, std::shared_ptr<const HealthCheckConfig> health_check)
    : name_(def.name), config_(std::move(config)), tls_(std::move(tls)), health_check_(std::move(health_check)) {
  // maxConcurrentConnections is for the whole gateway; each io thread gets its share of it.
  const auto max = static_cast<std::size_t>(std::max(1, config_->http.max_concurrent_connections));
  const std::size_t per_worker = (max + workers - 1) / workers;
  for (std::size_t i = 0; i < workers; ++i)
    pools_.push_back(std::make_unique<UpstreamPool>(*config_, tls_.get(), per_worker));
  if (failover.enabled) breaker_ = std::make_unique<CircuitBreaker>(failover.max_failures, failover.open_state_duration);
  if (health_check_)
    health_ = std::make_unique<HealthTracker>(health_check_->success_threshold, health_check_->failure_threshold);
}

bool EndpointRuntime::available(std::chrono::steady_clock::time_point now) const {
  if (health_ && !health_->healthy()) return false;
  return !breaker_ || breaker_->state(now) != CircuitBreaker::State::open;
}

EndpointRuntime* GroupRuntime::pick(std::chrono::steady_clock::time_point now,
                                     std::span<EndpointRuntime* const> tried) {
  auto untried = [&](const EndpointRuntime* e) { return std::find(tried.begin(), tried.end(), e) == tried.end(); };
  // First pass skips endpoints this request already tried; the second takes any available one.
  for (bool skip_tried : {!tried.empty(), false}) {
    for (auto* members : {&primaries, &secondaries}) {
      auto& lb = members == &primaries ? primary_lb : secondary_lb;
      if (members->empty()) continue;
      auto index = lb->next([&](std::size_t i) {
        const auto* e = (*members)[i].get();
        return e->available(now) && (!skip_tried || untried(e));
      });
      if (index) return (*members)[*index].get();
    }
    if (!skip_tried) break;
  }
  return nullptr;
}

namespace {

std::shared_ptr<const HealthCheckConfig> health_check_of(const std::optional<ServiceConfig>& service) {
  if (!service || !service->enabled || !service->config) return nullptr;
  return std::static_pointer_cast<const HealthCheckConfig>(service->config);
}

}  // namespace

std::shared_ptr<ProxyApi> ProxyApi::create(std::shared_ptr<const ApiDefinition> def, std::size_t workers,
                                           Diagnostics& diag, const PolicyServices& services) {
  auto api = std::make_shared<ProxyApi>();
  api->def_ = def;
  api->self_ = api;
  api->flows_ = FlowChain::compile(*def, services);
  for (std::size_t g = 0; g < def->endpoint_groups.size(); ++g) {
    const EndpointGroup& group = def->endpoint_groups[g];
    GroupRuntime runtime;
    runtime.name = group.name;
    auto group_check = health_check_of(group.services.health_check);
    std::vector<int> primary_weights, secondary_weights;
    for (std::size_t e = 0; e < group.endpoints.size(); ++e) {
      const Endpoint& endpoint = group.endpoints[e];
      auto config = std::static_pointer_cast<const EndpointConfig>(endpoint.config);
      if (!config) continue;
      std::unique_ptr<boost::asio::ssl::context> tls;
      if (config->target.tls()) {
        const std::string path = "$.endpointGroups[" + std::to_string(g) + "].endpoints[" + std::to_string(e) + "].ssl";
        tls = make_client_tls(config->ssl, path, diag);
        if (!tls) continue;
      }
      auto check = health_check_of(endpoint.services.health_check);
      if (!check) check = group_check;
      auto member = std::make_unique<EndpointRuntime>(endpoint, config, std::move(tls), workers, def->failover, check);
      (endpoint.secondary ? secondary_weights : primary_weights).push_back(std::max(1, endpoint.weight));
      (endpoint.secondary ? runtime.secondaries : runtime.primaries).push_back(std::move(member));
    }
    runtime.primary_lb = LoadBalancer::create(group.load_balancer, primary_weights);
    runtime.secondary_lb = LoadBalancer::create(group.load_balancer, secondary_weights);
    api->groups_.push_back(std::move(runtime));
  }
  if (diag.has_errors() || api->groups_.empty()) return nullptr;
  return api;
}

void ProxyApi::start_health_checks(boost::asio::io_context& control) {
  for (auto& group : groups_) {
    for (auto* members : {&group.primaries, &group.secondaries}) {
      for (auto& endpoint : *members) {
        if (!endpoint->health_check()) continue;
        boost::asio::co_spawn(control, run_health_checks(self_, endpoint.get(), def_->id), boost::asio::detached);
      }
    }
  }
}

}  // namespace gantry::http_proxy
