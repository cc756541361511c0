#include "endpoints/http_proxy/response_content.hpp"

#include "endpoints/http_proxy/body_relay.hpp"  // Beast read/write with as_tuple
#include "endpoints/http_proxy/inflater.hpp"

namespace gantry::http_proxy {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// Appends what the inflater can produce from the bytes it was given; false on corrupt data or past `limit`.
bool drain(Inflater& inflater, std::string& out, std::size_t limit, error_code& ec) {
  char buffer[16 * 1024];
  for (bool failed = false;;) {
    const std::size_t produced = inflater.output(buffer, sizeof buffer, failed);
    if (failed) {
      ec = make_error_code(http::error::bad_chunk);
      return false;
    }
    if (produced == 0) return true;
    if (out.size() + produced > limit) {
      ec = make_error_code(http::error::body_limit);
      return false;
    }
    out.append(buffer, produced);
  }
}

}  // namespace

asio::awaitable<error_code> read_response_content(UpstreamConnection& up, ResponseParser& rp, std::string& out,
                                                  std::size_t limit, std::chrono::milliseconds timeout,
                                                  std::span<char> chunk) {
  auto& res = rp.get();
  if (auto length = rp.content_length(); length && *length > limit) co_return make_error_code(http::error::body_limit);
  auto inflater = Inflater::make(res[http::field::content_encoding]);
  if (inflater) res.erase(http::field::content_encoding);
  auto& body = res.body();
  error_code ec;
  while (!rp.is_done()) {
    body.data = chunk.data();
    body.size = chunk.size();
    up.stream.tcp().expires_after(timeout);
    std::size_t n = 0;
    std::tie(ec, n) = co_await http::async_read(up.stream, up.buffer, rp, asio::as_tuple(asio::use_awaitable));
    if (ec == http::error::need_buffer) ec = {};
    if (ec) co_return ec;
    const std::size_t got = chunk.size() - body.size;
    if (inflater) {
      inflater->input(chunk.data(), got);
      if (!drain(*inflater, out, limit, ec)) co_return ec;
    } else {
      if (out.size() + got > limit) co_return make_error_code(http::error::body_limit);
      out.append(chunk.data(), got);
    }
  }
  co_return error_code{};
}

asio::awaitable<error_code> write_held_response(Exchange& ex, http::response<http::buffer_body>& res,
                                                std::string& body) {
  res.chunked(false);
  res.content_length(body.size());
  http::response_serializer<http::buffer_body> sr{res};
  ex.response_started = true;
  ex.client.tcp().expires_after(ex.config.keepalive_idle_timeout);
  error_code ec;
  std::size_t n = 0;
  if (ex.head()) {
    std::tie(ec, n) = co_await http::async_write_header(ex.client, sr, asio::as_tuple(asio::use_awaitable));
  } else {  // header and body in one write
    res.body().data = body.data();
    res.body().size = body.size();
    res.body().more = false;
    std::tie(ec, n) = co_await http::async_write(ex.client, sr, asio::as_tuple(asio::use_awaitable));
  }
  ex.bytes_out += n;
  co_return ec;
}

}  // namespace gantry::http_proxy
