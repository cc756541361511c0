#include "net/http_head.hpp"

#include "net/eager_write.hpp"

#include <boost/asio/buffer.hpp>

#include <array>
#include <charconv>

namespace gantry::net {
namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

void append_version(unsigned version, std::string& out) {
  out += "HTTP/";
  out += static_cast<char>('0' + version / 10);
  out += '.';
  out += static_cast<char>('0' + version % 10);
}

void append_fields(const http::fields& fields, std::string& out) {
  for (const auto& field : fields) {
    out += field.name_string();
    out += ": ";
    out += field.value();
    out += "\r\n";
  }
  out += "\r\n";
}

}  // namespace

void serialize_head(const http::request_header<>& head, std::string& out) {
  out += head.method_string();
  out += ' ';
  out += head.target();
  out += ' ';
  append_version(head.version(), out);
  out += "\r\n";
  append_fields(head, out);
}

void serialize_head(const http::response_header<>& head, std::string& out) {
  append_version(head.version(), out);
  out += ' ';
  std::array<char, 8> status;
  auto [end, ec] = std::to_chars(status.data(), status.data() + status.size(), head.result_int());
  out.append(status.data(), end);
  out += ' ';
  out += head.reason();
  out += "\r\n";
  append_fields(head, out);
}

std::string_view chunk_size_line(std::size_t size, ChunkSizeLine& out) {
  char* end = std::to_chars(out.data(), out.data() + out.size() - 2, size, 16).ptr;
  *end++ = '\r';
  *end++ = '\n';
  return std::string_view(out.data(), static_cast<std::size_t>(end - out.data()));
}

asio::awaitable<std::pair<boost::system::error_code, std::size_t>> write_response(
    FlexStream& stream, const http::response_header<>& head, std::string_view body) {
  std::string text;
  text.reserve(512);
  serialize_head(head, text);
  std::array<asio::const_buffer, 2> pieces{asio::buffer(text), asio::buffer(body.data(), body.size())};
  const std::size_t size = text.size() + body.size();
  const auto ec = co_await write_all(stream, pieces, std::nullopt);
  co_return std::pair{ec, ec ? std::size_t{0} : size};
}

}  // namespace gantry::net
