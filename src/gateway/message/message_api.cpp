#include "gateway/message/message_api.hpp"

#include "core/message/dynamic_config.hpp"
#include "core/message/endpoint_connector.hpp"
#include "gateway/api_key.hpp"
#include "gateway/client_identity.hpp"
#include "gateway/message/endpoint_config.hpp"
#include "gateway/message/group_connector.hpp"
#include "gateway/request_deadline.hpp"
#include "gateway/subscription_directory.hpp"

#include <algorithm>

namespace gantry {

MessageApi::MessageApi(std::shared_ptr<const ApiDefinition> def) : def_(def) {}

MessageApi::~MessageApi() { stop(); }

namespace {

std::string entrypoint_path(std::size_t listener, std::size_t index) {
  return path_field(path_index(path_field(path_index("$.listeners", listener), "entrypoints"), index), "type");
}

// The endpoint a dlq names: an endpoint by name, or a group (its first endpoint). Null when none matches.
const Endpoint* find_dlq_endpoint(const ApiDefinition& def, const std::string& name) {
  for (const auto& group : def.endpoint_groups)
    for (const auto& endpoint : group.endpoints)
      if (endpoint.name == name) return &endpoint;
  for (const auto& group : def.endpoint_groups)
    if (group.name == name && !group.endpoints.empty()) return &group.endpoints.front();
  return nullptr;
}

}  // namespace

void MessageApi::create_dlqs(const Registry& registry, Diagnostics& diag) {
  for (std::size_t i = 0; i < def_->listeners.size(); ++i) {
    const auto& listener = def_->listeners[i];
    if (listener.type != ListenerType::subscription) continue;
    for (std::size_t j = 0; j < listener.entrypoints.size(); ++j) {
      const auto& entrypoint = listener.entrypoints[j];
      if (!entrypoint.dlq || entrypoint.dlq->endpoint.empty()) continue;
      const auto* target = find_dlq_endpoint(*def_, entrypoint.dlq->endpoint);
      if (!target) continue;  // the definition parser reported it
      if (auto member = members_.find(target); member != members_.end()) {  // an endpoint of the serving group
        dlqs_.emplace_back(&entrypoint, member->second);
        continue;
      }
      const auto* factory = registry.endpoint(target->type);
      auto connector = factory ? factory->create_message_endpoint(*target) : nullptr;
      if (!connector) {
        diag.error(path_field(path_field(path_index(path_field(path_index("$.listeners", i), "entrypoints"), j), "dlq"),
                              "endpoint"),
                   "dlq endpoint '" + target->name + "' (" + target->type + ") cannot receive messages");
        continue;
      }
      dlqs_.emplace_back(&entrypoint, std::move(connector));
    }
  }
}

bool MessageApi::is_member(const std::shared_ptr<EndpointConnector>& connector) const {
  for (const auto& [endpoint, member] : members_)
    if (member == connector) return true;
  return false;
}

EndpointConnector* MessageApi::dlq_endpoint(const Entrypoint& entrypoint) const {
  for (const auto& [owner, connector] : dlqs_)
    if (owner == &entrypoint) return connector.get();
  return nullptr;
}

std::shared_ptr<MessageApi> MessageApi::create(std::shared_ptr<const ApiDefinition> def, const Registry& registry,
                                               Diagnostics& diag, const PolicyServices& services) {
  std::shared_ptr<MessageApi> api(new MessageApi(def));
  api->phases_ = MessagePhaseChain(FlowChain::compile(*def, services));
  api->subscriptions_ = services.subscriptions;
  for (const auto& p : def->properties) api->properties_.insert_or_assign(p.key, el::Value(p.value));
  const std::size_t errors_before = diag.error_count();
  for (std::size_t i = 0; i < def->listeners.size(); ++i) {
    const auto& listener = def->listeners[i];
    // Subscription listeners (webhook) are served from stored subscriptions, not from client requests.
    if (listener.type != ListenerType::http) continue;
    for (std::size_t j = 0; j < listener.entrypoints.size(); ++j) {
      const auto& entrypoint = listener.entrypoints[j];
      const auto* factory = registry.entrypoint(entrypoint.type);
      auto runtime = factory ? factory->create_message_entrypoint(entrypoint) : nullptr;
      if (!runtime) {
        diag.error(entrypoint_path(i, j), "entrypoint '" + entrypoint.type + "' cannot serve message APIs yet");
        continue;
      }
      api->entrypoints_.push_back({&entrypoint, std::move(runtime)});
    }
  }
  std::stable_sort(api->entrypoints_.begin(), api->entrypoints_.end(), [](const auto& a, const auto& b) {
    return a.runtime->specificity() > b.runtime->specificity();
  });
  // Messages go to the endpoints of the first group, as in Gravitee when no flow routes elsewhere.
  if (def->endpoint_groups.empty() || def->endpoint_groups.front().endpoints.empty()) {
    diag.error("$.endpointGroups", "a message API needs at least one endpoint");
  } else if (api->create_endpoints(registry, diag)) {
    api->create_dlqs(registry, diag);
  }
  if (diag.error_count() != errors_before) return nullptr;
  return api;
}

bool MessageApi::create_endpoints(const Registry& registry, Diagnostics& diag) {
  const EndpointGroup& group = def_->endpoint_groups.front();
  std::vector<GroupConnector::Member> members;
  for (std::size_t i = 0; i < group.endpoints.size(); ++i) {
    const Endpoint& endpoint = group.endpoints[i];
    const auto* factory = registry.endpoint(endpoint.type);
    auto connector = factory ? factory->create_message_endpoint(endpoint) : nullptr;
    if (!connector) {
      diag.error(path_field(path_index("$.endpointGroups[0].endpoints", i), "type"),
                 "endpoint '" + endpoint.type + "' cannot serve message APIs yet");
      continue;
    }
    members_.emplace(&endpoint, connector);
    members.push_back({endpoint.name, std::move(connector), endpoint.secondary, endpoint.weight});
  }
  if (members.size() != group.endpoints.size()) {
    for (auto& m : members) m.connector->stop();
    return false;
  }
  if (members.size() > 1)
    for (std::size_t i = 0; i < members.size(); ++i)
      if (const auto* dynamic = members[i].connector->dynamic_config(); dynamic && dynamic->has_expressions())
        diag.warning(path_field(path_index("$.endpointGroups[0].endpoints", i), "configuration"),
                     "expressions in an endpoint's configuration are evaluated only in a group of one endpoint; "
                     "here they are taken as written");
  // One endpoint without failover needs no selection: the engine talks to its connector directly.
  if (members.size() == 1 && !def_->failover.enabled) endpoint_ = members.front().connector;
  else endpoint_ = std::make_shared<GroupConnector>(std::move(members), group.load_balancer, def_->failover);
  return true;
}

const MessageApi::BoundEntrypoint* MessageApi::select(const RequestParser::value_type& request) const {
  for (const auto& bound : entrypoints_)
    if (bound.runtime->matches(request)) return &bound;
  return nullptr;
}

std::shared_ptr<const SubscriptionInfo> MessageApi::subscription_of(const Exchange& ex) const {
  if (!subscriptions_) return nullptr;
  const std::string key = presented_api_key(ex);
  if (key.empty()) return nullptr;
  return subscriptions_->current()->find(def_->id, key, now_epoch_ms());
}

boost::asio::awaitable<void> MessageApi::handle(Exchange& ex) {
  const auto* bound = select(ex.parser.get());
  if (!bound) co_return co_await write_error(ex, GatewayErrc::no_entrypoint);
  // The request that opens the stream (or posts the message) goes through the request phase first, as in
  // Gravitee: rate-limit, ip-filtering, transform-headers... answer or change it before any message moves.
  auto subscription = subscription_of(ex);
  assign_client_identifier(ex, subscription ? std::string_view(subscription->id) : std::string_view());
  MessagePhaseRun run(phases_, ex, bound->definition->type, operations_of(bound->definition->type),
                      std::move(subscription));
  if (phases_.flows()) {  // without flows there is nothing to wait for here
    auto opened = run.open();
    const std::optional<bool> proceed = co_await within_request_deadline(ex, std::move(opened));
    if (!proceed || !*proceed) co_return;
  }
  MessagePhaseRun* phases = phases_.flows() ? &run : nullptr;
  ExchangeEndpointConfig endpoint_config(&ex, phases, properties_, def_->id);
  MessageContext ctx{*def_, *bound->definition, *endpoint_, phases, streams_, &endpoint_config,
                     ex.client_identifier};
  // Gravitee evaluates the endpoint's dynamic configuration before it connects, and refuses the request when the
  // result does not validate.
  if (endpoint_config.of(ctx.endpoint).invalid)
    co_return co_await write_error(ex, GatewayErrc::endpoint_configuration_invalid);
  co_await bound->runtime->serve(ex, ctx);
}

void MessageApi::stop() {
  streams_.stop_all();
  if (endpoint_) endpoint_->stop();  // a group stops each of its members
  for (auto& [owner, connector] : dlqs_)
    if (connector != endpoint_ && !is_member(connector)) connector->stop();
}

}  // namespace gantry
