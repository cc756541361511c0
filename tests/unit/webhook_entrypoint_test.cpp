// The webhook entrypoint's own configuration (http and proxy options, with their JSON paths) and what it declares
// to the registry.
#include "core/json/diagnostics.hpp"
#include "core/registry/registry.hpp"
#include "entrypoints/webhook/factory.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace gantry::webhook {
namespace {

using Lines = std::vector<std::string>;

struct Parsed {
  std::shared_ptr<const WebhookConfig> config;
  Lines problems;
};

Parsed parse(std::string_view text) {
  auto factory = make_webhook_entrypoint_factory();
  Diagnostics diag;
  Parsed out;
  out.config = std::dynamic_pointer_cast<const WebhookConfig>(
      factory->parse_config(text.empty() ? boost::json::value() : boost::json::parse(text), "$.c", diag));
  for (const auto& p : diag.problems())
    out.problems.push_back(p.path + ": " + (p.severity == Problem::Severity::warning ? "warning: " : "") + p.message);
  return out;
}

TEST(WebhookEntrypoint, DefaultsWithoutConfiguration) {
  auto p = parse("");
  ASSERT_TRUE(p.config);
  EXPECT_TRUE(p.problems.empty());
  EXPECT_EQ(p.config->http.connect_timeout, std::chrono::milliseconds(3000));
  EXPECT_EQ(p.config->http.read_timeout, std::chrono::milliseconds(10000));
  EXPECT_EQ(p.config->http.max_concurrent_connections, 5);
  EXPECT_FALSE(p.config->proxy.enabled);
}

TEST(WebhookEntrypoint, HttpOptions) {
  auto p = parse(R"({"http":{"connectTimeout":500,"readTimeout":2000,"idleTimeout":1000,
                             "maxConcurrentConnections":2,"keepAlive":false},
                     "proxy":{"enabled":false,"useSystemProxy":false}})");
  ASSERT_TRUE(p.config);
  EXPECT_TRUE(p.problems.empty()) << ::testing::PrintToString(p.problems);
  EXPECT_EQ(p.config->http.connect_timeout, std::chrono::milliseconds(500));
  EXPECT_EQ(p.config->http.read_timeout, std::chrono::milliseconds(2000));
  EXPECT_EQ(p.config->http.idle_timeout, std::chrono::milliseconds(1000));
  EXPECT_EQ(p.config->http.max_concurrent_connections, 2);
  EXPECT_FALSE(p.config->http.keep_alive);
}

TEST(WebhookEntrypoint, ProblemsWithTheirPaths) {
  auto p = parse(R"({"http":{"maxConcurrentConnections":0,"version":"HTTP_2"},
                     "proxy":{"enabled":true,"type":"FTP","port":70000}})");
  EXPECT_EQ(p.problems, (Lines{
      "$.c.http.version: warning: HTTP/2 to backends is not supported yet; HTTP/1.1 is used",
      "$.c.http.maxConcurrentConnections: must be at least 1 (got 0)",
      "$.c.proxy.port: must be between 0 and 65535 (got 70000)",
      "$.c.proxy.type: unknown proxy type 'FTP' (known: HTTP, SOCKS4, SOCKS5)",
      "$.c.proxy.enabled: HTTP proxies for backend connections are not supported yet"}));
}

TEST(WebhookEntrypoint, DeclaresASubscriptionListenerThatSubscribesAtEveryLevel) {
  auto factory = make_webhook_entrypoint_factory();
  const auto& caps = factory->capabilities();
  EXPECT_EQ(caps.listener_types, std::vector<ListenerType>{ListenerType::subscription});
  EXPECT_TRUE(caps.subscribe);
  EXPECT_FALSE(caps.publish);
  EXPECT_EQ(caps.subscribe_qos.size(), 4u);
}

}  // namespace
}  // namespace gantry::webhook
