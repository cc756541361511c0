// The "mock" endpoint factory: Gravitee's message generator endpoint, for trying every entrypoint without a broker.
#pragma once

#include "core/registry/registry.hpp"

#include <memory>

namespace gantry {

std::unique_ptr<EndpointFactory> make_mock_endpoint_factory();

}  // namespace gantry
