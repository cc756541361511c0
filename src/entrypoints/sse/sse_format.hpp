// Server-sent events framing (WHATWG HTML "event stream"): Gravitee's field order and comment conventions.
#pragma once

#include "core/message/message.hpp"

#include <chrono>
#include <string>

namespace gantry::sse {

struct FrameOptions {
  bool headers_as_comment = false;
  bool metadata_as_comment = false;
};

// "retry: 5000\n\n": how long a disconnected client waits before reconnecting.
std::string retry_frame(std::chrono::milliseconds retry);

// Appends "id: <id>\nevent: message\ndata: <line>\n...[:<name>: <value>\n...]\n" to `out`. Content with several
// lines becomes several data lines (CR, LF and CRLF all end a line, as the SSE parser reads them); an error
// message is sent as `event: error`.
void append_message(std::string& out, const Message& message, const FrameOptions& options);

// A comment line the client ignores; keeps proxies and the client from timing the connection out.
inline constexpr std::string_view heartbeat_frame = ":\n\n";

// Sent before the stream ends because the API stopped or is being redeployed: reconnect.
std::string goaway_frame(std::string_view reason);

// Sent when the endpoint failed.
std::string error_frame(std::string_view reason);

}  // namespace gantry::sse
