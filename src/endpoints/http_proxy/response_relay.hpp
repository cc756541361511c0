// The response half of a proxied exchange: reading the backend's header, following redirects when the endpoint
// asks for it, and streaming status, headers and body to the client. Internal to the http-proxy endpoint.
#pragma once

#include "endpoints/http_proxy/config.hpp"
#include "endpoints/http_proxy/upstream_pool.hpp"
#include "gateway/exchange.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>

#include <chrono>
#include <string>

namespace gantry::http_proxy {

using ResponseParser = http::response_parser<http::buffer_body>;

boost::asio::awaitable<boost::system::error_code> read_response_header(UpstreamConnection& up, ResponseParser& rp,
                                                                       bool head, std::chrono::milliseconds timeout);

// Streams the response whose header `rp` holds to the client. Sets `upstream_reusable` when the backend
// connection ended cleanly and may go back to the pool. A backend failure before anything reached the client is
// returned (the caller answers with an error); after that, failures close the client connection.
boost::asio::awaitable<GatewayErrc> forward_response(UpstreamConnection& up, ResponseParser& rp, Exchange& ex,
                                              const EndpointConfig& config, bool& upstream_reusable);

// The Location to follow, or "" when the response goes to the client as it is (followRedirects off, not a
// redirect, or a method that must not be replayed; like Vert.x, only GET/HEAD, and any method on 303).
std::string redirect_to_follow(const EndpointConfig& config, const Exchange& ex,
                               const http::response_header<>& response);

// Follows up to 5 redirects on fresh connections, then forwards the final response. ok, or the failure.
boost::asio::awaitable<GatewayErrc> follow_redirects(Exchange& ex, const EndpointConfig& config,
                                                     std::string location, http::status status,
                                                     std::chrono::milliseconds timeout);

}  // namespace gantry::http_proxy
