// The kafka endpoint factory: Gravitee's configuration shape (shared configuration and the older in-endpoint
// shape), defaults, security, extra librdkafka properties, every message with its JSON path, and the librdkafka
// properties a configuration turns into.
#include "core/json/diagnostics.hpp"
#include "core/message/dynamic_config.hpp"
#include "endpoints/kafka/client_properties.hpp"
#include "endpoints/kafka/config.hpp"
#include "endpoints/kafka/factory.hpp"
#include "endpoints/kafka/security_config.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>

namespace gantry {
namespace {

namespace json = boost::json;
using kafka::EndpointConfig;
using Lines = std::vector<std::string>;

Lines lines(const Diagnostics& diag) {
  Lines out;
  for (const auto& p : diag.problems())
    out.push_back(p.path + ": " + (p.severity == Problem::Severity::warning ? "warning: " : "") + p.message);
  return out;
}

struct Parsed {
  std::shared_ptr<const EndpointConfig> config;
  Diagnostics diag;
};

Parsed parse(std::string_view configuration, std::string_view shared = "null") {
  Parsed out;
  auto factory = make_kafka_endpoint_factory();
  auto config = factory->parse_config(json::parse(configuration), "$.c", json::parse(shared), "$.s", out.diag);
  out.config = std::static_pointer_cast<const EndpointConfig>(config);
  return out;
}

std::string property(const kafka::Properties& props, std::string_view key) {
  for (const auto& [k, v] : props)
    if (k == key) return v;
  return "<unset>";
}

TEST(KafkaEndpoint, TypeAndCapabilitiesFollowTheKafkaAdvancedColumn) {
  auto factory = make_kafka_endpoint_factory();
  EXPECT_EQ(factory->type(), "kafka");
  const auto& caps = factory->capabilities();
  EXPECT_EQ(caps.api_types, std::vector<ApiType>{ApiType::message});
  EXPECT_TRUE(caps.publish);
  EXPECT_TRUE(caps.subscribe);
  EXPECT_FALSE(caps.request_response);
  EXPECT_TRUE(caps.resumable);
  EXPECT_EQ(caps.qos, (std::vector<Qos>{Qos::none, Qos::auto_, Qos::at_most_once, Qos::at_least_once}));
}

TEST(KafkaEndpoint, GraviteeV4ShapeWithSharedConfiguration) {
  auto p = parse(R"({"bootstrapServers": "k1:9092,k2:9092"})",
                 R"({"consumer": {"enabled": true, "topics": ["orders"], "autoOffsetReset": "earliest"},
                     "producer": {"enabled": true, "topics": ["orders"], "compressionType": "zstd"}})");
  EXPECT_EQ(lines(p.diag), Lines{});
  const auto& c = *p.config;
  EXPECT_EQ(c.bootstrap_servers, "k1:9092,k2:9092");
  EXPECT_TRUE(c.consumer.enabled);
  EXPECT_EQ(c.consumer.topics, Lines{"orders"});
  EXPECT_EQ(c.consumer.auto_offset_reset, kafka::AutoOffsetReset::earliest);
  EXPECT_TRUE(c.consumer.encode_message_id);
  EXPECT_FALSE(c.consumer.check_topic_existence);
  EXPECT_FALSE(c.consumer.remove_confluent_header);
  EXPECT_TRUE(c.producer.enabled);
  EXPECT_EQ(c.producer.compression_type, "zstd");
  EXPECT_EQ(c.security.protocol, kafka::SecurityProtocol::plaintext);
}

// Seed 001's body (the 3.20 beta shape): topics, consumer and producer inside the endpoint's own configuration.
TEST(KafkaEndpoint, SeedBetaShapeWithTopicsInTheConfiguration) {
  auto p = parse(R"({"bootstrapServers": "kafka:9092", "topics": ["demo"],
                     "consumer": {"enabled": false}, "producer": {"enabled": true}})");
  EXPECT_EQ(lines(p.diag), Lines{});
  EXPECT_FALSE(p.config->consumer.enabled);
  EXPECT_TRUE(p.config->producer.enabled);
  EXPECT_EQ(p.config->producer.topics, Lines{"demo"});
  EXPECT_EQ(p.config->consumer.topics, Lines{"demo"});
}

