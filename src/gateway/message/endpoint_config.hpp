// The endpoint configuration one exchange works with (Gravitee's dynamic configuration, see
// core/message/dynamic_config.hpp and the contract in core/message/endpoint_connector.hpp): the connector's
// DynamicConfig evaluated against the request that opened the exchange and its context attributes (after the
// request phase), once per exchange and endpoint. An endpoint without EL costs nothing when no attribute under its
// prefix is set.
#pragma once

#include "core/definition/model.hpp"
#include "core/el/value.hpp"
#include "gateway/exchange.hpp"
#include "gateway/flows/exchange_el.hpp"

#include <optional>
#include <string>

namespace gantry {

class EndpointConnector;
class MessagePhaseRun;

class ExchangeEndpointConfig {
 public:
  // `ex`: the request (null for a run without one: webhook). `phases`: the exchange's flows, null when the API has
  // none. `api_properties`: #properties for an API without flows. All outlive this object.
  ExchangeEndpointConfig(const Exchange* ex, const MessagePhaseRun* phases, const el::Map& api_properties,
                         std::string_view api_id);

  struct Result {
    PluginConfigPtr config;  // null: the deployed configuration
    bool invalid = false;    // the evaluated configuration does not validate (logged): 500 "Invalid configuration"
  };
  // The configuration for `endpoint` (evaluated at the first call for it).
  const Result& of(const EndpointConnector& endpoint);

 private:
  const el::Context& el_context();

  const Exchange* ex_;
  const MessagePhaseRun* phases_;
  const el::Map& api_properties_;
  std::string_view api_id_;
  const EndpointConnector* evaluated_for_ = nullptr;
  Result result_;
  std::optional<ExchangeElContext> own_el_;  // for an API without flows
};

}  // namespace gantry
