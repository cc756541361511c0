// The gateway's HTTP listener: one io_context and one SO_REUSEPORT acceptor per thread; a connection lives its
// whole life on the thread that accepted it.
#pragma once

#include "core/config/config.hpp"

#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

namespace gantry {

class Deployer;

class Server {
 public:
  Server(const GatewayConfig& config, Deployer& deployer, std::size_t threads);
  ~Server();

  // Binds and starts the io threads; throws std::runtime_error when the address cannot be bound.
  void start();

  // Stops accepting, closes idle keep-alive connections, lets in-flight exchanges finish until the drain deadline,
  // then stops the threads. Blocks until done. False when the deadline cut some exchanges off.
  bool shutdown();

  // After shutdown() and after the APIs are gone: runs, on the calling thread, what stopping them left queued on
  // the stopped io_contexts (cancelled broker reads, say), so that what those coroutines hold is released while
  // the io_contexts still exist rather than while they are destroyed. Bounded by `limit`.
  void finish_pending_work(std::chrono::milliseconds limit);

  std::size_t threads() const { return workers_.size(); }

  struct Worker;

 private:
  const GatewayConfig& config_;
  Deployer& deployer_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::atomic<bool> draining_{false};
};

}  // namespace gantry