TEST(KafkaEndpoint, TheEndpointsOwnBlocksRefineTheSharedOnes) {
  auto p = parse(R"({"bootstrapServers": "k:9092", "consumer": {"autoOffsetReset": "earliest"},
                     "properties": {"fetch.wait.max.ms": 50}})",
                 R"({"consumer": {"enabled": true, "topics": ["a", "b"]},
                     "properties": {"fetch.wait.max.ms": "200", "linger.ms": 1}})");
  EXPECT_EQ(lines(p.diag), Lines{});
  EXPECT_EQ(p.config->consumer.topics, (Lines{"a", "b"}));
  EXPECT_EQ(p.config->consumer.auto_offset_reset, kafka::AutoOffsetReset::earliest);
  EXPECT_EQ(p.config->properties,
            (kafka::Properties{{"linger.ms", "1"}, {"fetch.wait.max.ms", "50"}}));
}

TEST(KafkaEndpoint, MissingBootstrapServersIsRefusedWithItsPath) {
  auto p = parse(R"({})", R"({"producer": {"enabled": true, "topics": ["t"]}})");
  EXPECT_EQ(lines(p.diag), Lines{"$.c: missing required field 'bootstrapServers'"});
  auto q = parse("null", R"({"producer": {"enabled": true, "topics": ["t"]}})");
  EXPECT_EQ(lines(q.diag), Lines{"$.c: missing required field 'bootstrapServers'"});
  auto r = parse(R"({"bootstrapServers": " , "})", R"({"producer": {"enabled": true, "topics": ["t"]}})");
  EXPECT_EQ(lines(r.diag), Lines{"$.c.bootstrapServers: must name at least one host:port"});
}

TEST(KafkaEndpoint, BootstrapServersThatAreNotHostPortPairsDeployButCannotSubscribe) {
  const auto shared = R"({"consumer": {"enabled": true, "topics": ["t"]}})";
  auto wrong = parse(R"({"bootstrapServers": "wrong"})", shared);
  EXPECT_EQ(wrong.diag.error_count(), 0u);
  EXPECT_EQ(wrong.config->bootstrap_problem, "Invalid url in bootstrap.servers: wrong");
  EXPECT_EQ(lines(wrong.diag), Lines{"$.c.bootstrapServers: warning: 'wrong' is not a host:port pair: every "
                                     "subscription will fail (FAILURE_ENDPOINT_CONFIGURATION_INVALID)"});
  EXPECT_EQ(parse(R"({"bootstrapServers": "a:9092, b:x"})", shared).config->bootstrap_problem,
            "Invalid url in bootstrap.servers: b:x");
  EXPECT_EQ(parse(R"({"bootstrapServers": ":9092"})", shared).config->bootstrap_problem,
            "Invalid url in bootstrap.servers: :9092");
  for (auto good : {"localhost:9092", "a:1,b:2", " a:1 , PLAINTEXT://b:2", "[::1]:9092"}) {
    auto p = parse(R"({"bootstrapServers": ")" + std::string(good) + R"("})", shared);
    EXPECT_EQ(p.config->bootstrap_problem, "") << good;
  }
}

TEST(KafkaEndpoint, EveryRoleProblemIsReported) {
  auto p = parse(R"({"bootstrapServers": "k:9092"})",
                 R"({"consumer": {"enabled": true, "autoOffsetReset": "newest", "topicz": []},
                     "producer": {"enabled": true, "compressionType": "brotli"}})");
  EXPECT_EQ(lines(p.diag),
            (Lines{"$.s.consumer.autoOffsetReset: unknown autoOffsetReset value 'newest' (known: earliest, latest, "
                   "none)",
                   "$.s.consumer.topicz: warning: unknown field 'topicz' (did you mean 'topics'?)",
                   "$.s.producer.compressionType: unknown compressionType 'brotli' (known: gzip, lz4, none, snappy, "
                   "zstd)",
                   "$.s.consumer: an enabled consumer needs 'topics' or 'topicPattern'",
                   "$.s.producer: an enabled producer needs 'topics'"}));
}

