// Formatting and parsing of Kafka message ids / resume positions.
#include "endpoints/kafka/message_id.hpp"

#include <charconv>
#include <vector>

namespace gantry::kafka {

namespace {

constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

template <class Int>
bool to_int(std::string_view s, Int& out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    auto at = s.find(sep, start);
    parts.push_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

bool legal_topic(std::string_view t) {
  return !t.empty() && t.size() <= 249 &&
         t.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
             std::string_view::npos;
}

// "0#41" into `partitions`.
bool parse_partition(std::string_view entry, std::map<std::int32_t, std::int64_t>& partitions) {
  auto hash = entry.find('#');
  if (hash == std::string_view::npos) return false;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  if (!to_int(entry.substr(0, hash), partition) || !to_int(entry.substr(hash + 1), offset)) return false;
  if (partition < 0 || offset < -1) return false;
  partitions[partition] = offset;
  return true;
}

std::optional<Position> parse_plain(std::string_view id) {
  Position position;
  for (auto group : split(id, ';')) {
    auto at = group.find('@');
    if (at == std::string_view::npos) return std::nullopt;
    std::string_view topic = group.substr(0, at);
    if (!legal_topic(topic)) return std::nullopt;
    auto& partitions = position.offsets[std::string(topic)];
    for (auto entry : split(group.substr(at + 1), ',')) {
      auto repeated = entry.find('@');  // "orders@1#17": the topic written again
      if (repeated != std::string_view::npos) {
        if (entry.substr(0, repeated) != topic) return std::nullopt;
        entry.remove_prefix(repeated + 1);
      }
      if (!parse_partition(entry, partitions)) return std::nullopt;
    }
  }
  if (position.empty()) return std::nullopt;
  return position;
}

}  // namespace

void Position::advance(std::string_view topic, std::int32_t partition, std::int64_t offset) {
  auto it = offsets.find(topic);
  if (it == offsets.end()) it = offsets.emplace(std::string(topic), std::map<std::int32_t, std::int64_t>{}).first;
  it->second[partition] = offset;
}

namespace {

void append_int(std::string& out, std::int64_t value) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, end);
}

}  // namespace

// Made for every message a consumer delivers: no temporaries, and the plain form in a buffer reused by the thread
// when it is to be encoded.
std::string format_message_id(const Position& position, bool encode) {
  thread_local std::string scratch;
  std::string plain;
  std::string& id = encode ? scratch : plain;
  id.clear();
  for (const auto& [topic, partitions] : position.offsets) {
    if (partitions.empty()) continue;
    if (!id.empty()) id += ';';
    id += topic;
    id += '@';
    bool first = true;
    for (const auto& [partition, offset] : partitions) {
      if (!first) id += ',';
      first = false;
      append_int(id, partition);
      id += '#';
      append_int(id, offset);
    }
  }
  if (!encode) return plain;
  return base64_encode(scratch);
}

std::optional<Position> parse_message_id(std::string_view id) {
  if (id.find('@') != std::string_view::npos) return parse_plain(id);
  auto decoded = base64_decode(id);
  if (!decoded) return std::nullopt;
  return parse_plain(*decoded);
}

std::string base64_encode(std::string_view bytes) {
  std::string out((bytes.size() + 2) / 3 * 4, '=');
  char* o = out.data();
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (in[i] << 16) | (in[i + 1] << 8) | in[i + 2];
    *o++ = alphabet[(v >> 18) & 63];
    *o++ = alphabet[(v >> 12) & 63];
    *o++ = alphabet[(v >> 6) & 63];
    *o++ = alphabet[v & 63];
  }
  if (std::size_t rest = bytes.size() - i; rest > 0) {  // the padding '=' are already there
    unsigned v = in[i] << 16;
    if (rest == 2) v |= in[i + 1] << 8;
    *o++ = alphabet[(v >> 18) & 63];
    *o++ = alphabet[(v >> 12) & 63];
    if (rest == 2) *o = alphabet[(v >> 6) & 63];
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  std::string out;
  unsigned v = 0;
  int bits = 0;
  for (char c : text) {
    auto index = alphabet.find(c);
    if (c == '-') index = 62;  // the URL-safe alphabet, as a `cursor` query parameter may carry it
    if (c == '_') index = 63;
    if (index == std::string_view::npos) return std::nullopt;
    v = (v << 6) | static_cast<unsigned>(index);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((v >> bits) & 0xFF);
    }
  }
  if (bits >= 6) return std::nullopt;  // a dangling sextet: not base64
  return out;
}

}  // namespace gantry::kafka
