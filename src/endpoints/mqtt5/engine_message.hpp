// The MQTT 5 endpoint's side of the message engine's value: a received MQTT message as a gateway Message (built
// once, then shared by every subscriber it fans out to), and the MQTT QoS each engine level publishes and
// subscribes with (docs/mqtt5.md, "Quality of service").
#pragma once

#include "core/definition/model.hpp"
#include "core/message/message.hpp"
#include "endpoints/mqtt5/mqtt_message.hpp"

namespace gantry::mqtt5 {

// Content, user properties as headers, the rest as metadata (mapping.hpp). MQTT has no positions: the id only
// tells messages apart ("mqtt-<n>", counting per process).
MessagePtr to_message(ReceivedMessage&& received);

// none and at-most-once: QoS 0; auto and at-least-once: QoS 1 (acknowledged by the broker).
int mqtt_qos(Qos level);

}  // namespace gantry::mqtt5
