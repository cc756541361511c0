// The "kafka" endpoint at run time (core/message/endpoint_connector.hpp): one producer per endpoint shared by every
// publish, live subscribers fanned out from one shared consumer per (API, topics), and a consumer of their own for
// subscribers that need their own position (resume, at-least-once, at-most-once, durable subscriptions).
#pragma once

#include "core/message/endpoint_connector.hpp"
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

 private:
  std::shared_ptr<Producer> producer();  // created at the first publish; null when librdkafka refuses

  std::string name_;
  std::shared_ptr<const EndpointConfig> config_;
  std::mutex mutex_;  // guards producer_ and stopped_
  std::shared_ptr<Producer> producer_;
  bool stopped_ = false;
  SharedConsumers shared_;
};

}  // namespace gantry::kafka
