// The one explicit list of built-in plugins. A new entrypoint, endpoint, policy or service is added here.
#include "core/registry/registry.hpp"
#include "endpoints/http_proxy/factory.hpp"
#include "endpoints/mqtt5/factory.hpp"
#include "entrypoints/http_proxy/factory.hpp"
#include "services/http_health_check/factory.hpp"

namespace gantry {

void register_builtins(Registry& registry) {
  registry.add(make_http_proxy_entrypoint_factory());
  registry.add(make_http_proxy_endpoint_factory());
  registry.add(make_mqtt5_endpoint_factory());
  registry.add(make_http_health_check_factory());
}

}  // namespace gantry
