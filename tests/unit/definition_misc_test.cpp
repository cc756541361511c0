// Loading v4 definitions: properties, resources, failover, flow execution, analytics and response templates.
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

json::value with(json::value v, std::string_view key, std::string_view json_text) {
  v.as_object()[key] = json::parse(json_text);
  return v;
}

TEST(DefinitionMisc, PropertiesAndResources) {
  auto v = with(minimal_proxy(), "properties",
                R"([{"key": "k", "value": "v", "encrypted": true, "dynamic": false}, {"key": "e"}])");
  v = with(v, "resources", R"([{"name": "cache", "type": "cache", "enabled": false, "configuration": {"ttl": 1}}])");
  auto r = load(v);
  ASSERT_TRUE(r.api) << testing::PrintToString(lines(r.diag));
  ASSERT_EQ(r.api->properties.size(), 2u);
  EXPECT_EQ(r.api->properties[0].key, "k");
  EXPECT_EQ(r.api->properties[0].value, "v");
  EXPECT_TRUE(r.api->properties[0].encrypted);
  EXPECT_EQ(r.api->properties[1].value, "");
  ASSERT_EQ(r.api->resources.size(), 1u);
  EXPECT_EQ(r.api->resources[0].name, "cache");
  EXPECT_FALSE(r.api->resources[0].enabled);
  EXPECT_EQ(r.api->resources[0].configuration, json::parse(R"({"ttl": 1})"));

  v = with(v, "properties", R"([{"key": "k"}, {"key": "k"}, {"value": 1}])");
  v = with(v, "resources", R"([{"name": "a", "type": "t"}, {"name": "a", "type": "t"}, {"name": "b"}])");
  EXPECT_EQ(lines(load(v).diag), (std::vector<std::string>{"$.properties[1].key: duplicate property key 'k'",
                                                           "$.properties[2]: missing required field 'key'",
                                                           "$.properties[2].value: expected a string",
                                                           "$.resources[1].name: duplicate resource name 'a'",
                                                           "$.resources[2]: missing required field 'type'"}));
}

TEST(DefinitionMisc, Failover) {
  auto r = load(minimal_proxy());
  ASSERT_TRUE(r.api);
  EXPECT_FALSE(r.api->failover.enabled);
  EXPECT_EQ(r.api->failover.max_retries, 2);
  auto v = with(minimal_proxy(), "failover", R"({"enabled": true, "maxRetries": 3, "slowCallDuration": 500,
    "openStateDuration": 1000, "maxFailures": 2, "perSubscription": false, "failureCondition": "{#response.status >= 500}",
    "forceNextEndpointOnFailure": true})");
  r = load(v);
  ASSERT_TRUE(r.api) << testing::PrintToString(lines(r.diag));
  const auto& f = r.api->failover;
  EXPECT_TRUE(f.enabled);
  EXPECT_EQ(f.max_retries, 3);
  EXPECT_EQ(f.slow_call_duration, std::chrono::milliseconds(500));
  EXPECT_EQ(f.open_state_duration, std::chrono::milliseconds(1000));
  EXPECT_EQ(f.max_failures, 2);
  EXPECT_FALSE(f.per_subscription);
  EXPECT_EQ(f.failure_condition, "{#response.status >= 500}");
  EXPECT_TRUE(f.force_next_endpoint_on_failure);

  v = with(minimal_proxy(), "failover", R"({"maxRetries": -1, "slowCallDuration": "2s"})");
  EXPECT_EQ(lines(load(v).diag), (std::vector<std::string>{"$.failover.maxRetries: must be at least 0 (got -1)",
                                                           "$.failover.slowCallDuration: expected an integer"}));

  v = with(minimal_proxy(), "failover", R"({"enabled": true, "failureCondition": "{#response.status >= }"})");
  auto problems = lines(load(v).diag);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].rfind("$.failover.failureCondition: ", 0), 0u) << problems[0];
}

TEST(DefinitionMisc, FlowExecution) {
  for (auto [given, expected] : std::vector<std::pair<std::string, FlowMode>>{{"default", FlowMode::default_},
                                                                             {"DEFAULT", FlowMode::default_},
                                                                             {"best-match", FlowMode::best_match},
                                                                             {"BEST_MATCH", FlowMode::best_match}}) {
    auto v = minimal_proxy();
    v.as_object()["flowExecution"] = {{"mode", given}, {"matchRequired", true}};
    auto r = load(v);
    ASSERT_TRUE(r.api) << given;
    EXPECT_EQ(r.api->flow_execution.mode, expected);
    EXPECT_TRUE(r.api->flow_execution.match_required);
  }
  auto v = with(minimal_proxy(), "flowExecution", R"({"mode": "best"})");
  EXPECT_EQ(lines(load(v).diag),
            std::vector<std::string>{"$.flowExecution.mode: unknown flow mode 'best' (known: best-match, default)"});
}

TEST(DefinitionMisc, AnalyticsIsKeptAsWritten) {
  auto v = with(minimal_proxy(), "analytics", R"({"enabled": true, "logging": {"mode": {"entrypoint": true}}})");
  auto r = load(v);
  ASSERT_TRUE(r.api);
  EXPECT_TRUE(r.api->analytics_enabled);
  EXPECT_EQ(r.api->analytics, v.at("analytics"));
  EXPECT_TRUE(r.diag.problems().empty());
  v = with(minimal_proxy(), "analytics", R"({"enabled": "yes"})");
  EXPECT_EQ(lines(load(v).diag), std::vector<std::string>{"$.analytics.enabled: expected a boolean"});
}

TEST(DefinitionMisc, ResponseTemplates) {
  auto v = with(minimal_proxy(), "responseTemplates", R"({
    "GATEWAY_CLIENT_CONNECTION_ERROR": {"*/*": {"status": 502, "headers": {"Content-Type": "text/plain"},
                                                "body": "down", "propagateErrorKeyToLogs": true},
                                        "application/json": {"statusCode": 503, "body": "{}"}}})");
  auto r = load(v);
  ASSERT_TRUE(r.api) << testing::PrintToString(lines(r.diag));
  const auto& by_type = r.api->response_templates.at("GATEWAY_CLIENT_CONNECTION_ERROR");
  const auto& any = by_type.at("*/*");
  EXPECT_EQ(any.status, 502);
  EXPECT_EQ(any.headers.at("Content-Type"), "text/plain");
  EXPECT_EQ(any.body, "down");
  EXPECT_TRUE(any.propagate_error_key_to_logs);
  EXPECT_EQ(by_type.at("application/json").status, 503);

  v = with(minimal_proxy(), "responseTemplates", R"({"A": {"*/*": {"status": 42, "headers": {"X": 1}}}, "B": []})");
  EXPECT_EQ(lines(load(v).diag),
            (std::vector<std::string>{"$.responseTemplates.A['*/*'].status: must be an HTTP status between 100 and "
                                      "599 (got 42)",
                                      "$.responseTemplates.A['*/*'].headers.X: expected a string",
                                      "$.responseTemplates.B: expected an object"}));
}

}  // namespace
}  // namespace gantry::test
