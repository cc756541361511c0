// The kafka endpoint's configuration (Gravitee's shape), parsed and validated once at deploy time into immutable
// values; client_properties.hpp turns it into librdkafka properties.
#pragma once

#include "core/definition/model.hpp"

#include <boost/json/value.hpp>

#include <string>
#include <utility>
#include <vector>

namespace gantry {
class Diagnostics;
class DynamicConfig;
}

namespace gantry::kafka {

enum class AutoOffsetReset { latest, earliest, none };
enum class SecurityProtocol { plaintext, ssl, sasl_plaintext, sasl_ssl };

struct ConsumerConfig {
  bool enabled = false;
  std::vector<std::string> topics;
  std::string topic_pattern;  // a regular expression; "" when `topics` is used
  AutoOffsetReset auto_offset_reset = AutoOffsetReset::latest;
  bool encode_message_id = true;  // message ids are base64 of "topic@partition#offset,..." (Gravitee's default)
  bool check_topic_existence = false;
  bool remove_confluent_header = false;  // strip the 5-byte schema-registry prefix (magic 0 + schema id)
};

struct ProducerConfig {
  bool enabled = false;
  std::vector<std::string> topics;
  std::string compression_type = "none";  // none | gzip | snappy | lz4 | zstd
};

// A PEM or PKCS12 store, by file path or inline content (PEM text; PKCS12 as base64). JKS is refused at deploy.
struct Store {
  enum class Type { none, pem, pkcs12 };
  Type type = Type::none;
  std::string path, content, password;
  std::string cert_path, cert_content, key_path, key_content, key_password;  // PEM key stores
  bool empty() const { return type == Type::none; }
};

struct SaslConfig {
  std::string mechanism;    // GSSAPI | OAUTHBEARER | PLAIN | SCRAM-SHA-256 | SCRAM-SHA-512
  std::string jaas_config;  // as written
  std::string username, password;  // from the JAAS options (PLAIN, SCRAM)
  std::string kerberos_principal, kerberos_keytab;  // from the JAAS options (GSSAPI)
};

struct SslConfig {
  Store trust_store;  // none: the system trust store (OpenSSL's default paths)
  Store key_store;    // none: no client certificate
  bool hostname_verifier = true;
};

struct SecurityConfig {
  SecurityProtocol protocol = SecurityProtocol::plaintext;
  SaslConfig sasl;
  SslConfig ssl;
  bool protocol_expression = false;  // deploy time: `protocol` is an expression, checked per request
  bool uses_sasl() const {
    return protocol == SecurityProtocol::sasl_plaintext || protocol == SecurityProtocol::sasl_ssl;
  }
  bool uses_ssl() const { return protocol == SecurityProtocol::ssl || protocol == SecurityProtocol::sasl_ssl; }
};

using Properties = std::vector<std::pair<std::string, std::string>>;

struct EndpointConfig final : PluginConfig {
  std::string bootstrap_servers;  // "host:port,host:port"
  // Why no Kafka client can be made from bootstrap_servers (an entry that is not host:port), "" when it can: as in
  // Gravitee the API deploys, and each subscription fails with FAILURE_ENDPOINT_CONFIGURATION_INVALID.
  std::string bootstrap_problem;
  ConsumerConfig consumer;
  ProducerConfig producer;
  SecurityConfig security;
  Properties properties;  // extra librdkafka properties, passed through as written (checked at deploy)
  // EL and attribute overrides evaluated per request (core/message/dynamic_config.hpp); set on the deployed
  // configuration only (null in an evaluated one).
  std::shared_ptr<const DynamicConfig> dynamic;
};

// Parses an endpoint: its `configuration` (bootstrapServers; older definitions also put topics, consumer, producer
// and security there) on top of the effective shared configuration (consumer, producer, security, properties).
// `configuration` and `shared` may be null. Every problem goes to `diag` with its JSON path. A string holding `{#`
// is an expression: accepted where any value is, checked once evaluated (`dynamic` re-runs this parser then).
std::shared_ptr<const EndpointConfig> parse_endpoint_config(const boost::json::value& configuration,
                                                            const std::string& path,
                                                            const boost::json::value& shared,
                                                            const std::string& shared_path, Diagnostics& diag);

std::string_view to_string(AutoOffsetReset v);
std::string_view to_string(SecurityProtocol v);

}  // namespace gantry::kafka
