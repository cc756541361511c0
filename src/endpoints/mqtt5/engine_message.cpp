#include "endpoints/mqtt5/engine_message.hpp"

#include "endpoints/mqtt5/mapping.hpp"

#include <atomic>

namespace gantry::mqtt5 {

MessagePtr to_message(ReceivedMessage&& received) {
  static std::atomic<std::uint64_t> counter{0};
  auto parts = from_received(std::move(received));
  auto m = std::make_shared<Message>();
  m->id = "mqtt-" + std::to_string(++counter);
  m->content = std::move(parts.content);
  m->headers = std::move(parts.headers);
  m->metadata = std::move(parts.metadata);
  m->timestamp_ms = now_epoch_ms();
  return m;
}

int mqtt_qos(Qos level) { return level == Qos::auto_ || level == Qos::at_least_once ? 1 : 0; }

}  // namespace gantry::mqtt5
