// Keep-alive connections to one backend endpoint, one pool per io thread (no locks: only its thread touches it).
#pragma once

#include "endpoints/http_proxy/config.hpp"
#include "net/flex_stream.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <chrono>
#include <list>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace gantry::http_proxy {

struct UpstreamConnection {
  // Beast reads at most max(512, free capacity) bytes per call: without room reserved up front a 1 KB response
  // took three recvmsg calls instead of one (strace during bench/proxy).
  static constexpr std::size_t read_buffer_bytes = 16 * 1024;
  explicit UpstreamConnection(net::FlexStream s) : stream(std::move(s)) { buffer.reserve(read_buffer_bytes); }
  net::FlexStream stream;
  boost::beast::flat_buffer buffer;
  std::chrono::steady_clock::time_point idle_since{};
  bool reused = false;  // came from the pool: the backend may have closed it meanwhile
};
using UpstreamConnectionPtr = std::unique_ptr<UpstreamConnection>;

// Opens a connection (resolve, connect, TLS handshake with SNI and verification) within connect_timeout.
boost::asio::awaitable<std::pair<boost::system::error_code, UpstreamConnectionPtr>> connect_upstream(
    const EndpointConfig& config, boost::asio::ssl::context* tls,
    const std::optional<boost::asio::ip::tcp::endpoint>& literal_address);

class ClientWatch;

class UpstreamPool {
 public:
  UpstreamPool(const EndpointConfig& config, boost::asio::ssl::context* tls, std::size_t max_connections);
  UpstreamPool(const UpstreamPool&) = delete;
  UpstreamPool& operator=(const UpstreamPool&) = delete;

  // A live idle connection, else a new one. When max_connections are in use, waits up to connect_timeout.
  // `fresh` skips the idle ones (used to retry after a stale keep-alive connection failed).
  // With a `watch`, a client that leaves while the request is queued for a connection ends the wait
  // (upstream_error, and `watch->client_left()`): the request is never sent.
  boost::asio::awaitable<std::pair<boost::system::error_code, UpstreamConnectionPtr>> acquire(
      bool fresh = false, ClientWatch* watch = nullptr);

  // Returns a connection; `reusable` = the exchange completed cleanly and both sides allow keep-alive.
  void release(UpstreamConnectionPtr conn, bool reusable);

  std::size_t idle_count() const { return idle_.size(); }

 private:
  UpstreamConnectionPtr take_idle();
  void wake_one_waiter();

  const EndpointConfig& config_;
  boost::asio::ssl::context* tls_;
  std::optional<boost::asio::ip::tcp::endpoint> literal_address_;  // target host is an IP: no resolver needed
  std::size_t max_connections_;
  std::size_t open_ = 0;  // handed out + idle + being opened
  std::vector<UpstreamConnectionPtr> idle_;  // most recently used last
  std::list<boost::asio::steady_timer*> waiters_;
};

}  // namespace gantry::http_proxy
