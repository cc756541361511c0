#include "entrypoints/websocket/websocket_entrypoint.hpp"

#include "core/message/endpoint_connector.hpp"
#include "gateway/flows/flow_run.hpp"
#include "gateway/ids.hpp"
#include "gateway/message/endpoint_config.hpp"
#include "gateway/message/live_streams.hpp"
#include "gateway/message/message_stats.hpp"
#include "gateway/message/phase_chain.hpp"
#include "gateway/message/subscriber.hpp"
#include "net/flex_stream_websocket.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <spdlog/spdlog.h>

namespace gantry::websocket_entrypoint {
namespace asio = boost::asio;
namespace websocket = boost::beast::websocket;
using namespace asio::experimental::awaitable_operators;
using WsStream = websocket::stream<net::FlexStream&>;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

// Frames from the client become published messages. Ends when the client closes or the connection drops.
asio::awaitable<void> read_frames(WsStream& ws, MessageContext& ctx, const WebSocketConfig& config) {
  boost::beast::flat_buffer buffer;
  for (;;) {
    auto [ec, n] = co_await ws.async_read(buffer, use_tuple);
    if (ec) co_return;
    if (!config.publisher) {  // a subscribe-only socket: what the client sends is not published
      buffer.consume(buffer.size());
      continue;
    }
    auto m = std::make_shared<Message>();
    m->id = new_uuid();
    m->content = boost::beast::buffers_to_string(buffer.data());
    m->timestamp_ms = now_epoch_ms();
    buffer.consume(buffer.size());
    auto out = run_publish(ctx.phases, std::move(m));
    if (!out.error.empty()) {  // a publish step failed: the socket ends, as a failed publish does
      spdlog::warn("{}: publish phase: {}", ctx.api.id, out.error);
      const websocket::close_reason reason(websocket::close_code::internal_error, "policy failed");
      co_await ws.async_close(reason, use_tuple);
      co_return;
    }
    if (!out.message) continue;  // dropped by a publish step (message-filtering)
    co_await wait_publish_delay(out.delay);
    PluginConfigPtr endpoint_config = ctx.endpoint_config ? ctx.endpoint_config->of(ctx.endpoint).config : nullptr;
    auto [pec] = co_await async_publish(ctx.endpoint, std::move(endpoint_config), std::move(out.message),
                                        ctx.entrypoint.qos, use_tuple);
    if (pec) {
      ++message_stats().publish_failures;
      co_await ws.async_close(websocket::close_reason(websocket::close_code::internal_error, "publish failed"),
                              use_tuple);
      co_return;
    }
    ++message_stats().published;
  }
}

websocket::close_reason closing_reason(const Subscriber& subscriber) {
  if (subscriber.aborted()) return {websocket::close_code::going_away, subscriber.end_reason()};
  if (!subscriber.end_reason().empty()) return {websocket::close_code::internal_error, subscriber.end_reason()};
  return {websocket::close_code::normal};
}

// The endpoint's messages become frames; ends with a close frame when the stream ends.
asio::awaitable<void> write_frames(WsStream& ws, Subscriber& subscriber) {
  for (;;) {
    auto next = co_await subscriber.next(std::chrono::milliseconds(0));
    if (next.event != SubscriberQueue::Event::message) break;
    const auto& content = next.delivery.message->content;
    ws.text(is_utf8(content));
    auto [ec, n] = co_await ws.async_write(asio::buffer(content), use_tuple);
    if (ec) {
      subscriber.undelivered(next.delivery);
      co_return;
    }
    subscriber.delivered(next.delivery);
  }
  // Cancelled because the client already left: nothing to close.
  if ((co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none) co_return;
  co_await ws.async_close(closing_reason(subscriber), use_tuple);
}

// `headers`: what the response phase made of the handshake's response (the decorator cannot wait for steps).
void configure(WsStream& ws, Exchange& ex, const http::fields& headers) {
  ws.set_option(websocket::stream_base::timeout::suggested(boost::beast::role_type::server));
  ws.set_option(websocket::stream_base::decorator([&ex, &headers](websocket::response_type& res) {
    add_tracking_headers(ex, res);
    for (const auto& field : headers) res.set(field.name_string(), field.value());
  }));
  ws.read_message_max(ex.config.max_body_bytes);
}

}  // namespace

bool WebSocketEntrypoint::matches(const RequestParser::value_type& request) const {
  return websocket::is_upgrade(request);
}

asio::awaitable<void> WebSocketEntrypoint::serve(Exchange& ex, MessageContext& ctx) const {
  const auto executor = co_await asio::this_coro::executor;
  Subscriber subscriber(executor, ctx);
  auto registration = ctx.streams.enter(executor, [&subscriber] { subscriber.stop("API stopping"); });
  if (!registration) co_return co_await write_error(ex, GatewayErrc::api_stopping);
  // A socket that also publishes stays useful when the endpoint cannot subscribe (its consumer is disabled, as in
  // a publish-only API): it is accepted, as Gravitee does, and only publishes.
  const bool subscribed = config_->subscriber && subscriber.open({});
  if (config_->subscriber && !subscribed && !config_->publisher)
    co_return co_await write_error(ex, GatewayErrc::endpoint_unavailable);

  http::fields handshake_headers;
  unsigned status = 101;  // a step cannot change it: the handshake is either answered or replaced
  const bool proceed = co_await run_entrypoint_response_phase(ex, handshake_headers, status);
  if (!proceed) co_return;
  WsStream ws(ex.client);
  configure(ws, ex, handshake_headers);
  ex.client.tcp().expires_never();  // the websocket's own timeouts (idle pings) take over
  ex.keep_alive = false;
  ex.response_started = true;
  auto [ec] = co_await ws.async_accept(ex.parser.get(), use_tuple);
  if (ec) co_return;
  ex.status = 101;
  // The websocket reads through its own buffer from here on: give the request's back.
  if (ex.client_buffer.size() == 0) ex.client_buffer.shrink_to_fit();
  OpenStreamGauge counted;
  co_await (read_frames(ws, ctx, *config_) || write_frames(ws, subscriber));
}

bool is_utf8(std::string_view bytes) {
  std::size_t i = 0;
  const auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
  while (i < bytes.size()) {
    const unsigned char c = s[i];
    std::size_t extra = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0) == 0xC0) { extra = 1; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { extra = 2; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { extra = 3; cp = c & 0x07; }
    else return false;
    if (i + extra >= bytes.size()) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += extra + 1;
  }
  return true;
}

}  // namespace gantry::websocket_entrypoint
