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

}  // namespace

std::string retry_frame(std::chrono::milliseconds retry) { return "retry: " + std::to_string(retry.count()) + "\n\n"; }

void append_message(std::string& out, const Message& message, const FrameOptions& options) {
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
