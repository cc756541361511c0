// Where librdkafka's blocking calls (metadata, watermarks, close, destroy) run: a small pool of our own, never an io
// thread. on_blocking() runs one there from a coroutine and resumes the coroutine on its own executor.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <type_traits>

namespace gantry::kafka {

boost::asio::thread_pool& blocking_pool();

// co_await std::move(op) where `auto op = on_blocking(f);` (GCC 12: no temporaries inside a co_await).
template <class F>
boost::asio::awaitable<std::invoke_result_t<F&>> on_blocking(F f) {
  using R = std::invoke_result_t<F&>;
  return boost::asio::co_spawn(
      blocking_pool().get_executor(), [f = std::move(f)]() mutable -> boost::asio::awaitable<R> { co_return f(); },
      boost::asio::use_awaitable);
}

}  // namespace gantry::kafka
