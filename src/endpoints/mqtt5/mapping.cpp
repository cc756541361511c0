#include "endpoints/mqtt5/mapping.hpp"

#include <charconv>

namespace gantry::mqtt5 {

namespace {

const std::string* find(const Fields& fields, std::string_view name) {
  for (const auto& [k, v] : fields)
    if (k == name) return &v;
  return nullptr;
}

void add(Fields& fields, std::string_view name, std::string value) { fields.emplace_back(std::string(name), std::move(value)); }

}  // namespace

std::optional<OutgoingMessage> to_outgoing(const ProducerOptions& producer, int qos, std::string content,
                                           const Fields& headers, const Fields& metadata, const Fields& attributes,
                                           std::string& error) {
  OutgoingMessage out;
  const std::string* topic = find(attributes, topic_attribute);
  out.topic = topic ? *topic : producer.topic;
  if (out.topic.empty()) {
    error = "no topic to publish to: set producer.topic or the attribute " + std::string(topic_attribute);
    return std::nullopt;
  }
  if (auto why = topic_problem(out.topic, false); !why.empty()) {
    error = why;
    return std::nullopt;
  }
  out.payload = std::move(content);
  out.qos = qos;
  out.retain = producer.retained;
  out.properties.user = headers;
  out.properties.response_topic = producer.response_topic;
  out.properties.message_expiry_interval = producer.message_expiry_interval;
  if (const auto* v = find(metadata, metadata_key::content_type)) out.properties.content_type = *v;
  if (const auto* v = find(metadata, metadata_key::correlation_data)) out.properties.correlation_data = *v;
  if (const auto* v = find(metadata, metadata_key::response_topic)) out.properties.response_topic = *v;
  if (const auto* v = find(metadata, metadata_key::message_expiry_interval)) {
    std::int64_t seconds = 0;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), seconds);
    if (ec != std::errc() || end != v->data() + v->size() || seconds < 0 || seconds > 4294967295LL) {
      error = "metadata messageExpiryInterval '" + *v + "' is not a number of seconds";
      return std::nullopt;
    }
    out.properties.message_expiry_interval = seconds;
  }
  return out;
}

GatewayParts from_received(ReceivedMessage&& message) {
  GatewayParts out;
  out.content = std::move(message.payload);
  out.headers = std::move(message.properties.user);
  auto& p = message.properties;
  add(out.metadata, metadata_key::topic, std::move(message.topic));
  add(out.metadata, metadata_key::qos, std::to_string(message.qos));
  add(out.metadata, metadata_key::retained, message.retained ? "true" : "false");
  if (!p.content_type.empty()) add(out.metadata, metadata_key::content_type, std::move(p.content_type));
  if (!p.correlation_data.empty()) add(out.metadata, metadata_key::correlation_data, std::move(p.correlation_data));
  if (!p.response_topic.empty()) add(out.metadata, metadata_key::response_topic, std::move(p.response_topic));
  if (p.message_expiry_interval >= 0)
    add(out.metadata, metadata_key::message_expiry_interval, std::to_string(p.message_expiry_interval));
  return out;
}

}  // namespace gantry::mqtt5