TEST(KafkaEndpoint, TopicsAndPatternsAreChecked) {
  auto p = parse(R"({"bootstrapServers": "k:9092"})",
                 R"({"consumer": {"enabled": true, "topics": ["ok.topic-1", "bad topic"], "topicPattern": "a(b"}})");
  EXPECT_EQ(lines(p.diag),
            (Lines{"$.s.consumer.topics[1]: 'bad topic' is not a legal Kafka topic name (1 to 249 of a-z A-Z 0-9 . _ "
                   "-)",
                   "$.s.consumer.topicPattern: not a valid regular expression: missing ): a(b",
                   "$.s.consumer: a consumer takes 'topics' or 'topicPattern', not both"}));
  auto q = parse(R"({"bootstrapServers": "k:9092"})",
                 R"({"consumer": {"enabled": true, "topicPattern": "orders-.*"}})");
  EXPECT_EQ(lines(q.diag), Lines{});
  EXPECT_EQ(q.config->consumer.topic_pattern, "orders-.*");
}

TEST(KafkaEndpoint, NeitherRoleEnabledIsAWarning) {
  auto p = parse(R"({"bootstrapServers": "k:9092"})");
  EXPECT_EQ(lines(p.diag), Lines{"$.c: warning: neither the consumer nor the producer is enabled: this endpoint can "
                                 "neither publish nor subscribe"});
}

TEST(KafkaEndpoint, ExpressionsAreAcceptedAtDeployAndEvaluatedPerRequest) {
  // dynamic_config_test.cpp covers the evaluation.
  auto p = parse(R"({"bootstrapServers": "{#secrets.get('/vault/kafka:bootstrap')}"})",
                 R"({"consumer": {"enabled": true, "topics": ["t"], "autoOffsetReset": "{#request.headers['x'][0]}"}})");
  EXPECT_EQ(lines(p.diag), Lines{});
  ASSERT_TRUE(p.config->dynamic);
  EXPECT_TRUE(p.config->dynamic->has_expressions());
}

TEST(KafkaEndpoint, ConfluentCloudSaslSslPlain) {
  auto p = parse(R"({"bootstrapServers": "pkc-1.europe-west1.gcp.confluent.cloud:9092"})",
                 R"({"producer": {"enabled": true, "topics": ["t"]},
                     "security": {"protocol": "SASL_SSL", "sasl": {"saslMechanism": "PLAIN",
                       "saslJaasConfig": "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"KEY\" password=\"S3\\\"CRET\";"}}})");
  EXPECT_EQ(lines(p.diag), Lines{});
  const auto& s = p.config->security;
  EXPECT_EQ(s.protocol, kafka::SecurityProtocol::sasl_ssl);
  EXPECT_EQ(s.sasl.mechanism, "PLAIN");
  EXPECT_EQ(s.sasl.username, "KEY");
  EXPECT_EQ(s.sasl.password, "S3\"CRET");
  auto props = kafka::client_properties(*p.config, kafka::Role::producer);
  EXPECT_EQ(property(props, "security.protocol"), "SASL_SSL");
  EXPECT_EQ(property(props, "sasl.mechanisms"), "PLAIN");
  EXPECT_EQ(property(props, "sasl.username"), "KEY");
  EXPECT_EQ(property(props, "sasl.password"), "S3\"CRET");
  // No trust store: the system's (librdkafka falls back to OpenSSL's default paths), not an error.
  EXPECT_EQ(property(props, "ssl.ca.location"), "<unset>");
  EXPECT_EQ(property(props, "ssl.endpoint.identification.algorithm"), "https");
}

TEST(KafkaEndpoint, BadSecurityIsRefusedWithPaths) {
  auto p = parse(R"({"bootstrapServers": "k:9092"})",
                 R"({"producer": {"enabled": true, "topics": ["t"]},
                     "security": {"protocol": "SASL_SSLL", "sasl": {"saslMechanism": "PLAN"},
                                  "ssl": {"trustStore": {"type": "JKS", "path": "/x.jks"},
                                          "keyStore": {"type": "PEM", "certPath": "/c.pem"}}}})");
  EXPECT_EQ(lines(p.diag),
            (Lines{"$.s.security.protocol: unknown security protocol 'SASL_SSLL' (did you mean 'SASL_SSL'? known: "
                   "PLAINTEXT, SASL_PLAINTEXT, SASL_SSL, SSL)",
                   "$.s.security.sasl.saslMechanism: unknown SASL mechanism 'PLAN' (did you mean 'PLAIN'? known: "
                   "GSSAPI, OAUTHBEARER, PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)",
                   "$.s.security.ssl.trustStore.type: JKS trust stores are Java-only; convert to PKCS12 (keytool "
                   "-importkeystore -deststoretype PKCS12) or PEM",
                   "$.s.security.ssl.keyStore: a PEM key store's private key needs 'keyPath' or 'keyContent'",
                   // The protocol stays PLAINTEXT when the one written is unknown.
                   "$.s.security.ssl: warning: ignored: protocol PLAINTEXT does not use TLS"}));
}

TEST(KafkaEndpoint, SaslWithoutMechanismOrCredentials) {
  auto p = parse(R"({"bootstrapServers": "k:9092"})",
                 R"({"producer": {"enabled": true, "topics": ["t"]}, "security": {"protocol": "SASL_PLAINTEXT"}})");
  EXPECT_EQ(lines(p.diag), Lines{"$.s.security.sasl: protocol SASL_PLAINTEXT needs 'saslMechanism' (one of: GSSAPI, "
                                 "OAUTHBEARER, PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)"});
  auto q = parse(R"({"bootstrapServers": "k:9092"})",
                 R"({"producer": {"enabled": true, "topics": ["t"]}, "security": {"protocol": "SASL_SSL",
                     "sasl": {"saslMechanism": "SCRAM_SHA-256", "saslJaasConfig": "ScramLoginModule required;"}}})");
  EXPECT_EQ(lines(q.diag), Lines{"$.s.security.sasl.saslJaasConfig: SASL SCRAM-SHA-256 needs username=\"...\" and "
                                 "password=\"...\" in 'saslJaasConfig'"});
  auto r = parse(R"({"bootstrapServers": "k:9092"})",
                 R"({"producer": {"enabled": true, "topics": ["t"]}, "security": {"protocol": "SASL_SSL",
                     "sasl": {"saslMechanism": "PLAIN", "saslJaasConfig": "username=u password=p"}}})");
  EXPECT_EQ(lines(r.diag),
            (Lines{"$.s.security.sasl.saslJaasConfig: not a JAAS configuration: expected '<LoginModule class> "
                   "required key=\"value\" ...;'",
                   "$.s.security.sasl.saslJaasConfig: SASL PLAIN needs username=\"...\" and password=\"...\" in "
                   "'saslJaasConfig'"}));
}

