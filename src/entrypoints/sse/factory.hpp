// The "sse" entrypoint factory: server-sent events streams of an API's messages.
#pragma once

#include "core/registry/registry.hpp"

#include <memory>

namespace gantry {

std::unique_ptr<EntrypointFactory> make_sse_entrypoint_factory();

}  // namespace gantry
