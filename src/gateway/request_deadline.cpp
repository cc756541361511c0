#include "gateway/request_deadline.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace gantry {
namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;

namespace {
bool has_deadline(const Exchange& ex) {
  return ex.deadline_timer && ex.request_deadline != std::chrono::steady_clock::time_point::max();
}
}  // namespace

asio::awaitable<void> write_request_timeout(Exchange& ex) {
  if (ex.response_started) {  // too late for a status: the client sees the connection close instead
    ex.keep_alive = false;
    co_return;
  }
  co_await write_error(ex, GatewayErrc::gateway_timeout);
}

asio::awaitable<std::optional<bool>> within_request_deadline(Exchange& ex, asio::awaitable<bool> step) {
  if (!has_deadline(ex)) {
    const bool result = co_await std::move(step);
    co_return result;
  }
  // The race cancels the loser: a cancelled step stops at its next wait (a policy's timer, a body read).
  ex.deadline_timer->expires_at(ex.request_deadline);
  auto race = std::move(step) || ex.deadline_timer->async_wait(asio::as_tuple(asio::use_awaitable));
  auto outcome = co_await std::move(race);
  if (outcome.index() == 0) co_return std::get<0>(outcome);
  co_await write_request_timeout(ex);
  co_return std::nullopt;
}

}  // namespace gantry
