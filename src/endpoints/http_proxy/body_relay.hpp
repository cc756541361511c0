// Moves an HTTP body from a parser on one stream to a serializer on another in fixed-size chunks, so no body is
// ever held whole in memory (Beast's relay pattern with buffer_body). Internal to the http-proxy endpoint.
#pragma once

#include "net/flex_stream.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <array>
#include <chrono>

namespace gantry::http_proxy {

struct RelayResult {
  boost::system::error_code read_error;   // from the source (client or backend)
  boost::system::error_code write_error;  // from the destination
  std::uint64_t bytes = 0;
};

// `parser` has read its header already; `serializer` has written its header already, and serialises a message
// whose buffer_body is `body` (the caller points both at the same message or copies as needed).
template <class Parser, class Serializer, class Body>
boost::asio::awaitable<RelayResult> relay_body(net::FlexStream& from, boost::beast::flat_buffer& from_buffer,
                                               Parser& parser, net::FlexStream& to, Serializer& serializer,
                                               Body& body, std::chrono::milliseconds read_timeout,
                                               std::chrono::milliseconds write_timeout) {
  namespace asio = boost::asio;
  namespace http = boost::beast::http;
  constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
  std::array<char, 64 * 1024> chunk;
  auto& in = parser.get().body();
  RelayResult result;
  while (!parser.is_done() || !serializer.is_done()) {
    if (!parser.is_done()) {
      in.data = chunk.data();
      in.size = chunk.size();
      from.tcp().expires_after(read_timeout);
      auto [ec, n] = co_await http::async_read(from, from_buffer, parser, use_tuple);
      if (ec == http::error::need_buffer) ec = {};
      if (ec) {
        result.read_error = ec;
        co_return result;
      }
      body.size = chunk.size() - in.size;
      body.data = chunk.data();
      body.more = !parser.is_done();
    } else {
      body.data = nullptr;
      body.size = 0;
      body.more = false;
    }
    result.bytes += body.size;
    to.tcp().expires_after(write_timeout);
    auto [ec, n] = co_await http::async_write(to, serializer, use_tuple);
    if (ec == http::error::need_buffer) ec = {};
    if (ec) {
      result.write_error = ec;
      co_return result;
    }
  }
  co_return result;
}

}  // namespace gantry::http_proxy
