// The engine's subscriptions over Kafka: a live one (a place in a shared consumer's fan-out) and one with a consumer
// of its own (own position: resume, at-least-once commits, back-pressure by pausing partitions).
#pragma once

#include "core/message/endpoint_connector.hpp"
#include "endpoints/kafka/config.hpp"
#include "endpoints/kafka/message_id.hpp"
#include "endpoints/kafka/record.hpp"
#include "endpoints/kafka/shared_consumer.hpp"

#include <memory>
#include <optional>

namespace gantry::kafka {

// A record as a message: content, Kafka headers, metadata (topic, partition, offset, key, timestamp) and `id`.
gantry::MessagePtr to_message(const Record& record, std::string id);
// The same from a record nobody else holds: its content and headers are moved, not copied.
gantry::MessagePtr to_message(Record&& record, std::string id);

// What the subscriber's request attributes choose (gravitee.attribute.kafka.groupId / .topics); empty: the
// endpoint's configuration decides.
struct SubscriberChoice {
  std::string group_id;
  std::vector<std::string> topics;
};

std::unique_ptr<gantry::Subscription> make_live_subscription(SharedConsumers& shared,
                                                             std::shared_ptr<const EndpointConfig> config,
                                                             const SubscribeRequest& request,
                                                             const SubscriberChoice& choice, MessageSink& sink);

std::unique_ptr<gantry::Subscription> make_own_subscription(std::shared_ptr<const EndpointConfig> config,
                                                            const SubscribeRequest& request,
                                                            const SubscriberChoice& choice,
                                                            std::optional<Position> resume, MessageSink& sink);

}  // namespace gantry::kafka
