// Moves an HTTP body from a parser on one stream to a BodyWriter on another in fixed-size chunks, so no body is
// ever held whole in memory (Beast's relay pattern with buffer_body), optionally decompressing it on the way.
// Internal to the http-proxy endpoint.
#pragma once

#include "endpoints/http_proxy/body_writer.hpp"
#include "endpoints/http_proxy/inflater.hpp"
#include "net/flex_stream.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>

#include <array>
#include <chrono>
#include <memory>
#include <span>

namespace gantry::http_proxy {

struct RelayResult {
  boost::system::error_code read_error;   // from the source (client or backend), or corrupt compressed data
  boost::system::error_code write_error;  // from the destination
  std::uint64_t bytes = 0;                // body bytes written
};

// `parser` has read its header already; `writer` sends the head it holds with the first piece. `chunk` is the
// connection's scratch buffer (one per connection rather than one per call keeps the allocator out of the hot
// path). With an `inflater`, what is written is the decompressed body.
template <class Parser>
boost::asio::awaitable<RelayResult> relay_body(net::FlexStream& from, boost::beast::flat_buffer& from_buffer,
                                               Parser& parser, BodyWriter& writer,
                                               std::chrono::milliseconds read_timeout, std::span<char> chunk,
                                               Inflater* inflater = nullptr) {
  namespace asio = boost::asio;
  namespace http = boost::beast::http;
  constexpr std::size_t inflated_size = 64 * 1024;
  std::unique_ptr<std::array<char, inflated_size>> inflated;
  if (inflater) inflated = std::make_unique<std::array<char, inflated_size>>();
  auto& in = parser.get().body();
  RelayResult result;
  while (!parser.is_done()) {
    in.data = chunk.data();
    in.size = chunk.size();
    from.tcp().expires_after(read_timeout);
    // What has arrived goes on at once: waiting to fill the chunk would hold back a stream (SSE through a proxy)
    // until 64 KB of it had come.
    auto [ec, n] = co_await http::async_read_some(from, from_buffer, parser, asio::as_tuple(asio::use_awaitable));
    if (ec == http::error::need_buffer) ec = {};
    if (ec) {
      result.read_error = ec;
      co_return result;
    }
    const std::size_t got = chunk.size() - in.size;
    if (got == 0) continue;
    if (!inflater) {
      result.write_error = co_await writer.write(chunk.data(), got, parser.is_done());  // the last chunk too
      if (result.write_error) co_return result;
      result.bytes += got;
      continue;
    }
    inflater->input(chunk.data(), got);
    for (bool failed = false;;) {
      const std::size_t produced = inflater->output(inflated->data(), inflated->size(), failed);
      if (failed) {
        result.read_error = make_error_code(boost::beast::http::error::bad_chunk);
        co_return result;
      }
      if (produced == 0) break;
      result.write_error = co_await writer.write(inflated->data(), produced, false);
      if (result.write_error) co_return result;
      result.bytes += produced;
    }
  }
  if (!writer.done()) result.write_error = co_await writer.write(nullptr, 0, true);
  co_return result;
}

}  // namespace gantry::http_proxy
