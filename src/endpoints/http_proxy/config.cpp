// Deploy-time parsing of the http-proxy shared configuration (http options, headers, proxy, ssl), and Target.
#include "endpoints/http_proxy/config.hpp"

#include "core/json/diagnostics.hpp"
#include "core/json/object_reader.hpp"

#include <boost/json/array.hpp>

#include <algorithm>

namespace gantry::http_proxy {

namespace {

// Reads `key` as milliseconds, at least 0, into `out`; leaves `out` alone when absent or invalid.
void read_duration(ObjectReader& r, std::string_view key, std::chrono::milliseconds& out) {
  std::int64_t ms = out.count();
  r.read(key, ms, 0);
  out = std::chrono::milliseconds(ms);
}

// RFC 9110 token characters: a header name with anything else cannot be sent.
bool is_header_name(std::string_view name) {
  static constexpr std::string_view extra = "!#$%&'*+-.^_`|~";
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    return alnum || extra.find(c) != std::string_view::npos;
  });
}

void read_version(ObjectReader& r, HttpOptions& out) {
  auto version = r.string("version");
  if (!version) return;
  static const std::vector<std::string> known = {"HTTP_1_1", "HTTP_2"};
  if (*version == "HTTP_2") {
    r.diag().warning(r.path_of("version"), "HTTP/2 to backends is not supported yet; HTTP/1.1 is used");
  } else if (*version != "HTTP_1_1") {
    r.diag().error(r.path_of("version"), unknown_name_message("HTTP version", *version, known));
    return;
  }
  out.version = *version;
}

void check_store_type(ObjectReader& r, std::string_view kind, const std::string& type) {
  static const std::vector<std::string> known = {"JKS", "PEM", "PKCS12"};
  if (type == "JKS" || type == "PKCS12")
    r.diag().error(r.path_of("type"), "only PEM " + std::string(kind) + " stores are supported (type '" + type + "')");
  else if (type != "PEM")
    r.diag().error(r.path_of("type"), unknown_name_message(std::string(kind) + " store type", type, known));
}

// A PEM file is given by its path or by its inline content: exactly one of the two.
void require_one_of(ObjectReader& r, std::string_view what, std::string_view path_key, const std::string& path,
                    std::string_view content_key, const std::string& content) {
  auto alternatives = "'" + std::string(path_key) + "' or '" + std::string(content_key) + "'";
  if (path.empty() && content.empty())
    r.diag().error(r.path(), "a PEM " + std::string(what) + " needs " + alternatives);
  else if (!path.empty() && !content.empty())
    r.diag().error(r.path(), "a PEM " + std::string(what) + " takes " + alternatives + ", not both");
}

void read_store_fields(ObjectReader& r, bool key_store, PemStore& out) {
  r.read("path", out.path);
  r.read("content", out.content);
  r.read("password", out.password);
  if (!key_store) return;
  r.read("certPath", out.cert_path);
  r.read("certContent", out.cert_content);
  r.read("keyPath", out.key_path);
  r.read("keyContent", out.key_content);
  r.read("alias", out.alias);
  r.read("keyPassword", out.key_password);
}

void parse_store(const boost::json::value& v, const std::string& path, bool key_store, PemStore& out,
                 Diagnostics& diag) {
  ObjectReader r(v, path, diag);
  if (!r.valid()) return;
  std::string_view kind = key_store ? "key" : "trust";
  std::string type = r.string("type").value_or("");
  read_store_fields(r, key_store, out);
  if (type.empty()) {
    bool configured = !out.path.empty() || !out.content.empty() || !out.cert_path.empty() ||
                      !out.cert_content.empty() || !out.key_path.empty() || !out.key_content.empty();
    if (configured) diag.warning(path, "the " + std::string(kind) + " store has no type and is ignored");
    return;
  }
  check_store_type(r, kind, type);
  if (type != "PEM") return;
  out.type = type;
  if (key_store) {
    require_one_of(r, "key store", "certPath", out.cert_path, "certContent", out.cert_content);
    require_one_of(r, "key store", "keyPath", out.key_path, "keyContent", out.key_content);
  } else {
    require_one_of(r, "trust store", "path", out.path, "content", out.content);
  }
}

