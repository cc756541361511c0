// The message id of a position that moves one partition at a time, kept formatted: a consumer makes an id for every
// record it delivers, and rewriting only the offset that moved (and the base64 groups it touches) costs a fraction
// of formatting every partition again. The text is always what format_message_id gives for the same position.
#pragma once

#include "endpoints/kafka/message_id.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gantry::kafka {

class MessageIdText {
 public:
  explicit MessageIdText(bool encode = false) : encode_(encode) {}

  // Starts again from `position` (everything formatted anew).
  void assign(const Position& position);
  // As Position::advance: the partition's offset becomes `offset` (the topic and partition are added if new).
  void advance(std::string_view topic, std::int32_t partition, std::int64_t offset);
  // format_message_id(position, encode) of the position so far.
  const std::string& id() const { return encode_ ? encoded_ : plain_; }
  Position position() const;

 private:
  struct Slot {
    std::int32_t partition;
    std::int64_t offset;
    std::size_t at = 0, len = 0;  // where the offset's digits are in plain_
  };
  struct Topic {
    std::string name;
    std::vector<Slot> slots;  // by partition
  };

  void rebuild();
  // The base64 groups from the one holding plain_[from] to the one holding plain_[to - 1], encoded again.
  void encode_range(std::size_t from, std::size_t to);
  Topic* find_topic(std::string_view topic);

  bool encode_;
  std::vector<Topic> topics_;  // by name, as Position's map orders them
  std::size_t last_topic_ = 0;  // records come in runs of one topic: looked at first
  std::string plain_, encoded_;
};

}  // namespace gantry::kafka
