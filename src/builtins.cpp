// The one explicit list of built-in plugins. A new entrypoint, endpoint, policy or service is added here.
#include "core/registry/registry.hpp"
#include "endpoints/http_proxy/factory.hpp"
#include "endpoints/kafka/factory.hpp"
#include "endpoints/mock/factory.hpp"
#include "endpoints/mqtt5/factory.hpp"
#include "entrypoints/http_get/factory.hpp"
#include "entrypoints/http_post/factory.hpp"
#include "entrypoints/http_proxy/factory.hpp"
#include "entrypoints/sse/factory.hpp"
#include "entrypoints/webhook/factory.hpp"
#include "entrypoints/websocket/factory.hpp"
#include "policies/assign_attributes/assign_attributes.hpp"
#include "policies/assign_content/assign_content.hpp"
#include "policies/cache/cache.hpp"
#include "policies/ip_filtering/ip_filtering.hpp"
#include "policies/json_to_xml/json_to_xml.hpp"
#include "policies/latency/latency.hpp"
#include "policies/message_filtering/message_filtering.hpp"
#include "policies/message_rate_limit/message_rate_limit.hpp"
#include "policies/mock/mock.hpp"
#include "policies/override_http_method/override_http_method.hpp"
#include "policies/rate_limit/limiter.hpp"
#include "policies/retry/retry.hpp"
#include "policies/transform_headers/transform_headers.hpp"
#include "policies/url_rewriting/url_rewriting.hpp"
#include "policies/xml_to_json/xml_to_json.hpp"
#include "services/http_health_check/factory.hpp"

namespace gantry {

void register_builtins(Registry& registry) {
  registry.add(make_http_proxy_entrypoint_factory());
  registry.add(make_http_proxy_endpoint_factory());
  registry.add(make_kafka_endpoint_factory());
  registry.add(make_mqtt5_endpoint_factory());
  registry.add(make_http_health_check_factory());
  // Message APIs
  registry.add(make_sse_entrypoint_factory());
  registry.add(make_http_get_entrypoint_factory());
  registry.add(make_http_post_entrypoint_factory());
  registry.add(make_websocket_entrypoint_factory());
  registry.add(make_webhook_entrypoint_factory());
  registry.add(make_mock_endpoint_factory());

  // Policies (issue 8).
  registry.add(make_transform_headers_factory());
  registry.add(make_rate_limit_factory());
  registry.add(make_quota_factory());
  registry.add(make_spike_arrest_factory());
  registry.add(make_ip_filtering_factory());
  registry.add(make_assign_attributes_factory("policy-assign-attributes"));
  registry.add(make_assign_attributes_factory("assign-attributes"));
  registry.add(make_mock_factory());
  registry.add(make_override_http_method_factory());
  registry.add(make_latency_factory());
  registry.add(make_message_filtering_factory());
  registry.add(make_message_rate_limit_factory());
  registry.add(make_assign_content_factory("policy-assign-content"));
  registry.add(make_assign_content_factory("assign-content"));
  registry.add(make_json_to_xml_factory("json-xml"));
  registry.add(make_json_to_xml_factory("json-to-xml"));
  registry.add(make_xml_to_json_factory("xml-json"));
  registry.add(make_xml_to_json_factory("xml-to-json"));
  registry.add(make_url_rewriting_factory());
  registry.add(make_retry_factory());
  registry.add(make_cache_factory());
}

}  // namespace gantry