void parse_ssl(const boost::json::value& v, const std::string& path, SslOptions& out, Diagnostics& diag) {
  ObjectReader r(v, path, diag);
  r.read("hostnameVerifier", out.hostname_verifier);
  r.read("trustAll", out.trust_all);
  if (const auto* trust = r.get("trustStore"))
    parse_store(*trust, r.path_of("trustStore"), false, out.trust_store, diag);
  if (const auto* key = r.get("keyStore")) parse_store(*key, r.path_of("keyStore"), true, out.key_store, diag);
}

}  // namespace

void parse_proxy(const boost::json::value& v, const std::string& path, ProxyOptions& out, Diagnostics& diag) {
  ObjectReader r(v, path, diag);
  r.read("enabled", out.enabled);
  r.read("useSystemProxy", out.use_system_proxy);
  r.read("host", out.host);
  r.read("username", out.username);
  r.read("password", out.password);
  if (auto port = r.integer("port")) {
    if (*port < 0 || *port > 65535)
      diag.error(r.path_of("port"), "must be between 0 and 65535 (got " + std::to_string(*port) + ")");
    else
      out.port = int(*port);
  }
  if (auto type = r.string("type")) {
    static const std::vector<std::string> known = {"HTTP", "SOCKS4", "SOCKS5"};
    if (std::find(known.begin(), known.end(), *type) == known.end())
      diag.error(r.path_of("type"), unknown_name_message("proxy type", *type, known));
    else
      out.type = *type;
  }
  if (out.enabled) diag.error(r.path_of("enabled"), "HTTP proxies for backend connections are not supported yet");
}

std::string Target::authority() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;  // IPv6 literals
  bool default_port = port == (tls() ? 443 : 80);
  return default_port ? h : h + ":" + std::to_string(port);
}

void parse_http_options(const boost::json::value& http, const std::string& path, HttpOptions& out,
                        Diagnostics& diag) {
  if (http.is_null()) return;
  ObjectReader r(http, path, diag);
  read_version(r, out);
  r.read("keepAlive", out.keep_alive);
  read_duration(r, "keepAliveTimeout", out.keep_alive_timeout);
  read_duration(r, "connectTimeout", out.connect_timeout);
  read_duration(r, "readTimeout", out.read_timeout);
  read_duration(r, "idleTimeout", out.idle_timeout);
  r.read("maxConcurrentConnections", out.max_concurrent_connections, 1);
  r.read("maxWaitQueueSize", out.max_wait_queue_size, -1);
  r.read("followRedirects", out.follow_redirects);
  r.read("useCompression", out.use_compression);
  r.read("propagateClientAcceptEncoding", out.propagate_client_accept_encoding);
  r.read("propagateClientHost", out.propagate_client_host);
  r.read("pipelining", out.pipelining);
  r.read("clearTextUpgrade", out.clear_text_upgrade);
  r.accept({"http2MultiplexingLimit"});  // HTTP/2 only, which is not used upstream yet
}

Headers parse_headers(const boost::json::value& headers, const std::string& path, Diagnostics& diag) {
  Headers out;
  if (headers.is_null()) return out;
  const auto* items = json_array(headers, path, diag);
  if (!items) return out;
  for (std::size_t i = 0; i < items->size(); ++i) {
    ObjectReader r((*items)[i], path_index(path, i), diag);
    auto name = r.string("name", true);
    auto value = r.string("value", true);
    if (!name || !value) continue;
    if (!is_header_name(*name)) {
      diag.error(r.path_of("name"), "invalid header name '" + *name + "'");
    } else if (value->find_first_of("\r\n") != std::string::npos) {
      diag.error(r.path_of("value"), "a header value must not contain line breaks");
    } else {
      out.emplace_back(std::move(*name), std::move(*value));
    }
  }
  return out;
}

void parse_shared_configuration(const boost::json::value& shared, const std::string& path, EndpointConfig& out,
                                Diagnostics& diag) {
  if (shared.is_null()) return;
  ObjectReader r(shared, path, diag);
  if (const auto* http = r.get("http")) parse_http_options(*http, r.path_of("http"), out.http, diag);
  if (const auto* headers = r.get("headers")) out.headers = parse_headers(*headers, r.path_of("headers"), diag);
  if (const auto* proxy = r.get("proxy")) parse_proxy(*proxy, r.path_of("proxy"), out.proxy, diag);
  if (const auto* ssl = r.get("ssl")) parse_ssl(*ssl, r.path_of("ssl"), out.ssl, diag);
}

}  // namespace gantry::http_proxy
