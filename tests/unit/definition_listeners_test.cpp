// Loading v4 definitions: the top level, listeners and entrypoints.
#include "definition_test_fakes.hpp"

#include <gtest/gtest.h>

namespace gantry::test {
namespace {

namespace json = boost::json;

struct Loaded {
  std::shared_ptr<const ApiDefinition> api;
  Diagnostics diag;
};

Loaded load(const json::value& v, const Registry& r) {
  Loaded out;
  out.api = load_definition(v, r, out.diag);
  return out;
}

Loaded load(const json::value& v) {
  static const auto registry = make_test_registry();
  return load(v, *registry);
}

json::object& listener0(json::value& v) { return v.at("listeners").at(0).as_object(); }

TEST(DefinitionTopLevel, MinimalProxyLoads) {
  auto v = minimal_proxy();
  auto r = load(v);
  ASSERT_TRUE(r.api) << testing::PrintToString(lines(r.diag));
  EXPECT_TRUE(r.diag.problems().empty()) << testing::PrintToString(lines(r.diag));
  EXPECT_EQ(r.api->id, "api-1");
  EXPECT_EQ(r.api->name, "My API");
  EXPECT_EQ(r.api->api_version, "1.0");
  EXPECT_EQ(r.api->type, ApiType::proxy);
  ASSERT_EQ(r.api->listeners.size(), 1u);
  EXPECT_EQ(r.api->listeners[0].paths[0].path, "/test");
  ASSERT_EQ(r.api->listeners[0].entrypoints.size(), 1u);
  EXPECT_EQ(r.api->listeners[0].entrypoints[0].type, "http-proxy");
  EXPECT_TRUE(r.api->listeners[0].entrypoints[0].config);
  EXPECT_EQ(r.api->raw, v);
}

TEST(DefinitionTopLevel, ReportsEveryProblemAtOnce) {
  auto v = minimal_proxy();
  v.as_object().erase("name");
  listener0(v)["entrypoints"].at(0).as_object()["type"] = "htp-proxy";
  v.at("endpointGroups").at(0).at("endpoints").at(0).as_object()["weight"] = "heavy";
  auto r = load(v);
  EXPECT_FALSE(r.api);
  EXPECT_EQ(lines(r.diag),
            (std::vector<std::string>{
                "$: missing required field 'name'",
                "$.listeners[0].entrypoints[0].type: unknown entrypoint type 'htp-proxy' (did you mean 'http-proxy'? "
                "known: http-get, http-post, http-proxy, sse, webhook, websocket)",
                "$.endpointGroups[0].endpoints[0].weight: expected an integer"}));
}

// CONTRACT.md's example, with the known list in the registry's sorted order.
TEST(DefinitionTopLevel, UnknownEntrypointMessageMatchesTheContract) {
  Registry registry;
  add_message_entrypoints(registry);
  registry.add(std::make_unique<FakeEndpoint>("kafka", std::vector{ApiType::message}));
  auto v = minimal_message();
  listener0(v)["entrypoints"].at(0).as_object()["type"] = "sse2";
  auto r = load(v, registry);
  EXPECT_FALSE(r.api);
  EXPECT_EQ(lines(r.diag), std::vector<std::string>{
                               "$.listeners[0].entrypoints[0].type: unknown entrypoint type 'sse2' (did you mean "
                               "'sse'? known: http-get, http-post, sse, webhook, websocket)"});
}

TEST(DefinitionTopLevel, EmptyRegistrySaysKnownNone) {
  Registry registry;
  auto r = load(minimal_proxy(), registry);
  EXPECT_EQ(lines(r.diag),
            (std::vector<std::string>{
                "$.listeners[0].entrypoints[0].type: unknown entrypoint type 'http-proxy' (known: none)",
                "$.endpointGroups[0].type: unknown endpoint type 'http-proxy' (known: none)"}));
}

TEST(DefinitionTopLevel, UnknownFieldsAreWarningsAndTheApiStillLoads) {
  auto v = minimal_proxy();
  v.as_object()["flws"] = json::array();
  v.as_object()["somethingNew"] = 1;
  listener0(v)["pathz"] = json::array();
  auto r = load(v);
  EXPECT_TRUE(r.api);
  EXPECT_EQ(lines(r.diag), (std::vector<std::string>{
                               "$.listeners[0].pathz: warning: unknown field 'pathz' (did you mean 'paths'?)",
                               "$.flws: warning: unknown field 'flws' (did you mean 'flows'?)",
                               "$.somethingNew: warning: unknown field 'somethingNew'"}));
}

TEST(DefinitionTopLevel, ExportMetadataIsAcceptedSilently) {
  auto v = minimal_proxy();
  auto& o = v.as_object();
  for (const char* key : {"crossId", "lifecycleState", "visibility", "labels", "categories", "groups",
                          "disableMembershipNotifications", "metadata", "pictureUrl", "state", "deployedAt",
                          "createdAt", "updatedAt", "environmentId", "definitionContext", "primaryOwner",
                          "apiLifecycleState", "services"})
    o[key] = nullptr;
  o["primaryOwner"] = json::parse(R"({"id": "u1", "displayName": "Admin", "type": "USER"})");
  auto r = load(v);
  EXPECT_TRUE(r.api);
  EXPECT_TRUE(r.diag.problems().empty()) << testing::PrintToString(lines(r.diag));
}

TEST(DefinitionTopLevel, ApiTypes) {
  auto v = minimal_message();
  v.as_object()["type"] = "async";
  auto r = load(v);
  ASSERT_TRUE(r.api) << testing::PrintToString(lines(r.diag));
  EXPECT_EQ(r.api->type, ApiType::message);

  auto p = minimal_proxy();
  p.as_object()["type"] = "PROXY";
  EXPECT_TRUE(load(p).api);

  p.as_object()["type"] = "native";
  EXPECT_EQ(lines(load(p).diag),
            std::vector<std::string>{"$.type: API type 'native' is not supported (supported: proxy, message)"});

  p.as_object()["type"] = "proxi";
  EXPECT_EQ(lines(load(p).diag),
            std::vector<std::string>{"$.type: unknown API type 'proxi' (did you mean 'proxy'? known: message, proxy)"});

  p.as_object().erase("type");
  EXPECT_EQ(lines(load(p).diag), std::vector<std::string>{"$: missing required field 'type'"});
}

TEST(DefinitionTopLevel, OnlyVersion4) {
  auto v = minimal_proxy();
  v.as_object()["definitionVersion"] = "2.0.0";
  EXPECT_EQ(lines(load(v).diag), std::vector<std::string>{
                                     "$.definitionVersion: only v4 definitions are supported (definitionVersion "
                                     "'2.0.0')"});
  v.as_object().erase("definitionVersion");
  v.as_object()["gravitee"] = "4.0.0";
  auto r = load(v);
  ASSERT_TRUE(r.api);
  EXPECT_EQ(r.api->definition_version, "4.0.0");
  EXPECT_TRUE(r.diag.problems().empty());
}

TEST(DefinitionTopLevel, NotAnObject) {
  auto r = load(json::value(json::array()));
  EXPECT_EQ(lines(r.diag), std::vector<std::string>{"$: expected an object"});
}

TEST(DefinitionTopLevel, MalformedText) {
  Diagnostics d;
  auto registry = make_test_registry();
  EXPECT_FALSE(load_definition("{\"name\": }", *registry, d));
  EXPECT_EQ(lines(d), std::vector<std::string>{"$: malformed JSON at line 1, column 10: syntax error"});
}

TEST(DefinitionListeners, PathsAreNormalised) {
  auto v = minimal_proxy();
  listener0(v)["paths"] = json::parse(
      R"([{"path": "//a//b/"}, {"path": "/"}, {"path": "/c/", "host": "api.example.com", "overrideAccess": true}])");
  auto r = load(v);
  ASSERT_TRUE(r.api) << testing::PrintToString(lines(r.diag));
  const auto& paths = r.api->listeners[0].paths;
  ASSERT_EQ(paths.size(), 3u);
  EXPECT_EQ(paths[0].path, "/a/b");
  EXPECT_EQ(paths[1].path, "/");
  EXPECT_EQ(paths[2].path, "/c");
  EXPECT_EQ(paths[2].host, "api.example.com");
  EXPECT_TRUE(paths[2].override_access);
}

TEST(DefinitionListeners, PathProblems) {
  auto v = minimal_proxy();
  listener0(v)["paths"] = json::parse(R"([{"path": "test"}, {"path": "/x"}, {"path": "/x/"}, {}])");
  EXPECT_EQ(lines(load(v).diag), (std::vector<std::string>{
                                     "$.listeners[0].paths[0].path: path must start with '/' (got 'test')",
                                     "$.listeners[0].paths[3]: missing required field 'path'",
                                     "$.listeners[0].paths: duplicate path '/x'"}));
  listener0(v)["paths"] = json::array();
  EXPECT_EQ(lines(load(v).diag), std::vector<std::string>{"$.listeners[0].paths: must not be empty"});
}

TEST(DefinitionListeners, ListenerTypes) {
  auto v = minimal_proxy();
  listener0(v)["type"] = "tcp";
  listener0(v).erase("paths");
  listener0(v)["hosts"] = json::parse(R"(["foo.example.com"])");
  EXPECT_EQ(lines(load(v).diag), std::vector<std::string>{"$.listeners[0].type: listener type 'tcp' is not supported"});

  listener0(v)["type"] = "htp";
  EXPECT_EQ(lines(load(v).diag), std::vector<std::string>{
                                     "$.listeners[0].type: unknown listener type 'htp' (did you mean 'http'? known: "
                                     "http, kafka, subscription, tcp)"});
  v.as_object()["listeners"] = json::array();
  EXPECT_EQ(lines(load(v).diag), std::vector<std::string>{"$.listeners: must not be empty"});
}

TEST(DefinitionListeners, EntrypointCapabilities) {
  auto v = minimal_proxy();
  listener0(v)["entrypoints"] = json::parse(R"([{"type": "sse"}])");
  EXPECT_EQ(lines(load(v).diag), std::vector<std::string>{
                                     "$.listeners[0].entrypoints[0].type: entrypoint 'sse' cannot be used in a proxy "
                                     "API (it supports: message)"});
  auto m = minimal_message();
  listener0(m)["entrypoints"] = json::parse(R"([{"type": "http-proxy"}, {"type": "webhook"}])");
  EXPECT_EQ(lines(load(m).diag),
            (std::vector<std::string>{"$.listeners[0].entrypoints[0].type: entrypoint 'http-proxy' cannot be used in a "
                                      "message API (it supports: proxy)",
                                      "$.listeners[0].entrypoints[1].type: entrypoint 'webhook' cannot be used on a "
                                      "listener of type 'http' (it supports: subscription)"}));
}

TEST(DefinitionListeners, SubscriptionListenerAndQos) {
  auto m = minimal_message();
  auto& listeners = m.at("listeners").as_array();
  // Gravitee's own webhook definitions give subscription listeners "paths"; ignored without a word, as Gravitee does.
  listeners.push_back(json::parse(R"({"type": "subscription", "servers": ["s1"], "paths": [{"path": "/x"}],
    "entrypoints": [{"type": "webhook", "qos": "AT_LEAST_ONCE", "dlq": {"endpoint": "default"},
                     "configuration": {"size": 3}}]})"));
  listener0(m)["entrypoints"].at(0).as_object()["qos"] = "at-most-once";
  auto r = load(m);
  ASSERT_TRUE(r.api) << testing::PrintToString(lines(r.diag));
  EXPECT_TRUE(r.diag.problems().empty()) << testing::PrintToString(lines(r.diag));
  EXPECT_EQ(r.api->listeners[0].entrypoints[0].qos, Qos::at_most_once);
  EXPECT_TRUE(r.api->listeners[1].paths.empty());
  const auto& webhook = r.api->listeners[1].entrypoints[0];
  EXPECT_EQ(r.api->listeners[1].type, ListenerType::subscription);
  EXPECT_EQ(r.api->listeners[1].servers, std::vector<std::string>{"s1"});
  EXPECT_EQ(webhook.qos, Qos::at_least_once);
  ASSERT_TRUE(webhook.dlq);
  EXPECT_EQ(webhook.dlq->endpoint, "default");
  EXPECT_EQ(webhook.configuration, json::parse(R"({"size": 3})"));

  listener0(m)["entrypoints"].at(0).as_object()["qos"] = "exactly-once";
  listeners[1].at("entrypoints").at(0).as_object()["dlq"] = json::parse(R"({"endpoint": "nowhere"})");
  listeners[1].at("entrypoints").at(0).as_object()["configuration"] = json::parse(R"({"size": "big"})");
  EXPECT_EQ(lines(load(m).diag),
            (std::vector<std::string>{
                "$.listeners[0].entrypoints[0].qos: unknown qos 'exactly-once' (known: at-least-once, at-most-once, "
                "auto, none)",
                "$.listeners[1].entrypoints[0].configuration.size: expected an integer",
                "$.listeners[1].entrypoints[0].dlq.endpoint: dlq endpoint 'nowhere' is not an endpoint or endpoint "
                "group of this API"}));
}

TEST(DefinitionListeners, HttpListenerExtras) {
  auto v = minimal_proxy();
  listener0(v)["pathMappings"] = json::parse(R"(["/products/:id"])");
  listener0(v)["servers"] = json::parse(R"(["server-1"])");
  listener0(v)["cors"] = json::parse(R"({"enabled": true, "allowOrigin": ["*"], "allowMethods": ["GET"],
    "allowHeaders": ["x-a"], "exposeHeaders": ["x-b"], "allowCredentials": true, "maxAge": 60, "runPolicies": true})");
  auto r = load(v);
  ASSERT_TRUE(r.api) << testing::PrintToString(lines(r.diag));
  const auto& l = r.api->listeners[0];
  EXPECT_EQ(l.path_mappings, std::vector<std::string>{"/products/:id"});
  EXPECT_EQ(l.servers, std::vector<std::string>{"server-1"});
  ASSERT_TRUE(l.cors);
  EXPECT_TRUE(l.cors->enabled);
  EXPECT_EQ(l.cors->allow_origin, std::vector<std::string>{"*"});
  EXPECT_EQ(l.cors->expose_headers, std::vector<std::string>{"x-b"});
  EXPECT_TRUE(l.cors->allow_credentials);
  EXPECT_EQ(l.cors->max_age, 60);
  EXPECT_TRUE(l.cors->run_policies);
}

TEST(DefinitionListeners, HttpProxyEntrypointWarnsAboutUnknownConfiguration) {
  auto v = minimal_proxy();
  listener0(v)["entrypoints"].at(0).as_object()["configuration"] = json::parse(R"({"foo": 1})");
  auto r = load(v);
  EXPECT_TRUE(r.api);
  EXPECT_EQ(lines(r.diag), std::vector<std::string>{
                               "$.listeners[0].entrypoints[0].configuration.foo: warning: unknown field 'foo'"});
}

}  // namespace
}  // namespace gantry::test
