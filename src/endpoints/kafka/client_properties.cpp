// From an endpoint's configuration to librdkafka properties; PKCS12 stores converted to PEM with OpenSSL.
#include "endpoints/kafka/client_properties.hpp"

#include "core/json/diagnostics.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>

namespace gantry::kafka {

namespace {

void set(Properties& out, std::string key, std::string value) {
  for (auto& [k, v] : out)
    if (k == key) {
      v = std::move(value);
      return;
    }
  out.emplace_back(std::move(key), std::move(value));
}

void sasl_properties(const SaslConfig& sasl, Properties& out) {
  set(out, "sasl.mechanisms", sasl.mechanism);
  if (!sasl.username.empty()) set(out, "sasl.username", sasl.username);
  if (!sasl.password.empty()) set(out, "sasl.password", sasl.password);
  if (!sasl.kerberos_principal.empty()) set(out, "sasl.kerberos.principal", sasl.kerberos_principal);
  if (!sasl.kerberos_keytab.empty()) set(out, "sasl.kerberos.keytab", sasl.kerberos_keytab);
}

// No trust store: librdkafka (dynamically linked OpenSSL) uses OpenSSL's default paths, the system trust store.
void ssl_properties(const SslConfig& ssl, Properties& out) {
  const auto& t = ssl.trust_store;
  if (t.type == Store::Type::pem) {
    if (!t.path.empty()) set(out, "ssl.ca.location", t.path);
    else set(out, "ssl.ca.pem", t.content);
  }
  const auto& k = ssl.key_store;
  if (k.type == Store::Type::pem) {
    if (!k.cert_path.empty()) set(out, "ssl.certificate.location", k.cert_path);
    else set(out, "ssl.certificate.pem", k.cert_content);
    if (!k.key_path.empty()) set(out, "ssl.key.location", k.key_path);
    else set(out, "ssl.key.pem", k.key_content);
    if (!k.key_password.empty()) set(out, "ssl.key.password", k.key_password);
  } else if (k.type == Store::Type::pkcs12 && !k.path.empty()) {
    set(out, "ssl.keystore.location", k.path);
    set(out, "ssl.keystore.password", k.password);
  }
  set(out, "ssl.endpoint.identification.algorithm", ssl.hostname_verifier ? "https" : "none");
}

void role_properties(const EndpointConfig& c, Role role, Properties& out) {
  if (role == Role::producer) {
    set(out, "client.id", "gantry-producer");
    set(out, "compression.type", c.producer.compression_type);
    // A request must get an answer in bounded time even when no broker is reachable: 10 s, not librdkafka's 300 s.
    set(out, "message.timeout.ms", "10000");
    // A publish at qos auto answers after the broker's acknowledgement, so librdkafka's 5 ms of linger would be
    // paid by every request (a keep-alive client could not POST more than ~200 times a second). Without linger,
    // records still travel in batches under load: those queued while a produce request is out go in the next one.
    set(out, "linger.ms", "0");
    return;
  }
  set(out, "client.id", "gantry-consumer");
  set(out, "auto.offset.reset", c.consumer.auto_offset_reset == AutoOffsetReset::none
                                    ? "error"
                                    : std::string(to_string(c.consumer.auto_offset_reset)));
  // Positions are committed by Gantry when the QoS says so (after or before delivery), never on a timer.
  set(out, "enable.auto.commit", "false");
  set(out, "enable.auto.offset.store", "false");
  if (c.consumer.check_topic_existence) set(out, "allow.auto.create.topics", "false");
}

std::string read_file(const std::string& path, bool* ok) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  *ok = static_cast<bool>(in) || in.eof();
  return ss.str();
}

std::string base64_decode(const std::string& text) {
  std::string out(3 * text.size() / 4 + 3, '\0');
  EVP_ENCODE_CTX* ctx = EVP_ENCODE_CTX_new();
  EVP_DecodeInit(ctx);
  int n = 0, tail = 0;
  bool ok = EVP_DecodeUpdate(ctx, reinterpret_cast<unsigned char*>(out.data()), &n,
                             reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size())) >= 0 &&
            EVP_DecodeFinal(ctx, reinterpret_cast<unsigned char*>(out.data()) + n, &tail) == 1;
  EVP_ENCODE_CTX_free(ctx);
  out.resize(ok ? static_cast<std::size_t>(n + tail) : 0);
  return out;
}

std::string pem_of(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(len));
  BIO_free(bio);
  return pem;
}

std::string pem_of(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(len));
  BIO_free(bio);
  return pem;
}

struct Pkcs12Contents {
  std::string certs_pem;  // the certificate, then the CA chain
  std::string cert_pem, key_pem;
};

