// Gravitee's gateway-wide request timeout (gateway.timeouts.request_ms): the part of an exchange before its
// response begins (a message API's request phase) must end in time, or the client gets 504 "Request timeout".
// What follows (a stream, an http-get page being collected) is not limited, as in Gravitee. Proxy APIs take the
// deadline into their wait for the backend's answer instead (http_proxy/proxy_handler.cpp): no race there.
#pragma once

#include "gateway/exchange.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>

namespace gantry {

// Runs `step` until it ends or the exchange's deadline passes, whichever comes first. nullopt: the deadline came
// first, `step` was cancelled and the 504 answered (unless `step` had begun a response; then the connection
// closes). Without a deadline `step` runs alone: no timer, no race.
boost::asio::awaitable<std::optional<bool>> within_request_deadline(Exchange& ex, boost::asio::awaitable<bool> step);

// Answers the exchange with the gateway timeout (504 "Request timeout", key REQUEST_TIMEOUT).
boost::asio::awaitable<void> write_request_timeout(Exchange& ex);

}  // namespace gantry