TEST(KafkaEndpoint, MskIamIsExplainedNotSilentlyBroken) {
  auto p = parse(R"({"bootstrapServers": "b-1.msk:9098"})",
                 R"({"producer": {"enabled": true, "topics": ["t"]}, "security": {"protocol": "SASL_SSL",
                     "sasl": {"saslMechanism": "AWS_MSK_IAM", "saslJaasConfig": "software.amazon.msk.auth.iam.IAMLoginModule required;"}}})");
  EXPECT_EQ(lines(p.diag),
            (Lines{"$.s.security.sasl.saslMechanism: AWS_MSK_IAM is a Java-client mechanism that librdkafka does not "
                   "have; use SCRAM-SHA-512 or OAUTHBEARER with Amazon MSK (docs/kafka.md)",
                   "$.s.security.sasl: protocol SASL_SSL needs 'saslMechanism' (one of: GSSAPI, OAUTHBEARER, PLAIN, "
                   "SCRAM-SHA-256, SCRAM-SHA-512)"}));
}

TEST(KafkaEndpoint, PemStoresBecomeLibrdkafkaProperties) {
  auto p = parse(R"({"bootstrapServers": "k:9093"})",
                 R"({"consumer": {"enabled": true, "topics": ["t"]}, "security": {"protocol": "SSL",
                     "ssl": {"hostnameVerifier": false,
                             "trustStore": {"type": "PEM", "path": "/etc/kafka/ca.pem"},
                             "keyStore": {"type": "PEM", "certContent": "-----BEGIN CERTIFICATE-----",
                                          "keyPath": "/k.pem", "keyPassword": "pw"}}}})");
  EXPECT_EQ(lines(p.diag), Lines{});
  auto props = kafka::client_properties(*p.config, kafka::Role::consumer);
  EXPECT_EQ(property(props, "security.protocol"), "SSL");
  EXPECT_EQ(property(props, "ssl.ca.location"), "/etc/kafka/ca.pem");
  EXPECT_EQ(property(props, "ssl.certificate.pem"), "-----BEGIN CERTIFICATE-----");
  EXPECT_EQ(property(props, "ssl.key.location"), "/k.pem");
  EXPECT_EQ(property(props, "ssl.key.password"), "pw");
  EXPECT_EQ(property(props, "ssl.endpoint.identification.algorithm"), "none");
}

