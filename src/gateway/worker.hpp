// One io thread of the gateway: its io_context, its acceptor and the connections it owns. Internal to gateway/.
#pragma once

#include "core/config/config.hpp"
#include "gateway/server.hpp"
#include "net/flex_stream.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <set>
#include <thread>

namespace gantry {

class Deployer;

struct Server::Worker {
  Worker(std::size_t index, const GatewayConfig& config, Deployer& deployer, boost::asio::ssl::context* tls,
         const std::atomic<bool>& draining)
      : index(index), config(config), deployer(deployer), tls(tls), draining(draining) {}

  std::size_t index;
  const GatewayConfig& config;
  Deployer& deployer;
  boost::asio::ssl::context* tls;  // null = plain HTTP
  const std::atomic<bool>& draining;

  boost::asio::io_context ioc{1};
  boost::asio::ip::tcp::acceptor acceptor{ioc};
  std::thread thread;
  std::atomic<int> connections{0};
  // Every open connection, registered once for its lifetime; `idle` is flipped per request so draining can close
  // the connections waiting for their next request. Touched on this thread only.
  struct Connection {
    net::FlexStream* stream;
    bool idle = false;
  };
  std::set<Connection*> open;
};

// Serves one client connection until it closes, times out, or the gateway drains.
boost::asio::awaitable<void> serve_connection(Server::Worker& worker, boost::asio::ip::tcp::socket socket);

}  // namespace gantry
