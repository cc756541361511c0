// HTTP/1.x message heads and chunk framing written as text by us, and a small response written with one gather
// write: the hot paths (proxying, 202s, errors, message streams) skip Beast's serializer, whose buffer-sequence
// iteration dominated the proxy's profile (docs/design-notes.md, "Measured"). Beast still builds and parses headers.
#pragma once

#include "net/flex_stream.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/system/error_code.hpp>

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace gantry::net {

// Appends the head ("start line\r\n", "Name: value\r\n" per field, "\r\n") to `out`.
void serialize_head(const boost::beast::http::request_header<>& head, std::string& out);
void serialize_head(const boost::beast::http::response_header<>& head, std::string& out);

// Chunked framing: a chunk is its size line, its data and a CRLF; the body ends with the last chunk.
inline constexpr std::string_view crlf = "\r\n";
inline constexpr std::string_view last_chunk = "0\r\n\r\n";
using ChunkSizeLine = std::array<char, 20>;
// The size line of a chunk of `size` bytes ("1a\r\n"), written into `out`.
std::string_view chunk_size_line(std::size_t size, ChunkSizeLine& out);

// Writes `head` and then `body` (its framing, e.g. Content-Length, is already in the head) in one write.
boost::asio::awaitable<std::pair<boost::system::error_code, std::size_t>> write_response(
    FlexStream& stream, const boost::beast::http::response_header<>& head, std::string_view body);

}  // namespace gantry::net
