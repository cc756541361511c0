#include "gateway/message/endpoint_config.hpp"

#include "core/message/dynamic_config.hpp"
#include "core/message/endpoint_connector.hpp"
#include "gateway/message/phase_chain.hpp"

#include <spdlog/spdlog.h>

namespace gantry {

namespace {
const el::Map no_entries;
const el::EmptyContext no_roots{};
}  // namespace

ExchangeEndpointConfig::ExchangeEndpointConfig(const Exchange* ex, const MessagePhaseRun* phases,
                                               const el::Map& api_properties, std::string_view api_id)
    : ex_(ex), phases_(phases), api_properties_(api_properties), api_id_(api_id) {}

const el::Context& ExchangeEndpointConfig::el_context() {
  if (phases_ && phases_->el_context()) return *phases_->el_context();
  if (!ex_) return no_roots;
  if (!own_el_) own_el_.emplace(*ex_, api_properties_, no_entries, no_entries);
  return *own_el_;
}

const ExchangeEndpointConfig::Result& ExchangeEndpointConfig::of(const EndpointConnector& endpoint) {
  if (evaluated_for_ == &endpoint) return result_;
  evaluated_for_ = &endpoint;
  result_ = {};
  const DynamicConfig* dynamic = endpoint.dynamic_config();
  if (!dynamic) return result_;
  if (!dynamic->has_expressions() && !(phases_ && phases_->has_attribute_prefix(dynamic->attribute_prefix())))
    return result_;
  const MessageFields attributes = phases_ ? phases_->context_attributes() : MessageFields{};
  auto evaluation = dynamic->evaluate(el_context(), attributes);
  if (evaluation.ok()) {
    result_.config = std::move(evaluation.config);
    return result_;
  }
  spdlog::warn("{}: invalid {} endpoint configuration for this request: {}", api_id_, endpoint.type(),
               evaluation.describe());
  result_.invalid = true;
  return result_;
}

}  // namespace gantry
