// The message phases of a message API: which flows a stream selects (channel selectors with operations and
// entrypoints), which of their steps it keeps (enabled, condition once per stream) and what each message becomes
// (messageCondition per message; message-filtering, transform-headers, assign-attributes, message-rate-limit).
#include "core/definition/parse.hpp"
#include "core/registry/registry.hpp"
#include "gateway/flows/flow_chain.hpp"
#include "gateway/message/message_el.hpp"
#include "gateway/message/message_steps.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace gantry {
namespace {

std::shared_ptr<const ApiDefinition> load(std::string_view flows) {
  static const auto registry = [] {
    auto r = std::make_unique<Registry>();
    register_builtins(*r);
    return r;
  }();
  std::string text = R"({"id": "m", "name": "M", "apiVersion": "1", "definitionVersion": "4.0.0", "type": "message",
    "listeners": [{"type": "http", "paths": [{"path": "/m"}], "entrypoints": [{"type": "sse"}, {"type": "websocket"},
                                                                          {"type": "http-post"}]}],
    "endpointGroups": [{"name": "g", "type": "mock", "endpoints": [{"name": "e", "type": "mock"}]}],
    "flows": )" + std::string(flows) + "}";
  Diagnostics diag;
  auto def = load_definition(std::string_view(text), *registry, diag);
  for (const auto& p : diag.problems()) ADD_FAILURE() << p.path << ": " << p.message;
  return def;
}

// The stream's own roots (#request...), as a plain map.
class Vars final : public el::Context {
 public:
  el::Map vars;
  el::Value variable(std::string_view name) const override {
    auto it = vars.find(name);
    return it == vars.end() ? el::Value{} : it->second;
  }
};

MessagePtr message(std::string content, MessageFields headers = {}) {
  auto m = std::make_shared<Message>();
  m->content = std::move(content);
  m->headers = std::move(headers);
  return m;
}

// One stream of the API: its selected flows and its subscribe (or publish) steps.
struct Stream {
  std::shared_ptr<const ApiDefinition> def;
  std::shared_ptr<const FlowChain> chain;
  Vars request;
  el::Map attributes;
  std::optional<MessageElContext> el;
  std::vector<const CompiledFlow*> flows;
  MessageSteps steps;
  std::string error;

  Stream(std::string_view flow_json, FlowRequest selection, std::shared_ptr<const SubscriptionInfo> sub = nullptr,
         MessagePhase phase = MessagePhase::subscribe, el::Map request_vars = {})
      : def(load(flow_json)), chain(FlowChain::compile(*def, {})), steps(phase) {
    request.vars = std::move(request_vars);
    el.emplace(&request, std::move(sub));
    selection.el = &request;
    el::Map params;
    chain->select(selection, flows, params);
    EXPECT_TRUE(steps.prepare(flows, phase == MessagePhase::subscribe ? &CompiledFlow::subscribe
                                                                        : &CompiledFlow::publish,
                              *el, error))
        << error;
  }
  MessageOutcome run(MessagePtr m) { return steps.run(std::move(m), *el, attributes); }
};

std::string flow(std::string_view name, std::string_view selectors, std::string_view phase, std::string_view steps) {
  return R"({"name": ")" + std::string(name) + R"(", "selectors": )" + std::string(selectors) + R"(, ")" +
         std::string(phase) + R"(": )" + std::string(steps) + "}";
}

constexpr const char* add_x = R"([{"policy": "transform-headers", "configuration": {"addHeaders": [{"name": "x", "value": "1"}]}}])";

std::vector<std::string> names(const Stream& s) {
  std::vector<std::string> out;
  for (const auto* f : s.flows) out.push_back(f->name);
  return out;
}

using Names = std::vector<std::string>;

