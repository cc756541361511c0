// Loading v4 definitions: endpoint groups, endpoints, shared configuration and services.
#include "definition_test_fakes.hpp"

#include <gtest/gtest.h>

namespace gantry::test {
namespace {

namespace json = boost::json;

struct Loaded {
  std::shared_ptr<const ApiDefinition> api;
  Diagnostics diag;
};

Loaded load(const json::value& v) {
  static const auto registry = make_test_registry();
  Loaded out;
  out.api = load_definition(v, *registry, out.diag);
  return out;
}

json::value with_groups(json::value v, std::string_view groups) {
  v.as_object()["endpointGroups"] = json::parse(groups);
  return v;
}

const FakeEndpointConfig& fake_config(const Endpoint& e) {
  EXPECT_TRUE(e.config);
  return static_cast<const FakeEndpointConfig&>(*e.config);
}

TEST(DefinitionEndpoints, FieldsAndDefaults) {
  auto v = with_groups(minimal_proxy(), R"([{"name": "g", "type": "http-proxy", "loadBalancer": {"type": "WEIGHTED_RANDOM"},
    "endpoints": [
      {"name": "a", "type": "http-proxy", "configuration": {"target": "http://a"}},
      {"name": "b", "type": "http-proxy", "weight": 3, "inheritConfiguration": false, "secondary": true,
       "tenants": ["eu"], "configuration": {"target": "http://b"}}]}])");
  auto r = load(v);
  ASSERT_TRUE(r.api) << testing::PrintToString(lines(r.diag));
  const auto& g = r.api->endpoint_groups.at(0);
  EXPECT_EQ(g.load_balancer, LoadBalancerType::weighted_random);
  const auto& a = g.endpoints.at(0);
  EXPECT_EQ(a.weight, 1);
  EXPECT_TRUE(a.inherit_configuration);
  EXPECT_FALSE(a.secondary);
  const auto& b = g.endpoints.at(1);
  EXPECT_EQ(b.weight, 3);
  EXPECT_FALSE(b.inherit_configuration);
  EXPECT_TRUE(b.secondary);
  EXPECT_EQ(b.tenants, std::vector<std::string>{"eu"});
  EXPECT_EQ(fake_config(b).configuration, json::parse(R"({"target": "http://b"})"));
  EXPECT_EQ(fake_config(b).path, "$.endpointGroups[0].endpoints[1].configuration");
}

TEST(DefinitionEndpoints, LoadBalancerSpellings) {
  for (auto [given, expected] : std::vector<std::pair<std::string, LoadBalancerType>>{
           {"round-robin", LoadBalancerType::round_robin},
           {"ROUND_ROBIN", LoadBalancerType::round_robin},
           {"random", LoadBalancerType::random},
           {"weighted-round-robin", LoadBalancerType::weighted_round_robin},
           {"WEIGHTED_RANDOM", LoadBalancerType::weighted_random}}) {
    auto v = minimal_proxy();
    v.at("endpointGroups").at(0).as_object()["loadBalancer"] = {{"type", given}};
    auto r = load(v);
    ASSERT_TRUE(r.api) << given;
    EXPECT_EQ(r.api->endpoint_groups[0].load_balancer, expected) << given;
  }
  auto v = minimal_proxy();
  v.at("endpointGroups").at(0).as_object()["loadBalancer"] = {{"type", "ROUND_ROBINN"}};
  EXPECT_EQ(lines(load(v).diag), std::vector<std::string>{
                                     "$.endpointGroups[0].loadBalancer.type: unknown load balancer type "
                                     "'ROUND_ROBINN' (did you mean 'round-robin'? known: random, round-robin, "
                                     "weighted-random, weighted-round-robin)"});
}

TEST(DefinitionEndpoints, InheritConfigurationChoosesTheSharedConfiguration) {
  auto v = with_groups(minimal_proxy(), R"([{"name": "g", "type": "http-proxy",
    "sharedConfiguration": {"http": {"readTimeout": 1}},
    "endpoints": [
      {"name": "inherits", "type": "http-proxy", "inheritConfiguration": true,
       "sharedConfigurationOverride": {"http": {"readTimeout": 2}}},
      {"name": "overrides", "type": "http-proxy", "inheritConfiguration": false,
       "sharedConfigurationOverride": {"http": {"readTimeout": 3}}},
      {"name": "overrides-nothing", "type": "http-proxy", "inheritConfiguration": false}]}])");
  auto r = load(v);
  ASSERT_TRUE(r.api) << testing::PrintToString(lines(r.diag));
  const auto& endpoints = r.api->endpoint_groups[0].endpoints;
  EXPECT_EQ(fake_config(endpoints[0]).shared, json::parse(R"({"http": {"readTimeout": 1}})"));
  EXPECT_EQ(fake_config(endpoints[0]).shared_path, "$.endpointGroups[0].sharedConfiguration");
  EXPECT_EQ(fake_config(endpoints[1]).shared, json::parse(R"({"http": {"readTimeout": 3}})"));
  EXPECT_EQ(fake_config(endpoints[1]).shared_path, "$.endpointGroups[0].endpoints[1].sharedConfigurationOverride");
  EXPECT_TRUE(fake_config(endpoints[2]).shared.is_null());
  EXPECT_EQ(fake_config(endpoints[2]).shared_path, "$.endpointGroups[0].endpoints[2].sharedConfigurationOverride");
}

