// Writes a gather list to a stream, trying first to hand it all to the socket at once: the proxy's and the
// gateway's own responses nearly always fit in the socket buffer, and then no asynchronous operation is needed.
#pragma once

#include "net/flex_stream.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <optional>
#include <span>

namespace gantry::net {

// Writes every byte of `pieces` (consumed as they go out). On a plain TCP stream one non-blocking gather send is
// tried first; what it leaves (a full socket buffer, or TLS) goes out through asynchronous writes, under `timeout`
// when given, else under the stream's current deadline.
boost::asio::awaitable<boost::system::error_code> write_all(FlexStream& stream,
                                                            std::span<boost::asio::const_buffer> pieces,
                                                            std::optional<std::chrono::milliseconds> timeout);

}  // namespace gantry::net
