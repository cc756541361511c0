// Loading v4 definitions: flows, selectors, steps and plans.
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

TEST(DefinitionFlows, SelectorsAndSteps) {
  auto v = with(minimal_proxy(), "flows", R"([{"id": "f1", "name": "all", "enabled": false, "tags": ["t"],
    "selectors": [{"type": "http", "path": "/books", "pathOperator": "START_WITH", "methods": ["get", "POST"]},
                  {"type": "CONDITION", "condition": "{#request.headers['x'] != null}"}],
    "request": [{"name": "limit", "description": "d", "enabled": true, "policy": "rate-limit",
                 "condition": "{#true}", "configuration": {"size": 5}}],
    "response": [{"policy": "transform-headers"}]}])");
  auto r = load(v);
  ASSERT_TRUE(r.api) << testing::PrintToString(lines(r.diag));
  const auto& f = r.api->flows.at(0);
  EXPECT_EQ(f.id, "f1");
  EXPECT_EQ(f.name, "all");
  EXPECT_FALSE(f.enabled);
  EXPECT_EQ(f.tags, std::vector<std::string>{"t"});
  ASSERT_EQ(f.selectors.size(), 2u);
  const auto& http = std::get<HttpSelector>(f.selectors[0]);
  EXPECT_EQ(http.path, "/books");
  EXPECT_EQ(http.path_operator, PathOperator::starts_with);
  EXPECT_EQ(http.methods, (std::vector<std::string>{"GET", "POST"}));
  EXPECT_EQ(std::get<ConditionSelector>(f.selectors[1]).condition, "{#request.headers['x'] != null}");
  ASSERT_EQ(f.request.size(), 1u);
  EXPECT_EQ(f.request[0].name, "limit");
  EXPECT_EQ(f.request[0].policy, "rate-limit");
  EXPECT_EQ(f.request[0].condition, "{#true}");
  EXPECT_EQ(f.request[0].configuration, json::parse(R"({"size": 5})"));
  EXPECT_TRUE(f.request[0].config);
  EXPECT_EQ(f.response.at(0).policy, "transform-headers");
  EXPECT_TRUE(f.response[0].enabled);
}

TEST(DefinitionFlows, ChannelSelectorSpellings) {
  auto v = with(minimal_message(), "flows", R"([{"selectors": [
      {"type": "channel", "channel": "/a", "channel-operator": "EQUALS", "operation": ["SUBSCRIBE"]},
      {"type": "channel", "channelOperator": "STARTS_WITH", "operations": ["publish"], "entrypoints": ["sse"]}],
    "subscribe": [{"policy": "message-filtering", "messageCondition": "{#message.content == 'x'}"}]}])");
  auto r = load(v);
  ASSERT_TRUE(r.api) << testing::PrintToString(lines(r.diag));
  const auto& s0 = std::get<ChannelSelector>(r.api->flows[0].selectors[0]);
  EXPECT_EQ(s0.channel, "/a");
  EXPECT_EQ(s0.channel_operator, PathOperator::equals);
  EXPECT_EQ(s0.operations, std::vector<std::string>{"SUBSCRIBE"});
  const auto& s1 = std::get<ChannelSelector>(r.api->flows[0].selectors[1]);
  EXPECT_EQ(s1.channel, "/");
  EXPECT_EQ(s1.channel_operator, PathOperator::starts_with);
  EXPECT_EQ(s1.operations, std::vector<std::string>{"PUBLISH"});
  EXPECT_EQ(s1.entrypoints, std::vector<std::string>{"sse"});
  EXPECT_EQ(r.api->flows[0].subscribe.at(0).message_condition, "{#message.content == 'x'}");
}

TEST(DefinitionFlows, PolicyProblems) {
  auto v = with(minimal_proxy(), "flows", R"([{"request": [{"policy": "rate-limt"}, {"policy": "message-filtering"},
      {"name": "no policy"}, {"policy": "rate-limit", "configuration": {"size": "big"}}],
    "publish": [{"policy": "rate-limit"}],
    "entrypointConnect": [{"policy": "transform-headers"}], "interact": [{"policy": "message-filtering"}]}])");
  EXPECT_EQ(lines(load(v).diag),
            (std::vector<std::string>{
                "$.flows[0].request[0].policy: unknown policy 'rate-limt' (did you mean 'rate-limit'? known: "
                "message-filtering, rate-limit, transform-headers)",
                "$.flows[0].request[1].policy: policy 'message-filtering' cannot run in the request phase (it runs "
                "in: publish, subscribe)",
                "$.flows[0].request[2]: missing required field 'policy'",
                "$.flows[0].request[3].configuration.size: expected an integer",
                "$.flows[0].publish[0].policy: policy 'rate-limit' cannot run in the publish phase (it runs in: "
                "request)",
                "$.flows[0].interact[0].policy: policy 'message-filtering' cannot run in the interact phase (it runs "
                "in: publish, subscribe)"}));
}

TEST(DefinitionFlows, SelectorProblems) {
  auto v = with(minimal_proxy(), "flows", R"([{"selectors": [{"type": "htp", "path": "/"},
      {"type": "http", "pathOperator": "BEGINS", "methods": ["GTE"]}, {"type": "condition"}, {}]}])");
  EXPECT_EQ(lines(load(v).diag),
            (std::vector<std::string>{
                "$.flows[0].selectors[0].type: unknown selector type 'htp' (did you mean 'http'? known: channel, "
                "condition, http)",
                "$.flows[0].selectors[1].pathOperator: unknown path operator 'BEGINS' (known: EQUALS, STARTS_WITH)",
                "$.flows[0].selectors[1].methods[0]: unknown HTTP method 'GTE' (did you mean 'GET'? known: CONNECT, "
                "DELETE, GET, HEAD, OPTIONS, OTHER, PATCH, POST, PUT, TRACE)",
                "$.flows[0].selectors[2]: missing required field 'condition'",
                "$.flows[0].selectors[3]: missing required field 'type'"}));
}

