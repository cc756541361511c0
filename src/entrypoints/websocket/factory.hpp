// The "websocket" entrypoint factory: a two-way stream; frames from the client are published, the endpoint's
// messages are sent as frames.
#pragma once

#include "core/registry/registry.hpp"

#include <memory>

namespace gantry {

std::unique_ptr<EntrypointFactory> make_websocket_entrypoint_factory();

}  // namespace gantry
