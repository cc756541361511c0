#include "entrypoints/http_get/http_get_entrypoint.hpp"

#include "gateway/flows/flow_run.hpp"
#include "gateway/ids.hpp"
#include "gateway/message/live_streams.hpp"
#include "gateway/message/message_stats.hpp"
#include "gateway/message/subscriber.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse_query.hpp>

#include <charconv>

namespace gantry::http_get {
namespace asio = boost::asio;

namespace {

struct Query {
  std::string limit;   // as sent
  std::string cursor;  // as sent
};

Query read_query(std::string_view query) {
  Query out;
  auto params = boost::urls::parse_query(query);
  if (!params) return out;
  for (auto param : *params) {
    if (!param.has_value) continue;
    if (param.key == "limit" && out.limit.empty()) out.limit = param.value.decode();
    if (param.key == "cursor" && out.cursor.empty()) out.cursor = param.value.decode();
  }
  return out;
}

// The smaller of the configured count and a valid positive `limit` parameter.
std::uint64_t effective_limit(std::int64_t configured, const std::string& requested) {
  std::uint64_t limit = configured > 0 ? static_cast<std::uint64_t>(configured) : 0;
  std::uint64_t asked = 0;
  auto [ptr, ec] = std::from_chars(requested.data(), requested.data() + requested.size(), asked);
  if (!requested.empty() && ec == std::errc() && ptr == requested.data() + requested.size() && asked > 0)
    limit = limit ? std::min(limit, asked) : asked;
  return limit;
}

}  // namespace

asio::awaitable<void> HttpGetEntrypoint::serve(Exchange& ex, MessageContext& ctx) const {
  const auto& req = ex.parser.get();
  const auto accept = req[http::field::accept];
  const auto format = choose_format(accept);
  if (!format)
    co_return co_await write_error(ex, GatewayErrc::unsupported_accept,
                                   "Unsupported accept header: " + std::string(accept));
  const auto executor = co_await asio::this_coro::executor;
  const Query query = read_query(ex.query);
  const std::uint64_t limit = effective_limit(config_->limit_count, query.limit);

  Subscriber subscriber(executor, ctx, QueueLimits{.max_messages = std::max<std::size_t>(limit, 1)});
  auto registration = ctx.streams.enter(executor, [&subscriber] { subscriber.stop("API stopping"); });
  if (!registration) co_return co_await write_error(ex, GatewayErrc::api_stopping);
  if (!subscriber.open(query.cursor, limit)) co_return co_await write_error(ex, GatewayErrc::endpoint_unavailable);
  OpenStreamGauge counted;
  const auto deadline = ex.started + config_->limit_duration;
  const auto connect_wait = std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (connect_wait.count() > 0) {  // a page collected before the endpoint connected would be empty anyway
    const auto start = co_await subscriber.until_connected(connect_wait);
    if (start == Subscriber::Start::connect_failed)
      co_return co_await write_error(ex, GatewayErrc::endpoint_connection_failed);
  }

  std::vector<Delivery> taken;
  while (!limit || taken.size() < limit) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    auto next = co_await subscriber.next(left);
    if (next.event != SubscriberQueue::Event::message) break;
    taken.push_back(std::move(next.delivery));
  }

  std::vector<MessagePtr> messages;
  messages.reserve(taken.size());
  for (const auto& d : taken) messages.push_back(d.message);
  // An empty page gives the request's cursor back (as Gravitee does): the client asks again from the same place.
  Pagination pagination{query.cursor, messages.empty() ? query.cursor : messages.back()->id, query.limit};

  http::response<http::string_body> res{http::status::ok, 11};
  res.set(http::field::content_type, content_type(*format));
  add_tracking_headers(ex, res);
  unsigned status = 200;
  const bool proceed = co_await run_entrypoint_response_phase(ex, res.base(), status);
  if (!proceed) {  // a response step answered instead: the messages were not delivered
    for (const auto& d : taken) subscriber.undelivered(d);
    co_return;
  }
  res.result(status);
  // A stream that ended with an error (not one stopped by the gateway) says why beside its items, as in Gravitee.
  std::optional<PageError> error;
  if (subscriber.queue().ended() && !subscriber.aborted() && !subscriber.end_reason().empty())
    error = PageError{new_uuid(), subscriber.end_reason(), subscriber.failure_key()};
  res.body() = format_batch(*format, messages, pagination, config_->payload, error ? &*error : nullptr);
  if (!ex.parser.is_done() && ex.has_body()) ex.keep_alive = false;  // an unread body: close rather than read it
  res.keep_alive(ex.keep_alive && req.keep_alive() && !ex.draining());
  if (!res.keep_alive()) ex.keep_alive = false;
  res.prepare_payload();
  ex.status = status;
  ex.response_started = true;
  auto [ec, n] = co_await http::async_write(ex.client, res, asio::as_tuple(asio::use_awaitable));
  ex.bytes_out += n;
  if (ec) ex.keep_alive = false;
  for (const auto& d : taken) ec ? subscriber.undelivered(d) : subscriber.delivered(d);
}

}  // namespace gantry::http_get
