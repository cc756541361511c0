#include "entrypoints/sse/sse_format.hpp"

#include <cstring>

namespace gantry::sse {

namespace {

// The first '\n' or '\r' from `start`: two memchr scans (vectorised), the second only up to the first '\n'.
// find_first_of("\r\n") would call memchr once per character of the value, a loop over it compares bytewise; a
// message is scanned on every delivery.
std::size_t line_break(std::string_view value, std::size_t start) {
  if (start >= value.size()) return std::string_view::npos;
  const char* from = value.data() + start;
  const std::size_t size = value.size() - start;
  const auto* lf = static_cast<const char*>(std::memchr(from, '\n', size));
  const auto* cr = static_cast<const char*>(std::memchr(from, '\r', lf ? static_cast<std::size_t>(lf - from) : size));
  const char* hit = cr ? cr : lf;
  return hit ? static_cast<std::size_t>(hit - value.data()) : std::string_view::npos;
}

// Field values must not contain line breaks: each line of a multi-line value becomes its own field line.
void append_lines(std::string& out, std::string_view prefix, std::string_view value) {
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = line_break(value, start);
    out += prefix;
    out += value.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    out += '\n';
    if (end == std::string_view::npos) return;
    start = end + 1;
    if (value[end] == '\r' && start < value.size() && value[start] == '\n') ++start;
  }
}

void append_comments(std::string& out, const MessageFields& fields) {
  for (const auto& [name, value] : fields) {
    std::string prefix = ":" + name + ": ";
    append_lines(out, prefix, value);
  }
}

// The usual frame (id and content without line breaks, no comment lines) sized once and copied into place: each
// `+=` checks capacity and length again, and a frame is written for every message delivered.
bool append_plain(std::string& out, const Message& message, const FrameOptions& options) {
  if (options.headers_as_comment || options.metadata_as_comment) return false;
  if (line_break(message.id, 0) != std::string_view::npos || line_break(message.content, 0) != std::string_view::npos)
    return false;
  const std::string_view event = message.error ? "event: error\n" : "event: message\n";
  const std::size_t id_line = message.id.empty() ? 0 : 4 + message.id.size() + 1;
  const std::size_t at = out.size();
  out.resize(at + id_line + event.size() + 6 + message.content.size() + 2);
  char* p = out.data() + at;
  const auto put = [&p](std::string_view s) {
    std::memcpy(p, s.data(), s.size());
    p += s.size();
  };
  if (id_line) {
    put("id: ");
    put(message.id);
    *p++ = '\n';
  }
  put(event);
  put("data: ");
  put(message.content);
  *p++ = '\n';
  *p = '\n';
  return true;
}

}  // namespace

std::string retry_frame(std::chrono::milliseconds retry) { return "retry: " + std::to_string(retry.count()) + "\n\n"; }

void append_message(std::string& out, const Message& message, const FrameOptions& options) {
  if (append_plain(out, message, options)) return;
  if (!message.id.empty()) append_lines(out, "id: ", message.id);
  out += message.error ? "event: error\n" : "event: message\n";
  append_lines(out, "data: ", message.content);
  if (options.headers_as_comment) append_comments(out, message.headers);
  if (options.metadata_as_comment) append_comments(out, message.metadata);
  out += '\n';
}

std::string goaway_frame(std::string_view reason) {
  std::string out = "event: goaway\n";
  append_lines(out, "data: ", reason);
  out += '\n';
  return out;
}

std::string error_frame(std::string_view reason) {
  std::string out = "event: error\n";
  append_lines(out, "data: ", reason);
  out += '\n';
  return out;
}

}  // namespace gantry::sse
