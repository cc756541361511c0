#include "gateway/message/group_connector.hpp"

#include "gateway/message/group_state.hpp"

#include <algorithm>

namespace gantry {

GroupConnector::GroupConnector(std::vector<Member> members, LoadBalancerType type, const Failover& failover)
    : state_(std::make_shared<GroupState>()) {
  const auto secondaries =
      std::stable_partition(members.begin(), members.end(), [](const Member& m) { return !m.secondary; });
  state_->primaries = static_cast<std::size_t>(secondaries - members.begin());
  std::vector<int> primary_weights, secondary_weights;
  for (const auto& m : members) (m.secondary ? secondary_weights : primary_weights).push_back(std::max(1, m.weight));
  state_->members = std::move(members);
  state_->primary_lb = LoadBalancer::create(type, std::move(primary_weights));
  state_->secondary_lb = LoadBalancer::create(type, std::move(secondary_weights));
  state_->failover = failover;
  if (failover.enabled) state_->breakers = std::make_unique<BreakerRegistry>(failover);
}

GroupConnector::~GroupConnector() = default;

std::string_view GroupConnector::type() const { return state_->members.front().connector->type(); }

const std::vector<GroupConnector::Member>& GroupConnector::members() const { return state_->members; }

std::unique_ptr<Subscription> GroupConnector::subscribe(const SubscribeRequest& request, MessageSink& sink) {
  if (state_->failover.enabled) return subscribe_with_failover(state_, request, sink);
  const auto member = state_->view().pick();
  if (!member) return nullptr;
  return state_->members[*member].connector->subscribe(request, sink);
}

void GroupConnector::publish(MessagePtr message, Qos qos, PublishCompletion done) {
  if (state_->failover.enabled) return publish_with_failover(state_, std::move(message), qos, std::move(done));
  const auto member = state_->view().pick();
  if (!member) return complete_publish(std::move(done), boost::asio::error::not_found);
  state_->members[*member].connector->publish(std::move(message), qos, std::move(done));
}

const DynamicConfig* GroupConnector::dynamic_config() const {
  return state_->members.size() == 1 ? state_->members.front().connector->dynamic_config() : nullptr;
}

void GroupConnector::publish_with(PluginConfigPtr config, MessagePtr message, Qos qos, PublishCompletion done) {
  // One member: retrying it on failure would only try the same endpoint again.
  if (config && state_->members.size() == 1)
    return state_->members.front().connector->publish_with(std::move(config), std::move(message), qos,
                                                           std::move(done));
  publish(std::move(message), qos, std::move(done));
}

void GroupConnector::stop() {
  for (auto& m : state_->members) m.connector->stop();
}

}  // namespace gantry
