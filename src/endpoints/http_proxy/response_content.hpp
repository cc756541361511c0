// Holding a backend response body whole, for APIs whose response flows work on content (assign-content,
// json-to-xml, url-rewriting, #response.content, the cache). Other responses stream (body_relay.hpp).
// Internal to the http-proxy endpoint.
#pragma once

#include "endpoints/http_proxy/response_relay.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <span>
#include <string>

namespace gantry::http_proxy {

// Reads the rest of the body `rp` has the header of into `out`, decoding gzip/deflate (the Content-Encoding is
// then removed, since policies work on the plain text). More than `limit` bytes fail with http::error::body_limit.
boost::asio::awaitable<boost::system::error_code> read_response_content(UpstreamConnection& up, ResponseParser& rp,
                                                                        std::string& out, std::size_t limit,
                                                                        std::chrono::milliseconds timeout,
                                                                        std::span<char> chunk);

// Sends the response header `res` with the whole `body` (Content-Length framing) to the client.
boost::asio::awaitable<boost::system::error_code> write_held_response(Exchange& ex,
                                                                      http::response<http::buffer_body>& res,
                                                                      std::string& body);

}  // namespace gantry::http_proxy
