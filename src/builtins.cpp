// The one explicit list of built-in plugins. A new entrypoint, endpoint, policy or service is added here.
#include "core/registry/registry.hpp"
#include "endpoints/http_proxy/factory.hpp"
#include "endpoints/mock/factory.hpp"
#include "entrypoints/http_get/factory.hpp"
#include "entrypoints/http_post/factory.hpp"
#include "entrypoints/http_proxy/factory.hpp"
#include "entrypoints/sse/factory.hpp"
#include "entrypoints/websocket/factory.hpp"
#include "services/http_health_check/factory.hpp"

namespace gantry {

void register_builtins(Registry& registry) {
  registry.add(make_http_proxy_entrypoint_factory());
  registry.add(make_http_proxy_endpoint_factory());
  registry.add(make_http_health_check_factory());
  // Message APIs
  registry.add(make_sse_entrypoint_factory());
  registry.add(make_http_get_entrypoint_factory());
  registry.add(make_http_post_entrypoint_factory());
  registry.add(make_websocket_entrypoint_factory());
  registry.add(make_mock_endpoint_factory());
}

}  // namespace gantry
