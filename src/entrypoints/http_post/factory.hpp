// The "http-post" entrypoint factory: each POST body becomes one message published to the endpoint.
#pragma once

#include "core/registry/registry.hpp"

#include <memory>

namespace gantry {

std::unique_ptr<EntrypointFactory> make_http_post_entrypoint_factory();

}  // namespace gantry
