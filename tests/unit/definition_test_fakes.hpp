// Small fake plugins and a registry made of them, for the definition, registry and check-command tests.
#pragma once

#include "core/definition/model.hpp"
#include "core/definition/parse.hpp"
#include "core/json/diagnostics.hpp"
#include "core/json/object_reader.hpp"
#include "core/registry/registry.hpp"
#include "entrypoints/http_proxy/factory.hpp"

#include <boost/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace gantry::test {

// What an endpoint factory was handed, so tests can see which shared configuration it received.
struct FakeEndpointConfig final : PluginConfig {
  boost::json::value configuration, shared;
  std::string path, shared_path;
};

// Configuration with one known integer field "size" (so tests can provoke an error inside a plugin's config).
// Other keys are ignored: the fakes stand in for plugins whose own keys the tests do not care about.
inline void read_fake_config(const boost::json::value& configuration, const std::string& path, Diagnostics& diag) {
  if (!configuration.is_object()) return;
  if (const auto* size = configuration.get_object().if_contains("size"))
    json_integer(*size, path_field(path, "size"), diag);
}

class FakeEntrypoint final : public EntrypointFactory {
 public:
  FakeEntrypoint(std::string type, std::vector<ApiType> api_types, std::vector<ListenerType> listeners)
      : type_(std::move(type)) {
    caps_.api_types = std::move(api_types);
    caps_.listener_types = std::move(listeners);
  }
  std::string_view type() const override { return type_; }
  const ConnectorCapabilities& capabilities() const override { return caps_; }
  PluginConfigPtr parse_config(const boost::json::value& c, const std::string& path, Diagnostics& d) const override {
    read_fake_config(c, path, d);
    return std::make_shared<const PluginConfig>();
  }

 private:
  std::string type_;
  ConnectorCapabilities caps_;
};

class FakeEndpoint final : public EndpointFactory {
 public:
  FakeEndpoint(std::string type, std::vector<ApiType> api_types) : type_(std::move(type)) {
    caps_.api_types = std::move(api_types);
  }
  std::string_view type() const override { return type_; }
  const ConnectorCapabilities& capabilities() const override { return caps_; }
  PluginConfigPtr parse_config(const boost::json::value& c, const std::string& path, const boost::json::value& shared,
                               const std::string& shared_path, Diagnostics& d) const override {
    read_fake_config(c, path, d);
    auto config = std::make_shared<FakeEndpointConfig>();
    config->configuration = c;
    config->path = path;
    config->shared = shared;
    config->shared_path = shared_path;
    return config;
  }

 private:
  std::string type_;
  ConnectorCapabilities caps_;
};

class FakePolicy final : public PolicyFactory {
 public:
  FakePolicy(std::string type, unsigned phases) : type_(std::move(type)), phases_(phases) {}
  std::string_view type() const override { return type_; }
  unsigned phases() const override { return phases_; }
  PluginConfigPtr parse_config(const boost::json::value& c, const std::string& path, Diagnostics& d) const override {
    read_fake_config(c, path, d);
    return std::make_shared<const PluginConfig>();
  }

 private:
  std::string type_;
  unsigned phases_;
};

class FakeService final : public ServiceFactory {
 public:
  explicit FakeService(std::string type) : type_(std::move(type)) {}
  std::string_view type() const override { return type_; }
  PluginConfigPtr parse_config(const boost::json::value& c, const std::string& path, Diagnostics& d) const override {
    read_fake_config(c, path, d);
    return std::make_shared<const PluginConfig>();
  }

 private:
  std::string type_;
};

// The five message entrypoints that CONTRACT.md's example lists, and nothing else.
inline void add_message_entrypoints(Registry& r) {
  const std::vector<ApiType> message{ApiType::message};
  r.add(std::make_unique<FakeEntrypoint>("http-get", message, std::vector{ListenerType::http}));
  r.add(std::make_unique<FakeEntrypoint>("http-post", message, std::vector{ListenerType::http}));
  r.add(std::make_unique<FakeEntrypoint>("sse", message, std::vector{ListenerType::http}));
  r.add(std::make_unique<FakeEntrypoint>("websocket", message, std::vector{ListenerType::http}));
  r.add(std::make_unique<FakeEntrypoint>("webhook", message, std::vector{ListenerType::subscription}));
}

// A registry shaped like the real one will be: proxy and message connectors, a few policies, a health check.
inline std::unique_ptr<Registry> make_test_registry() {
  auto r = std::make_unique<Registry>();
  r->add(make_http_proxy_entrypoint_factory());
  add_message_entrypoints(*r);
  r->add(std::make_unique<FakeEndpoint>("http-proxy", std::vector{ApiType::proxy}));
  r->add(std::make_unique<FakeEndpoint>("kafka", std::vector{ApiType::message}));
  r->add(std::make_unique<FakeEndpoint>("mock", std::vector{ApiType::message}));
  r->add(std::make_unique<FakePolicy>("rate-limit", phase_request));
  r->add(std::make_unique<FakePolicy>("transform-headers", phase_request | phase_response));
  r->add(std::make_unique<FakePolicy>("message-filtering", phase_publish | phase_subscribe));
  r->add(std::make_unique<FakeService>("http-health-check"));
  return r;
}

// Problems as "path: message" (warnings prefixed "warning: ") for whole-list comparisons.
inline std::vector<std::string> lines(const Diagnostics& diag) {
  std::vector<std::string> out;
  for (const auto& p : diag.problems())
    out.push_back(p.path + ": " + (p.severity == Problem::Severity::warning ? "warning: " : "") + p.message);
  return out;
}

// The smallest valid proxy API; tests patch it with boost::json before loading.
inline boost::json::value minimal_proxy() {
  return boost::json::parse(R"({
    "id": "api-1", "name": "My API", "apiVersion": "1.0", "definitionVersion": "4.0.0", "type": "proxy",
    "listeners": [{"type": "http", "paths": [{"path": "/test"}], "entrypoints": [{"type": "http-proxy"}]}],
    "endpointGroups": [{"name": "default-group", "type": "http-proxy",
      "endpoints": [{"name": "default", "type": "http-proxy", "configuration": {"target": "http://localhost:8080"}}]}]
  })");
}

inline boost::json::value minimal_message() {
  return boost::json::parse(R"({
    "name": "Events", "definitionVersion": "4.0.0", "type": "message",
    "listeners": [{"type": "http", "paths": [{"path": "/events"}], "entrypoints": [{"type": "sse"}]}],
    "endpointGroups": [{"name": "default-group", "type": "kafka",
      "endpoints": [{"name": "default", "type": "kafka", "configuration": {}}]}]
  })");
}

}  // namespace gantry::test