TEST(KafkaEndpoint, Pkcs12KeyStoreByPathIsLibrdkafkasOwn) {
  auto p = parse(R"({"bootstrapServers": "k:9093"})",
                 R"({"consumer": {"enabled": true, "topics": ["t"]}, "security": {"protocol": "SSL",
                     "ssl": {"keyStore": {"type": "PKCS12", "path": "/client.p12", "password": "pw"},
                             "trustStore": {"type": "PKCS12"}}}})");
  EXPECT_EQ(lines(p.diag), Lines{"$.s.security.ssl.trustStore: a PKCS12 trust store needs 'path' or 'content'"});
  auto props = kafka::client_properties(*p.config, kafka::Role::consumer);
  EXPECT_EQ(property(props, "ssl.keystore.location"), "/client.p12");
  EXPECT_EQ(property(props, "ssl.keystore.password"), "pw");
}

TEST(KafkaEndpoint, RoleDefaultsAndExtraPropertiesWin) {
  auto p = parse(R"({"bootstrapServers": "k:9092"})",
                 R"({"consumer": {"enabled": true, "topics": ["t"], "autoOffsetReset": "none"},
                     "producer": {"enabled": true, "topics": ["t"], "compressionType": "lz4"},
                     "properties": {"message.timeout.ms": 2500, "enable.idempotence": true}})");
  EXPECT_EQ(lines(p.diag), Lines{});
  auto producer = kafka::client_properties(*p.config, kafka::Role::producer);
  EXPECT_EQ(property(producer, "bootstrap.servers"), "k:9092");
  EXPECT_EQ(property(producer, "compression.type"), "lz4");
  EXPECT_EQ(property(producer, "message.timeout.ms"), "2500");
  EXPECT_EQ(property(producer, "enable.idempotence"), "true");
  EXPECT_EQ(property(producer, "linger.ms"), "0");  // a qos auto publish must not wait out a linger
  auto consumer = kafka::client_properties(*p.config, kafka::Role::consumer);
  EXPECT_EQ(property(consumer, "auto.offset.reset"), "error");
  EXPECT_EQ(property(consumer, "enable.auto.commit"), "false");
  EXPECT_EQ(property(consumer, "compression.type"), "<unset>");
  std::string error;
  EXPECT_NE(kafka::make_conf(consumer, &error), nullptr) << error;
  EXPECT_NE(kafka::make_conf(producer, &error), nullptr) << error;
}

TEST(KafkaEndpoint, LibrdkafkaJudgesExtraPropertiesAtDeploy) {
  auto p = parse(R"({"bootstrapServers": "k:9092", "properties": {"linger.mss": 5}})",
                 R"({"producer": {"enabled": true, "topics": ["t"]},
                     "properties": {"acks": "most", "batch.size": [1]}})");
  EXPECT_EQ(lines(p.diag),
            (Lines{"$.s.properties['batch.size']: expected a string, a number or a boolean",
                   // librdkafka names the property by its canonical name (acks is an alias).
                   "$.s.properties.acks: librdkafka refuses it: Invalid value for configuration property "
                   "\"request.required.acks\"",
                   "$.c.properties['linger.mss']: librdkafka refuses it: No such configuration property: "
                   "\"linger.mss\""}));
}

TEST(KafkaEndpoint, JaasOptions) {
  std::string error;
  auto o = kafka::parse_jaas_options(
      R"(com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true keyTab="/k.keytab" principal="gw@EX.COM";)",
      &error);
  ASSERT_TRUE(o) << error;
  EXPECT_EQ(o->at("useKeyTab"), "true");
  EXPECT_EQ(o->at("keyTab"), "/k.keytab");
  EXPECT_EQ(o->at("principal"), "gw@EX.COM");
  EXPECT_FALSE(kafka::parse_jaas_options(R"(X required user="unterminated)", &error));
  EXPECT_EQ(error, "not a JAAS configuration: unterminated quoted value of 'user'");
}

}  // namespace
}  // namespace gantry
