#include "gateway/server.hpp"

#include "gateway/worker.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <stdexcept>
#include <thread>

namespace gantry {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

std::unique_ptr<asio::ssl::context> make_server_tls(const GatewayConfig& config) {
  auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 |
                   asio::ssl::context::single_dh_use);
  boost::system::error_code ec;
  if (ctx->use_certificate_chain_file(config.tls_cert, ec); ec)
    throw std::runtime_error("gateway.tls.cert '" + config.tls_cert + "': " + ec.message());
  if (ctx->use_private_key_file(config.tls_key, asio::ssl::context::pem, ec); ec)
    throw std::runtime_error("gateway.tls.key '" + config.tls_key + "': " + ec.message());
  return ctx;
}

asio::awaitable<void> accept_loop(Server::Worker& worker) {
  constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
  for (;;) {
    auto [ec, socket] = co_await worker.acceptor.async_accept(use_tuple);
    if (ec) {
      if (!worker.acceptor.is_open() || ec == asio::error::operation_aborted) co_return;
      // Out of descriptors and the like: back off a little instead of spinning.
      spdlog::warn("accept failed: {}", ec.message());
      asio::steady_timer pause(worker.ioc, std::chrono::milliseconds(50));
      co_await pause.async_wait(use_tuple);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(worker.ioc, serve_connection(worker, std::move(socket)), asio::detached);
  }
}

void bind(tcp::acceptor& acceptor, const GatewayConfig& config) {
  auto address = asio::ip::make_address(config.host);
  tcp::endpoint endpoint(address, config.port);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  int one = 1;
  ::setsockopt(acceptor.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  boost::system::error_code ec;
  acceptor.bind(endpoint, ec);
  if (ec) throw std::runtime_error("cannot listen on " + config.host + ":" + std::to_string(config.port) + ": " + ec.message());
  acceptor.listen(asio::socket_base::max_listen_connections);
}

}  // namespace

Server::Server(const GatewayConfig& config, Deployer& deployer, std::size_t threads)
    : config_(config), deployer_(deployer) {
  if (config.tls_enabled()) tls_ = make_server_tls(config);
  for (std::size_t i = 0; i < threads; ++i)
    workers_.push_back(std::make_unique<Worker>(i, config_, deployer_, tls_.get(), draining_));
}

Server::~Server() {
  for (auto& w : workers_) {
    w->ioc.stop();
    if (w->thread.joinable()) w->thread.join();
  }
}

void Server::start() {
  for (auto& w : workers_) bind(w->acceptor, config_);
  for (auto& w : workers_) {
    asio::co_spawn(w->ioc, accept_loop(*w), asio::detached);
    w->thread = std::thread([&ioc = w->ioc] { ioc.run(); });
  }
  spdlog::info("gateway listening on {}{}:{} with {} threads", config_.tls_enabled() ? "https://" : "http://",
               config_.host, config_.port, workers_.size());
}

bool Server::shutdown() {
  draining_.store(true);
  for (auto& w : workers_) {
    asio::post(w->ioc, [&worker = *w] {
      boost::system::error_code ec;
      worker.acceptor.close(ec);
      for (auto* connection : worker.open)
        if (connection->idle) connection->stream->close();
    });
  }
  const auto deadline = std::chrono::steady_clock::now() + config_.drain_timeout;
  auto busy = [&] {
    int n = 0;
    for (auto& w : workers_) n += w->connections.load();
    return n;
  };
  while (busy() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  const int left = busy();
  if (left > 0) spdlog::warn("drain deadline reached with {} connections open; closing them", left);
  for (auto& w : workers_) {
    w->ioc.stop();
    if (w->thread.joinable()) w->thread.join();
  }
  spdlog::info("gateway stopped");
  return left == 0;
}

void Server::finish_pending_work(std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (int quiet_rounds = 0; quiet_rounds < 5 && std::chrono::steady_clock::now() < deadline;) {
    std::size_t ran = 0;
    for (auto& w : workers_) {
      if (w->thread.joinable()) return;  // still running: not ours to poll
      w->ioc.restart();
      ran += w->ioc.poll();
    }
    quiet_rounds = ran == 0 ? quiet_rounds + 1 : 0;
    if (ran == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

}  // namespace gantry
