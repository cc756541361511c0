// The "kafka" endpoint factory: Gravitee's configuration shape, parsed once at deploy time; capabilities per the
// seed 001 QoS matrix's "Kafka advanced" column (none, auto, at-most-once, at-least-once; resumable).
#pragma once

#include "core/registry/registry.hpp"

#include <memory>

namespace gantry {

std::unique_ptr<EndpointFactory> make_kafka_endpoint_factory();

}  // namespace gantry
