// WebSocket pass-through for proxy APIs: the handshake is relayed like any request; after the backend's
// 101 Switching Protocols the gateway copies bytes both ways until either side closes.
#include "endpoints/http_proxy/proxy_api.hpp"
#include "endpoints/http_proxy/proxy_handler.hpp"
#include "endpoints/http_proxy/upstream_request.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <array>

namespace gantry::http_proxy {
namespace asio = boost::asio;
using boost::system::error_code;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

// Copies from one side to the other until EOF or error, starting with bytes already buffered.
asio::awaitable<void> pump(net::FlexStream& from, boost::beast::flat_buffer& pending, net::FlexStream& to) {
  if (pending.size() > 0) {
    auto [ec, n] = co_await asio::async_write(to, pending.data(), use_tuple);
    if (ec) co_return;
    pending.consume(n);
  }
  std::array<char, 16 * 1024> chunk;
  for (;;) {
    auto [rec, n] = co_await from.async_read_some(asio::buffer(chunk), use_tuple);
    if (n > 0) {
      auto [wec, written] = co_await asio::async_write(to, asio::buffer(chunk.data(), n), use_tuple);
      if (wec) co_return;
    }
    if (rec) co_return;
  }
}

}  // namespace

asio::awaitable<void> tunnel_upgrade(ProxyApi& api, Exchange& ex) {
  using namespace asio::experimental::awaitable_operators;
  EndpointRuntime* endpoint = api.default_group().pick();
  if (!endpoint) co_return co_await write_error(ex, GatewayErrc::no_endpoint_available);
  ex.endpoint = endpoint->name();
  const EndpointConfig& config = endpoint->config();
  auto [ec, up] = co_await connect_upstream(config, endpoint->tls(), std::nullopt);
  if (ec) co_return co_await write_error(ex, classify_upstream_error(ec, true));

  auto req = make_upstream_request(ex, config, /*upgrade=*/true);
  req.body().data = nullptr;
  req.body().more = false;
  up->stream.tcp().expires_after(config.http.read_timeout);
  std::tie(ec, std::ignore) = co_await http::async_write(up->stream, req, use_tuple);
  if (ec) co_return co_await write_error(ex, classify_upstream_error(ec, false));

  http::response_parser<http::empty_body> rp;
  rp.skip(true);  // a refusal's body (if any) is dropped; its status and headers still reach the client
  std::tie(ec, std::ignore) = co_await http::async_read_header(up->stream, up->buffer, rp, use_tuple);
  if (ec) co_return co_await write_error(ex, classify_upstream_error(ec, false));

  auto& res = rp.get();
  const bool switched = res.result() == http::status::switching_protocols;
  if (!switched) {
    strip_hop_by_hop(res.base());
    res.content_length(0);
    ex.keep_alive = false;
    res.keep_alive(false);
  }
  add_tracking_headers(ex, res);
  ex.status = res.result_int();
  ex.response_started = true;
  http::response_serializer<http::empty_body> sr{res};
  ex.client.tcp().expires_after(ex.config.keepalive_idle_timeout);
  std::tie(ec, std::ignore) = co_await http::async_write_header(ex.client, sr, use_tuple);
  if (ec || !switched) {
    ex.keep_alive = false;
    co_return;
  }
  // Long-lived from here: no deadlines; either side closing ends both.
  ex.client.tcp().expires_never();
  up->stream.tcp().expires_never();
  co_await (pump(ex.client, ex.client_buffer, up->stream) || pump(up->stream, up->buffer, ex.client));
  up->stream.close();
  ex.keep_alive = false;
}

}  // namespace gantry::http_proxy