// Reads a PKCS12 store from a file or from base64 content.
std::string open_pkcs12(const Store& store, Pkcs12Contents& out) {
  bool ok = true;
  std::string der = store.path.empty() ? base64_decode(store.content) : read_file(store.path, &ok);
  const std::string name = store.path.empty() ? "inline content" : store.path;
  if (!ok || der.empty()) return name + ": cannot be read";
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  PKCS12* p12 = d2i_PKCS12(nullptr, &p, static_cast<long>(der.size()));
  if (!p12) return name + ": not a PKCS12 store";
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  STACK_OF(X509)* chain = nullptr;
  bool parsed = PKCS12_parse(p12, store.password.c_str(), &key, &cert, &chain) == 1;
  PKCS12_free(p12);
  ERR_clear_error();
  if (!parsed) return name + ": wrong password or damaged PKCS12 store";
  if (cert) out.cert_pem = pem_of(cert);
  if (key) out.key_pem = pem_of(key);
  out.certs_pem = out.cert_pem;
  for (int i = 0; chain && i < sk_X509_num(chain); ++i) out.certs_pem += pem_of(sk_X509_value(chain, i));
  X509_free(cert);
  EVP_PKEY_free(key);
  sk_X509_pop_free(chain, X509_free);
  return "";
}

}  // namespace

Properties client_properties(const EndpointConfig& c, Role role) {
  Properties out;
  set(out, "bootstrap.servers", c.bootstrap_servers);
  set(out, "security.protocol", std::string(to_string(c.security.protocol)));
  if (c.security.uses_sasl()) sasl_properties(c.security.sasl, out);
  if (c.security.uses_ssl()) ssl_properties(c.security.ssl, out);
  role_properties(c, role, out);
  set(out, "socket.keepalive.enable", "true");
  set(out, "log_level", "3");  // librdkafka's connection chatter is not the gateway's log
  for (const auto& [key, value] : c.properties) set(out, key, value);
  return out;
}

std::string resolve_stores(const EndpointConfig& c, Properties& out) {
  if (!c.security.uses_ssl()) return "";
  const auto& trust = c.security.ssl.trust_store;
  if (trust.type == Store::Type::pkcs12) {
    Pkcs12Contents p12;
    if (auto error = open_pkcs12(trust, p12); !error.empty()) return "trust store " + error;
    if (p12.certs_pem.empty()) return "trust store holds no certificate";
    set(out, "ssl.ca.pem", p12.certs_pem);
  }
  const auto& key = c.security.ssl.key_store;
  if (key.type == Store::Type::pkcs12 && key.path.empty()) {
    Pkcs12Contents p12;
    if (auto error = open_pkcs12(key, p12); !error.empty()) return "key store " + error;
    if (p12.cert_pem.empty() || p12.key_pem.empty()) return "key store holds no certificate and key";
    set(out, "ssl.certificate.pem", p12.cert_pem);
    set(out, "ssl.key.pem", p12.key_pem);
  }
  return "";
}

namespace {

// librdkafka's own threads call this: spdlog is thread-safe, and the gateway's log format applies (no raw
// "%3|...|FAIL|..." lines on stderr). Syslog levels: 0-3 errors, 4 warnings, 5-6 info, 7 debug.
void log_to_spdlog(const rd_kafka_t* rk, int level, const char* facility, const char* text) {
  const auto spd_level = level <= 3 ? spdlog::level::err
                         : level == 4 ? spdlog::level::warn
                         : level <= 6 ? spdlog::level::info
                                      : spdlog::level::debug;
  spdlog::log(spd_level, "kafka {} [{}]: {}", rk ? rd_kafka_name(rk) : "client", facility, text);
}

}  // namespace

ConfPtr make_conf(const Properties& properties, std::string* error) {
  ConfPtr conf(rd_kafka_conf_new());
  rd_kafka_conf_set_log_cb(conf.get(), &log_to_spdlog);
  char err[512];
  for (const auto& [key, value] : properties) {
    if (rd_kafka_conf_set(conf.get(), key.c_str(), value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      *error = key + ": " + err;
      return nullptr;
    }
  }
  return conf;
}

void check_client_properties(const EndpointConfig& config, const std::vector<std::string>& property_paths,
                             Diagnostics& diag) {
  // The extra properties first, one by one, so that each problem lands on its own path.
  char err[512];
  for (std::size_t i = 0; i < config.properties.size(); ++i) {
    ConfPtr scratch(rd_kafka_conf_new());
    const auto& [key, value] = config.properties[i];
    if (rd_kafka_conf_set(scratch.get(), key.c_str(), value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK)
      diag.error(i < property_paths.size() ? property_paths[i] : "$", std::string("librdkafka refuses it: ") + err);
  }
}

}  // namespace gantry::kafka
