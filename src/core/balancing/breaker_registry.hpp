// The failover circuit breakers of one API (proxy or message). As in Gravitee, a breaker guards whole requests (all their
// failover attempts), not endpoints: one for the API, or with perSubscription one per subscription, created on
// the subscription's first call.
#pragma once

#include "core/definition/model.hpp"
#include "core/balancing/circuit_breaker.hpp"

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace gantry {

class BreakerRegistry {
 public:
  // Subscriptions past this many share the keyless breaker: the map stays bounded whatever the callers send.
  static constexpr std::size_t max_subscriptions = 10000;

  explicit BreakerRegistry(const Failover& failover);

  // The breaker for a request made through `subscription`; "" (keyless, or no subscription known) and every
  // request when perSubscription is off share one breaker.
  CircuitBreaker& for_subscription(std::string_view subscription);

  std::size_t subscriptions() const;  // how many per-subscription breakers exist

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  const int max_failures_;
  const std::chrono::milliseconds open_duration_;
  const bool per_subscription_;
  CircuitBreaker shared_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::unique_ptr<CircuitBreaker>, Hash, std::equal_to<>> by_subscription_;
};

}  // namespace gantry
