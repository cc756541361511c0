// The "mqtt5" endpoint factory: MQTT 5 brokers behind message APIs (configuration and capabilities).
#pragma once

#include "core/registry/registry.hpp"

#include <memory>

namespace gantry {

std::unique_ptr<EndpointFactory> make_mqtt5_endpoint_factory();

}  // namespace gantry
