#include "entrypoints/sse/sse_entrypoint.hpp"

#include "gateway/message/client_stream.hpp"
#include "gateway/message/live_streams.hpp"
#include "gateway/message/message_stats.hpp"
#include "gateway/message/subscriber.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>

#include <vector>

namespace gantry::sse {
namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;

namespace {

constexpr std::size_t batch_bytes = 64 * 1024;  // frames gathered into one write when the queue has several

// Sends messages until the stream ends, then the goaway/error frame and the last chunk.
asio::awaitable<void> write_messages(Exchange& ex, Subscriber& subscriber, const SseConfig& config) {
  std::string out;
  std::vector<Delivery> batch;
  for (;;) {
    auto next = co_await subscriber.next(config.heartbeat);
    if (next.event == SubscriberQueue::Event::timeout) {
      if (!co_await write_chunk(ex, heartbeat_frame)) co_return;
      continue;
    }
    if (next.event == SubscriberQueue::Event::end) break;
    out.clear();
    batch.clear();
    append_message(out, *next.delivery.message, config.frames);
    batch.push_back(std::move(next.delivery));
    while (out.size() < batch_bytes) {
      auto more = subscriber.try_next();
      if (!more) break;
      append_message(out, *more->message, config.frames);
      batch.push_back(std::move(*more));
    }
    const bool sent = co_await write_chunk(ex, out);
    for (const auto& d : batch) sent ? subscriber.delivered(d) : subscriber.undelivered(d);
    if (!sent) co_return;
  }
  // Cancelled because the client already left: nothing more to write.
  if ((co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none) co_return;
  if (subscriber.aborted()) {
    if (!subscriber.end_reason().empty() && !co_await write_chunk(ex, goaway_frame(subscriber.end_reason())))
      co_return;
  } else if (!subscriber.end_reason().empty()) {
    if (!co_await write_chunk(ex, error_frame(subscriber.end_reason()))) co_return;
  }
  co_await end_stream(ex);
}

}  // namespace

bool SseEntrypoint::matches(const RequestParser::value_type& request) const {
  if (request.method() != http::verb::get) return false;
  return request[http::field::accept].find("text/event-stream") != std::string_view::npos;
}

asio::awaitable<void> SseEntrypoint::serve(Exchange& ex, MessageContext& ctx) const {
  const auto executor = co_await asio::this_coro::executor;
  const auto& req = ex.parser.get();
  Subscriber subscriber(executor, ctx);
  auto registration = ctx.streams.enter(executor, [&subscriber] {
    subscriber.stop("Stopping, please reconnect");
  });
  if (!registration) co_return co_await write_error(ex, GatewayErrc::api_stopping);
  if (!subscriber.open(std::string(req["Last-Event-ID"]))) {
    co_return co_await write_error(ex, GatewayErrc::endpoint_unavailable);
  }
  // The stream begins once the endpoint reached its broker, or when the first heartbeat is due at the latest; an
  // endpoint that cannot connect is answered as a failure instead of a stream carrying only an error.
  const auto start = co_await subscriber.until_connected(config_->heartbeat);
  if (start == Subscriber::Start::connect_failed)
    co_return co_await write_error_text(ex, GatewayErrc::endpoint_connection_failed);
  OpenStreamGauge counted;
  http::fields headers;
  headers.set(http::field::content_type, "text/event-stream;charset=UTF-8");
  headers.set(http::field::cache_control, "no-cache");
  headers.set(http::field::connection, "keep-alive");
  if (!co_await write_stream_header(ex, headers)) co_return;
  if (!co_await write_chunk(ex, retry_frame(config_->heartbeat))) co_return;
  // The request's read buffer is not needed for the rest of a stream that may last hours: give it back.
  if (ex.client_buffer.size() == 0) ex.client_buffer.shrink_to_fit();
  co_await (write_messages(ex, subscriber, *config_) || watch_client_close(ex));
}

}  // namespace gantry::sse
