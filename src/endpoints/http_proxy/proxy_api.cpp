#include "endpoints/http_proxy/proxy_api.hpp"

#include "gateway/api_key.hpp"

#include "core/el/diagnose.hpp"
#include "endpoints/http_proxy/health_checker.hpp"
#include "endpoints/http_proxy/upstream_tls.hpp"
#include "core/message/message.hpp"
#include "gateway/subscription_directory.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <algorithm>

namespace gantry::http_proxy {

EndpointRuntime::EndpointRuntime(const Endpoint& def, std::shared_ptr<const EndpointConfig> config,
                                 std::unique_ptr<boost::asio::ssl::context> tls, std::size_t workers,
                                 std::shared_ptr<const HealthCheckConfig> health_check)
    : name_(def.name), config_(std::move(config)), tls_(std::move(tls)), health_check_(std::move(health_check)) {
  // maxConcurrentConnections is for the whole gateway; each io thread gets its share of it.
  const auto max = static_cast<std::size_t>(std::max(1, config_->http.max_concurrent_connections));
  const std::size_t per_worker = (max + workers - 1) / workers;
  for (std::size_t i = 0; i < workers; ++i)
    pools_.push_back(std::make_unique<UpstreamPool>(*config_, tls_.get(), per_worker));
  if (health_check_)
    health_ = std::make_unique<HealthTracker>(health_check_->success_threshold, health_check_->failure_threshold);
}

bool EndpointRuntime::available() const { return !health_ || health_->healthy(); }

// The selection itself is core/balancing/tiered_pick (shared with message APIs): members are numbered primaries
// first, then secondaries.
TieredGroup GroupRuntime::view() const {
  return TieredGroup{primary_lb.get(), primaries.size(), secondary_lb.get(), secondaries.size(),
                     [this](std::size_t i) { return member(i)->available(); }};
}

EndpointRuntime* GroupRuntime::member(std::size_t i) const {
  return i < primaries.size() ? primaries[i].get() : secondaries[i - primaries.size()].get();
}

std::size_t GroupRuntime::number_of(const EndpointRuntime* e) const {
  for (std::size_t i = 0; i < primaries.size() + secondaries.size(); ++i)
    if (member(i) == e) return i;
  return primaries.size() + secondaries.size();
}

EndpointRuntime* GroupRuntime::pick() {
  auto chosen = view().pick();
  return chosen ? member(*chosen) : nullptr;
}

EndpointRuntime* GroupRuntime::pick_retry(std::span<EndpointRuntime* const> tried, bool force_next) {
  std::vector<std::size_t> numbers;  // a request's few attempts
  numbers.reserve(tried.size());
  for (const auto* e : tried) numbers.push_back(number_of(e));
  auto chosen = view().pick_retry(numbers, force_next);
  return chosen ? member(*chosen) : nullptr;
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
  api->subscriptions_ = services.subscriptions;
  if (def->failover.enabled) {
    api->breakers_ = std::make_unique<BreakerRegistry>(def->failover);
    if (!def->failover.failure_condition.empty())
      api->failure_condition_ =
          el::compile_condition(def->failover.failure_condition, "$.failover.failureCondition", diag);
  }
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
      auto member = std::make_unique<EndpointRuntime>(endpoint, config, std::move(tls), workers, check);
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

std::string ProxyApi::subscription_of(const Exchange& ex) const {
  if (!subscriptions_) return {};
  const std::string key = presented_api_key(ex);
  if (key.empty()) return {};
  auto info = subscriptions_->current()->find(def_->id, key, now_epoch_ms());
  return info ? info->id : std::string();
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
