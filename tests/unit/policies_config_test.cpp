// Each built-in policy's configuration: what it accepts, and its errors with their exact messages and paths.
#include "core/registry/registry.hpp"
#include "policies/ip_filtering/ip_filtering.hpp"
#include "policies/message_filtering/message_filtering.hpp"
#include "policies/message_rate_limit/message_rate_limit.hpp"
#include "policies/rate_limit/limiter.hpp"
#include "policies/transform_headers/transform_headers.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace gantry {
namespace {

struct Parsed {
  PluginConfigPtr config;
  std::vector<std::string> problems;
};

Parsed parse(std::string_view policy, std::string_view json) {
  static const auto registry = [] {
    auto r = std::make_unique<Registry>();
    register_builtins(*r);
    return r;
  }();
  Diagnostics diag;
  const auto* factory = registry->policy(policy);
  EXPECT_TRUE(factory) << policy;
  Parsed out;
  out.config = factory->parse_config(boost::json::parse(json), "$.c", diag);
  for (const auto& p : diag.problems())
    out.problems.push_back(p.path + ": " + (p.severity == Problem::Severity::warning ? "warning: " : "") + p.message);
  return out;
}

using Lines = std::vector<std::string>;

TEST(PolicyConfig, RegisteredWithTheirPhases) {
  Registry r;
  register_builtins(r);
  EXPECT_EQ(r.policy("rate-limit")->phases(), unsigned(phase_request));
  EXPECT_EQ(r.policy("message-filtering")->phases(), unsigned(phase_publish | phase_subscribe));
  EXPECT_EQ(r.policy("transform-headers")->phases(), unsigned(phase_request | phase_response | phase_publish | phase_subscribe));
  for (auto name : {"quota", "spike-arrest", "ip-filtering", "assign-attributes", "policy-assign-attributes", "mock",
                    "policy-override-request-method", "latency"})
    EXPECT_TRUE(r.policy(name)) << name;
}

TEST(PolicyConfig, TransformHeaders) {
  auto ok = parse("transform-headers", R"({"scope": "REQUEST", "removeHeaders": ["X-Drop"], "whitelistHeaders": [],
      "addHeaders": [{"name": "X-Id", "value": "{#request.id}"}], "appendHeaders": [{"name": "X-A", "value": "1"}]})");
  EXPECT_EQ(ok.problems, Lines{});
  auto th = std::static_pointer_cast<const TransformHeaders>(ok.config);
  EXPECT_EQ(th->remove, Lines{"X-Drop"});
  EXPECT_EQ(th->set.size(), 1u);
  EXPECT_EQ(th->append.size(), 1u);

  EXPECT_EQ(parse("transform-headers", R"({"addHeaders": [{"name": "", "value": "x"}, {"value": "y"},
      {"name": "X-Bad", "value": "{#request.headers[}"}], "removeHeaders": "X", "extra": 1})").problems,
            (Lines{"$.c.removeHeaders: expected an array",
                   "$.c.addHeaders[0].name: a header name cannot be empty",
                   "$.c.addHeaders[1]: missing required field 'name'",
                   "$.c.addHeaders[2].value: invalid expression '{#request.headers[}': syntax error at column 19: "
                   "unexpected end of the expression",
                   "$.c.extra: warning: unknown field 'extra'"}));
}

