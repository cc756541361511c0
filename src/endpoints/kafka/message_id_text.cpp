// Incremental formatting of Kafka message ids: an offset that keeps its number of digits is overwritten in place
// (with the one to three base64 groups it touches); one that grows or shrinks shifts what follows it.
#include "endpoints/kafka/message_id_text.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace gantry::kafka {

namespace {

constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void append_int(std::string& out, std::int64_t value) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, end);
}

// One base64 group: 1 to 3 bytes in, 4 characters out ('=' for the bytes missing from the last group).
void encode_group(const unsigned char* in, std::size_t n, char* out) {
  unsigned v = in[0] << 16;
  if (n > 1) v |= in[1] << 8;
  if (n > 2) v |= in[2];
  out[0] = alphabet[(v >> 18) & 63];
  out[1] = alphabet[(v >> 12) & 63];
  out[2] = n > 1 ? alphabet[(v >> 6) & 63] : '=';
  out[3] = n > 2 ? alphabet[v & 63] : '=';
}

}  // namespace

void MessageIdText::assign(const Position& position) {
  topics_.clear();
  last_topic_ = 0;
  for (const auto& [name, partitions] : position.offsets) {
    if (partitions.empty()) continue;  // format_message_id names none of it either
    Topic& t = topics_.emplace_back();
    t.name = name;
    for (const auto& [partition, offset] : partitions) t.slots.push_back({partition, offset});
  }
  rebuild();
}

Position MessageIdText::position() const {
  Position p;
  for (const auto& t : topics_)
    for (const auto& s : t.slots) p.advance(t.name, s.partition, s.offset);
  return p;
}

void MessageIdText::rebuild() {
  plain_.clear();
  for (auto& t : topics_) {
    if (!plain_.empty()) plain_ += ';';
    plain_ += t.name;
    plain_ += '@';
    bool first = true;
    for (auto& s : t.slots) {
      if (!first) plain_ += ',';
      first = false;
      append_int(plain_, s.partition);
      plain_ += '#';
      s.at = plain_.size();
      append_int(plain_, s.offset);
      s.len = plain_.size() - s.at;
    }
  }
  if (!encode_) return;
  encoded_.clear();
  encode_range(0, plain_.size());
}

void MessageIdText::encode_range(std::size_t from, std::size_t to) {
  const std::size_t size = plain_.size();
  const std::size_t groups = (size + 2) / 3;
  if (encoded_.size() != groups * 4) encoded_.resize(groups * 4);
  const auto* in = reinterpret_cast<const unsigned char*>(plain_.data());
  char* out = encoded_.data();
  for (std::size_t g = from / 3; g < groups && g * 3 < to; ++g)
    encode_group(in + g * 3, size - g * 3 < 3 ? size - g * 3 : 3, out + g * 4);
}

MessageIdText::Topic* MessageIdText::find_topic(std::string_view topic) {
  if (last_topic_ < topics_.size() && topics_[last_topic_].name == topic) return &topics_[last_topic_];
  auto it = std::lower_bound(topics_.begin(), topics_.end(), topic,
                             [](const Topic& t, std::string_view name) { return t.name < name; });
  if (it == topics_.end() || it->name != topic) return nullptr;
  last_topic_ = static_cast<std::size_t>(it - topics_.begin());
  return &*it;
}

void MessageIdText::advance(std::string_view topic, std::int32_t partition, std::int64_t offset) {
  Topic* t = find_topic(topic);
  if (!t) {  // a topic first seen: rare, everything again
    auto it = std::lower_bound(topics_.begin(), topics_.end(), topic,
                               [](const Topic& x, std::string_view name) { return x.name < name; });
    it = topics_.insert(it, Topic{std::string(topic), {Slot{partition, offset}}});
    last_topic_ = static_cast<std::size_t>(it - topics_.begin());
    return rebuild();
  }
  auto slot = std::lower_bound(t->slots.begin(), t->slots.end(), partition,
                               [](const Slot& s, std::int32_t p) { return s.partition < p; });
  if (slot == t->slots.end() || slot->partition != partition) {  // a partition first seen: rare, too
    t->slots.insert(slot, Slot{partition, offset});
    return rebuild();
  }
  if (slot->offset == offset) return;
  slot->offset = offset;
  char digits[24];
  const auto len = static_cast<std::size_t>(std::to_chars(digits, digits + sizeof digits, offset).ptr - digits);
  const std::size_t at = slot->at;
  if (len == slot->len) {
    std::memcpy(plain_.data() + at, digits, len);
    if (encode_) encode_range(at, at + len);
    return;
  }
  // Another number of digits: what follows moves.
  plain_.replace(at, slot->len, digits, len);
  const std::ptrdiff_t shift = static_cast<std::ptrdiff_t>(len) - static_cast<std::ptrdiff_t>(slot->len);
  slot->len = len;
  for (auto& x : topics_)
    for (auto& s : x.slots)
      if (s.at > at) s.at = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(s.at) + shift);
  if (encode_) encode_range(at, plain_.size());
}

}  // namespace gantry::kafka
