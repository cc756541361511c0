// Lets Beast run a WebSocket over a FlexStream (plain or TLS): the close and teardown hooks Beast looks up.
#pragma once

#include "net/flex_stream.hpp"

#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/teardown.hpp>

#include <utility>

namespace gantry::net {

// Called by Beast when it must drop the connection without a closing handshake (e.g. a failed WebSocket close).
inline void beast_close_socket(FlexStream& stream) { stream.close(); }

inline void teardown(boost::beast::role_type role, FlexStream& stream, boost::system::error_code& ec) {
  if (stream.is_tls()) teardown(role, stream.tls(), ec);
  else teardown(role, stream.tcp(), ec);
}

template <class TeardownHandler>
void async_teardown(boost::beast::role_type role, FlexStream& stream, TeardownHandler&& handler) {
  if (stream.is_tls()) async_teardown(role, stream.tls(), std::forward<TeardownHandler>(handler));
  else async_teardown(role, stream.tcp(), std::forward<TeardownHandler>(handler));
}

}  // namespace gantry::net
