// A message API's endpoint group seen by the engine as one EndpointConnector: every endpoint of the group has its
// own connector, built at deploy time; each new subscription and each publish goes to the endpoint the group's load
// balancer picks (secondaries only once no primary is left to try). With the API's `failover` on, a publish that
// fails or is not confirmed within slowCallDuration, and a subscription that cannot reach its broker, move to
// another endpoint, up to maxRetries times, behind the API's circuit breaker (docs/qos.md).
#pragma once

#include "core/definition/model.hpp"
#include "core/message/endpoint_connector.hpp"

#include <memory>
#include <string>
#include <vector>

namespace gantry {

struct GroupState;

class GroupConnector final : public EndpointConnector {
 public:
  struct Member {
    std::string name;
    std::shared_ptr<EndpointConnector> connector;
    bool secondary = false;
    int weight = 1;
  };

  // `members` in declaration order; at least one.
  GroupConnector(std::vector<Member> members, LoadBalancerType type, const Failover& failover);
  ~GroupConnector() override;

  std::string_view type() const override;
  // Sticky: a subscription stays on the endpoint it reached; only one that has not reached its broker moves.
  std::unique_ptr<Subscription> subscribe(const SubscribeRequest& request, MessageSink& sink) override;
  void publish(MessagePtr message, Qos qos, PublishCompletion done) override;
  void stop() override;
  // Dynamic configuration is evaluated for one connector: a group of one endpoint (with failover on) passes its
  // member's on; a larger group offers none (MessageApi warns at deploy when a member has expressions). A
  // subscription's evaluated configuration travels in its SubscribeRequest to the member as it is.
  const DynamicConfig* dynamic_config() const override;
  void publish_with(PluginConfigPtr config, MessagePtr message, Qos qos, PublishCompletion done) override;

  // The members, primaries first then secondaries, each tier in declaration order (the numbering the load
  // balancers use).
  const std::vector<Member>& members() const;

 private:
  std::shared_ptr<GroupState> state_;
};

}  // namespace gantry
