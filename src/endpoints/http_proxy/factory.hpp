// The "http-proxy" endpoint factory: parses and validates an endpoint's target and shared configuration.
#pragma once

#include "core/registry/registry.hpp"

#include <memory>

namespace gantry {

std::unique_ptr<EndpointFactory> make_http_proxy_endpoint_factory();

}  // namespace gantry
