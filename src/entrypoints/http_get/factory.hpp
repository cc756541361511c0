// The "http-get" entrypoint factory: a client pulls a batch of messages per request, paging with a cursor.
#pragma once

#include "core/registry/registry.hpp"

#include <memory>

namespace gantry {

std::unique_ptr<EntrypointFactory> make_http_get_entrypoint_factory();

}  // namespace gantry
