// The management API's own HTTP listener (management.host/port): one thread with its own io_context, so neither
// its traffic nor its blocking storage calls ever run on a gateway worker.
#pragma once

#include "core/config/config.hpp"
#include "management/router.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <memory>
#include <thread>

namespace gantry::management {

class Server {
 public:
  Server(const ManagementConfig& config, Router& router);
  ~Server();

  // Binds and starts the thread; throws std::runtime_error when the address cannot be bound.
  void start();
  // Stops accepting and closes every connection; blocks until the thread is gone.
  void stop();

 private:
  const ManagementConfig& config_;
  Router& router_;
  boost::asio::io_context ioc_{1};
  boost::asio::ip::tcp::acceptor acceptor_{ioc_};
  std::thread thread_;
};

}  // namespace gantry::management
