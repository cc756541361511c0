// The http-proxy endpoint's configuration (Gravitee's shape), parsed and validated once at deploy time.
#pragma once

#include "core/definition/model.hpp"

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace gantry {
class Diagnostics;
}

namespace gantry::http_proxy {

// Durations of 0 mean "no timeout", as in Vert.x, which Gravitee hands these values to.
struct HttpOptions {
  std::string version = "HTTP_1_1";  // HTTP_1_1 | HTTP_2 (HTTP/2 to backends is not supported yet: warning)
  bool keep_alive = true;
  std::chrono::milliseconds keep_alive_timeout{30000};
  // Gravitee's form says 3000 and its runtime 5000 when the field is absent; we follow the form, which is what
  // every definition written with the console carries anyway.
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds read_timeout{10000};
  std::chrono::milliseconds idle_timeout{60000};
  // Gravitee's form says 20 but its runtime default (VertxHttpClientOptions) is 100; a definition without the
  // field gets 100 on Gravitee's gateway, so it does here too.
  int max_concurrent_connections = 100;
  int max_wait_queue_size = -1;  // requests waiting for a pooled connection: -1 unbounded, 0 none (shed at once)
  bool follow_redirects = false;
  bool use_compression = true;
  bool propagate_client_accept_encoding = false;  // as written; use propagates_accept_encoding()
  bool propagate_client_host = false;
  bool pipelining = false;
  bool clear_text_upgrade = true;  // h2c; only meaningful with HTTP_2

  // Gravitee only forwards the client's Accept-Encoding when the gateway does not negotiate compression itself.
  bool propagates_accept_encoding() const { return propagate_client_accept_encoding && !use_compression; }
};

// A trust store or key store; only PEM is read (file path or inline content). JKS/PKCS12 are refused.
// Paths are checked for presence only; the runtime loads the files.
struct PemStore {
  std::string type;  // "" (none) | "PEM"
  std::string path, content, password;          // trust store
  std::string cert_path, cert_content;          // key store (PEM)
  std::string key_path, key_content;            // key store (PEM)
  std::string alias, key_password;              // key store
  bool empty() const { return type.empty(); }
};

struct SslOptions {
  bool trust_all = false;
  bool hostname_verifier = true;
  PemStore trust_store;
  PemStore key_store;
};

struct ProxyOptions {
  bool enabled = false;
  bool use_system_proxy = false;
  std::string type = "HTTP";
  std::string host;
  int port = 0;
  std::string username, password;
};

// The parsed target URL: "https://api.example.com:8443/base?x=1".
struct Target {
  std::string scheme;  // "http" | "https" (ws/wss are mapped to http/https)
  std::string host;    // as written; an IPv6 literal without its brackets ("::1")
  std::uint16_t port = 0;  // always set: the scheme's default (80/443) when the URL has none
  std::string path;    // "/base" ("" when the target has no path), percent-encoding kept
  std::string query;   // "x=1" (without '?'; "" when none)
  bool tls() const { return scheme == "https"; }
  std::string authority() const;  // "host" or "host:port" when the port is not the scheme's default
};

using Headers = std::vector<std::pair<std::string, std::string>>;

struct EndpointConfig final : PluginConfig {
  Target target;
  std::string target_text;  // as written
  Headers headers;          // added to (or replacing) upstream request headers
  HttpOptions http;
  SslOptions ssl;
  ProxyOptions proxy;
};

// Deploy-time parsing (config.cpp). Each reads only the fields present, so the endpoint's own `http` object
// can be applied on top of the shared one. `null` is treated as an empty object.
void parse_http_options(const boost::json::value& http, const std::string& path, HttpOptions& out,
                        Diagnostics& diag);
void parse_shared_configuration(const boost::json::value& shared, const std::string& path, EndpointConfig& out,
                                Diagnostics& diag);
// The `proxy` object; `enabled` is refused (proxies are not supported yet). Also read by the webhook entrypoint.
void parse_proxy(const boost::json::value& proxy, const std::string& path, ProxyOptions& out, Diagnostics& diag);
// [{"name": "X-A", "value": "1"}, ...]; also used by the health check's `headers`.
Headers parse_headers(const boost::json::value& headers, const std::string& path, Diagnostics& diag);

}  // namespace gantry::http_proxy
