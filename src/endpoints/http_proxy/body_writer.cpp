#include "endpoints/http_proxy/body_writer.hpp"

#include "net/eager_write.hpp"
#include "net/http_head.hpp"

#include <boost/asio/buffer.hpp>

#include <array>
#include <span>

namespace gantry::http_proxy {
namespace asio = boost::asio;
using boost::system::error_code;

asio::awaitable<error_code> BodyWriter::write(const char* data, std::size_t size, bool last) {
  std::array<asio::const_buffer, 5> pieces;
  std::size_t count = 0;
  if (!head_written_) pieces[count++] = asio::buffer(head_);
  net::ChunkSizeLine size_line;
  if (chunked_ && size > 0) pieces[count++] = asio::buffer(net::chunk_size_line(size, size_line));
  if (size > 0) pieces[count++] = asio::buffer(data, size);
  if (chunked_ && size > 0) pieces[count++] = asio::buffer(net::crlf);
  if (chunked_ && last) pieces[count++] = asio::buffer(net::last_chunk);
  if (last) done_ = true;
  if (count == 0) co_return error_code{};
  const auto ec = co_await net::write_all(to_, std::span<asio::const_buffer>(pieces.data(), count), timeout_);
  head_written_ = true;
  co_return ec;
}

}  // namespace gantry::http_proxy