TEST(DefinitionFlows, V2LeftoversAreAcceptedAndNamedWhenNotEmpty) {
  auto v = with(minimal_proxy(), "flows", R"([{"name": "a", "methods": [], "post": [], "condition": ""},
    {"name": "b", "post": [{"policy": "rate-limit"}]}])");
  auto r = load(v);
  EXPECT_TRUE(r.api);
  EXPECT_EQ(lines(r.diag), std::vector<std::string>{
                               "$.flows[1].post: warning: ignored: 'post' is a v2 flow field (v4 flows use selectors "
                               "and the request, response, publish and subscribe phases)"});
}

TEST(DefinitionPlans, AsAList) {
  auto v = with(minimal_proxy(), "plans", R"([{"id": "p1", "name": "Keyless", "description": "free",
    "security": {"type": "KEY_LESS"}, "mode": "standard", "status": "published", "validation": "MANUAL",
    "selectionRule": "{#true}", "tags": ["t"], "characteristics": ["c"], "excludedGroups": ["g"],
    "comment_required": true, "type": "API", "definitionVersion": "V4",
    "flows": [{"request": [{"policy": "rate-limit"}]}]},
    {"id": "p2", "name": "Keys", "security": {"type": "api-key", "configuration": {"propagateApiKey": true}}}])");
  auto r = load(v);
  ASSERT_TRUE(r.api) << testing::PrintToString(lines(r.diag));
  ASSERT_EQ(r.api->plans.size(), 2u);
  const auto& p1 = r.api->plans[0];
  EXPECT_EQ(p1.id, "p1");
  EXPECT_EQ(p1.name, "Keyless");
  EXPECT_EQ(p1.description, "free");
  EXPECT_EQ(p1.security.type, "key-less");
  EXPECT_EQ(p1.mode, "STANDARD");
  EXPECT_EQ(p1.status, "PUBLISHED");
  EXPECT_EQ(p1.validation, "MANUAL");
  EXPECT_EQ(p1.selection_rule, "{#true}");
  EXPECT_EQ(p1.characteristics, std::vector<std::string>{"c"});
  EXPECT_EQ(p1.excluded_groups, std::vector<std::string>{"g"});
  EXPECT_TRUE(p1.comment_required);
  EXPECT_EQ(p1.definition_version, "V4");
  ASSERT_EQ(p1.flows.size(), 1u);
  EXPECT_EQ(p1.flows[0].request.at(0).policy, "rate-limit");
  const auto& p2 = r.api->plans[1];
  EXPECT_EQ(p2.security.type, "api-key");
  EXPECT_EQ(p2.security.configuration, json::parse(R"({"propagateApiKey": true})"));
  EXPECT_EQ(p2.mode, "STANDARD");
  EXPECT_EQ(p2.status, "PUBLISHED");
}

TEST(DefinitionPlans, AsAMapKeyedById) {
  auto v = with(minimal_proxy(), "plans", R"({"free": {"name": "Free", "security": {"type": "keyless"}},
    "other": {"id": "explicit", "name": "Other", "security": {"type": "JWT"}, "commentRequired": true}})");
  auto r = load(v);
  ASSERT_TRUE(r.api) << testing::PrintToString(lines(r.diag));
  ASSERT_EQ(r.api->plans.size(), 2u);
  EXPECT_EQ(r.api->plans[0].id, "free");
  EXPECT_EQ(r.api->plans[0].security.type, "key-less");
  EXPECT_EQ(r.api->plans[1].id, "explicit");
  EXPECT_EQ(r.api->plans[1].security.type, "jwt");
  EXPECT_TRUE(r.api->plans[1].comment_required);
}

TEST(DefinitionPlans, Problems) {
  auto v = with(minimal_proxy(), "plans", R"({"a": {"name": "A", "security": {"type": "apikey"}, "mode": "PULL"},
    "b": {"security": {}}, "c b": {"name": "C"}, "d": 3})");
  EXPECT_EQ(lines(load(v).diag),
            (std::vector<std::string>{
                "$.plans.a.security.type: unknown plan security type 'apikey' (did you mean 'api-key'? known: "
                "api-key, jwt, key-less, mtls, oauth2)",
                "$.plans.a.mode: unknown plan mode 'PULL' (known: PUSH, STANDARD)",
                "$.plans.b: missing required field 'name'",
                "$.plans.b.security: missing required field 'type'",
                "$.plans['c b']: missing required field 'security'",
                "$.plans.d: expected an object"}));
  v.as_object()["plans"] = "none";
  EXPECT_EQ(lines(load(v).diag),
            std::vector<std::string>{"$.plans: expected an array or an object keyed by plan id"});
  v.as_object()["plans"] = json::parse(R"([{"id": "x", "name": "A", "security": {"type": "mtls"}},
                                           {"id": "x", "name": "B", "security": {"type": "oauth2"}}])");
  EXPECT_EQ(lines(load(v).diag), std::vector<std::string>{"$.plans[1].id: duplicate plan id 'x'"});
}

}  // namespace
}  // namespace gantry::test
