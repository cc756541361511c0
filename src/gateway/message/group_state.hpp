// What a GroupConnector's publishes and subscriptions share, and outlive the connector with: the members, their
// load balancers and the failover circuit breakers. Private to gateway/message/group_*.cpp and failover_*.cpp.
#pragma once

#include "core/balancing/breaker_registry.hpp"
#include "core/balancing/tiered_pick.hpp"
#include "gateway/message/group_connector.hpp"

#include <memory>
#include <vector>

namespace gantry {

struct GroupState {
  std::vector<GroupConnector::Member> members;  // primaries first, then secondaries
  std::size_t primaries = 0;
  std::unique_ptr<LoadBalancer> primary_lb, secondary_lb;
  Failover failover;
  std::unique_ptr<BreakerRegistry> breakers;  // null when failover is off

  TieredGroup view() const {
    return TieredGroup{primary_lb.get(), primaries, secondary_lb.get(), members.size() - primaries, {}};
  }
  // Calls of one publish or subscription: the first and its retries.
  std::size_t attempts() const {
    return failover.enabled ? 1 + static_cast<std::size_t>(std::max(0, failover.max_retries)) : 1;
  }
};

// With failover on: the publish goes to one member, then to others while it fails or stays unconfirmed.
void publish_with_failover(std::shared_ptr<GroupState> group, MessagePtr message, Qos qos, PublishCompletion done);

// With failover on: a subscription that moves to another member until one reaches its broker. Null when no member
// can subscribe at all.
std::unique_ptr<Subscription> subscribe_with_failover(std::shared_ptr<GroupState> group,
                                                      const SubscribeRequest& request, MessageSink& sink);

}  // namespace gantry
