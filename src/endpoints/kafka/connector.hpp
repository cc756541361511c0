// The "kafka" endpoint at run time (core/message/endpoint_connector.hpp): one producer per endpoint shared by every
// publish, live subscribers fanned out from one shared consumer per (API, topics), and a consumer of their own for
// subscribers that need their own position (resume, at-least-once, at-most-once, durable subscriptions).
#pragma once

#include "core/message/dynamic_config.hpp"
#include "core/message/endpoint_connector.hpp"
#include "endpoints/kafka/client_properties.hpp"
#include "endpoints/kafka/config.hpp"
#include "endpoints/kafka/producer.hpp"
#include "endpoints/kafka/shared_consumer.hpp"


#include <memory>
#include <mutex>
#include <string>

namespace gantry::kafka {

// Attributes a policy (assign-attributes) sets on a published message, as Gravitee names them.
inline constexpr std::string_view record_key_attribute = "gravitee.attribute.kafka.recordKey";
inline constexpr std::string_view topics_attribute = "gravitee.attribute.kafka.topics";
inline constexpr std::string_view group_id_attribute = "gravitee.attribute.kafka.groupId";
// The dynamic configuration's override of the producer's topics, read from each published message too (a publish
// step may set it per message), over the legacy `topics_attribute`.
inline constexpr std::string_view producer_topics_attribute = "gravitee.attributes.endpoint.kafka.producer.topics";
// The header-based option for the record key (a client sets it; the http-post entrypoint forwards request headers
// with requestHeadersToMessage): used when the attribute is absent, and not sent on as a Kafka header.
inline constexpr std::string_view record_key_header = "X-Kafka-Record-Key";

class KafkaConnector final : public EndpointConnector {
 public:
  KafkaConnector(std::string endpoint_name, std::shared_ptr<const EndpointConfig> config);
  ~KafkaConnector() override;

  std::string_view type() const override { return "kafka"; }
  std::unique_ptr<gantry::Subscription> subscribe(const SubscribeRequest& request, MessageSink& sink) override;
  void publish(gantry::MessagePtr message, Qos qos, PublishCompletion done) override;
  void stop() override;
  const DynamicConfig* dynamic_config() const override { return config_->dynamic.get(); }
  // With an evaluated configuration: its topics, and the endpoint's producer when the evaluated producer settings
  // are the deployed ones, else one of at most `max_evaluated_producers` kept per distinct settings (the least
  // recently used one is closed to make room).
  void publish_with(PluginConfigPtr config, gantry::MessagePtr message, Qos qos, PublishCompletion done) override;

  static constexpr std::size_t max_evaluated_producers = 4;

 private:
  std::shared_ptr<Producer> producer();  // created at the first publish; null when librdkafka refuses
  std::shared_ptr<Producer> producer_for(const EndpointConfig& evaluated);
  void send(const EndpointConfig& config, const std::shared_ptr<Producer>& p, gantry::MessagePtr message, Qos qos,
            PublishCompletion done);

  struct EvaluatedProducer {
    Properties settings;  // its librdkafka properties: the key
    std::shared_ptr<Producer> producer;
    std::uint64_t last_use = 0;
  };

  std::string name_;
  std::shared_ptr<const EndpointConfig> config_;
  std::mutex mutex_;  // guards producer_ and stopped_
  std::shared_ptr<Producer> producer_;
  Properties deployed_settings_;  // the endpoint producer's librdkafka properties
  std::vector<EvaluatedProducer> evaluated_producers_;  // guarded by mutex_
  std::uint64_t uses_ = 0;                              // guarded by mutex_
  bool stopped_ = false;
  SharedConsumers shared_;
};

}  // namespace gantry::kafka
