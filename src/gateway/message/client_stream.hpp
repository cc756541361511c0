// Helpers shared by the streaming entrypoints (SSE, http-get): a chunked response on the client connection and a
// watch that notices at once when the client goes away, so its subscription is released without waiting for a
// write to fail.
#pragma once

#include "gateway/exchange.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/fields.hpp>

#include <string_view>

namespace gantry {

// Writes "200 OK" with Transfer-Encoding: chunked, the given headers and the tracking headers. False on failure.
boost::asio::awaitable<bool> write_stream_header(Exchange& ex, const http::fields& headers);

// Writes one chunk; false when the client is gone.
boost::asio::awaitable<bool> write_chunk(Exchange& ex, std::string_view data);

// Writes the last chunk and ends watch_client_close(); the session then closes the connection.
boost::asio::awaitable<void> end_stream(Exchange& ex);

// Makes a pending watch_client_close() return (cancels the pending read).
void stop_watching(Exchange& ex);

// Completes when the client closes the connection or resets it (reading and discarding whatever it sends).
boost::asio::awaitable<void> watch_client_close(Exchange& ex);

}  // namespace gantry
