#include "endpoints/mqtt5/properties.hpp"

#include <mqtt_protocol.h>

#include <cstdlib>

namespace gantry::mqtt5 {

namespace {

// libmosquitto hands out malloc'ed copies.
std::string take(char* s) {
  std::string out = s ? s : "";
  std::free(s);
  return out;
}

}  // namespace

bool make_publish_properties(const MqttProperties& in, PropertyList& out) {
  mosquitto_property* list = nullptr;
  int rc = MOSQ_ERR_SUCCESS;
  for (const auto& [name, value] : in.user)
    if (rc == MOSQ_ERR_SUCCESS)
      rc = mosquitto_property_add_string_pair(&list, MQTT_PROP_USER_PROPERTY, name.c_str(), value.c_str());
  if (rc == MOSQ_ERR_SUCCESS && !in.content_type.empty())
    rc = mosquitto_property_add_string(&list, MQTT_PROP_CONTENT_TYPE, in.content_type.c_str());
  if (rc == MOSQ_ERR_SUCCESS && !in.response_topic.empty())
    rc = mosquitto_property_add_string(&list, MQTT_PROP_RESPONSE_TOPIC, in.response_topic.c_str());
  if (rc == MOSQ_ERR_SUCCESS && !in.correlation_data.empty())
    rc = mosquitto_property_add_binary(&list, MQTT_PROP_CORRELATION_DATA, in.correlation_data.data(),
                                       static_cast<std::uint16_t>(in.correlation_data.size()));
  if (rc == MOSQ_ERR_SUCCESS && in.message_expiry_interval >= 0)
    rc = mosquitto_property_add_int32(&list, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL,
                                      static_cast<std::uint32_t>(in.message_expiry_interval));
  out.reset(list);
  if (rc == MOSQ_ERR_SUCCESS) return true;
  out.reset();
  return false;
}

MqttProperties read_publish_properties(const mosquitto_property* props) {
  MqttProperties out;
  for (const auto* p = props; p; p = mosquitto_property_next(p)) {
    switch (mosquitto_property_identifier(p)) {
      case MQTT_PROP_USER_PROPERTY: {
        char* name = nullptr;
        char* value = nullptr;
        mosquitto_property_read_string_pair(p, MQTT_PROP_USER_PROPERTY, &name, &value, false);
        out.user.emplace_back(take(name), take(value));
        break;
      }
      case MQTT_PROP_CONTENT_TYPE: {
        char* s = nullptr;
        mosquitto_property_read_string(p, MQTT_PROP_CONTENT_TYPE, &s, false);
        out.content_type = take(s);
        break;
      }
      case MQTT_PROP_RESPONSE_TOPIC: {
        char* s = nullptr;
        mosquitto_property_read_string(p, MQTT_PROP_RESPONSE_TOPIC, &s, false);
        out.response_topic = take(s);
        break;
      }
      case MQTT_PROP_CORRELATION_DATA: {
        void* data = nullptr;
        std::uint16_t len = 0;
        mosquitto_property_read_binary(p, MQTT_PROP_CORRELATION_DATA, &data, &len, false);
        out.correlation_data.assign(static_cast<const char*>(data), len);
        std::free(data);
        break;
      }
      case MQTT_PROP_MESSAGE_EXPIRY_INTERVAL: {
        std::uint32_t v = 0;
        mosquitto_property_read_int32(p, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, &v, false);
        out.message_expiry_interval = v;
        break;
      }
      default:
        break;
    }
  }
  return out;
}

PropertyList make_connect_properties(std::int64_t session_expiry_interval) {
  mosquitto_property* list = nullptr;
  auto seconds = session_expiry_interval < 0 ? 0xFFFFFFFFu : static_cast<std::uint32_t>(session_expiry_interval);
  if (seconds > 0) mosquitto_property_add_int32(&list, MQTT_PROP_SESSION_EXPIRY_INTERVAL, seconds);
  return PropertyList(list);
}

}  // namespace gantry::mqtt5
