// The "http-health-check" service factory: validates an endpoint's or endpoint group's health check at deploy time.
#pragma once

#include "core/registry/registry.hpp"

#include <memory>

namespace gantry {

std::unique_ptr<ServiceFactory> make_http_health_check_factory();

}  // namespace gantry
