#include "entrypoints/http_post/http_post_entrypoint.hpp"

#include "core/message/endpoint_connector.hpp"
#include "gateway/flows/flow_run.hpp"
#include "gateway/ids.hpp"
#include "gateway/message/endpoint_config.hpp"
#include "gateway/message/message_stats.hpp"
#include "gateway/message/phase_chain.hpp"
#include "net/http_head.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <spdlog/spdlog.h>

namespace gantry::http_post {
namespace asio = boost::asio;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

// The whole body (the parser's body limit bounds it): the error to answer with, or ok.
asio::awaitable<GatewayErrc> read_body(Exchange& ex, std::string& body) {
  if (!co_await send_continue_if_expected(ex)) co_return GatewayErrc::bad_request;
  auto& parser = ex.parser;
  if (auto length = parser.content_length()) body.reserve(static_cast<std::size_t>(*length));
  while (!parser.is_done()) {
    parser.get().body().data = ex.scratch.data();
    parser.get().body().size = ex.scratch.size();
    auto [ec, n] = co_await http::async_read(ex.client, ex.client_buffer, parser, use_tuple);
    if (ec == http::error::need_buffer) ec = {};
    if (ec == http::error::body_limit) co_return GatewayErrc::body_too_large;
    if (ec) co_return GatewayErrc::bad_request;
    const std::size_t got = ex.scratch.size() - parser.get().body().size;
    body.append(ex.scratch.data(), got);
    ex.bytes_in += got;
  }
  co_return GatewayErrc::ok;
}

MessagePtr make_message(const Exchange& ex, std::string body, bool with_headers) {
  auto m = std::make_shared<Message>();
  m->id = new_uuid();
  m->content = std::move(body);
  m->timestamp_ms = now_epoch_ms();
  if (with_headers)
    for (const auto& field : ex.parser.get()) m->headers.emplace_back(field.name_string(), field.value());
  return m;
}

asio::awaitable<void> write_accepted(Exchange& ex) {
  http::response<http::empty_body> res{http::status::accepted, 11};
  add_tracking_headers(ex, res);
  unsigned status = 202;
  const bool proceed = co_await run_entrypoint_response_phase(ex, res.base(), status);
  if (!proceed) co_return;
  res.result(status);
  res.keep_alive(ex.keep_alive && ex.parser.get().keep_alive() && !ex.draining());
  if (!res.keep_alive()) ex.keep_alive = false;
  res.content_length(0);
  ex.status = status;
  ex.response_started = true;
  auto [ec, n] = co_await net::write_response(ex.client, res.base(), {});
  ex.bytes_out += n;
  if (ec) ex.keep_alive = false;
}

}  // namespace

asio::awaitable<void> HttpPostEntrypoint::serve(Exchange& ex, MessageContext& ctx) const {
  std::string body;
  if (auto error = co_await read_body(ex, body); error != GatewayErrc::ok) {
    ex.keep_alive = false;
    co_return co_await write_error(ex, error);
  }
  auto out = run_publish(ctx.phases, make_message(ex, std::move(body), config_->request_headers_to_message));
  if (!out.error.empty()) {
    spdlog::warn("{}: publish phase: {}", ctx.api.id, out.error);
    co_return co_await write_error(ex, GatewayErrc::internal_error);
  }
  if (!out.message) co_return co_await write_accepted(ex);  // dropped by a policy: accepted, as Gravitee does
  co_await wait_publish_delay(out.delay);
  PluginConfigPtr config = ctx.endpoint_config ? ctx.endpoint_config->of(ctx.endpoint).config : nullptr;
  auto [ec] = co_await async_publish(ctx.endpoint, std::move(config), std::move(out.message), ctx.entrypoint.qos,
                                     use_tuple);
  if (ec) {
    ++message_stats().publish_failures;
    co_return co_await write_error(ex, GatewayErrc::publish_failed);
  }
  ++message_stats().published;
  co_await write_accepted(ex);
}

}  // namespace gantry::http_post
