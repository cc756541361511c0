#include "gateway/message/client_stream.hpp"

#include "gateway/flows/flow_run.hpp"
#include "net/eager_write.hpp"
#include "net/http_head.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>

#include <array>

namespace gantry {
namespace asio = boost::asio;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

asio::awaitable<bool> write_stream_header(Exchange& ex, const http::fields& headers) {
  http::response<http::empty_body> res{http::status::ok, 11};
  for (const auto& field : headers) res.set(field.name_string(), field.value());
  add_tracking_headers(ex, res);
  unsigned status = 200;
  const bool proceed = co_await run_entrypoint_response_phase(ex, res.base(), status);
  if (!proceed) co_return false;
  res.result(status);
  res.chunked(true);
  // The connection ends with the stream (bytes the client sends meanwhile are discarded), so say so: a client
  // that reused it for its next request would otherwise find it closed under that request.
  res.keep_alive(false);
  ex.status = status;
  ex.keep_alive = false;
  ex.response_started = true;
  http::response_serializer<http::empty_body> sr{res};
  auto [ec, n] = co_await http::async_write_header(ex.client, sr, use_tuple);
  ex.bytes_out += n;
  co_return !ec;
}

asio::awaitable<bool> write_chunk(Exchange& ex, std::string_view data) {
  if (data.empty()) co_return true;  // an empty chunk would end the body
  // The chunk's framing around the data, in one gather write that usually leaves at once (net/eager_write).
  net::ChunkSizeLine size_line;
  std::array<asio::const_buffer, 3> pieces{asio::buffer(net::chunk_size_line(data.size(), size_line)),
                                           asio::buffer(data), asio::buffer(net::crlf)};
  const std::size_t size = pieces[0].size() + data.size() + net::crlf.size();
  const auto ec = co_await net::write_all(ex.client, pieces, std::nullopt);
  if (!ec) ex.bytes_out += size;
  co_return !ec;
}

asio::awaitable<void> end_stream(Exchange& ex) {
  std::array<asio::const_buffer, 1> pieces{asio::buffer(net::last_chunk)};
  const auto ec = co_await net::write_all(ex.client, pieces, std::nullopt);
  if (!ec) ex.bytes_out += net::last_chunk.size();
  stop_watching(ex);
}

void stop_watching(Exchange& ex) {
  boost::system::error_code ignored;
  ex.client.tcp().socket().cancel(ignored);
}

asio::awaitable<void> watch_client_close(Exchange& ex) {
  std::array<char, 512> discard;
  for (;;) {
    auto [ec, n] = co_await ex.client.async_read_some(asio::buffer(discard), use_tuple);
    if (ec) co_return;
  }
}

}  // namespace gantry