TEST(MessagePhases, ChannelSelectorsWithOperationsAndEntrypoints) {
  const std::string flows = "[" +
      flow("sub", R"([{"type": "channel", "channel": "/orders", "operations": ["SUBSCRIBE"]}])", "subscribe", add_x) +
      "," + flow("pub", R"([{"type": "channel", "channel": "/orders", "operations": ["PUBLISH"]}])", "publish", add_x) +
      "," + flow("ws-only", R"([{"type": "channel", "operations": [], "entrypoints": ["websocket"]}])", "subscribe",
                 add_x) +
      "," + flow("exact", R"([{"type": "channel", "channel": "/orders", "channelOperator": "EQUALS"}])", "subscribe",
                 add_x) + "]";
  EXPECT_EQ(names(Stream(flows, {"GET", "/orders/eu", nullptr, "/orders/eu", "SUBSCRIBE", "sse"})), Names{"sub"});
  EXPECT_EQ(names(Stream(flows, {"POST", "/orders", nullptr, "/orders", "PUBLISH", "http-post"})),
            (Names{"pub", "exact"}));
  // A websocket both publishes and subscribes: flows of either operation apply to it.
  EXPECT_EQ(names(Stream(flows, {"GET", "/orders", nullptr, "/orders", "PUBLISH,SUBSCRIBE", "websocket"})),
            (Names{"sub", "pub", "ws-only", "exact"}));
  EXPECT_EQ(names(Stream(flows, {"GET", "/other", nullptr, "/other", "SUBSCRIBE", "sse"})), Names{});
}

TEST(MessagePhases, SeedFilterSeesTheSubscriptionMetadata) {
  const std::string flows = "[" + flow("filter", "[]", "subscribe", R"([{"name": "Message filtering",
      "policy": "message-filtering", "configuration": {"filter": "{#message.headers.foo == #subscription.metadata['bar']}"}}])") + "]";
  const FlowRequest sse{"GET", "/", nullptr, "/", "SUBSCRIBE", "sse"};
  auto sub = std::make_shared<const SubscriptionInfo>(SubscriptionInfo{"s1", "p1", "a1", el::Map{{"bar", "blue"}}});
  Stream with_sub(flows, sse, sub);
  auto blue = message("b", {{"Foo", "blue"}});
  auto out = with_sub.run(blue);
  EXPECT_EQ(out.message, blue);  // passed untouched: the very same shared message
  out = with_sub.run(message("r", {{"foo", "red"}}));
  EXPECT_FALSE(out.message);
  EXPECT_FALSE(out.ack);  // ackFilteredMessage defaults to false
  EXPECT_TRUE(out.error.empty());

  Stream keyless(flows, sse);  // no subscription: #subscription.metadata is empty, nothing matches
  EXPECT_FALSE(keyless.run(message("b", {{"foo", "blue"}})).message);
}

TEST(MessagePhases, FilterAcknowledgementAndErrors) {
  const std::string flows = "[" + flow("f", "[]", "subscribe", R"([{"policy": "message-filtering", "configuration":
      {"filter": "{#message.headers['kind'][0] == 'keep'}", "ackFilteredMessage": true}}])") + "]";
  Stream s(flows, {"GET", "/", nullptr, "/", "SUBSCRIBE", "sse"});
  EXPECT_TRUE(s.run(message("k", {{"kind", "keep"}})).message);
  auto dropped = s.run(message("d", {{"kind", "other"}}));
  EXPECT_FALSE(dropped.message);
  EXPECT_TRUE(dropped.ack);
  EXPECT_FALSE(s.run(message("no header")).message);  // the filter fails: filterMessageOnFilteringError drops

  const std::string lenient = "[" + flow("f", "[]", "subscribe", R"([{"policy": "message-filtering", "configuration":
      {"filter": "{#message.headers['kind'][0] == 'keep'}", "filterMessageOnFilteringError": false}}])") + "]";
  Stream l(lenient, {"GET", "/", nullptr, "/", "SUBSCRIBE", "sse"});
  EXPECT_TRUE(l.run(message("no header")).message);
}

