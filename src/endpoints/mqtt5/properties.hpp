// Conversion between MqttProperties and libmosquitto's MQTT 5 property lists (PUBLISH and CONNECT properties).
#pragma once

#include "endpoints/mqtt5/mqtt_message.hpp"

#include <mosquitto.h>

#include <cstdint>
#include <memory>

namespace gantry::mqtt5 {

struct PropertyListDeleter {
  void operator()(mosquitto_property* p) const { mosquitto_property_free_all(&p); }
};
using PropertyList = std::unique_ptr<mosquitto_property, PropertyListDeleter>;

// Null when there is nothing to send. Returns false (and no list) when libmosquitto refuses a value.
bool make_publish_properties(const MqttProperties& in, PropertyList& out);
MqttProperties read_publish_properties(const mosquitto_property* props);
// CONNECT: the session expiry interval (-1 = never expires, sent as 0xFFFFFFFF).
PropertyList make_connect_properties(std::int64_t session_expiry_interval);

}  // namespace gantry::mqtt5
