// Where librdkafka's blocking calls (metadata, watermarks, close, destroy) run: a small pool of our own, never an io
// thread. on_blocking() runs one there from a coroutine and resumes the coroutine on its own executor.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <type_traits>

namespace gantry::kafka {

boost::asio::thread_pool& blocking_pool();

// Fire-and-forget work (a consumer's close, a producer's flush), counted so that shutdown can wait for it.
std::atomic<int>& blocking_work_pending();
template <class F>
void post_blocking(F f) {
  blocking_work_pending().fetch_add(1);
  boost::asio::post(blocking_pool(), [f = std::move(f)]() mutable {
    f();
    blocking_work_pending().fetch_sub(1);
  });
}

// At shutdown, after the APIs are gone: lets the closes they queued finish, for at most `limit`. A consumer that
// does not leave its group keeps its partitions until the session times out (45 s), so a restarted gateway's
// durable subscribers (webhook) would get nothing meanwhile. True when everything finished.
bool finish_blocking_work(std::chrono::milliseconds limit);

// co_await std::move(op) where `auto op = on_blocking(f);` (GCC 12: no temporaries inside a co_await). Counted
// with the fire-and-forget work: at shutdown a call still running (a consumer waiting for an unreachable broker)
// must finish while the io_context its caller resumes on still exists.
template <class F>
boost::asio::awaitable<std::invoke_result_t<F&>> on_blocking(F f) {
  using R = std::invoke_result_t<F&>;
  struct Counted {
    Counted() { blocking_work_pending().fetch_add(1); }
    ~Counted() { blocking_work_pending().fetch_sub(1); }
  };
  return boost::asio::co_spawn(
      blocking_pool().get_executor(),
      [f = std::move(f), counted = std::make_shared<Counted>()]() mutable -> boost::asio::awaitable<R> {
        co_return f();
      },
      boost::asio::use_awaitable);
}

}  // namespace gantry::kafka