TEST(PolicyConfig, RateLimitQuotaSpikeArrest) {
  auto ok = parse("rate-limit", R"({"async": false, "addHeaders": true, "rate": {"limit": 10, "periodTime": 2,
      "periodTimeUnit": "MINUTES", "key": "{#request.headers['x-user'][0]}", "useKeyOnly": true}})");
  EXPECT_EQ(ok.problems, Lines{});
  auto l = std::static_pointer_cast<const Limiter>(ok.config);
  EXPECT_EQ(l->limit, 10);
  EXPECT_EQ(l->period_ms, 120'000);
  EXPECT_EQ(l->period_unit, "minutes");
  EXPECT_TRUE(l->use_key_only);
  EXPECT_TRUE(l->key);

  EXPECT_EQ(parse("rate-limit", R"({"rate": {"limit": 0, "periodTime": 0, "periodTimeUnit": "YEARS"}})").problems,
            (Lines{"$.c.rate.limit: a limit of at least 1 (or a 'dynamicLimit' expression) is required",
                   "$.c.rate.periodTime: must be at least 1 (got 0)",
                   "$.c.rate.periodTimeUnit: unknown period time unit 'YEARS' (known: MILLISECONDS, SECONDS, MINUTES, "
                   "HOURS, DAYS, WEEKS, MONTHS)"}));
  EXPECT_EQ(parse("rate-limit", R"({"addHeaders": true})").problems, Lines{"$.c: missing required field 'rate'"});
  EXPECT_EQ(parse("rate-limit", R"({"rate": {"limit": 1}, "errorStrategy": "FALLBACK"})").problems,
            Lines{"$.c.errorStrategy: unknown error strategy 'FALLBACK' (known: BLOCK_ON_INTERNAL_ERROR, "
                  "FALLBACK_PASS_TROUGH)"});
  EXPECT_EQ(parse("rate-limit", R"({"rate": {"dynamicLimit": "{#request.headers['n'][0}"}})").problems,
            Lines{"$.c.rate.dynamicLimit: invalid expression '{#request.headers['n'][0}': syntax error at column 25: "
                  "expected ']' but found the end of the expression"});

  auto quota = parse("quota", R"({"quota": {"limit": 1000, "periodTime": 1, "periodTimeUnit": "MONTHS"}})");
  EXPECT_EQ(quota.problems, Lines{});
  EXPECT_EQ(std::static_pointer_cast<const Limiter>(quota.config)->kind, &quota_kind);
  EXPECT_EQ(parse("quota", R"({"rate": {"limit": 1}})").problems,
            (Lines{"$.c: missing required field 'quota'", "$.c.rate: warning: unknown field 'rate'"}));
  auto spike = parse("spike-arrest", R"({"spike": {"limit": 10, "periodTime": 1, "periodTimeUnit": "SECONDS"}})");
  EXPECT_EQ(spike.problems, Lines{});
  EXPECT_EQ(std::static_pointer_cast<const Limiter>(spike.config)->kind, &spike_arrest_kind);
}

TEST(PolicyConfig, IpFiltering) {
  auto ok = parse("ip-filtering", R"({"matchAllFromXForwardedFor": true, "whitelistIps": ["10.0.0.0/8", "::1",
      "2001:db8::/32"], "blacklistIps": ["10.1.2.3"]})");
  EXPECT_EQ(ok.problems, Lines{});
  EXPECT_EQ(parse("ip-filtering", R"({"whitelistIps": ["10.0.0.0/33", "example.com", "1.2.3.4/x"]})").problems,
            (Lines{"$.c.whitelistIps[0]: '10.0.0.0/33' is not an IPv4/IPv6 address or CIDR range (host names are not resolved)",
                   "$.c.whitelistIps[1]: 'example.com' is not an IPv4/IPv6 address or CIDR range (host names are not resolved)",
                   "$.c.whitelistIps[2]: '1.2.3.4/x' is not an IPv4/IPv6 address or CIDR range (host names are not resolved)"}));
}

TEST(PolicyConfig, IpFilteringDecisions) {
  auto f = std::static_pointer_cast<const IpFiltering>(
      parse("ip-filtering", R"({"whitelistIps": ["10.0.0.0/8", "2001:db8::/32"], "blacklistIps": ["10.1.2.3"]})").config);
  auto ip = [](const char* s) { return boost::asio::ip::make_address(s); };
  EXPECT_TRUE(f->allowed(ip("10.9.8.7"), ""));
  EXPECT_TRUE(f->allowed(ip("::ffff:10.9.8.7"), ""));  // IPv4-mapped IPv6 is the IPv4 client
  EXPECT_FALSE(f->allowed(ip("10.1.2.3"), ""));
  EXPECT_FALSE(f->allowed(ip("11.0.0.1"), ""));
  EXPECT_TRUE(f->allowed(ip("2001:db8:1::5"), ""));
  EXPECT_FALSE(f->allowed(ip("2001:db9::5"), ""));
  EXPECT_TRUE(f->allowed(ip("10.0.0.1"), "11.0.0.1"));  // X-Forwarded-For is ignored unless asked for

  auto xff = std::static_pointer_cast<const IpFiltering>(
      parse("ip-filtering", R"({"matchAllFromXForwardedFor": true, "blacklistIps": ["192.168.0.0/16"]})").config);
  EXPECT_TRUE(xff->allowed(ip("127.0.0.1"), "10.0.0.1, 10.0.0.2"));
  EXPECT_FALSE(xff->allowed(ip("127.0.0.1"), "10.0.0.1, 192.168.4.4"));
  EXPECT_FALSE(xff->allowed(ip("127.0.0.1"), "not-an-ip"));
}

// The per-message hook the message engine calls, with a context holding #message and #subscription.
class MessageContext final : public el::Context {
 public:
  el::Map vars;
  el::Value variable(std::string_view name) const override {
    auto it = vars.find(name);
    return it == vars.end() ? el::Value{} : it->second;
  }
};

