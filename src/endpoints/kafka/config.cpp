// Deploy-time parsing of the kafka endpoint: bootstrap servers, consumer, producer, extra properties. Security is in
// security_config.cpp.
#include "endpoints/kafka/config.hpp"

#include "core/json/diagnostics.hpp"
#include "core/json/object_reader.hpp"
#include "core/message/dynamic_config.hpp"
#include "endpoints/kafka/client_properties.hpp"
#include "endpoints/kafka/security_config.hpp"

#include <boost/json/object.hpp>
#include <re2/re2.h>

#include <algorithm>
#include <optional>

namespace gantry::kafka {

namespace {

// `el_allowed` (deploy time): a string holding an expression (holds_expression) stands for a value known per
// request (dynamic configuration); its field is checked once evaluated, when the configuration is parsed again with
// `el_allowed` false.
//
// Reads one of `known` (exact spelling); reports unknown values with a suggestion.
template <class Enum>
std::optional<Enum> read_choice(ObjectReader& r, std::string_view key, std::string_view kind,
                                const std::vector<std::pair<std::string, Enum>>& known, bool el_allowed) {
  auto text = r.string(key);
  if (!text) return std::nullopt;
  if (el_allowed && holds_expression(*text)) return std::nullopt;
  for (const auto& [name, value] : known)
    if (*text == name) return value;
  std::vector<std::string> names;
  for (const auto& entry : known) names.push_back(entry.first);
  std::sort(names.begin(), names.end());
  r.diag().error(r.path_of(key), unknown_name_message(kind, *text, names));
  return std::nullopt;
}

void read_auto_offset_reset(ObjectReader& r, ConsumerConfig& out, bool el_allowed) {
  static const std::vector<std::pair<std::string, AutoOffsetReset>> known = {
      {"earliest", AutoOffsetReset::earliest}, {"latest", AutoOffsetReset::latest}, {"none", AutoOffsetReset::none}};
  if (auto value = read_choice(r, "autoOffsetReset", "autoOffsetReset value", known, el_allowed))
    out.auto_offset_reset = *value;
}

// Topic names as Kafka allows them: 1..249 characters of [a-zA-Z0-9._-].
void check_topic_names(ObjectReader& r, std::string_view key, const std::vector<std::string>& topics,
                       bool el_allowed) {
  for (std::size_t i = 0; i < topics.size(); ++i) {
    const auto& t = topics[i];
    bool legal = !t.empty() && t.size() <= 249 && t != "." && t != ".." &&
                 t.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
                     std::string::npos;
    if (!legal && !(el_allowed && holds_expression(t)))
      r.diag().error(path_index(r.path_of(key), i),
                     "'" + t + "' is not a legal Kafka topic name (1 to 249 of a-z A-Z 0-9 . _ -)");
  }
}

void parse_consumer(const boost::json::value& v, const std::string& path, ConsumerConfig& out, Diagnostics& diag,
                    bool el_allowed) {
  ObjectReader r(v, path, diag);
  if (!r.valid()) return;
  r.read("enabled", out.enabled);
  if (r.get("topics")) {
    r.read("topics", out.topics);
    check_topic_names(r, "topics", out.topics, el_allowed);
  }
  if (auto pattern = r.string("topicPattern")) {
    RE2 re(*pattern, RE2::Quiet);
    if (!re.ok() && !(el_allowed && holds_expression(*pattern)))
      diag.error(r.path_of("topicPattern"), "not a valid regular expression: " + re.error());
    out.topic_pattern = std::move(*pattern);
  }
  read_auto_offset_reset(r, out, el_allowed);
  r.read("encodeMessageId", out.encode_message_id);
  r.read("checkTopicExistence", out.check_topic_existence);
  r.read("removeConfluentHeader", out.remove_confluent_header);
}

void parse_producer(const boost::json::value& v, const std::string& path, ProducerConfig& out, Diagnostics& diag,
                    bool el_allowed) {
  ObjectReader r(v, path, diag);
  if (!r.valid()) return;
  r.read("enabled", out.enabled);
  if (r.get("topics")) {
    r.read("topics", out.topics);
    check_topic_names(r, "topics", out.topics, el_allowed);
  }
  static const std::vector<std::pair<std::string, std::string>> known = {
      {"none", "none"}, {"gzip", "gzip"}, {"snappy", "snappy"}, {"lz4", "lz4"}, {"zstd", "zstd"}};
  if (auto value = read_choice(r, "compressionType", "compressionType", known, el_allowed))
    out.compression_type = *value;
}

// {"linger.ms": 5, "enable.idempotence": true}: scalars only; librdkafka takes every value as text.
void parse_properties(const boost::json::value& v, const std::string& path, Properties& out,
                      std::vector<std::string>& paths, Diagnostics& diag) {
  const auto* object = json_object(v, path, diag);
  if (!object) return;
  for (const auto& [key, value] : *object) {
    std::string name(key);
    std::string text;
    if (value.is_string()) text = value.as_string();
    else if (value.is_bool()) text = value.as_bool() ? "true" : "false";
    else if (value.is_int64()) text = std::to_string(value.as_int64());
    else if (value.is_uint64()) text = std::to_string(value.as_uint64());
    else {
      diag.error(path_field(path, name), "expected a string, a number or a boolean");
      continue;
    }
    // A later source (the endpoint's own configuration) replaces the same key from the shared configuration.
    for (std::size_t i = 0; i < out.size(); ++i)
      if (out[i].first == name) {
        out.erase(out.begin() + static_cast<std::ptrdiff_t>(i));
        paths.erase(paths.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
    paths.push_back(path_field(path, name));
    out.emplace_back(std::move(name), std::move(text));
  }
}

// Where the enabled roles were declared, so that a missing topic is reported where the user wrote the role.
struct Origins {
  std::string consumer, producer, security;
  std::vector<std::string> properties;  // the JSON path of each entry of EndpointConfig::properties
  std::vector<std::string> legacy_topics;
  bool has_legacy_topics = false;
};

// The fields that may appear in the shared configuration and (in older definitions) in the configuration itself.
void parse_roles(ObjectReader& r, EndpointConfig& out, Origins& origins, bool el_allowed) {
  if (const auto* v = r.get("consumer")) {
    parse_consumer(*v, r.path_of("consumer"), out.consumer, r.diag(), el_allowed);
    origins.consumer = r.path_of("consumer");
  }
  if (const auto* v = r.get("producer")) {
    parse_producer(*v, r.path_of("producer"), out.producer, r.diag(), el_allowed);
    origins.producer = r.path_of("producer");
  }
  if (const auto* v = r.get("security")) {
    parse_security(*v, r.path_of("security"), out.security, r.diag(), el_allowed);
    origins.security = r.path_of("security");
  }
  if (const auto* v = r.get("properties"))
    parse_properties(*v, r.path_of("properties"), out.properties, origins.properties, r.diag());
  if (r.get("topics")) {  // the 3.20 beta shape: one topic list for both roles
    r.read("topics", origins.legacy_topics);
    check_topic_names(r, "topics", origins.legacy_topics, el_allowed);
    origins.has_legacy_topics = true;
  }
}

// The first entry of "a:1, PLAINTEXT://b:2" that is not a host:port pair (a URL scheme is allowed), "" when none.
std::string unusable_bootstrap_entry(std::string_view servers) {
  while (!servers.empty()) {
    const auto comma = servers.find(',');
    std::string_view entry = servers.substr(0, comma);
    servers = comma == std::string_view::npos ? std::string_view{} : servers.substr(comma + 1);
    while (!entry.empty() && entry.front() == ' ') entry.remove_prefix(1);
    while (!entry.empty() && entry.back() == ' ') entry.remove_suffix(1);
    if (entry.empty()) continue;
    std::string_view address = entry;
    if (const auto scheme = address.find("://"); scheme != std::string_view::npos) address.remove_prefix(scheme + 3);
    const auto colon = address.rfind(':');
    const auto port = colon == std::string_view::npos ? std::string_view{} : address.substr(colon + 1);
    const bool numeric = !port.empty() && port.size() <= 5 &&
                         port.find_first_not_of("0123456789") == std::string_view::npos;
    if (colon == 0 || colon == std::string_view::npos || !numeric) return std::string(entry);
  }
  return {};
}

void read_bootstrap_servers(ObjectReader& r, EndpointConfig& out, bool el_allowed) {
  auto servers = r.string("bootstrapServers", true);
  if (!servers) return;
  out.bootstrap_servers = std::move(*servers);
  const auto path = r.path_of("bootstrapServers");
  if (out.bootstrap_servers.find_first_not_of(" ,") == std::string::npos) {
    r.diag().error(path, "must name at least one host:port");
  } else if (el_allowed && holds_expression(out.bootstrap_servers)) {
    return;  // checked per request, once evaluated
  } else if (out.bootstrap_servers.find("://") != std::string::npos &&
             out.bootstrap_servers.find("PLAINTEXT://") == std::string::npos &&
             out.bootstrap_servers.find("SSL://") == std::string::npos) {
    r.diag().warning(path, "Kafka bootstrap servers are host:port pairs, not URLs");
  }
  {
    const auto entry = unusable_bootstrap_entry(out.bootstrap_servers);
    if (!entry.empty()) {
      out.bootstrap_problem = "Invalid url in bootstrap.servers: " + entry;
      r.diag().warning(path, "'" + entry + "' is not a host:port pair: every subscription will fail "
                             "(FAILURE_ENDPOINT_CONFIGURATION_INVALID)");
    }
  }
}

void check_roles(const EndpointConfig& c, const Origins& origins, const std::string& path, Diagnostics& diag) {
  if (c.consumer.enabled) {
    const auto& where = origins.consumer.empty() ? path : origins.consumer;
    if (c.consumer.topics.empty() && c.consumer.topic_pattern.empty())
      diag.error(where, "an enabled consumer needs 'topics' or 'topicPattern'");
    else if (!c.consumer.topics.empty() && !c.consumer.topic_pattern.empty())
      diag.error(where, "a consumer takes 'topics' or 'topicPattern', not both");
  }
  if (c.producer.enabled && c.producer.topics.empty())
    diag.error(origins.producer.empty() ? path : origins.producer, "an enabled producer needs 'topics'");
  if (!c.consumer.enabled && !c.producer.enabled)
    diag.warning(path, "neither the consumer nor the producer is enabled: this endpoint can neither publish nor "
                       "subscribe");
}

std::shared_ptr<EndpointConfig> parse_fields(const boost::json::value& configuration, const std::string& path,
                                             const boost::json::value& shared, const std::string& shared_path,
                                             Diagnostics& diag, bool el_allowed) {
  auto config = std::make_shared<EndpointConfig>();
  Origins origins;
  if (!shared.is_null()) {
    ObjectReader s(shared, shared_path, diag);
    if (s.valid()) parse_roles(s, *config, origins, el_allowed);
  }
  if (configuration.is_null()) {
    diag.error(path, "missing required field 'bootstrapServers'");
  } else {
    ObjectReader r(configuration, path, diag);
    if (r.valid()) {
      read_bootstrap_servers(r, *config, el_allowed);
      parse_roles(r, *config, origins, el_allowed);
    }
  }
  if (origins.has_legacy_topics) {
    if (config->consumer.topics.empty() && config->consumer.topic_pattern.empty())
      config->consumer.topics = origins.legacy_topics;
    if (config->producer.topics.empty()) config->producer.topics = origins.legacy_topics;
  }
  check_roles(*config, origins, path, diag);
  check_security(config->security, origins.security.empty() ? path : origins.security, diag);
  check_client_properties(*config, origins.properties, diag);
  return config;
}

// What an attribute's text becomes when the field it overrides is absent from the definition.
std::vector<std::pair<std::string, DynamicConfig::Kind>> field_kinds() {
  using K = DynamicConfig::Kind;
  return {{"topics", K::list},
          {"consumer.topics", K::list},
          {"producer.topics", K::list},
          {"consumer.enabled", K::boolean},
          {"producer.enabled", K::boolean},
          {"consumer.encodeMessageId", K::boolean},
          {"consumer.checkTopicExistence", K::boolean},
          {"consumer.removeConfluentHeader", K::boolean},
          {"security.ssl.hostnameVerifier", K::boolean}};
}

}  // namespace

std::shared_ptr<const EndpointConfig> parse_endpoint_config(const boost::json::value& configuration,
                                                            const std::string& path,
                                                            const boost::json::value& shared,
                                                            const std::string& shared_path, Diagnostics& diag) {
  auto config = parse_fields(configuration, path, shared, shared_path, diag, true);
  DynamicConfig::Options options;
  options.type = "kafka";
  options.kinds = field_kinds();
  options.configuration_fields = {"bootstrapServers"};
  options.parse = [path, shared_path](const boost::json::value& c, const boost::json::value& s, Diagnostics& d) {
    return PluginConfigPtr(parse_fields(c, path, s, shared_path, d, false));
  };
  config->dynamic = DynamicConfig::build(configuration, path, shared, shared_path, std::move(options), diag);
  return config;
}

std::string_view to_string(AutoOffsetReset v) {
  switch (v) {
    case AutoOffsetReset::latest: return "latest";
    case AutoOffsetReset::earliest: return "earliest";
    case AutoOffsetReset::none: return "none";
  }
  return "latest";
}

std::string_view to_string(SecurityProtocol v) {
  switch (v) {
    case SecurityProtocol::plaintext: return "PLAINTEXT";
    case SecurityProtocol::ssl: return "SSL";
    case SecurityProtocol::sasl_plaintext: return "SASL_PLAINTEXT";
    case SecurityProtocol::sasl_ssl: return "SASL_SSL";
  }
  return "PLAINTEXT";
}

}  // namespace gantry::kafka
