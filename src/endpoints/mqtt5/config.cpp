// Deploy-time parsing of the mqtt5 endpoint configuration: every problem is reported with its JSON path.
#include "endpoints/mqtt5/config.hpp"

#include "core/json/object_reader.hpp"
#include "core/message/dynamic_config.hpp"

#include <charconv>

namespace gantry::mqtt5 {

namespace {

// Gravitee's definitions (read by Jackson) may carry numbers as strings ("serverPort": "1883").
std::optional<std::int64_t> read_number(ObjectReader& r, std::string_view key, bool required) {
  const auto* v = required ? r.require(key) : r.get(key);
  if (!v) return std::nullopt;
  if (v->is_string()) {
    const auto& s = v->get_string();
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc() && end == s.data() + s.size()) return n;
    r.diag().error(r.path_of(key), "expected an integer (got '" + std::string(s) + "')");
    return std::nullopt;
  }
  return json_integer(*v, r.path_of(key), r.diag());
}

void read_port(ObjectReader& r, EndpointConfig& out) {
  auto port = read_number(r, "serverPort", true);
  if (!port) return;
  if (*port < 1 || *port > 65535)
    r.diag().error(r.path_of("serverPort"), "must be between 1 and 65535 (got " + std::to_string(*port) + ")");
  else
    out.server_port = int(*port);
}

// An interval in seconds where -1 means "none/never" (MQTT 5 intervals are 32-bit).
void read_interval(ObjectReader& r, std::string_view key, std::int64_t& out) {
  auto n = read_number(r, key, false);
  if (!n) return;
  if (*n < -1 || *n > 4294967295LL)
    r.diag().error(r.path_of(key), "must be -1 or between 0 and 4294967295 seconds (got " + std::to_string(*n) + ")");
  else
    out = *n;
}

void read_pem(ObjectReader& r, std::string_view what, std::string_view path_key, std::string_view content_key,
              PemSource& out) {
  r.read(path_key, out.path);
  r.read(content_key, out.content);
  std::string alternatives = "'" + std::string(path_key) + "' or '" + std::string(content_key) + "'";
  if (out.empty())
    r.diag().error(r.path(), "a PEM " + std::string(what) + " needs " + alternatives);
  else if (!out.path.empty() && !out.content.empty())
    r.diag().error(r.path(), "a PEM " + std::string(what) + " takes " + alternatives + ", not both");
}

// Returns false when the store is absent, untyped or not PEM (reported).
bool read_store_type(ObjectReader& r, std::string_view kind) {
  auto type = r.string("type");
  if (!type || type->empty()) {
    r.diag().warning(r.path(), "the " + std::string(kind) + " store has no type and is ignored");
    return false;
  }
  if (*type == "PEM") return true;
  if (*type == "JKS" || *type == "PKCS12") {
    r.diag().error(r.path_of("type"), "only PEM " + std::string(kind) + " stores are supported (type '" + *type + "')");
  } else {
    static const std::vector<std::string> known = {"JKS", "PEM", "PKCS12"};
    r.diag().error(r.path_of("type"), unknown_name_message(std::string(kind) + " store type", *type, known));
  }
  return false;
}

void parse_ssl(const boost::json::value& v, const std::string& path, TlsOptions& out, Diagnostics& diag) {
  ObjectReader r(v, path, diag);
  if (!r.valid()) return;
  r.read("hostnameVerifier", out.hostname_verifier);
  if (const auto* trust = r.get("trustStore")) {
    ObjectReader t(*trust, r.path_of("trustStore"), diag);
    t.accept({"path", "content", "password", "alias"});  // read only when the type is PEM
    if (t.valid() && read_store_type(t, "trust")) {
      read_pem(t, "trust store", "path", "content", out.trust);
      out.enabled = true;
    }
  }
  if (const auto* key = r.get("keyStore")) {
    ObjectReader k(*key, r.path_of("keyStore"), diag);
    k.accept({"path", "content", "alias", "password", "certPath", "certContent", "keyPath", "keyContent",
              "keyPassword"});
    if (k.valid() && read_store_type(k, "key")) {
      read_pem(k, "key store certificate", "certPath", "certContent", out.cert);
      read_pem(k, "key store key", "keyPath", "keyContent", out.key);
      k.read("keyPassword", out.key_password);
      out.enabled = true;
    }
  }
}

void parse_security(const boost::json::value& v, const std::string& path, EndpointConfig& out, Diagnostics& diag) {
  ObjectReader r(v, path, diag);
  if (!r.valid()) return;
  if (const auto* auth = r.get("auth")) {
    ObjectReader a(*auth, r.path_of("auth"), diag);
    a.read("username", out.username);
    a.read("password", out.password);
    if (out.username.empty() && !out.password.empty())
      diag.error(a.path_of("password"), "a password needs a username");
  }
  if (const auto* ssl = r.get("ssl")) parse_ssl(*ssl, r.path_of("ssl"), out.tls, diag);
}

// At deploy time (`el_allowed`) a topic holding `{#` is an expression (dynamic configuration), checked per request
// once evaluated.
bool unchecked(std::string_view topic, bool el_allowed) {
  return el_allowed && holds_expression(topic);
}

void parse_consumer(const boost::json::value& v, const std::string& path, ConsumerOptions& out, Diagnostics& diag,
                    bool el_allowed) {
  ObjectReader r(v, path, diag);
  if (!r.valid()) return;
  r.read("enabled", out.enabled);
  r.read("topic", out.topic);
  if (!out.enabled) return;
  if (out.topic.empty())
    diag.error(path, "missing required field 'topic' (the consumer is enabled)");
  else if (auto why = topic_problem(out.topic, true); !why.empty() && !unchecked(out.topic, el_allowed))
    diag.error(r.path_of("topic"), why);
}

void parse_producer(const boost::json::value& v, const std::string& path, ProducerOptions& out, Diagnostics& diag,
                    bool el_allowed) {
  ObjectReader r(v, path, diag);
  if (!r.valid()) return;
  r.read("enabled", out.enabled);
  r.read("topic", out.topic);
  r.read("retained", out.retained);
  r.read("responseTopic", out.response_topic);
  read_interval(r, "messageExpiryInterval", out.message_expiry_interval);
  if (!out.response_topic.empty())
    if (auto why = topic_problem(out.response_topic, false); !why.empty() && !unchecked(out.response_topic, el_allowed))
      diag.error(r.path_of("responseTopic"), why);
  if (!out.enabled) return;
  // Without a topic here every message must name its own with the gravitee.attribute.mqtt5.topic attribute.
  if (!out.topic.empty())
    if (auto why = topic_problem(out.topic, false); !why.empty() && !unchecked(out.topic, el_allowed))
      diag.error(r.path_of("topic"), why);
}

}  // namespace

