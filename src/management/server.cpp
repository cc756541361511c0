#include "management/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

namespace gantry::management {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::uint64_t kMaxBody = 16 * 1024 * 1024;
constexpr auto kIdleTimeout = std::chrono::seconds(60);

http::response<http::string_body> to_http(Response r, unsigned version, bool keep_alive) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  res.set(http::field::server, "gantry");
  if (r.status == 401) res.set(http::field::www_authenticate, "Basic realm=\"gantry management\"");
  if (!r.body.empty()) res.set(http::field::content_type, r.content_type);
  res.body() = std::move(r.body);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  return res;
}

asio::awaitable<void> serve(Router& router, tcp::socket socket) {
  constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kMaxBody);
    stream.expires_after(kIdleTimeout);
    // Clients that write the headers and a small body separately (httpx, requests) would otherwise wait for our
    // delayed ACK (~40 ms) before sending the body: ask the kernel to acknowledge at once.
    int one = 1;
    ::setsockopt(stream.socket().native_handle(), IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_tuple);
    if (ec == http::error::body_limit) {
      auto res = to_http(Response{413, R"({"httpStatus":413,"message":"The request body is larger than 16 MiB","technicalCode":"request.tooLarge"})"}, 11, false);
      co_await http::async_write(stream, res, use_tuple);
      break;
    }
    if (ec) break;
    auto& req = parser.get();
    auto response = router.handle(req.method_string(), req.target(), req[http::field::authorization],
                                  std::move(req.body()));
    const bool keep_alive = req.keep_alive();
    auto res = to_http(std::move(response), req.version(), keep_alive);
    auto [wec, wn] = co_await http::async_write(stream, res, use_tuple);
    if (wec || !keep_alive) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, Router& router) {
  constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
    if (ec) {
      if (!acceptor.is_open() || ec == asio::error::operation_aborted) co_return;
      spdlog::warn("management: accept failed: {}", ec.message());
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);  // header and body go out in separate writes
    asio::co_spawn(acceptor.get_executor(), serve(router, std::move(socket)), asio::detached);
  }
}

}  // namespace

Server::Server(const ManagementConfig& config, Router& router) : config_(config), router_(router) {}

Server::~Server() { stop(); }

void Server::start() {
  tcp::endpoint endpoint(asio::ip::make_address(config_.host), config_.port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  boost::system::error_code ec;
  acceptor_.bind(endpoint, ec);
  if (ec)
    throw std::runtime_error("management: cannot listen on " + config_.host + ":" + std::to_string(config_.port) +
                             ": " + ec.message());
  acceptor_.listen();
  asio::co_spawn(ioc_, accept_loop(acceptor_, router_), asio::detached);
  thread_ = std::thread([this] { ioc_.run(); });
  spdlog::info("management API listening on http://{}:{}", config_.host, config_.port);
}

void Server::stop() {
  if (!thread_.joinable()) return;
  ioc_.stop();
  thread_.join();
}

}  // namespace gantry::management