TEST(DefinitionEndpoints, DuplicateNames) {
  auto v = with_groups(minimal_proxy(), R"([
    {"name": "g", "type": "http-proxy", "endpoints": [{"name": "a", "type": "http-proxy"}]},
    {"name": "g", "type": "http-proxy", "endpoints": [{"name": "a", "type": "http-proxy"}, {"name": "g", "type": "http-proxy"}]}])");
  EXPECT_EQ(lines(load(v).diag),
            (std::vector<std::string>{
                "$.endpointGroups[1].name: duplicate endpoint group name 'g'",
                "$.endpointGroups[1].endpoints[0].name: duplicate endpoint name 'a'",
                "$.endpointGroups[1].endpoints[1].name: warning: endpoint name 'g' is also the name of an endpoint "
                "group"}));
}

TEST(DefinitionEndpoints, TypeProblems) {
  auto v = with_groups(minimal_message(), R"([
    {"name": "g1", "type": "kafka", "endpoints": [{"name": "a", "type": "mock"}]},
    {"name": "g2", "type": "http-proxy", "endpoints": [{"name": "b", "type": "http-proxy"}]},
    {"name": "g3", "type": "kafak", "endpoints": [{"name": "c", "type": "kafak"}]},
    {"name": "g4", "type": "mock", "endpoints": []},
    {"name": "g:5", "type": "mock", "endpoints": [{"name": "d", "type": "mock", "weight": 0}]}])");
  EXPECT_EQ(lines(load(v).diag),
            (std::vector<std::string>{
                "$.endpointGroups[0].endpoints[0].type: endpoint type 'mock' does not match its group's type 'kafka'",
                "$.endpointGroups[1].type: endpoint 'http-proxy' cannot be used in a message API (it supports: proxy)",
                "$.endpointGroups[2].type: unknown endpoint type 'kafak' (did you mean 'kafka'? known: http-proxy, "
                "kafka, mock)",
                "$.endpointGroups[3].endpoints: must not be empty",
                "$.endpointGroups[4].name: name must not contain ':' (got 'g:5')",
                "$.endpointGroups[4].endpoints[0].weight: must be at least 1 (got 0)"}));
}

TEST(DefinitionEndpoints, MissingAndEmpty) {
  auto v = minimal_proxy();
  v.as_object().erase("endpointGroups");
  EXPECT_EQ(lines(load(v).diag), std::vector<std::string>{"$: missing required field 'endpointGroups'"});
  v.as_object()["endpointGroups"] = json::array();
  EXPECT_EQ(lines(load(v).diag), std::vector<std::string>{"$.endpointGroups: must not be empty"});
  v = with_groups(minimal_proxy(), R"([{"endpoints": [{}]}])");
  EXPECT_EQ(lines(load(v).diag), (std::vector<std::string>{"$.endpointGroups[0]: missing required field 'name'",
                                                           "$.endpointGroups[0]: missing required field 'type'",
                                                           "$.endpointGroups[0].endpoints[0]: missing required field "
                                                           "'name'",
                                                           "$.endpointGroups[0].endpoints[0]: missing required field "
                                                           "'type'"}));
}

TEST(DefinitionEndpoints, HealthCheckServices) {
  auto v = with_groups(minimal_proxy(), R"([{"name": "g", "type": "http-proxy",
    "services": {"healthCheck": {"enabled": true, "type": "http-health-check", "configuration": {"size": 1}}},
    "endpoints": [
      {"name": "a", "type": "http-proxy", "services": {"healthCheck": {"enabled": true, "overrideConfiguration": false}}},
      {"name": "b", "type": "http-proxy", "services": {"healthCheck": {"enabled": true, "type": "http-health-check",
        "overrideConfiguration": true, "configuration": {"size": 2}}}}]}])");
  auto r = load(v);
  ASSERT_TRUE(r.api) << testing::PrintToString(lines(r.diag));
  const auto& g = r.api->endpoint_groups[0];
  ASSERT_TRUE(g.services.health_check);
  EXPECT_TRUE(g.services.health_check->enabled);
  EXPECT_EQ(g.services.health_check->type, "http-health-check");
  EXPECT_TRUE(g.services.health_check->config);
  const auto& a = g.endpoints[0].services.health_check;
  ASSERT_TRUE(a);
  EXPECT_EQ(a->type, "http-health-check");
  EXPECT_EQ(a->configuration, json::parse(R"({"size": 1})"));
  EXPECT_EQ(a->config, g.services.health_check->config);
  const auto& b = g.endpoints[1].services.health_check;
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->override_configuration);
  EXPECT_EQ(b->configuration, json::parse(R"({"size": 2})"));
  EXPECT_NE(b->config, g.services.health_check->config);
}

TEST(DefinitionEndpoints, ServiceProblems) {
  auto v = with_groups(minimal_proxy(), R"([{"name": "g", "type": "http-proxy",
    "services": {"healthCheck": {"enabled": true, "type": "http-helth-check"},
                 "discovery": {"enabled": true, "type": "consul-service-discovery"}},
    "endpoints": [{"name": "a", "type": "http-proxy",
      "services": {"healthCheck": {"enabled": true, "type": "http-health-check", "overrideConfiguration": true,
                                   "configuration": {"size": "x"}}}},
      {"name": "b", "type": "http-proxy", "services": {"healthCheck": {"enabled": false, "type": "nothing-known"}}}]}])");
  EXPECT_EQ(lines(load(v).diag),
            (std::vector<std::string>{
                "$.endpointGroups[0].services.healthCheck.type: unknown service type 'http-helth-check' (did you mean "
                "'http-health-check'? known: http-health-check)",
                "$.endpointGroups[0].services.discovery.type: unknown service type 'consul-service-discovery' (known: "
                "http-health-check)",
                "$.endpointGroups[0].endpoints[0].services.healthCheck.configuration.size: expected an integer"}));
}

}  // namespace
}  // namespace gantry::test
