// Gravitee-compatible Kafka message ids and resume positions: "topic@partition#offset", partitions of one topic
// comma-joined ("orders@0#41,1#17"), topics ';'-joined ("orders@0#41;audit@2#9"), base64 when encodeMessageId.
// An id names, per partition, the offset of the last message delivered; resuming starts just after it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace gantry::kafka {

struct Position {
  // topic -> partition -> offset of the last message delivered (-1: none yet, resume from the partition's start)
  std::map<std::string, std::map<std::int32_t, std::int64_t>, std::less<>> offsets;

  void advance(std::string_view topic, std::int32_t partition, std::int64_t offset);
  bool empty() const { return offsets.empty(); }
  bool operator==(const Position&) const = default;
};

// "orders@0#41,1#17;audit@2#9", base64 (standard alphabet, padded) of it when `encode`.
std::string format_message_id(const Position& position, bool encode);

// Reads either form (plain or base64), as a client sends it back in Last-Event-ID or `cursor`; also tolerates the
// topic repeated before each partition ("orders@0#41,orders@1#17"). nullopt for anything else: a forged or
// damaged id is refused, not half-read.
std::optional<Position> parse_message_id(std::string_view id);

std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace gantry::kafka
