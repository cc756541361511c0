// Deploy-time parsing of the kafka endpoint's security block (protocol, SASL, SSL stores).
#include "endpoints/kafka/security_config.hpp"

#include "core/json/diagnostics.hpp"
#include "core/json/object_reader.hpp"
#include "core/message/dynamic_config.hpp"

#include <algorithm>
#include <cctype>

namespace gantry::kafka {

namespace {

const std::vector<std::string> known_mechanisms = {"GSSAPI", "OAUTHBEARER", "PLAIN", "SCRAM-SHA-256",
                                                   "SCRAM-SHA-512"};

// Gravitee's own documentation spells "SCRAM_SHA-256"; underscores and case are forgiven.
std::string normalise_mechanism(std::string m) {
  std::replace(m.begin(), m.end(), '_', '-');
  std::transform(m.begin(), m.end(), m.begin(), [](unsigned char c) { return std::toupper(c); });
  return m;
}

// `el_allowed` (deploy time): a value holding `{#` is checked once evaluated, per request.
void read_protocol(ObjectReader& r, SecurityConfig& out, bool el_allowed) {
  auto text = r.string("protocol");
  if (!text) return;
  if (el_allowed && holds_expression(*text)) {
    out.protocol_expression = true;
    return;
  }
  static const std::vector<std::pair<std::string, SecurityProtocol>> known = {
      {"PLAINTEXT", SecurityProtocol::plaintext},
      {"SASL_PLAINTEXT", SecurityProtocol::sasl_plaintext},
      {"SASL_SSL", SecurityProtocol::sasl_ssl},
      {"SSL", SecurityProtocol::ssl}};
  for (const auto& [name, value] : known)
    if (*text == name) {
      out.protocol = value;
      return;
    }
  std::vector<std::string> names;
  for (const auto& entry : known) names.push_back(entry.first);
  r.diag().error(r.path_of("protocol"), unknown_name_message("security protocol", *text, names));
}

void parse_sasl(const boost::json::value& v, const std::string& path, SaslConfig& out, Diagnostics& diag,
                bool el_allowed) {
  ObjectReader r(v, path, diag);
  if (!r.valid()) return;
  if (auto mechanism = r.string("saslMechanism")) {
    auto normal = normalise_mechanism(*mechanism);
    if (el_allowed && holds_expression(*mechanism))
      out.mechanism = *mechanism;  // as written: not empty, so that the checks below hold off until evaluated
    else if (normal == "AWS-MSK-IAM")
      diag.error(r.path_of("saslMechanism"),
                 "AWS_MSK_IAM is a Java-client mechanism that librdkafka does not have; use SCRAM-SHA-512 or "
                 "OAUTHBEARER with Amazon MSK (docs/kafka.md)");
    else if (std::find(known_mechanisms.begin(), known_mechanisms.end(), normal) == known_mechanisms.end())
      diag.error(r.path_of("saslMechanism"), unknown_name_message("SASL mechanism", *mechanism, known_mechanisms));
    else
      out.mechanism = normal;
  }
  if (auto jaas = r.string("saslJaasConfig")) {
    std::string error;
    auto options = parse_jaas_options(*jaas, &error);
    if (!options) {
      diag.error(r.path_of("saslJaasConfig"), error);
      return;
    }
    out.jaas_config = std::move(*jaas);
    auto take = [&](const char* key, std::string& field) {
      if (auto it = options->find(key); it != options->end()) field = it->second;
    };
    take("username", out.username);
    take("password", out.password);
    take("principal", out.kerberos_principal);
    take("keyTab", out.kerberos_keytab);
  }
}

Store::Type read_store_type(ObjectReader& r, std::string_view kind, bool el_allowed) {
  auto type = r.string("type");
  if (!type || type->empty() || *type == "NONE" || (el_allowed && holds_expression(*type))) return Store::Type::none;
  if (*type == "PEM") return Store::Type::pem;
  if (*type == "PKCS12") return Store::Type::pkcs12;
  if (*type == "JKS")
    r.diag().error(r.path_of("type"), "JKS " + std::string(kind) +
                                          " stores are Java-only; convert to PKCS12 (keytool -importkeystore "
                                          "-deststoretype PKCS12) or PEM");
  else
    r.diag().error(r.path_of("type"), unknown_name_message(std::string(kind) + " store type", *type,
                                                           std::vector<std::string>{"JKS", "PEM", "PKCS12"}));
  return Store::Type::none;
}

// Exactly one of two ways to give one thing.
void one_of(ObjectReader& r, std::string_view what, std::string_view a, const std::string& va, std::string_view b,
            const std::string& vb) {
  auto both = "'" + std::string(a) + "' or '" + std::string(b) + "'";
  if (va.empty() && vb.empty()) r.diag().error(r.path(), std::string(what) + " needs " + both);
  else if (!va.empty() && !vb.empty()) r.diag().error(r.path(), std::string(what) + " takes " + both + ", not both");
}

void parse_store(const boost::json::value& v, const std::string& path, bool key_store, Store& out,
                 Diagnostics& diag, bool el_allowed) {
  ObjectReader r(v, path, diag);
  if (!r.valid()) return;
  const std::string_view kind = key_store ? "key" : "trust";
  Store s;
  s.type = read_store_type(r, kind, el_allowed);
  r.read("path", s.path);
  r.read("content", s.content);
  r.read("password", s.password);
  r.accept({"alias"});  // Gravitee's; a store given to librdkafka holds one key, so there is nothing to choose
  if (key_store) {
    r.read("certPath", s.cert_path);
    r.read("certContent", s.cert_content);
    r.read("keyPath", s.key_path);
    r.read("keyContent", s.key_content);
    r.read("keyPassword", s.key_password);
  }
  if (s.type == Store::Type::pkcs12 || (s.type == Store::Type::pem && !key_store)) {
    one_of(r, std::string(s.type == Store::Type::pem ? "a PEM " : "a PKCS12 ") + std::string(kind) + " store", "path",
           s.path, "content", s.content);
  } else if (s.type == Store::Type::pem) {
    one_of(r, "a PEM key store's certificate", "certPath", s.cert_path, "certContent", s.cert_content);
    one_of(r, "a PEM key store's private key", "keyPath", s.key_path, "keyContent", s.key_content);
  }
  out = std::move(s);
}

void parse_ssl(const boost::json::value& v, const std::string& path, SslConfig& out, Diagnostics& diag,
               bool el_allowed) {
  ObjectReader r(v, path, diag);
  if (!r.valid()) return;
  if (const auto* t = r.get("trustStore"))
    parse_store(*t, r.path_of("trustStore"), false, out.trust_store, diag, el_allowed);
  if (const auto* k = r.get("keyStore"))
    parse_store(*k, r.path_of("keyStore"), true, out.key_store, diag, el_allowed);
  r.read("hostnameVerifier", out.hostname_verifier);
  if (const auto* all = r.get("trustAll"); all && all->is_bool() && all->as_bool())
    diag.error(r.path_of("trustAll"), "trusting every certificate is not offered for Kafka; give the broker's CA "
                                      "in 'trustStore' (or none: the system trust store is used)");
}

}  // namespace

std::optional<std::map<std::string, std::string>> parse_jaas_options(std::string_view jaas, std::string* error) {
  std::map<std::string, std::string> options;
  std::size_t i = 0;
  auto skip_space = [&] { while (i < jaas.size() && std::isspace(static_cast<unsigned char>(jaas[i]))) ++i; };
  auto word = [&] {
    skip_space();
    std::size_t start = i;
    while (i < jaas.size() && !std::isspace(static_cast<unsigned char>(jaas[i])) && jaas[i] != '=' && jaas[i] != ';')
      ++i;
    return std::string(jaas.substr(start, i - start));
  };
  const std::string module = word();
  const std::string flag = word();
  static const std::vector<std::string> flags = {"required", "requisite", "sufficient", "optional"};
  if (module.empty() || std::find(flags.begin(), flags.end(), flag) == flags.end()) {
    *error = "not a JAAS configuration: expected '<LoginModule class> required key=\"value\" ...;'";
    return std::nullopt;
  }
  for (skip_space(); i < jaas.size() && jaas[i] != ';'; skip_space()) {
    std::string key = word();
    skip_space();
    if (key.empty() || i >= jaas.size() || jaas[i] != '=') {
      *error = "not a JAAS configuration: expected key=\"value\" after '" + (key.empty() ? flag : key) + "'";
      return std::nullopt;
    }
    ++i;
    skip_space();
    std::string value;
    if (i < jaas.size() && jaas[i] == '"') {
      for (++i; i < jaas.size() && jaas[i] != '"'; ++i) {
        if (jaas[i] == '\\' && i + 1 < jaas.size()) ++i;
        value += jaas[i];
      }
      if (i >= jaas.size()) {
        *error = "not a JAAS configuration: unterminated quoted value of '" + key + "'";
        return std::nullopt;
      }
      ++i;
    } else {
      value = word();
    }
    options[key] = value;
  }
  return options;
}

void parse_security(const boost::json::value& v, const std::string& path, SecurityConfig& out, Diagnostics& diag,
                    bool el_allowed) {
  ObjectReader r(v, path, diag);
  if (!r.valid()) return;
  read_protocol(r, out, el_allowed);
  if (const auto* sasl = r.get("sasl")) parse_sasl(*sasl, r.path_of("sasl"), out.sasl, diag, el_allowed);
  if (const auto* ssl = r.get("ssl")) parse_ssl(*ssl, r.path_of("ssl"), out.ssl, diag, el_allowed);
}

void check_security(const SecurityConfig& s, const std::string& path, Diagnostics& diag) {
  if (s.protocol_expression) return;  // known per request: checked then
  const std::string protocol(to_string(s.protocol));
  const auto sasl_path = path_field(path, "sasl");
  if (s.uses_sasl()) {
    const auto& m = s.sasl.mechanism;
    if (m.empty()) {
      diag.error(sasl_path, "protocol " + protocol + " needs 'saslMechanism' (one of: " +
                                "GSSAPI, OAUTHBEARER, PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)");
    } else if ((m == "PLAIN" || m.starts_with("SCRAM")) && (s.sasl.username.empty() || s.sasl.password.empty())) {
      diag.error(path_field(sasl_path, "saslJaasConfig"),
                 "SASL " + m + " needs username=\"...\" and password=\"...\" in 'saslJaasConfig'");
    }
  } else if (!s.sasl.mechanism.empty() || !s.sasl.jaas_config.empty()) {
    diag.warning(sasl_path, "ignored: protocol " + protocol + " does not use SASL");
  }
  if (!s.uses_ssl() && (!s.ssl.trust_store.empty() || !s.ssl.key_store.empty()))
    diag.warning(path_field(path, "ssl"), "ignored: protocol " + protocol + " does not use TLS");
}

}  // namespace gantry::kafka
