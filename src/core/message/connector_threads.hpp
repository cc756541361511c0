// Threads `gantry serve` lends to broker endpoint connectors: one io thread that drives the broker clients an API
// shares (producers, shared subscriptions), and a small pool for the blocking calls broker libraries make (connect,
// resolve, metadata), so that neither ever runs on a gateway io thread. One per serving process.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <cstddef>
#include <thread>

namespace gantry {

class ConnectorThreads {
 public:
  explicit ConnectorThreads(std::size_t blocking_threads = 2);
  ~ConnectorThreads();  // stops both and joins; what is still queued is dropped
  ConnectorThreads(const ConnectorThreads&) = delete;
  ConnectorThreads& operator=(const ConnectorThreads&) = delete;

  boost::asio::any_io_executor io() { return io_.get_executor(); }
  boost::asio::any_io_executor blocking() { return blocking_.get_executor(); }

  // The serving process's instance while it exists; null elsewhere (`gantry check`, unit tests), where
  // connectors that need these threads cannot be built.
  static ConnectorThreads* current();

 private:
  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  boost::asio::thread_pool blocking_;
  std::thread io_thread_;
};

}  // namespace gantry
