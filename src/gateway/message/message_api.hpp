// A deployed message API's runtime: its entrypoints (per listener), its endpoint connectors (one per endpoint of the
// first group, behind a GroupConnector when there is a choice to make), its flow chain and its live streams. Built once at deploy time; stop() ends every stream when the API is retired or replaced.
#pragma once

#include "core/definition/model.hpp"
#include "core/json/diagnostics.hpp"
#include "core/registry/registry.hpp"
#include "gateway/message/live_streams.hpp"
#include "gateway/message/message_entrypoint.hpp"
#include "gateway/message/phase_chain.hpp"

#include <boost/asio/awaitable.hpp>

#include <map>
#include <memory>
#include <vector>

namespace gantry {

class MessageApi {
 public:
  // Null (with problems under JSON paths in `diag`) when a connector cannot serve this API.
  static std::shared_ptr<MessageApi> create(std::shared_ptr<const ApiDefinition> def, const Registry& registry,
                                            Diagnostics& diag, const PolicyServices& services = {});
  ~MessageApi();

  const ApiDefinition& definition() const { return *def_; }

  // Picks the entrypoint for the request and serves the exchange with it.
  boost::asio::awaitable<void> handle(Exchange& ex);

  // Ends every open stream (each on its own thread) and refuses new ones. Callable from any thread; idempotent.
  void stop();

  std::size_t open_streams() const { return streams_.size(); }

  // For subscription listeners (webhook), whose deliveries the gateway drives itself: the context a Subscriber
  // of `entrypoint` works with (its `phases` left for the caller to set: MessagePhaseRun's run without a request),
  // the API's flows, and the endpoint its `dlq` names (null when it has none).
  MessageContext context(const Entrypoint& entrypoint) {
    return MessageContext{*def_, entrypoint, *endpoint_, nullptr, streams_};
  }
  const MessagePhaseChain& phase_chain() const { return phases_; }
  EndpointConnector* dlq_endpoint(const Entrypoint& entrypoint) const;

 private:
  struct BoundEntrypoint {
    const Entrypoint* definition;
    std::shared_ptr<MessageEntrypoint> runtime;
  };
  const BoundEntrypoint* select(const RequestParser::value_type& request) const;
  // The subscription the client's API key names on this API; null for none.
  std::shared_ptr<const SubscriptionInfo> subscription_of(const Exchange& ex) const;
  bool create_endpoints(const Registry& registry, Diagnostics& diag);
  void create_dlqs(const Registry& registry, Diagnostics& diag);
  bool is_member(const std::shared_ptr<EndpointConnector>& connector) const;

  std::shared_ptr<const ApiDefinition> def_;
  std::vector<BoundEntrypoint> entrypoints_;  // most specific first
  std::shared_ptr<EndpointConnector> endpoint_;  // a member's connector, or the GroupConnector over them
  std::map<const Endpoint*, std::shared_ptr<EndpointConnector>> members_;  // each endpoint of the first group
  // Dead-letter endpoints of subscription entrypoints (may be endpoint_ itself).
  std::vector<std::pair<const Entrypoint*, std::shared_ptr<EndpointConnector>>> dlqs_;
  MessagePhaseChain phases_{nullptr};
  const SubscriptionDirectory* subscriptions_ = nullptr;  // API keys -> subscriptions; may be null
  el::Map properties_;  // #properties for the endpoint's dynamic configuration when the API has no flows
  LiveStreams streams_;

  explicit MessageApi(std::shared_ptr<const ApiDefinition> def);
};

}  // namespace gantry
