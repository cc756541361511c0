#include "endpoints/kafka/factory.hpp"

#include "endpoints/kafka/config.hpp"
#include "endpoints/kafka/connector.hpp"

namespace gantry {

namespace {

class KafkaEndpointFactory final : public EndpointFactory {
 public:
  std::string_view type() const override { return "kafka"; }

  // The endpoint can honour every level; which one an API gets is further limited by its entrypoint (HTTP POST and
  // WebSocket: none/auto; HTTP GET: auto/at-most-once/at-least-once), as the seed's matrix says.
  const ConnectorCapabilities& capabilities() const override {
    static const ConnectorCapabilities caps = [] {
      ConnectorCapabilities c;
      c.api_types = {ApiType::message};
      c.publish = true;
      c.subscribe = true;
      c.qos = {Qos::none, Qos::auto_, Qos::at_most_once, Qos::at_least_once};
      c.publish_qos = c.subscribe_qos = c.qos;
      c.resumable = true;  // offsets
      return c;
    }();
    return caps;
  }

  PluginConfigPtr parse_config(const boost::json::value& configuration, const std::string& path,
                               const boost::json::value& shared, const std::string& shared_path,
                               Diagnostics& diag) const override {
    return kafka::parse_endpoint_config(configuration, path, shared, shared_path, diag);
  }

  std::shared_ptr<EndpointConnector> create_message_endpoint(const Endpoint& endpoint) const override {
    return std::make_shared<kafka::KafkaConnector>(
        endpoint.name, std::static_pointer_cast<const kafka::EndpointConfig>(endpoint.config));
  }
};

}  // namespace

std::unique_ptr<EndpointFactory> make_kafka_endpoint_factory() { return std::make_unique<KafkaEndpointFactory>(); }

}  // namespace gantry
