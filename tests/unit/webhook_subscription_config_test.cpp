// A webhook subscription's entrypointConfiguration: defaults, every field, every message, retry delays and the
// Authorization header sent to the callback.
#include "core/json/diagnostics.hpp"
#include "entrypoints/webhook/subscription_config.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace gantry::webhook {
namespace {

using Lines = std::vector<std::string>;

struct Parsed {
  std::optional<SubscriptionConfig> config;
  Lines problems;
};

Parsed parse(std::string_view text) {
  Diagnostics diag;
  Parsed out;
  out.config = parse_subscription_config(boost::json::parse(text), "$.c", diag);
  for (const auto& p : diag.problems())
    out.problems.push_back(p.path + ": " + (p.severity == Problem::Severity::warning ? "warning: " : "") + p.message);
  return out;
}

TEST(WebhookSubscriptionConfig, DefaultsWithOnlyACallbackUrl) {
  auto p = parse(R"({"callbackUrl":"http://127.0.0.1:9000/hook"})");
  ASSERT_TRUE(p.config) << ::testing::PrintToString(p.problems);
  EXPECT_EQ(p.config->callback_url, "http://127.0.0.1:9000/hook");
  EXPECT_TRUE(p.config->headers.empty());
  EXPECT_EQ(p.config->auth.type, AuthType::none);
  EXPECT_FALSE(p.config->retry.enabled);
  EXPECT_EQ(p.config->retry.strategy, RetryStrategy::linear);
  EXPECT_EQ(p.config->retry.max_attempts, 5);
  EXPECT_EQ(p.config->retry.initial_delay, std::chrono::seconds(1));
  EXPECT_EQ(p.config->retry.max_delay, std::chrono::seconds(30));
  EXPECT_TRUE(p.problems.empty());
}

TEST(WebhookSubscriptionConfig, EveryField) {
  auto p = parse(R"({"callbackUrl":"https://example.com/in",
    "headers":[{"name":"X-One","value":"1"},{"name":"X-Two","value":"2"}],
    "auth":{"type":"token","token":{"value":"s3cret"}},
    "retry":{"retryOption":"Retry On Fail","retryStrategy":"EXPONENTIAL","maxAttempts":3,
             "initialDelaySeconds":2,"maxDelaySeconds":10}})");
  ASSERT_TRUE(p.config) << ::testing::PrintToString(p.problems);
  EXPECT_EQ(p.config->headers, (std::vector<std::pair<std::string, std::string>>{{"X-One", "1"}, {"X-Two", "2"}}));
  EXPECT_EQ(authorization_header(p.config->auth), "Bearer s3cret");
  EXPECT_TRUE(p.config->retry.enabled);
  EXPECT_EQ(p.config->retry.strategy, RetryStrategy::exponential);
  EXPECT_EQ(p.config->retry.max_attempts, 3);
  EXPECT_EQ(p.config->retry.initial_delay, std::chrono::seconds(2));
  EXPECT_EQ(p.config->retry.max_delay, std::chrono::seconds(10));
}

TEST(WebhookSubscriptionConfig, HeadersAsAnObjectAndBasicAuth) {
  auto p = parse(R"({"callbackUrl":"http://h/","headers":{"X-A":"a"},
    "auth":{"type":"basic","basic":{"username":"Aladdin","password":"open sesame"}}})");
  ASSERT_TRUE(p.config) << ::testing::PrintToString(p.problems);
  EXPECT_EQ(p.config->headers, (std::vector<std::pair<std::string, std::string>>{{"X-A", "a"}}));
  EXPECT_EQ(authorization_header(p.config->auth), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
}

TEST(WebhookSubscriptionConfig, EveryProblemWithItsPath) {
  auto p = parse(R"({"callbackUrl":"ftp://h/","headers":[{"name":"X"}],
    "auth":{"type":"oauth2"},
    "retry":{"retryOption":"Sometimes","retryStrategy":"RANDOM","maxAttempts":0,
             "initialDelaySeconds":5,"maxDelaySeconds":2}})");
  EXPECT_FALSE(p.config);
  EXPECT_EQ(p.problems, (Lines{
      "$.c.callbackUrl: expected an http:// or https:// URL (got 'ftp://h/')",
      "$.c.headers[0]: missing required field 'value'",
      "$.c.auth.type: unsupported auth type 'oauth2' (supported: none, basic, token)",
      "$.c.retry.retryOption: unknown retryOption 'Sometimes' (expected 'No Retry' or 'Retry On Fail')",
      "$.c.retry.retryStrategy: unknown retryStrategy 'RANDOM' (expected LINEAR or EXPONENTIAL)",
      "$.c.retry.maxAttempts: must be at least 1 (got 0)",
      "$.c.retry.maxDelaySeconds: must be at least initialDelaySeconds (5, got 2)"}));
}

TEST(WebhookSubscriptionConfig, MissingCallbackUrlAndMissingCredentials) {
  auto p = parse(R"({"auth":{"type":"basic"}})");
  EXPECT_FALSE(p.config);
  EXPECT_EQ(p.problems, (Lines{"$.c: missing required field 'callbackUrl'",
                               "$.c.auth: missing required field 'basic'"}));
}

TEST(WebhookRetryDelay, LinearGrowsByTheInitialDelayUpToTheCap) {
  RetryPolicy policy{.enabled = true, .strategy = RetryStrategy::linear, .max_attempts = 9,
                     .initial_delay = std::chrono::seconds(2), .max_delay = std::chrono::seconds(7)};
  EXPECT_EQ(retry_delay(policy, 1), std::chrono::seconds(2));
  EXPECT_EQ(retry_delay(policy, 2), std::chrono::seconds(4));
  EXPECT_EQ(retry_delay(policy, 3), std::chrono::seconds(6));
  EXPECT_EQ(retry_delay(policy, 4), std::chrono::seconds(7));
  EXPECT_EQ(retry_delay(policy, 100), std::chrono::seconds(7));
}

TEST(WebhookRetryDelay, ExponentialDoublesUpToTheCap) {
  RetryPolicy policy{.enabled = true, .strategy = RetryStrategy::exponential, .max_attempts = 9,
                     .initial_delay = std::chrono::seconds(1), .max_delay = std::chrono::seconds(10)};
  EXPECT_EQ(retry_delay(policy, 1), std::chrono::seconds(1));
  EXPECT_EQ(retry_delay(policy, 2), std::chrono::seconds(2));
  EXPECT_EQ(retry_delay(policy, 4), std::chrono::seconds(8));
  EXPECT_EQ(retry_delay(policy, 5), std::chrono::seconds(10));
  EXPECT_EQ(retry_delay(policy, 1000), std::chrono::seconds(10));
}

TEST(WebhookAuth, NoneSendsNoHeader) { EXPECT_EQ(authorization_header(CallbackAuth{}), ""); }

}  // namespace
}  // namespace gantry::webhook
