// Where one health check request goes: the endpoint's server and path combined with the check's target, as
// Gravitee's health check does through the endpoint connector.
#pragma once

#include "endpoints/http_proxy/config.hpp"
#include "services/http_health_check/config.hpp"

#include <string>

namespace gantry {

struct HealthCheckRequest {
  http_proxy::Target server;   // scheme, host and port to connect to (the endpoint's unless the target is absolute)
  std::string request_target;  // "/endpoint/health?x=1"
};

// An absolute target is used as is. A path replaces the endpoint's path when override_endpoint_path is set and is
// appended to it otherwise; the endpoint's query comes first, then the target's (Gravitee's order).
HealthCheckRequest health_check_request(const HealthCheckConfig& config, const http_proxy::Target& endpoint);

}  // namespace gantry
