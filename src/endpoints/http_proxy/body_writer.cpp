#include "endpoints/http_proxy/body_writer.hpp"

#include "net/eager_write.hpp"

#include <boost/asio/buffer.hpp>

#include <array>
#include <charconv>
#include <span>

namespace gantry::http_proxy {
namespace asio = boost::asio;
using boost::system::error_code;

asio::awaitable<error_code> BodyWriter::write(const char* data, std::size_t size, bool last) {
  static constexpr std::string_view crlf = "\r\n";
  static constexpr std::string_view last_chunk = "0\r\n\r\n";
  std::array<asio::const_buffer, 5> pieces;
  std::size_t count = 0;
  if (!head_written_) pieces[count++] = asio::buffer(head_);
  std::array<char, 20> size_line;
  if (chunked_ && size > 0) {
    auto [end, ec] = std::to_chars(size_line.data(), size_line.data() + size_line.size() - 2, size, 16);
    *end++ = '\r';
    *end++ = '\n';
    pieces[count++] = asio::buffer(size_line.data(), static_cast<std::size_t>(end - size_line.data()));
  }
  if (size > 0) pieces[count++] = asio::buffer(data, size);
  if (chunked_ && size > 0) pieces[count++] = asio::buffer(crlf);
  if (chunked_ && last) pieces[count++] = asio::buffer(last_chunk);
  if (last) done_ = true;
  if (count == 0) co_return error_code{};
  const auto ec = co_await net::write_all(to_, std::span<asio::const_buffer>(pieces.data(), count), timeout_);
  head_written_ = true;
  co_return ec;
}

}  // namespace gantry::http_proxy
