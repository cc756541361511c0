#include "endpoints/http_proxy/body_writer.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
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
  to_.tcp().expires_after(timeout_);
  // write_some in a loop rather than asio::async_write: one gather write nearly always takes everything, and the
  // composed operation's layer (its buffer copy, handler wrapping) is then pure cost on every proxied request.
  std::span<asio::const_buffer> rest(pieces.data(), count);
  error_code ec;
  while (!rest.empty()) {
    auto [wec, written] = co_await to_.async_write_some(rest, asio::as_tuple(asio::use_awaitable));
    if (wec) {
      ec = wec;
      break;
    }
    while (written > 0) {  // drop what went out: whole pieces, then the front of a partly written one
      const std::size_t taken = std::min(written, rest.front().size());
      rest.front() += taken;
      written -= taken;
      if (rest.front().size() == 0) rest = rest.subspan(1);
    }
  }
  head_written_ = true;
  co_return ec;
}

}  // namespace gantry::http_proxy
