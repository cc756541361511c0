#include "endpoints/http_proxy/upstream_pool.hpp"

#include "endpoints/http_proxy/client_watch.hpp"

#include "gateway/errors.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <openssl/ssl.h>
#include <sys/socket.h>

namespace gantry::http_proxy {
namespace asio = boost::asio;
using boost::system::error_code;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

// A pooled connection is usable if the backend has neither closed it nor sent anything unasked.
bool still_open(UpstreamConnection& conn) {
  char byte;
  const int fd = conn.stream.tcp().socket().native_handle();
  const ssize_t n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

}  // namespace

asio::awaitable<std::pair<error_code, UpstreamConnectionPtr>> connect_upstream(
    const EndpointConfig& config, asio::ssl::context* tls, const std::optional<tcp::endpoint>& literal_address) {
  auto executor = co_await asio::this_coro::executor;
  boost::beast::tcp_stream tcp_stream(executor);
  tcp_stream.expires_after(config.http.connect_timeout);
  error_code ec;
  if (literal_address) {
    std::tie(ec) = co_await tcp_stream.async_connect(*literal_address, use_tuple);
  } else {
    tcp::resolver resolver(executor);
    auto [rec, results] =
        co_await resolver.async_resolve(config.target.host, std::to_string(config.target.port), use_tuple);
    if (rec) co_return std::pair{rec, nullptr};
    std::tie(ec, std::ignore) = co_await tcp_stream.async_connect(results, use_tuple);
  }
  if (ec) co_return std::pair{ec, nullptr};
  tcp_stream.socket().set_option(tcp::no_delay(true), ec);

  if (!config.target.tls()) co_return std::pair{error_code{}, std::make_unique<UpstreamConnection>(net::FlexStream(std::move(tcp_stream)))};

  auto conn = std::make_unique<UpstreamConnection>(net::FlexStream(std::move(tcp_stream), *tls));
  auto& stream = conn->stream.tls();
  const std::string& host = config.target.host;
  error_code addr_ec;
  asio::ip::make_address(host, addr_ec);
  if (addr_ec && !SSL_set_tlsext_host_name(stream.native_handle(), host.c_str()))
    co_return std::pair{error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()), nullptr};
  if (!config.ssl.trust_all) {
    stream.set_verify_mode(asio::ssl::verify_peer);
    if (config.ssl.hostname_verifier) stream.set_verify_callback(asio::ssl::host_name_verification(host));
  }
  std::tie(ec) = co_await stream.async_handshake(asio::ssl::stream_base::client, use_tuple);
  if (ec) co_return std::pair{ec, nullptr};
  co_return std::pair{error_code{}, std::move(conn)};
}

UpstreamPool::UpstreamPool(const EndpointConfig& config, asio::ssl::context* tls, std::size_t max_connections)
    : config_(config), tls_(tls), max_connections_(std::max<std::size_t>(1, max_connections)) {
  error_code ec;
  auto address = asio::ip::make_address(config.target.host, ec);
  if (!ec) literal_address_ = tcp::endpoint(address, config.target.port);
}

UpstreamConnectionPtr UpstreamPool::take_idle() {
  const auto now = std::chrono::steady_clock::now();
  const auto max_idle = std::min(config_.http.idle_timeout, config_.http.keep_alive_timeout);
  while (!idle_.empty()) {
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    // The peek costs a syscall; a backend rarely drops a connection within a second of answering on it, and
    // when it does, a replayable request is retried on a fresh connection anyway.
    const auto idle = now - conn->idle_since;
    if (idle < max_idle && conn->buffer.size() == 0 && (idle < std::chrono::seconds(1) || still_open(*conn))) {
      conn->reused = true;
      return conn;
    }
    --open_;  // expired or closed by the backend: drop it
  }
  return nullptr;
}

asio::awaitable<std::pair<error_code, UpstreamConnectionPtr>> UpstreamPool::acquire(bool fresh, ClientWatch* watch) {
  if (!fresh) {
    if (auto conn = take_idle()) co_return std::pair{error_code{}, std::move(conn)};
  }
  const auto deadline = std::chrono::steady_clock::now() + config_.http.connect_timeout;
  while (open_ >= max_connections_) {
    if (!idle_.empty()) {  // at the limit but something idle: close it to make room for a fresh one
      idle_.erase(idle_.begin());
      --open_;
      break;
    }
    // maxWaitQueueSize: beyond it a request fails at once instead of queueing (Gravitee's pool-too-busy case).
    const auto max_waiting = config_.http.max_wait_queue_size;
    if (max_waiting >= 0 && waiters_.size() >= static_cast<std::size_t>(max_waiting))
      co_return std::pair{make_error_code(GatewayErrc::upstream_pool_exhausted), nullptr};
    asio::steady_timer timer(co_await asio::this_coro::executor, deadline);
    waiters_.push_back(&timer);
    if (watch) watch->on_leave([&timer] { timer.cancel(); });
    auto [ec] = co_await timer.async_wait(use_tuple);
    waiters_.remove(&timer);  // still queued when it timed out
    if (watch) {
      watch->on_leave(nullptr);
      if (watch->client_left()) {
        wake_one_waiter();  // a slot freed meanwhile may have woken this request: pass it on
        co_return std::pair{make_error_code(GatewayErrc::upstream_error), nullptr};
      }
    }
    if (!ec) co_return std::pair{make_error_code(GatewayErrc::upstream_connect_timeout), nullptr};
    if (!fresh) {
      if (auto conn = take_idle()) co_return std::pair{error_code{}, std::move(conn)};
    }
  }
  ++open_;
  auto [ec, conn] = co_await connect_upstream(config_, tls_, literal_address_);
  if (ec) {
    --open_;
    wake_one_waiter();
  }
  co_return std::pair{ec, std::move(conn)};
}

void UpstreamPool::release(UpstreamConnectionPtr conn, bool reusable) {
  if (reusable && conn && config_.http.keep_alive) {
    conn->idle_since = std::chrono::steady_clock::now();
    conn->reused = false;
    idle_.push_back(std::move(conn));
  } else {
    if (conn) conn->stream.close();
    --open_;
  }
  wake_one_waiter();
}

void UpstreamPool::wake_one_waiter() {
  if (waiters_.empty()) return;
  waiters_.front()->cancel();
  waiters_.pop_front();
}

}  // namespace gantry::http_proxy
