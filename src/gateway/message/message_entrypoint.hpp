// The run-time side of a message entrypoint (sse, websocket, http-get, http-post): it recognises its requests and
// owns the client side of an exchange, joining it to the API's endpoint through the message engine.
#pragma once

#include "core/definition/model.hpp"
#include "gateway/exchange.hpp"

#include <boost/asio/awaitable.hpp>

#include <string_view>

namespace gantry {

class EndpointConnector;
class ExchangeEndpointConfig;
class LiveStreams;
class MessagePhaseRun;

// What an entrypoint gets for one exchange: the deployed API's endpoint, flows and stream registry.
struct MessageContext {
  const ApiDefinition& api;
  const Entrypoint& entrypoint;  // its definition: qos, dlq
  EndpointConnector& endpoint;   // the API's endpoint: the first group's, balanced (GroupConnector)
  MessagePhaseRun* phases;  // this exchange's flows (publish/subscribe steps); null when the API has none
  LiveStreams& streams;
  // The endpoint's configuration evaluated for this exchange (dynamic configuration); null: the deployed one.
  ExchangeEndpointConfig* endpoint_config = nullptr;
  std::string_view client_identifier = {};  // Gravitee's client identifier (gateway/client_identity.hpp); "" = none
};

class MessageEntrypoint {
 public:
  virtual ~MessageEntrypoint() = default;
  virtual std::string_view type() const = 0;
  // How much of the request the match looks at: on a listener with several entrypoints the most specific match
  // wins (a WebSocket upgrade or an SSE Accept header over a plain GET).
  virtual int specificity() const = 0;
  virtual bool matches(const RequestParser::value_type& request) const = 0;
  // Serves the exchange to its end (a response, or a stream until either side ends it).
  virtual boost::asio::awaitable<void> serve(Exchange& ex, MessageContext& ctx) const = 0;
};

}  // namespace gantry
