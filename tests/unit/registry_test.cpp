// The plugin registry: lookups, sorted type lists, refusal of a type registered twice; the http-proxy entrypoint.
#include "definition_test_fakes.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace gantry::test {
namespace {

TEST(Registry, LooksUpEachKindByType) {
  auto r = make_test_registry();
  ASSERT_TRUE(r->entrypoint("sse"));
  EXPECT_EQ(r->entrypoint("sse")->type(), "sse");
  EXPECT_EQ(r->entrypoint("kafka"), nullptr);
  ASSERT_TRUE(r->endpoint("kafka"));
  EXPECT_EQ(r->endpoint("sse"), nullptr);
  ASSERT_TRUE(r->policy("rate-limit"));
  EXPECT_EQ(r->policy("rate-limit")->phases(), unsigned(phase_request));
  ASSERT_TRUE(r->service("http-health-check"));
  EXPECT_EQ(r->service("nope"), nullptr);
}

TEST(Registry, TypeListsAreSorted) {
  auto r = make_test_registry();
  EXPECT_EQ(r->entrypoint_types(),
            (std::vector<std::string>{"http-get", "http-post", "http-proxy", "sse", "webhook", "websocket"}));
  EXPECT_EQ(r->endpoint_types(), (std::vector<std::string>{"http-proxy", "kafka", "mock"}));
  EXPECT_EQ(r->policy_types(), (std::vector<std::string>{"message-filtering", "rate-limit", "transform-headers"}));
  EXPECT_EQ(r->service_types(), std::vector<std::string>{"http-health-check"});
  Registry empty;
  EXPECT_TRUE(empty.entrypoint_types().empty());
}

TEST(Registry, DuplicateTypeThrows) {
  Registry r;
  r.add(std::make_unique<FakePolicy>("rate-limit", phase_request));
  try {
    r.add(std::make_unique<FakePolicy>("rate-limit", phase_response));
    FAIL() << "expected std::logic_error";
  } catch (const std::logic_error& e) {
    EXPECT_STREQ(e.what(), "policy type 'rate-limit' is registered twice");
  }
  // The same name in another kind is fine: an entrypoint and an endpoint are both "http-proxy".
  r.add(std::make_unique<FakeEntrypoint>("rate-limit", std::vector{ApiType::proxy}, std::vector{ListenerType::http}));
  EXPECT_NO_THROW(r.add(make_http_proxy_entrypoint_factory()));
  EXPECT_THROW(r.add(make_http_proxy_entrypoint_factory()), std::logic_error);
}

TEST(Registry, BuiltinsRegisterWithoutClashes) {
  Registry r;
  register_builtins(r);
  EXPECT_TRUE(r.entrypoint("http-proxy"));
  EXPECT_TRUE(r.endpoint("http-proxy"));
  EXPECT_TRUE(r.service("http-health-check"));
}

TEST(HttpProxyEntrypoint, Capabilities) {
  auto f = make_http_proxy_entrypoint_factory();
  EXPECT_EQ(f->type(), "http-proxy");
  EXPECT_EQ(f->capabilities().api_types, std::vector<ApiType>{ApiType::proxy});
  EXPECT_EQ(f->capabilities().listener_types, std::vector<ListenerType>{ListenerType::http});
  EXPECT_TRUE(f->capabilities().request_response);
  Diagnostics d;
  EXPECT_TRUE(f->parse_config(boost::json::value(), "$.c", d));
  EXPECT_TRUE(f->parse_config(boost::json::object(), "$.c", d));
  EXPECT_TRUE(d.problems().empty());
  EXPECT_TRUE(f->parse_config(boost::json::value(3), "$.c", d));
  EXPECT_EQ(lines(d), std::vector<std::string>{"$.c: expected an object"});
}

}  // namespace
}  // namespace gantry::test
