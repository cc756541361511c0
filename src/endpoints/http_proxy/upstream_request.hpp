// Builds the request header sent to a backend from the client's: target joined, hop-by-hop headers dropped,
// X-Forwarded-* and the endpoint's configured headers set.
#pragma once

#include "endpoints/http_proxy/config.hpp"
#include "gateway/exchange.hpp"

#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/message.hpp>

namespace gantry::http_proxy {

namespace http = boost::beast::http;

// `upgrade` keeps the Upgrade/Connection pair (WebSocket handshake); otherwise they are dropped as hop-by-hop.
// Body framing (Content-Length / chunked) is left to the caller.
http::request<http::buffer_body> make_upstream_request(const Exchange& ex, const EndpointConfig& endpoint,
                                                       bool upgrade = false);

// Removes hop-by-hop fields (and those the Connection header names) from a backend response header.
void strip_hop_by_hop(http::fields& fields);

}  // namespace gantry::http_proxy
