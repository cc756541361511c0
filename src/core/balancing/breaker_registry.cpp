#include "core/balancing/breaker_registry.hpp"

namespace gantry {

BreakerRegistry::BreakerRegistry(const Failover& failover)
    : max_failures_(failover.max_failures),
      open_duration_(failover.open_state_duration),
      per_subscription_(failover.per_subscription),
      shared_(failover.max_failures, failover.open_state_duration) {}

CircuitBreaker& BreakerRegistry::for_subscription(std::string_view subscription) {
  if (!per_subscription_ || subscription.empty()) return shared_;
  std::lock_guard lock(mutex_);
  if (auto it = by_subscription_.find(subscription); it != by_subscription_.end()) return *it->second;
  if (by_subscription_.size() >= max_subscriptions) return shared_;
  auto [it, inserted] = by_subscription_.emplace(std::string(subscription),
                                                 std::make_unique<CircuitBreaker>(max_failures_, open_duration_));
  return *it->second;
}

std::size_t BreakerRegistry::subscriptions() const {
  std::lock_guard lock(mutex_);
  return by_subscription_.size();
}

}  // namespace gantry
