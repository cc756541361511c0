// The dynamic configuration of message endpoints (Gravitee's ConfigurationEvaluator): EL in any string of an
// endpoint's configuration and overrides by `gravitee.attributes.endpoint.<type>.<path>` attributes, evaluated per
// request and validated again by the connector's parser, with the exact problems reported. Then the kafka endpoint's
// use of it.
#include "core/el/expression.hpp"
#include "core/message/dynamic_config.hpp"
#include "endpoints/kafka/config.hpp"
#include "endpoints/kafka/factory.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace gantry {
namespace {

namespace json = boost::json;
using Lines = std::vector<std::string>;

// #request.headers as a plain map (the gateway's are read lazily from the exchange).
class Headers final : public el::Context {
 public:
  explicit Headers(el::Map headers) : request_(el::Map{{"headers", std::move(headers)}}) {}
  el::Value variable(std::string_view name) const override { return name == "request" ? request_ : el::Value{}; }

 private:
  el::Value request_;
};

// What the toy connector's parser saw, as JSON text; `mode` must be "a" or "b".
struct Seen final : PluginConfig {
  std::string configuration, shared;
};

PluginConfigPtr toy_parse(const json::value& c, const json::value& s, Diagnostics& diag) {
  auto out = std::make_shared<Seen>();
  out->configuration = json::serialize(c);
  out->shared = json::serialize(s);
  if (const auto* o = s.if_object())
    if (const auto* mode = o->if_contains("mode"); mode && *mode != "a" && *mode != "b")
      diag.error("$.s.mode", "unknown mode " + json::serialize(*mode));
  if (const auto* o = c.if_object())
    if (o->contains("warn")) diag.warning("$.c.warn", "only a warning");
  return out;
}

struct Toy {
  std::shared_ptr<const DynamicConfig> dynamic;
  Diagnostics diag;
};

Toy toy(std::string_view configuration, std::string_view shared) {
  Toy out;
  DynamicConfig::Options options;
  options.type = "toy";
  options.parse = toy_parse;
  options.kinds = {{"consumer.enabled", DynamicConfig::Kind::boolean},
                   {"consumer.topics", DynamicConfig::Kind::list},
                   {"size", DynamicConfig::Kind::integer}};
  options.configuration_fields = {"servers"};
  out.dynamic = DynamicConfig::build(json::parse(configuration), "$.c", json::parse(shared), "$.s",
                                     std::move(options), out.diag);
  return out;
}

const Seen& seen(const DynamicConfig::Evaluation& e) { return static_cast<const Seen&>(*e.config); }

TEST(DynamicConfig, WithoutExpressionsThereIsNothingToEvaluateButItsAttributePrefix) {
  auto t = toy(R"({"servers": "k:1"})", R"({"mode": "a"})");
  EXPECT_TRUE(t.diag.problems().empty());
  EXPECT_FALSE(t.dynamic->has_expressions());
  EXPECT_EQ(t.dynamic->attribute_prefix(), "gravitee.attributes.endpoint.toy.");
}

TEST(DynamicConfig, AnAttributeListIsSplitOnCommasAndTrimmed) {
  EXPECT_EQ(split_attribute_list(" a, b,,c ,"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(split_attribute_list(" , ").empty());
  EXPECT_TRUE(holds_expression("x-{#request.id}"));
  EXPECT_FALSE(holds_expression("{x}"));
}

TEST(DynamicConfig, ExpressionsAnywhereAreEvaluatedAgainstTheRequest) {
  auto t = toy(R"({"servers": "{#request.headers['host'][0]}:9092"})",
               R"({"mode": "{#request.headers['mode'][0]}", "list": ["x", "{#request.headers['t'][0]}"],
                   "n": 3, "deep": {"v": "pre-{#request.headers['t'][0]}-post"}})");
  EXPECT_TRUE(t.dynamic->has_expressions());
  Headers request({{"host", el::List{"kafka"}}, {"mode", el::List{"b"}}, {"t", el::List{"topic"}}});
  auto e = t.dynamic->evaluate(request, {});
  ASSERT_TRUE(e.ok()) << e.describe();
  EXPECT_EQ(seen(e).configuration, R"({"servers":"kafka:9092"})");
  EXPECT_EQ(seen(e).shared, R"({"mode":"b","list":["x","topic"],"n":3,"deep":{"v":"pre-topic-post"}})");
}

TEST(DynamicConfig, AnExpressionThatYieldsNullLeavesItsFieldOut) {
  auto t = toy(R"({"servers": "k:1"})",
               R"({"mode": "{#request.headers['mode']}", "list": ["{#request.headers['none']}", "x", "{#request.headers['none']}"]})");
  auto e = t.dynamic->evaluate(Headers({}), {});
  ASSERT_TRUE(e.ok()) << e.describe();
  EXPECT_EQ(seen(e).shared, R"({"list":["x"]})");
}

TEST(DynamicConfig, TheParserJudgesTheEvaluatedValuesAndEveryErrorIsReported) {
  auto t = toy(R"({"servers": "k:1", "warn": true})", R"({"mode": "{#request.headers['mode'][0]}"})");
  auto e = t.dynamic->evaluate(Headers({{"mode", el::List{"constraint_violation"}}}), {});
  EXPECT_FALSE(e.ok());
  EXPECT_EQ(e.config, nullptr);
  EXPECT_EQ(e.describe(), "$.s.mode: unknown mode \"constraint_violation\"");  // the warning is no failure
}

TEST(DynamicConfig, AnExpressionThatCannotBeEvaluatedIsAProblem) {
  auto t = toy(R"({"servers": "k:1"})", R"({"mode": "{#request.headers['mode'][0]}"})");
  auto e = t.dynamic->evaluate(Headers({}), {});
  EXPECT_FALSE(e.ok());
  ASSERT_EQ(e.problems.size(), 1u);
  EXPECT_EQ(e.problems[0].path, "$.s.mode");
  EXPECT_TRUE(e.problems[0].message.starts_with("cannot evaluate '{#request.headers['mode'][0]}': "))
      << e.problems[0].message;
}

TEST(DynamicConfig, ASyntaxErrorIsReportedAtDeployTimeAtItsPath) {
  auto t = toy(R"({"servers": "k:1"})", R"({"consumer": {"topics": ["{#request.headers[}"]}})");
  ASSERT_EQ(t.diag.problems().size(), 1u);
  EXPECT_EQ(t.diag.problems()[0].path, "$.s.consumer.topics[0]");
  EXPECT_FALSE(t.dynamic->has_expressions());
}

TEST(DynamicConfig, AttributesOverrideFieldsByDottedPathWithTheFieldsType) {
  auto t = toy(R"({"servers": "k:1"})", R"({"mode": "a", "consumer": {"topics": ["t0"], "size": 1}})");
  auto e = t.dynamic->evaluate(el::EmptyContext{}, {{"gravitee.attributes.endpoint.toy.consumer.topics", "t1, t2,"},
                                                    {"gravitee.attributes.endpoint.toy.consumer.size", "7"},
                                                    {"gravitee.attributes.endpoint.toy.mode", "b"},
                                                    {"gravitee.attributes.endpoint.toy.servers", "other:2"},
                                                    {"gravitee.attributes.endpoint.other.mode", "z"},
                                                    {"unrelated", "z"}});
  ASSERT_TRUE(e.ok()) << e.describe();
  EXPECT_EQ(seen(e).configuration, R"({"servers":"other:2"})");
  EXPECT_EQ(seen(e).shared, R"({"mode":"b","consumer":{"topics":["t1","t2"],"size":7}})");
}

TEST(DynamicConfig, AnAbsentFieldTakesTheKindTheConnectorDeclares) {
  auto t = toy(R"({"servers": "k:1"})", "null");
  auto e = t.dynamic->evaluate(el::EmptyContext{}, {{"gravitee.attributes.endpoint.toy.consumer.enabled", "true"},
                                                    {"gravitee.attributes.endpoint.toy.consumer.topics", "a,b"},
                                                    {"gravitee.attributes.endpoint.toy.other", "text"}});
  ASSERT_TRUE(e.ok()) << e.describe();
  EXPECT_EQ(seen(e).configuration, R"({"servers":"k:1"})");
  EXPECT_EQ(seen(e).shared, R"({"consumer":{"enabled":true,"topics":["a","b"]},"other":"text"})");
}

TEST(DynamicConfig, AnOverrideThatDoesNotFitIsAProblemNamedByItsAttribute) {
  auto t = toy(R"({"servers": "k:1"})", R"({"consumer": {"enabled": false}, "mode": "a"})");
  auto e = t.dynamic->evaluate(el::EmptyContext{}, {{"gravitee.attributes.endpoint.toy.consumer.enabled", "yes"},
                                                    {"gravitee.attributes.endpoint.toy.consumer", "x"},
                                                    {"gravitee.attributes.endpoint.toy.mode.deeper", "x"}});
  EXPECT_FALSE(e.ok());
  EXPECT_EQ(e.describe(),
            "gravitee.attributes.endpoint.toy.consumer.enabled: expected true or false, got 'yes'; "
            "gravitee.attributes.endpoint.toy.consumer: is an object: override its fields one by one; "
            "gravitee.attributes.endpoint.toy.mode.deeper: cannot override a field inside a value that is not an "
            "object");
}

TEST(DynamicConfig, AnOverriddenFieldsExpressionIsNotEvaluated) {
  // The header is absent: evaluating the expression would fail, but the attribute replaces it.
  auto t = toy(R"({"servers": "k:1"})", R"({"mode": "{#request.headers['mode'][0]}"})");
  auto e = t.dynamic->evaluate(Headers({}), {{"gravitee.attributes.endpoint.toy.mode", "a"}});
  ASSERT_TRUE(e.ok()) << e.describe();
  EXPECT_EQ(seen(e).shared, R"({"mode":"a"})");
}

TEST(DynamicConfig, AnAttributeValueIsTakenLiterally) {
  auto t = toy(R"({"servers": "k:1"})", R"({"mode": "a"})");
  auto e = t.dynamic->evaluate(Headers({{"mode", el::List{"b"}}}),
                               {{"gravitee.attributes.endpoint.toy.name", "{#request.headers['mode'][0]}"}});
  ASSERT_TRUE(e.ok()) << e.describe();
  EXPECT_EQ(seen(e).shared, R"({"mode":"a","name":"{#request.headers['mode'][0]}"})");
}

// The kafka endpoint: deploy accepts an expression where an enum is expected and still checks literals; per
// request the evaluated values are checked like literals.
struct Kafka {
  std::shared_ptr<const kafka::EndpointConfig> config;
  Diagnostics diag;
};

Kafka kafka_endpoint(std::string_view shared) {
  Kafka out;
  auto factory = make_kafka_endpoint_factory();
  out.config = std::static_pointer_cast<const kafka::EndpointConfig>(
      factory->parse_config(json::parse(R"({"bootstrapServers": "k:9092"})"), "$.c", json::parse(shared), "$.s",
                            out.diag));
  return out;
}

TEST(KafkaDynamicConfig, DeployAcceptsExpressionsAndEvaluatesThemPerRequest) {
  auto k = kafka_endpoint(R"({"consumer": {"enabled": true, "topics": ["t"],
                                           "autoOffsetReset": "{#request.headers['X-AutoOffsetReset'][0]}"}})");
  EXPECT_TRUE(k.diag.problems().empty());
  ASSERT_TRUE(k.config->dynamic);
  EXPECT_TRUE(k.config->dynamic->has_expressions());
  auto e = k.config->dynamic->evaluate(
      Headers({{"X-AutoOffsetReset", el::List{"earliest"}}}),
      {{"gravitee.attributes.endpoint.kafka.consumer.topics", "t1,t2"}});
  ASSERT_TRUE(e.ok()) << e.describe();
  const auto& evaluated = static_cast<const kafka::EndpointConfig&>(*e.config);
  EXPECT_EQ(evaluated.consumer.auto_offset_reset, kafka::AutoOffsetReset::earliest);
  EXPECT_EQ(evaluated.consumer.topics, (std::vector<std::string>{"t1", "t2"}));
  EXPECT_EQ(evaluated.bootstrap_servers, "k:9092");
  EXPECT_EQ(evaluated.dynamic, nullptr);
}

TEST(KafkaDynamicConfig, AnInvalidEvaluatedValueIsReportedAtItsPath) {
  auto k = kafka_endpoint(R"({"consumer": {"enabled": true, "topics": ["t"],
                                           "autoOffsetReset": "{#request.headers['X-AutoOffsetReset'][0]}"}})");
  auto e = k.config->dynamic->evaluate(Headers({{"X-AutoOffsetReset", el::List{"constraint_violation"}}}),
                                       {{"gravitee.attributes.endpoint.kafka.consumer.topics", "ok,not ok"}});
  EXPECT_FALSE(e.ok());
  EXPECT_EQ(e.describe(),
            "$.s.consumer.topics[1]: 'not ok' is not a legal Kafka topic name (1 to 249 of a-z A-Z 0-9 . _ -); "
            "$.s.consumer.autoOffsetReset: unknown autoOffsetReset value 'constraint_violation' (known: earliest, "
            "latest, none)");
}

TEST(KafkaDynamicConfig, LiteralValuesAreStillCheckedAtDeploy) {
  auto k = kafka_endpoint(R"({"consumer": {"enabled": true, "topics": ["t"], "autoOffsetReset": "sometimes"}})");
  ASSERT_EQ(k.diag.problems().size(), 1u);
  EXPECT_EQ(k.diag.problems()[0].path, "$.s.consumer.autoOffsetReset");
}

TEST(KafkaDynamicConfig, SaslMechanismAndProtocolMayBeExpressionsOrAttributes) {
  auto k = kafka_endpoint(R"({"producer": {"enabled": true, "topics": ["t"]},
                              "security": {"protocol": "{#request.headers['p'][0]}",
                                           "sasl": {"saslMechanism": "{#request.headers['m'][0]}",
                                                    "saslJaasConfig": "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";"}}})");
  EXPECT_TRUE(k.diag.problems().empty()) << k.diag.problems()[0].message;
  auto e = k.config->dynamic->evaluate(Headers({{"p", el::List{"SASL_PLAINTEXT"}}, {"m", el::List{"PLAIN"}}}),
                                       {{"gravitee.attributes.endpoint.kafka.security.sasl.saslMechanism",
                                         "SCRAM-SHA-256"}});
  ASSERT_TRUE(e.ok()) << e.describe();
  const auto& evaluated = static_cast<const kafka::EndpointConfig&>(*e.config);
  EXPECT_EQ(evaluated.security.protocol, kafka::SecurityProtocol::sasl_plaintext);
  EXPECT_EQ(evaluated.security.sasl.mechanism, "SCRAM-SHA-256");
}

}  // namespace
}  // namespace gantry
