// Builds the request header sent to a backend from the client's: target joined, hop-by-hop headers dropped,
// X-Forwarded-* and the endpoint's configured headers set.
#pragma once

#include "endpoints/http_proxy/config.hpp"
#include "gateway/exchange.hpp"

#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/message.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace gantry::http_proxy {

namespace http = boost::beast::http;

// `upgrade` keeps the Upgrade/Connection pair (WebSocket handshake); otherwise they are dropped as hop-by-hop.
// Body framing (Content-Length / chunked) is left to the caller.
http::request<http::buffer_body> make_upstream_request(const Exchange& ex, const EndpointConfig& endpoint,
                                                       bool upgrade = false);

// How the body of the request sent to the backend is framed: Content-Length, chunked, or neither (no body).
struct BodyFraming {
  std::optional<std::uint64_t> content_length;
  bool chunked = false;
};

// The same header as make_upstream_request (no upgrade) with `framing`, appended to `out` as HTTP/1.1 text: the
// proxy's hot path, which skips building a Beast header only to serialise it.
void serialize_upstream_head(const Exchange& ex, const EndpointConfig& endpoint, const BodyFraming& framing,
                             std::string& out);

// Removes hop-by-hop fields (and those the Connection header names) from a backend response header.
void strip_hop_by_hop(http::fields& fields);

}  // namespace gantry::http_proxy
