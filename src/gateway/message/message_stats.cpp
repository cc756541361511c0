#include "gateway/message/message_stats.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <array>

namespace gantry {
namespace asio = boost::asio;

MessageStats& message_stats() {
  static MessageStats stats;
  return stats;
}

asio::awaitable<void> log_message_stats() {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  std::array<std::int64_t, 6> last{};
  for (;;) {
    timer.expires_after(std::chrono::seconds(1));
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    const auto& s = message_stats();
    const std::array<std::int64_t, 6> now{s.open_streams.load(),
                                          s.endpoint_subscriptions.load(),
                                          static_cast<std::int64_t>(s.delivered.load()),
                                          static_cast<std::int64_t>(s.dropped.load()),
                                          static_cast<std::int64_t>(s.published.load()),
                                          static_cast<std::int64_t>(s.publish_failures.load())};
    if (now == last) continue;
    last = now;
    spdlog::info(
        "message engine: open_streams={} endpoint_subscriptions={} delivered={} dropped={} published={} "
        "publish_failures={}",
        now[0], now[1], now[2], now[3], now[4], now[5]);
  }
}

}  // namespace gantry
