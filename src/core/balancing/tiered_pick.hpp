// Which member of an endpoint group serves a call, and where its failover retries go: primaries through their load
// balancer, secondaries only once no primary is left. Shared by proxy APIs (GroupRuntime) and message APIs
// (GroupConnector); the caller owns the members and the two load balancers and says which members are available.
#pragma once

#include "core/balancing/load_balancer.hpp"

#include <cstddef>
#include <functional>
#include <optional>
#include <span>

namespace gantry {

// A group seen as two tiers numbered as one: primaries are members 0..primaries-1, secondaries come after them.
struct TieredGroup {
  LoadBalancer* primary_lb = nullptr;    // over the primaries (may be null when there are none)
  std::size_t primaries = 0;
  LoadBalancer* secondary_lb = nullptr;  // over the secondaries (may be null when there are none)
  std::size_t secondaries = 0;
  std::function<bool(std::size_t)> available;  // by member number; empty: every member is available

  std::size_t size() const { return primaries + secondaries; }

  // The member for a call's first attempt: the load balancer's choice among the available primaries, else among
  // the available secondaries; nullopt when every member is down.
  std::optional<std::size_t> pick() const;
  // The member for a failover retry once the members in `tried` (in call order) failed. By default the load
  // balancer's next choice after the last one tried, preferring members not tried yet (a rotation thus goes
  // 1 -> 2 -> 3, then round again). With `force_next` (forceNextEndpointOnFailure), whatever the strategy, the
  // member declared after the last one tried in its tier, looping back to the first. Secondaries only serve when
  // no primary is available or every available primary was tried.
  std::optional<std::size_t> pick_retry(std::span<const std::size_t> tried, bool force_next) const;

 private:
  bool up(std::size_t member) const { return !available || available(member); }
};

}  // namespace gantry