TEST(PolicyConfig, MessageFilteringSeedExample) {
  auto parsed = parse("message-filtering",
                      R"({"filter": "{#message.headers.foo == #subscription.metadata['bar']}"})");
  EXPECT_EQ(parsed.problems, Lines{});
  auto f = std::static_pointer_cast<const MessageFiltering>(parsed.config);
  MessageContext ctx;
  ctx.vars["subscription"] = el::Map{{"metadata", el::Map{{"bar", "blue"}}}};
  ctx.vars["message"] = el::Map{{"headers", el::Map{{"foo", el::List{"blue"}}}}};
  std::string error;
  EXPECT_EQ(f->decide(ctx, error), MessageFiltering::Decision::pass);
  ctx.vars["message"] = el::Map{{"headers", el::Map{{"foo", el::List{"red"}}}}};
  EXPECT_EQ(f->decide(ctx, error), MessageFiltering::Decision::drop);

  auto acked = std::static_pointer_cast<const MessageFiltering>(
      parse("message-filtering", R"({"filter": "{#message.headers['foo'][0] == 'x'}", "ackFilteredMessage": true,
                                     "filterMessageOnFilteringError": false})").config);
  ctx.vars["message"] = el::Map{{"headers", el::Map{{"foo", el::List{"y"}}}}};
  EXPECT_EQ(acked->decide(ctx, error), MessageFiltering::Decision::drop_and_ack);
  ctx.vars["message"] = el::Map{{"headers", el::Map{}}};  // no 'foo': indexing null fails
  EXPECT_EQ(acked->decide(ctx, error), MessageFiltering::Decision::pass);
  EXPECT_EQ(error, "cannot index into null at column 25");
  EXPECT_EQ(f->decide(ctx, error), MessageFiltering::Decision::drop);

  EXPECT_EQ(parse("message-filtering", R"({"filter": ""})").problems,
            Lines{"$.c.filter: the filter expression cannot be empty"});
  EXPECT_EQ(parse("message-filtering", R"({})").problems, Lines{"$.c: missing required field 'filter'"});
  EXPECT_EQ(parse("message-filtering", R"({"filter": "{#message.content ="})").problems,
            Lines{"$.c.filter: invalid expression '{#message.content =': syntax error at column 19: unexpected "
                  "character '='"});
}

TEST(PolicyConfig, SmallPolicies) {
  EXPECT_EQ(parse("mock", R"({"status": "200", "headers": [{"name": "X", "value": "{#request.id}"}], "content": "{\"ok\": true}"})").problems, Lines{});
  EXPECT_EQ(parse("mock", R"({"status": "99"})").problems, Lines{"$.c.status: expected an HTTP status between 100 and 599"});
  EXPECT_EQ(parse("policy-override-request-method", R"({"method": "PUT"})").problems, Lines{});
  EXPECT_EQ(parse("policy-override-request-method", R"({"method": "PUTT"})").problems,
            Lines{"$.c.method: unknown HTTP method 'PUTT' (did you mean 'PUT'? known: CONNECT, DELETE, GET, HEAD, "
                  "OPTIONS, PATCH, POST, PUT, TRACE)"});
  EXPECT_EQ(parse("latency", R"({"time": 2, "timeUnit": "SECONDS"})").problems, Lines{});
  EXPECT_EQ(parse("latency", R"({"time": 2, "timeUnit": "HOURS"})").problems,
            Lines{"$.c.timeUnit: unknown time unit 'HOURS' (known: MILLISECONDS, MINUTES, SECONDS)"});
  EXPECT_EQ(parse("assign-attributes", R"({"attributes": [{"name": "a", "value": "{#request.id}"}]})").problems, Lines{});
  EXPECT_EQ(parse("assign-attributes", R"({"attributes": [{"value": "x"}]})").problems,
            Lines{"$.c.attributes[0]: missing required field 'name'"});
}

TEST(PolicyConfig, MessageRateLimitPerSubscriber) {
  auto parsed = parse("message-rate-limit", R"({"messagesPerSecond": 2, "burst": 3, "strategy": "DROP"})");
  EXPECT_EQ(parsed.problems, Lines{});
  auto policy = std::static_pointer_cast<const MessageRateLimit>(parsed.config);
  EXPECT_EQ(policy->strategy, MessageRateLimit::Strategy::drop);
  using namespace std::chrono_literals;
  const auto t0 = SubscriberBucket::Clock::time_point{} + 1h;
  auto bucket = policy->bucket(t0);
  EXPECT_TRUE(bucket->try_take(t0));   // a burst of 3
  EXPECT_TRUE(bucket->try_take(t0));
  EXPECT_TRUE(bucket->try_take(t0));
  EXPECT_FALSE(bucket->try_take(t0));
  EXPECT_GT(bucket->wait_for(t0), 499ms);  // 2 per second: the next token in half a second
  EXPECT_LE(bucket->wait_for(t0), 501ms);
  EXPECT_FALSE(bucket->try_take(t0 + 400ms));
  EXPECT_TRUE(bucket->try_take(t0 + 500ms));
  EXPECT_FALSE(bucket->try_take(t0 + 500ms));
  EXPECT_TRUE(bucket->try_take(t0 + 10s));  // refilled, but never above the burst
  EXPECT_TRUE(bucket->try_take(t0 + 10s));
  EXPECT_TRUE(bucket->try_take(t0 + 10s));
  EXPECT_FALSE(bucket->try_take(t0 + 10s));
  auto other = policy->bucket(t0);  // each subscriber has its own bucket
  EXPECT_TRUE(other->try_take(t0));

  EXPECT_EQ(parse("message-rate-limit", R"({"burst": 0, "strategy": "QUEUE"})").problems,
            (Lines{"$.c: missing required field 'messagesPerSecond'", "$.c.burst: must be at least 1 (got 0)",
                   "$.c.strategy: unknown strategy 'QUEUE' (known: DELAY, DROP)"}));
}

}  // namespace
}  // namespace gantry
