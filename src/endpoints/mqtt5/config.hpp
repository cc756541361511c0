// The "mqtt5" endpoint's configuration, parsed once at deploy time (Gravitee's shape: serverHost/serverPort in the
// endpoint configuration; session, security, consumer, producer and reconnection in the shared configuration).
#pragma once

#include "core/definition/model.hpp"
#include "core/json/diagnostics.hpp"

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace gantry {
class DynamicConfig;
}

namespace gantry::mqtt5 {

// A PEM file given by its path or by its inline content (exactly one).
struct PemSource {
  std::string path;
  std::string content;
  bool empty() const { return path.empty() && content.empty(); }
};

struct TlsOptions {
  bool enabled = false;             // true once a trust or key store is configured
  bool hostname_verifier = true;    // check the broker certificate's name against serverHost
  PemSource trust;                  // CA certificates; the system's when empty
  PemSource cert;                   // client certificate (mutual TLS), with `key`
  PemSource key;
  std::string key_password;
};

struct ConsumerOptions {
  bool enabled = false;
  std::string topic;  // a topic filter: + and # wildcards allowed
};

struct ProducerOptions {
  bool enabled = false;
  std::string topic;  // a topic name: no wildcards
  bool retained = false;
  std::string response_topic;
  std::int64_t message_expiry_interval = -1;  // seconds; -1 = none
};

// Immutable once parsed; the connector and its clients hold it by pointer.
struct EndpointConfig final : PluginConfig {
  std::string server_host;
  int server_port = 0;
  std::int64_t session_expiry_interval = 86400;  // seconds; -1 = never expires
  std::string username;
  std::string password;
  TlsOptions tls;
  ConsumerOptions consumer;
  ProducerOptions producer;
  int reconnect_attempts = 3;                           // after a lost connection; 0 = none
  std::chrono::milliseconds reconnect_interval{2000};   // first back-off, doubled per attempt up to 30 s
  // EL and attribute overrides evaluated per request (core/message/dynamic_config.hpp); set on the deployed
  // configuration only.
  std::shared_ptr<const DynamicConfig> dynamic;
};

// The per-message attribute that overrides the producer topic (Gravitee's name).
inline constexpr std::string_view topic_attribute = "gravitee.attribute.mqtt5.topic";

void parse_endpoint_configuration(const boost::json::value& configuration, const std::string& path,
                                  EndpointConfig& out, Diagnostics& diag);
// `el_allowed` (deploy time): a topic holding `{#` is an expression, checked per request once evaluated.
void parse_shared_configuration(const boost::json::value& shared, const std::string& path, EndpointConfig& out,
                                Diagnostics& diag, bool el_allowed = false);

// "" when `filter` is a valid MQTT topic filter (or, with wildcards=false, a topic name), else why not.
std::string topic_problem(std::string_view topic, bool wildcards);

}  // namespace gantry::mqtt5
