// One Kafka record as delivered to subscribers: content, key, headers and the metadata Gravitee exposes (topic,
// partition, offset, timestamp). Immutable and shared: a shared consumer hands one copy to every subscriber.
#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gantry::kafka {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Record {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::optional<std::string> key;  // absent for records produced without one
  std::string value;
  Headers headers;
  std::int64_t timestamp_ms = -1;  // -1 when the broker gave none
};
using RecordPtr = std::shared_ptr<const Record>;

// Fills `into` (a fresh Record) with a record read from a consumer; with `remove_confluent_header`, a schema-registry
// prefix (0x00 + 4-byte schema id) is stripped from the value. Records are values in a batch, not shared yet: a single
// taker (a subscriber's own consumer) moves their content on without a heap block per record; a shared consumer
// shares them out as RecordPtr.
void read_record(const rd_kafka_message_t& message, bool remove_confluent_header, Record& into);

// What a publisher sends.
struct OutgoingRecord {
  std::string topic;
  std::optional<std::string> key;
  std::string value;
  Headers headers;
};

}  // namespace gantry::kafka
