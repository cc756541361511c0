// Between a gateway message's parts (content, headers, metadata, attributes) and MQTT 5 messages: user properties
// are headers; content type, correlation data, response topic, message expiry, topic, QoS and retain are metadata;
// the attribute gravitee.attribute.mqtt5.topic overrides the producer's topic. Kept free of the message engine's
// types (plain name/value vectors) so the engine's adapter is a few lines.
#pragma once

#include "endpoints/mqtt5/config.hpp"
#include "endpoints/mqtt5/mqtt_message.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gantry::mqtt5 {

using Fields = std::vector<std::pair<std::string, std::string>>;

namespace metadata_key {
inline constexpr std::string_view topic = "topic";
inline constexpr std::string_view qos = "qos";
inline constexpr std::string_view retained = "retained";
inline constexpr std::string_view content_type = "contentType";
inline constexpr std::string_view correlation_data = "correlationData";
inline constexpr std::string_view response_topic = "responseTopic";
inline constexpr std::string_view message_expiry_interval = "messageExpiryInterval";
}  // namespace metadata_key

struct GatewayParts {
  std::string content;
  Fields headers;
  Fields metadata;
};

// Null with `error` set when no topic applies or the topic cannot be published to.
std::optional<OutgoingMessage> to_outgoing(const ProducerOptions& producer, int qos, std::string content,
                                           const Fields& headers, const Fields& metadata, const Fields& attributes,
                                           std::string& error);
GatewayParts from_received(ReceivedMessage&& message);

}  // namespace gantry::mqtt5
