// Seed 001's QoS compatibility matrix, held here as data ("advanced" columns: our target for every connector),
// checked against what the registry's connectors derive. The product has no such table: it derives.
#include "core/definition/parse.hpp"
#include "core/registry/qos_compatibility.hpp"
#include "core/registry/registry.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace gantry::test {
namespace {

using Levels = std::vector<Qos>;
constexpr Qos N = Qos::none, A = Qos::auto_, AMO = Qos::at_most_once, ALO = Qos::at_least_once;

// Rows: entrypoints. Columns: the seed's "MQTT5 advanced endpoint" and "Kafka advanced endpoint". Levels in the
// order none, auto, at-most-once, at-least-once.
struct Row {
  std::string entrypoint;
  Levels mqtt5, kafka;
};
const std::vector<Row> seed_001_matrix = {
    {"sse", {AMO, ALO}, {N, A, AMO, ALO}},
    {"http-post", {N, A}, {N, A}},
    {"http-get", {A}, {A, AMO, ALO}},
    {"websocket", {N, A}, {N, A}},
    {"webhook", {AMO, ALO}, {N, A, AMO, ALO}},
};

// The capabilities the Kafka and MQTT 5 endpoints must declare for the seed's matrix to follow (their factories
// arrive in later issues; once registered, RegisteredEndpointsMatchTheSeed checks the real ones).
ConnectorCapabilities kafka_like() {
  ConnectorCapabilities c;
  c.publish_qos = c.subscribe_qos = {N, A, AMO, ALO};
  c.resumable = true;  // offsets
  return c;
}
ConnectorCapabilities mqtt5_like() {
  ConnectorCapabilities c;
  c.publish_qos = {N, A, AMO, ALO};
  c.subscribe_qos = {AMO, ALO};  // MQTT QoS 0 and 1 subscriptions
  c.resumable = false;           // no replay from a position
  return c;
}

Registry builtins() {
  Registry r;
  register_builtins(r);
  return r;
}

std::string names(const Levels& levels) { return qos_list(levels); }

TEST(QosMatrix, EntrypointsWithKafkaAndMqttProfilesGiveTheSeedMatrix) {
  const auto registry = builtins();
  int checked = 0;
  for (const auto& row : seed_001_matrix) {
    const auto* entrypoint = registry.entrypoint(row.entrypoint);
    ASSERT_TRUE(entrypoint) << row.entrypoint;
    ++checked;
    EXPECT_EQ(names(compatible_qos(entrypoint->capabilities(), kafka_like())), names(row.kafka)) << row.entrypoint;
    EXPECT_EQ(names(compatible_qos(entrypoint->capabilities(), mqtt5_like())), names(row.mqtt5)) << row.entrypoint;
  }
  EXPECT_EQ(checked, 5);
}

// The mock endpoint honours everything the most capable broker does: its column is Kafka advanced's.
TEST(QosMatrix, MockEndpointMatchesTheKafkaAdvancedColumn) {
  const auto registry = builtins();
  const auto* mock = registry.endpoint("mock");
  ASSERT_TRUE(mock);
  for (const auto& row : seed_001_matrix) {
    const auto* entrypoint = registry.entrypoint(row.entrypoint);
    if (!entrypoint) continue;
    EXPECT_EQ(names(compatible_qos(entrypoint->capabilities(), mock->capabilities())), names(row.kafka))
        << row.entrypoint;
  }
}

TEST(QosMatrix, RegisteredEndpointsMatchTheSeed) {
  const auto registry = builtins();
  const std::map<std::string, Levels Row::*> columns = {{"kafka", &Row::kafka}, {"mqtt5", &Row::mqtt5}};
  for (const auto& [type, column] : columns) {
    const auto* endpoint = registry.endpoint(type);
    if (!endpoint) continue;  // not built yet
    for (const auto& row : seed_001_matrix) {
      const auto* entrypoint = registry.entrypoint(row.entrypoint);
      if (!entrypoint) continue;
      EXPECT_EQ(names(compatible_qos(entrypoint->capabilities(), endpoint->capabilities())), names(row.*column))
          << row.entrypoint << " x " << type;
    }
  }
}

TEST(QosMatrix, ResumeAndAutoRules) {
  ConnectorCapabilities pull;  // http-get-like
  pull.subscribe_qos = {A, AMO, ALO};
  pull.qos_needing_resume = {AMO, ALO};
  pull.auto_follows_endpoint = true;
  ConnectorCapabilities endpoint;
  endpoint.subscribe_qos = {ALO};
  EXPECT_EQ(names(compatible_qos(pull, endpoint)), "auto");
  endpoint.resumable = true;
  EXPECT_EQ(names(compatible_qos(pull, endpoint)), "auto, at-least-once");
  endpoint.subscribe_qos.clear();  // publish-only endpoint: nothing to pull
  EXPECT_EQ(names(compatible_qos(pull, endpoint)), "nothing");
}

// ---- the deploy-time check --------------------------------------------------------------------------------------

std::vector<std::string> problems(const std::string& entrypoint, const std::string& qos) {
  std::string json = R"({"name": "m", "type": "message", "listeners": [{"type": "http", "paths": [{"path": "/m"}],
      "entrypoints": [{"type": ")" + entrypoint + R"(")" + (qos.empty() ? "" : R"(, "qos": ")" + qos + R"(")") + R"(}]}],
      "endpointGroups": [{"name": "g", "type": "mock", "endpoints": [{"name": "e", "type": "mock"}]}]})";
  const auto registry = builtins();
  Diagnostics diag;
  load_definition(json, registry, diag);
  std::vector<std::string> out;
  for (const auto& p : diag.problems())
    if (p.severity == Problem::Severity::error) out.push_back(p.path + ": " + p.message);
  return out;
}

TEST(QosCheck, RefusedPairNamesPathPairAndAllowedLevels) {
  EXPECT_EQ(problems("websocket", "at-least-once"),
            std::vector<std::string>{"$.listeners[0].entrypoints[0].qos: qos 'at-least-once' is not supported by "
                                     "entrypoint 'websocket' with endpoint 'mock' (allowed: none, auto)"});
  EXPECT_EQ(problems("http-post", "at-most-once"),
            std::vector<std::string>{"$.listeners[0].entrypoints[0].qos: qos 'at-most-once' is not supported by "
                                     "entrypoint 'http-post' with endpoint 'mock' (allowed: none, auto)"});
  EXPECT_EQ(problems("http-get", "none"),
            std::vector<std::string>{"$.listeners[0].entrypoints[0].qos: qos 'none' is not supported by "
                                     "entrypoint 'http-get' with endpoint 'mock' (allowed: auto, at-most-once, "
                                     "at-least-once)"});
}

TEST(QosCheck, AcceptedPairsAndTheDefault) {
  EXPECT_TRUE(problems("sse", "at-least-once").empty());
  EXPECT_TRUE(problems("sse", "none").empty());
  EXPECT_TRUE(problems("http-get", "at-most-once").empty());
  EXPECT_TRUE(problems("websocket", "").empty());  // absent = auto
  EXPECT_TRUE(problems("http-post", "").empty());
}

}  // namespace
}  // namespace gantry::test
