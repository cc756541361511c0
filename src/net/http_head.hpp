// HTTP/1.x message heads written as text by us, and a small response written with one gather write: the hot
// paths (proxying, 202s, errors) skip Beast's serializer, whose buffer-sequence iteration dominated the proxy's
// profile (docs/design-notes.md, "Measured"). Beast still builds and parses the headers.
#pragma once

#include "net/flex_stream.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace gantry::net {

// Appends the head ("start line\r\n", "Name: value\r\n" per field, "\r\n") to `out`.
void serialize_head(const boost::beast::http::request_header<>& head, std::string& out);
void serialize_head(const boost::beast::http::response_header<>& head, std::string& out);

// Writes `head` and then `body` (its framing, e.g. Content-Length, is already in the head) in one write.
boost::asio::awaitable<std::pair<boost::system::error_code, std::size_t>> write_response(
    FlexStream& stream, const boost::beast::http::response_header<>& head, std::string_view body);

}  // namespace gantry::net
