// Gantry's process configuration: YAML file (gantry.example.yml) overlaid by GANTRY_* environment variables.
#pragma once

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace gantry {

struct GatewayConfig {
  std::string host = "0.0.0.0";
  std::uint16_t port = 8082;
  int threads = 0;  // 0 = one per core
  std::string tls_cert, tls_key;
  std::uint64_t max_header_bytes = 32 * 1024;
  std::uint64_t max_body_bytes = 1024ull * 1024 * 1024;
  std::chrono::milliseconds request_header_timeout{10000};
  // Gravitee's http.requestTimeout: how long an exchange may take to reach its response (0 = no limit).
  std::chrono::milliseconds request_timeout{30000};
  std::chrono::milliseconds keepalive_idle_timeout{60000};
  std::chrono::milliseconds drain_timeout{10000};
  // Gravitee's gateway tenant: endpoints that name tenants serve only gateways of one of them ("" = every endpoint).
  std::string tenant;
  bool tls_enabled() const { return !tls_cert.empty() && !tls_key.empty(); }
};

struct ManagementConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8083;
  std::string username = "admin";
  std::string password;
};

struct RepositoryConfig {
  std::string type = "sqlite";
  std::string path = "./data/gantry.db";
  std::string uri;
  // How often a gateway checks the repository for deployments made by other gantry processes sharing it.
  std::chrono::milliseconds poll_interval{250};
};

struct RateLimitConfig {
  std::string type = "memory";
  std::string uri;
};

struct LogConfig {
  std::string level = "info";
  std::string format = "text";  // text | json
  bool access = true;
};

struct Config {
  GatewayConfig gateway;
  ManagementConfig management;
  RepositoryConfig repository;
  RateLimitConfig ratelimit;
  std::string apis_dir;
  LogConfig log;
};

// Thrown with every problem found (one per line, each naming the key), never just the first.
struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// `path` empty = defaults + environment only. `environ` is the process environment (envp style).
Config load_config(const std::string& path, char** environ);

}  // namespace gantry
