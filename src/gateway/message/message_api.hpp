// A deployed message API's runtime: its entrypoints (per listener), its endpoint connector, its flow chain and
// its live streams. Built once at deploy time; stop() ends every stream when the API is retired or replaced.
#pragma once

#include "core/definition/model.hpp"
#include "core/json/diagnostics.hpp"
#include "core/registry/registry.hpp"
#include "gateway/message/live_streams.hpp"
#include "gateway/message/message_entrypoint.hpp"
#include "gateway/message/phase_chain.hpp"

#include <boost/asio/awaitable.hpp>

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
  void create_dlqs(const Registry& registry, Diagnostics& diag);

  std::shared_ptr<const ApiDefinition> def_;
  std::vector<BoundEntrypoint> entrypoints_;  // most specific first
  std::shared_ptr<EndpointConnector> endpoint_;
  // Dead-letter endpoints of subscription entrypoints (may be endpoint_ itself).
  std::vector<std::pair<const Entrypoint*, std::shared_ptr<EndpointConnector>>> dlqs_;
  MessagePhaseChain phases_{nullptr};
  el::Map properties_;  // #properties for the endpoint's dynamic configuration when the API has no flows
  LiveStreams streams_;

  explicit MessageApi(std::shared_ptr<const ApiDefinition> def);
};

}  // namespace gantry
