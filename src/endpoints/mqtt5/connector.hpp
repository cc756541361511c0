// The "mqtt5" endpoint at run time (core/message/endpoint_connector.hpp): publishes through one producer client
// per endpoint, serves live subscribers (none, auto, at-most-once) from one shared MQTT subscription per QoS, and
// gives each at-least-once subscriber a persistent session of its own. Broker clients run on the connector io
// thread lent by `gantry serve`, their blocking connects on its pool; at-least-once clients on the subscriber's own
// io thread, so that back-pressure is a matter of not reading their socket.
#pragma once

#include "core/message/endpoint_connector.hpp"
#include "endpoints/mqtt5/client.hpp"
#include "endpoints/mqtt5/config.hpp"
#include "endpoints/mqtt5/shared_subscription.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <memory>
#include <mutex>
#include <string>

namespace gantry::mqtt5 {

// What every client of the endpoint shares: server, credentials, TLS, reconnection.
ClientOptions client_options(const EndpointConfig& config);

class Connector final : public EndpointConnector {
 public:
  // `io` drives the producer and the shared subscriptions; `blocking` runs libmosquitto's blocking connects.
  Connector(std::string endpoint_name, std::shared_ptr<const EndpointConfig> config, boost::asio::any_io_executor io,
            boost::asio::any_io_executor blocking);
  ~Connector() override;

  std::string_view type() const override { return "mqtt5"; }
  std::unique_ptr<Subscription> subscribe(const SubscribeRequest& request, MessageSink& sink) override;
  void publish(MessagePtr message, Qos qos, PublishCompletion done) override;
  void stop() override;
  const DynamicConfig* dynamic_config() const override { return config_->dynamic.get(); }
  // The evaluated producer options (topic, retained, ...) over the endpoint's connection; a configuration that
  // changes the connection itself (server, credentials, TLS, session) is refused for publishing.
  void publish_with(PluginConfigPtr config, MessagePtr message, Qos qos, PublishCompletion done) override;

 private:
  // The live subscription at `mqtt_qos`, made when its first member joins and closed when its last one leaves.
  std::shared_ptr<SharedSubscription> shared_subscription(int mqtt_qos);
  void send(const ProducerOptions& producer, MessagePtr message, Qos qos, PublishCompletion done);

  std::string name_;
  std::shared_ptr<const EndpointConfig> config_;
  boost::asio::any_io_executor io_;
  boost::asio::any_io_executor blocking_;
  std::shared_ptr<Client> producer_;  // null when the producer side is disabled
  std::mutex mu_;                     // subscribers join from every io thread
  std::weak_ptr<SharedSubscription> shared_[2];  // by MQTT QoS 0, 1
  bool stopped_ = false;
};

}  // namespace gantry::mqtt5