std::string topic_problem(std::string_view topic, bool wildcards) {
  if (topic.empty()) return "a topic cannot be empty";
  if (topic.size() > 65535) return "a topic is at most 65535 bytes";
  if (topic.find('\0') != std::string_view::npos) return "a topic cannot contain a NUL character";
  if (!wildcards) {
    if (topic.find_first_of("+#") != std::string_view::npos)
      return "'" + std::string(topic) + "' is not a topic name: the wildcards + and # are only allowed when subscribing";
    return "";
  }
  // Each level is either exactly "+" or free of "+"; "#" only as the whole last level.
  std::size_t start = 0;
  while (true) {
    std::size_t end = topic.find('/', start);
    std::string_view level = topic.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    bool last = end == std::string_view::npos;
    if (level.find('#') != std::string_view::npos && (level != "#" || !last))
      return "'" + std::string(topic) + "' is not a valid topic filter: '#' must be the whole last level";
    if (level.find('+') != std::string_view::npos && level != "+")
      return "'" + std::string(topic) + "' is not a valid topic filter: '+' must be a whole level";
    if (last) return "";
    start = end + 1;
  }
}

void parse_endpoint_configuration(const boost::json::value& configuration, const std::string& path,
                                  EndpointConfig& out, Diagnostics& diag) {
  if (configuration.is_null()) {
    diag.error(path, "missing required fields 'serverHost' and 'serverPort'");
    return;
  }
  ObjectReader r(configuration, path, diag);
  if (!r.valid()) return;
  if (auto host = r.string("serverHost", true)) {
    if (host->empty())
      diag.error(r.path_of("serverHost"), "cannot be empty");
    else
      out.server_host = std::move(*host);
  }
  read_port(r, out);
}

void parse_shared_configuration(const boost::json::value& shared, const std::string& path, EndpointConfig& out,
                                Diagnostics& diag, bool el_allowed) {
  if (shared.is_null()) {
    diag.error(path, "an mqtt5 endpoint needs 'consumer' or 'producer' enabled");
    return;
  }
  ObjectReader r(shared, path, diag);
  if (!r.valid()) return;
  read_interval(r, "sessionExpiryInterval", out.session_expiry_interval);
  if (const auto* v = r.get("security")) parse_security(*v, r.path_of("security"), out, diag);
  if (const auto* v = r.get("consumer")) parse_consumer(*v, r.path_of("consumer"), out.consumer, diag, el_allowed);
  if (const auto* v = r.get("producer")) parse_producer(*v, r.path_of("producer"), out.producer, diag, el_allowed);
  r.read("reconnectAttempts", out.reconnect_attempts, 0);
  std::int64_t interval = out.reconnect_interval.count();
  r.read("reconnectInterval", interval, 1);
  out.reconnect_interval = std::chrono::milliseconds(interval);
  if (!out.consumer.enabled && !out.producer.enabled)
    diag.error(path, "an mqtt5 endpoint needs 'consumer' or 'producer' enabled");
}

}  // namespace gantry::mqtt5
