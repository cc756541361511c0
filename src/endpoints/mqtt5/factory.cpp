#include "endpoints/mqtt5/factory.hpp"

#include "core/message/connector_threads.hpp"
#include "core/message/dynamic_config.hpp"
#include "endpoints/mqtt5/config.hpp"
#include "endpoints/mqtt5/connector.hpp"

namespace gantry {

namespace {

class Mqtt5EndpointFactory final : public EndpointFactory {
 public:
  std::string_view type() const override { return "mqtt5"; }

  // Seed 001, "MQTT5 advanced endpoint" column: which levels apply depends on the entrypoint (docs/mqtt5.md);
  // together they are none, auto, at-most-once and at-least-once. MQTT has no positions a client can resume from.
  const ConnectorCapabilities& capabilities() const override {
    static const ConnectorCapabilities caps = [] {
      ConnectorCapabilities c;
      c.api_types = {ApiType::message};
      c.publish = true;
      c.subscribe = true;
      c.qos = {Qos::none, Qos::auto_, Qos::at_most_once, Qos::at_least_once};
      c.publish_qos = c.qos;
      c.subscribe_qos = {Qos::at_most_once, Qos::at_least_once};  // MQTT QoS 0 and 1 subscriptions
      c.resumable = false;
      return c;
    }();
    return caps;
  }

  PluginConfigPtr parse_config(const boost::json::value& configuration, const std::string& path,
                               const boost::json::value& shared, const std::string& shared_path,
                               Diagnostics& diag) const override {
    auto config = std::make_shared<mqtt5::EndpointConfig>();
    mqtt5::parse_endpoint_configuration(configuration, path, *config, diag);
    mqtt5::parse_shared_configuration(shared, shared_path, *config, diag, true);
    DynamicConfig::Options options;
    options.type = "mqtt5";
    options.configuration_fields = {"serverHost", "serverPort"};
    using K = DynamicConfig::Kind;
    options.kinds = {{"serverPort", K::integer},         {"sessionExpiryInterval", K::integer},
                     {"consumer.enabled", K::boolean},   {"producer.enabled", K::boolean},
                     {"producer.retained", K::boolean},  {"producer.messageExpiryInterval", K::integer},
                     {"reconnectAttempts", K::integer},  {"reconnectInterval", K::integer}};
    options.parse = [path, shared_path](const boost::json::value& c, const boost::json::value& s, Diagnostics& d) {
      auto evaluated = std::make_shared<mqtt5::EndpointConfig>();
      mqtt5::parse_endpoint_configuration(c, path, *evaluated, d);
      mqtt5::parse_shared_configuration(s, shared_path, *evaluated, d, false);
      return PluginConfigPtr(std::move(evaluated));
    };
    config->dynamic = DynamicConfig::build(configuration, path, shared, shared_path, std::move(options), diag);
    return config;
  }

  // Needs the threads `gantry serve` lends to broker connectors; without them (no serving process) there is none.
  std::shared_ptr<EndpointConnector> create_message_endpoint(const Endpoint& endpoint) const override {
    auto* threads = ConnectorThreads::current();
    if (!threads) return nullptr;
    return std::make_shared<mqtt5::Connector>(endpoint.name,
                                              std::static_pointer_cast<const mqtt5::EndpointConfig>(endpoint.config),
                                              threads->io(), threads->blocking());
  }
};

}  // namespace

std::unique_ptr<EndpointFactory> make_mqtt5_endpoint_factory() { return std::make_unique<Mqtt5EndpointFactory>(); }

}  // namespace gantry
