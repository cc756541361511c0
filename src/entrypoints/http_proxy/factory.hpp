// The "http-proxy" entrypoint: plain HTTP request/response in front of a proxy API.
#pragma once

#include "core/registry/registry.hpp"

#include <memory>

namespace gantry {

std::unique_ptr<EntrypointFactory> make_http_proxy_entrypoint_factory();

}  // namespace gantry
