// Writes a proxied message (its head, then its body piece by piece, chunk-framed when the head says chunked) with
// gather writes of the proxy's own buffers. Beast's serializer did this before; profiling showed its buffer
// sequence iteration among the proxy's hottest user-space code (docs/design-notes.md, "Proxy APIs" and "Measured").
// Internal to the http-proxy endpoint.
#pragma once

#include "net/flex_stream.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <string>

namespace gantry::http_proxy {

class BodyWriter {
 public:
  // `head` goes out in front of the first write. `chunked` frames each piece as a chunk and the end as the last
  // chunk; otherwise pieces go out as they are (Content-Length, or a body that ends with the connection).
  BodyWriter(net::FlexStream& to, std::string head, bool chunked, std::chrono::milliseconds timeout)
      : to_(to), head_(std::move(head)), chunked_(chunked), timeout_(timeout) {}

  // Writes `size` bytes (none is fine); `last` ends the body. Returns the stream's error, if any.
  boost::asio::awaitable<boost::system::error_code> write(const char* data, std::size_t size, bool last);

  bool head_written() const { return head_written_; }
  bool done() const { return done_; }

 private:
  net::FlexStream& to_;
  std::string head_;
  bool chunked_;
  std::chrono::milliseconds timeout_;
  bool head_written_ = false;
  bool done_ = false;
};

}  // namespace gantry::http_proxy
