// The v4 API definition (Gravitee "definitionVersion": "4.0.0") as parsed, validated, immutable values.
#pragma once

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace gantry {

// A connector's or policy's configuration after its own parser validated it. Each plugin derives its own type and
// downcasts (static_cast) in its runtime; the registry guarantees the pairing.
struct PluginConfig {
  virtual ~PluginConfig() = default;
};
using PluginConfigPtr = std::shared_ptr<const PluginConfig>;

enum class ApiType { proxy, message, native };
enum class Qos { none, auto_, at_most_once, at_least_once };
enum class ListenerType { http, subscription, tcp, kafka };
enum class LoadBalancerType { round_robin, random, weighted_round_robin, weighted_random };
enum class PathOperator { starts_with, equals };
enum class FlowMode { default_, best_match };

struct ListenerPath {
  std::string host;  // empty = any host
  std::string path;  // normalised: starts with '/', no trailing '/' except for "/" itself
  bool override_access = false;
};

struct Dlq {
  std::string endpoint;  // name of an endpoint or endpoint group
};

struct Entrypoint {
  std::string type;
  Qos qos = Qos::auto_;
  bool qos_given = false;  // false: the definition has no "qos" (auto, or the pair's first honoured level)
  std::optional<Dlq> dlq;
  boost::json::value configuration;  // as written
  PluginConfigPtr config;            // as parsed by the entrypoint's factory
};

struct Cors {
  bool enabled = false;
  std::vector<std::string> allow_origin, allow_methods, allow_headers, expose_headers;
  bool allow_credentials = false;
  std::int64_t max_age = -1;
  bool run_policies = false;
  bool allow_private_network = false;
};

struct Listener {
  ListenerType type = ListenerType::http;
  std::vector<ListenerPath> paths;       // http
  std::vector<std::string> path_mappings;
  std::vector<std::string> hosts;        // tcp
  std::vector<std::string> servers;      // restrict to named server ids
  std::optional<Cors> cors;
  std::vector<Entrypoint> entrypoints;
};

struct ServiceConfig {  // e.g. a health check: {enabled, type, configuration}
  bool enabled = false;
  std::string type;
  boost::json::value configuration;
  PluginConfigPtr config;
  bool override_configuration = false;
};

struct EndpointServices {
  std::optional<ServiceConfig> health_check;
};

struct Endpoint {
  std::string name;
  std::string type;
  int weight = 1;
  bool inherit_configuration = true;
  bool secondary = false;
  std::vector<std::string> tenants;
  boost::json::value configuration;
  boost::json::value shared_configuration_override;
  EndpointServices services;
  PluginConfigPtr config;  // endpoint configuration merged with the effective shared configuration, parsed
};

struct EndpointGroup {
  std::string name;
  std::string type;
  LoadBalancerType load_balancer = LoadBalancerType::round_robin;
  boost::json::value shared_configuration;
  struct {
    std::optional<ServiceConfig> health_check;
    std::optional<ServiceConfig> discovery;
  } services;
  std::vector<Endpoint> endpoints;
};

struct Step {
  std::string name;
  std::string description;
  bool enabled = true;
  std::string policy;
  std::string condition;          // EL, evaluated once per request
  std::string message_condition;  // EL, evaluated per message
  boost::json::value configuration;
  PluginConfigPtr config;
};

struct HttpSelector {
  std::string path = "/";
  PathOperator path_operator = PathOperator::starts_with;
  std::vector<std::string> methods;  // empty = every method
};
struct ChannelSelector {
  std::string channel = "/";
  PathOperator channel_operator = PathOperator::starts_with;
  std::vector<std::string> operations;   // PUBLISH, SUBSCRIBE
  std::vector<std::string> entrypoints;  // entrypoint types
};
struct ConditionSelector {
  std::string condition;  // EL
};
using Selector = std::variant<HttpSelector, ChannelSelector, ConditionSelector>;

struct Flow {
  std::string id;
  std::string name;
  bool enabled = true;
  std::vector<Selector> selectors;
  std::vector<Step> request, response, publish, subscribe, entrypoint_connect, interact;
  std::vector<std::string> tags;
};

struct PlanSecurity {
  std::string type;  // key-less, api-key, jwt, oauth2, mtls
  boost::json::value configuration;
};

struct Plan {
  std::string id;
  std::string name;
  std::string description;
  PlanSecurity security;
  std::string mode = "STANDARD";     // STANDARD | PUSH
  std::string status = "PUBLISHED";  // STAGING | PUBLISHED | DEPRECATED | CLOSED
  std::string validation = "AUTO";   // AUTO | MANUAL
  std::string selection_rule;
  std::vector<std::string> tags;
  std::vector<std::string> characteristics;
  std::vector<std::string> excluded_groups;
  bool comment_required = false;
  std::string type = "API";  // API | CATALOG
  std::string definition_version = "4.0.0";
  std::vector<Flow> flows;
};

struct Property {
  std::string key;
  std::string value;
  bool encrypted = false;
  bool dynamic = false;
};

struct Resource {
  std::string name;
  std::string type;
  bool enabled = true;
  boost::json::value configuration;
};

struct Failover {
  bool enabled = false;
  int max_retries = 2;
  std::chrono::milliseconds slow_call_duration{2000};
  std::chrono::milliseconds open_state_duration{10000};
  int max_failures = 5;
  bool per_subscription = true;
  std::string failure_condition;  // EL
  bool force_next_endpoint_on_failure = false;
};

struct FlowExecution {
  FlowMode mode = FlowMode::default_;
  bool match_required = false;
};

struct ResponseTemplate {
  int status = 0;
  std::map<std::string, std::string> headers;
  std::string body;
  bool propagate_error_key_to_logs = false;
};

struct ApiDefinition {
  std::string id;
  std::string name;
  std::string api_version;
  std::string definition_version = "4.0.0";
  std::string description;
  ApiType type = ApiType::proxy;
  std::vector<std::string> tags;
  std::vector<Listener> listeners;
  std::vector<EndpointGroup> endpoint_groups;
  std::vector<Flow> flows;
  std::vector<Plan> plans;
  std::vector<Property> properties;
  std::vector<Resource> resources;
  Failover failover;
  FlowExecution flow_execution;
  boost::json::value analytics;  // kept as written; `enabled` is read by the gateway
  bool analytics_enabled = false;
  // error key (e.g. GATEWAY_CLIENT_CONNECTION_ERROR) -> media type (e.g. "application/json", "*/*") -> template
  std::map<std::string, std::map<std::string, ResponseTemplate>> response_templates;
  boost::json::value raw;  // the whole definition as the user wrote it (lossless export)
};

std::string_view to_string(ApiType);
std::string_view to_string(Qos);
std::string_view to_string(LoadBalancerType);
std::string_view to_string(ListenerType);
std::string_view to_string(PathOperator);
std::string_view to_string(FlowMode);

}  // namespace gantry
