// A message of a message API: the value that flows from an entrypoint to an endpoint (publish) or back (subscribe).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gantry {

// Name/value pairs in arrival order; a name may repeat (HTTP headers, Kafka headers). Small: a linear scan beats
// a map for the handful of entries a message carries.
using MessageFields = std::vector<std::pair<std::string, std::string>>;

// Sets `name` (case-insensitive) to `value`, replacing every earlier value.
void set_field(MessageFields& fields, std::string_view name, std::string value);

struct Message {
  std::string id;             // endpoint-specific position ("3", "topic@0#42"); what a client resumes from
  std::string content;        // raw bytes
  MessageFields headers;      // protocol headers (HTTP request headers, Kafka/MQTT user properties)
  MessageFields metadata;     // endpoint facts (topic, partition, offset, sourceTimestamp, ...)
  MessageFields attributes;   // gateway-internal values set by policies; never sent to clients
  std::int64_t timestamp_ms = 0;  // when the endpoint produced or received it (Unix epoch, milliseconds)
  bool error = false;         // an error notice from the endpoint rather than data (SSE sends it as event: error)

  const std::string* header(std::string_view name) const;  // first value, case-insensitive; null when absent
};

// Messages are shared, never copied, once built: a shared endpoint subscription fans one message out to many
// subscribers, each holding a pointer. A policy that changes a message builds a new one.
using MessagePtr = std::shared_ptr<const Message>;

std::int64_t now_epoch_ms();

}  // namespace gantry
