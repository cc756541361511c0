// Named plugin factories (entrypoints, endpoints, policies, services): each parses and validates its own
// configuration once at deploy time and declares its capabilities. Filled from one explicit list: register_builtins().
#pragma once

#include "core/definition/model.hpp"
#include "core/json/diagnostics.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace gantry {

class EndpointConnector;
class MessageEntrypoint;

// What a connector can do; the gateway derives what combinations are allowed from these, never from a table
// (core/registry/qos_compatibility.hpp).
struct ConnectorCapabilities {
  std::vector<ApiType> api_types;            // proxy, message
  std::vector<ListenerType> listener_types;  // entrypoints only
  bool request_response = false;             // proxy connectors
  bool publish = false;                      // client -> endpoint
  bool subscribe = false;                    // endpoint -> client
  std::vector<Qos> qos;                      // levels it can honour (message connectors), in either direction
  bool resumable = false;                    // can resume a stream from a position
  // Message connectors: the levels honoured per direction (publish = client -> endpoint).
  std::vector<Qos> publish_qos;
  std::vector<Qos> subscribe_qos;
  // Entrypoints: levels that only hold when the endpoint can resume from a position (http-get's cursor paging).
  std::vector<Qos> qos_needing_resume;
  // Entrypoints that pull bounded batches (http-get): at `auto` the endpoint may run its subscription at any
  // level it honours, since each request ends by itself and the next one carries its cursor.
  bool auto_follows_endpoint = false;
};

enum PolicyPhase : unsigned { phase_request = 1, phase_response = 2, phase_publish = 4, phase_subscribe = 8 };

class EntrypointFactory {
 public:
  virtual ~EntrypointFactory() = default;
  virtual std::string_view type() const = 0;
  virtual const ConnectorCapabilities& capabilities() const = 0;
  // `configuration` is null when the definition has none. Problems go to `diag` under `path`.
  virtual PluginConfigPtr parse_config(const boost::json::value& configuration, const std::string& path,
                                       Diagnostics& diag) const = 0;
  // The runtime of a message entrypoint, built once at deploy time from its parsed config; null for connectors
  // that only serve proxy APIs.
  virtual std::shared_ptr<MessageEntrypoint> create_message_entrypoint(const Entrypoint& entrypoint) const {
    return nullptr;
  }
};

class EndpointFactory {
 public:
  virtual ~EndpointFactory() = default;
  virtual std::string_view type() const = 0;
  virtual const ConnectorCapabilities& capabilities() const = 0;
  // `shared` is the effective shared configuration (the group's when the endpoint inherits it, else the
  // endpoint's sharedConfigurationOverride), found at `shared_path`.
  virtual PluginConfigPtr parse_config(const boost::json::value& configuration, const std::string& path,
                                       const boost::json::value& shared, const std::string& shared_path,
                                       Diagnostics& diag) const = 0;
  // The runtime of a message endpoint (core/message/endpoint_connector.hpp), built once at deploy time; null for
  // connectors that only serve proxy APIs.
  virtual std::shared_ptr<EndpointConnector> create_message_endpoint(const Endpoint& endpoint) const {
    return nullptr;
  }
};

class PolicyFactory {
 public:
  virtual ~PolicyFactory() = default;
  virtual std::string_view type() const = 0;
  virtual unsigned phases() const = 0;  // PolicyPhase bits
  virtual PluginConfigPtr parse_config(const boost::json::value& configuration, const std::string& path,
                                       Diagnostics& diag) const = 0;
};

// Endpoint-group and endpoint services, such as "http-health-check".
class ServiceFactory {
 public:
  virtual ~ServiceFactory() = default;
  virtual std::string_view type() const = 0;
  virtual PluginConfigPtr parse_config(const boost::json::value& configuration, const std::string& path,
                                       Diagnostics& diag) const = 0;
};

class Registry {
 public:
  void add(std::unique_ptr<EntrypointFactory> f);
  void add(std::unique_ptr<EndpointFactory> f);
  void add(std::unique_ptr<PolicyFactory> f);
  void add(std::unique_ptr<ServiceFactory> f);

  const EntrypointFactory* entrypoint(std::string_view type) const;
  const EndpointFactory* endpoint(std::string_view type) const;
  const PolicyFactory* policy(std::string_view type) const;
  const ServiceFactory* service(std::string_view type) const;

  // Sorted type names, for "known: ..." messages.
  std::vector<std::string> entrypoint_types() const;
  std::vector<std::string> endpoint_types() const;
  std::vector<std::string> policy_types() const;
  std::vector<std::string> service_types() const;

 private:
  std::vector<std::unique_ptr<EntrypointFactory>> entrypoints_;
  std::vector<std::unique_ptr<EndpointFactory>> endpoints_;
  std::vector<std::unique_ptr<PolicyFactory>> policies_;
  std::vector<std::unique_ptr<ServiceFactory>> services_;
};

// The one list of every built-in plugin (src/builtins.cpp). No static-initialiser registration.
void register_builtins(Registry& registry);

}  // namespace gantry