TEST(MessagePhases, StepConditionOncePerStreamAndMessageConditionPerMessage) {
  const std::string flows = "[" + flow("f", "[]", "subscribe", R"([
      {"policy": "transform-headers", "condition": "{#request.headers['x-variant'] == 'b'}",
       "configuration": {"addHeaders": [{"name": "variant", "value": "b"}]}},
      {"policy": "transform-headers", "messageCondition": "{#message.headers['kind'][0] == 'odd'}",
       "configuration": {"addHeaders": [{"name": "odd", "value": "{#message.content}"}], "removeHeaders": ["kind"]}},
      {"policy": "transform-headers", "enabled": false, "configuration": {"addHeaders": [{"name": "off", "value": "1"}]}}
    ])") + "]";
  const FlowRequest sse{"GET", "/", nullptr, "/", "SUBSCRIBE", "sse"};
  el::Map b_request{{"request", el::Map{{"headers", el::Map{{"x-variant", el::List{"b"}}}}}}};
  Stream variant_b(flows, sse, nullptr, MessagePhase::subscribe, b_request);
  Stream plain(flows, sse, nullptr, MessagePhase::subscribe, {{"request", el::Map{{"headers", el::Map{}}}}});
  EXPECT_EQ(variant_b.steps.size(), 2u);  // the disabled step is gone at compile time
  EXPECT_EQ(plain.steps.size(), 1u);      // the condition was false for this request

  auto odd = message("one", {{"kind", "odd"}});
  auto out = variant_b.run(odd);
  ASSERT_TRUE(out.message);
  EXPECT_EQ(out.message->headers, (MessageFields{{"variant", "b"}, {"odd", "one"}}));
  EXPECT_EQ(odd->headers, (MessageFields{{"kind", "odd"}}));  // the endpoint's message is never changed
  out = plain.run(message("two", {{"kind", "even"}}));
  EXPECT_EQ(out.message->headers, (MessageFields{{"kind", "even"}}));
  out = plain.run(message("three"));  // the message condition cannot be evaluated: the step is skipped
  EXPECT_EQ(out.message->headers, MessageFields{});
}

TEST(MessagePhases, AttributesSetByOneStepAreSeenByTheNext) {
  const std::string flows = "[" + flow("f", "[]", "publish", R"([
      {"policy": "assign-attributes", "configuration": {"attributes": [{"name": "size", "value": "{#message.content.length()}"}]}},
      {"policy": "message-filtering", "configuration": {"filter": "{#message.attributes['size'] == '5'}"}}
    ])") + "]";
  Stream s(flows, {"POST", "/", nullptr, "/", "PUBLISH", "http-post"}, nullptr, MessagePhase::publish);
  auto out = s.run(message("hello"));
  ASSERT_TRUE(out.message);
  EXPECT_EQ(out.message->attributes, (MessageFields{{"size", "5"}}));
  EXPECT_FALSE(s.run(message("hi")).message);
}

TEST(MessagePhases, FailingStepReportsTheError) {
  const std::string flows = "[" + flow("f", "[]", "subscribe", R"([{"name": "boom", "policy": "transform-headers",
      "configuration": {"addHeaders": [{"name": "x", "value": "{#message.headers['nope'][0]}"}]}}])") + "]";
  Stream s(flows, {"GET", "/", nullptr, "/", "SUBSCRIBE", "sse"});
  auto out = s.run(message("m"));
  EXPECT_FALSE(out.message);
  EXPECT_EQ(out.error, "policy 'transform-headers' failed: Unable to transform headers: header 'x': cannot index "
                       "into null at column 26");
}

TEST(MessagePhases, MessageRateLimitDropsOrPaces) {
  const std::string drop = "[" + flow("f", "[]", "subscribe", R"([{"policy": "message-rate-limit",
      "configuration": {"messagesPerSecond": 1, "burst": 2, "strategy": "DROP"}}])") + "]";
  Stream d(drop, {"GET", "/", nullptr, "/", "SUBSCRIBE", "sse"});
  EXPECT_TRUE(d.run(message("1")).message);
  EXPECT_TRUE(d.run(message("2")).message);
  auto third = d.run(message("3"));  // over the burst within the same second
  EXPECT_FALSE(third.message);
  EXPECT_TRUE(third.ack);

  const std::string delay = "[" + flow("f", "[]", "subscribe", R"([{"policy": "message-rate-limit",
      "configuration": {"messagesPerSecond": 1, "burst": 1}}])") + "]";
  Stream p(delay, {"GET", "/", nullptr, "/", "SUBSCRIBE", "sse"});
  auto first = p.run(message("1"));
  ASSERT_TRUE(first.message);
  EXPECT_EQ(first.pace, 1u);  // held by the subscriber until the bucket has a token
  const auto now = std::chrono::steady_clock::now();
  EXPECT_EQ(p.steps.pace_wait(first.pace, now), std::chrono::steady_clock::duration::zero());
  p.steps.pace_take(first.pace, now);
  EXPECT_GT(p.steps.pace_wait(first.pace, now), std::chrono::milliseconds(900));
}

}  // namespace
}  // namespace gantry
