// MQTT 5 messages as the client layer sends and receives them, independent of the gateway's message engine:
// payload, topic, QoS/retain and the MQTT 5 properties Gantry maps (user properties <-> headers, the rest metadata).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace gantry::mqtt5 {

using UserProperties = std::vector<std::pair<std::string, std::string>>;  // order kept, names may repeat

struct MqttProperties {
  UserProperties user;
  std::string content_type;
  std::string correlation_data;  // binary
  std::string response_topic;
  std::int64_t message_expiry_interval = -1;  // seconds; -1 = absent
};

struct OutgoingMessage {
  std::string topic;
  std::string payload;
  int qos = 0;
  bool retain = false;
  MqttProperties properties;
};

struct ReceivedMessage {
  std::string topic;
  std::string payload;
  int qos = 0;
  bool retained = false;
  MqttProperties properties;
};

}  // namespace gantry::mqtt5
