// The per-connection loop: read a request header within the limits, route it, hand it to the API, repeat while
// keep-alive holds. Pipelined requests are answered in order because each is read only after the previous one.
#include "core/definition/model.hpp"
#include "endpoints/http_proxy/proxy_handler.hpp"
#include "gateway/access_log.hpp"
#include "gateway/deployer.hpp"
#include "gateway/message/message_api.hpp"
#include "gateway/ids.hpp"
#include "gateway/worker.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/read.hpp>

#include <array>
#include <optional>

namespace gantry {
namespace asio = boost::asio;
using boost::system::error_code;
using namespace asio::experimental::awaitable_operators;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t scratch_size = 64 * 1024;

namespace {

// Errors while reading a request header: the response to send, or nullopt to close silently.
std::optional<GatewayErrc> header_error(const error_code& ec) {
  if (ec == http::error::header_limit) return GatewayErrc::headers_too_large;
  if (ec == http::error::body_limit) return GatewayErrc::body_too_large;
  if (ec == boost::beast::error::timeout) return GatewayErrc::request_timeout;
  if (ec == http::error::end_of_stream || ec == http::error::partial_message || ec == asio::error::eof ||
      ec == asio::error::connection_reset || ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor)
    return std::nullopt;
  if (ec.category() == http::make_error_code(http::error::bad_method).category()) return GatewayErrc::bad_request;
  return std::nullopt;
}

// Splits "/a/b?x=1" (or the absolute form "http://host/a/b?x=1") into path and query.
void split_target(std::string_view target, Exchange& ex) {
  if (target.starts_with("http://") || target.starts_with("https://")) {
    auto slash = target.find('/', target.find("//") + 2);
    target = slash == std::string_view::npos ? "/" : target.substr(slash);
  }
  auto q = target.find('?');
  ex.path = std::string(target.substr(0, q));
  ex.query = q == std::string_view::npos ? "" : std::string(target.substr(q + 1));
  if (ex.path.empty()) ex.path = "/";
}

asio::awaitable<void> handle_exchange(Server::Worker& worker, Exchange& ex, const GatewaySnapshot& snapshot) {
  const auto& req = ex.parser.get();
  auto tx = req["X-Gravitee-Transaction-Id"];
  ex.request_id = new_uuid();
  ex.transaction_id = tx.empty() ? ex.request_id : std::string(tx);
  split_target(req.target(), ex);

  auto match = snapshot.routes.match(req[http::field::host], ex.path);
  if (!match) co_return co_await write_error(ex, GatewayErrc::no_route);
  ex.api = match->api->definition.get();
  ex.context_path = std::string(match->context_path);
  ex.remaining_path = std::string(match->remaining_path);
  if (match->api->proxy) co_return co_await http_proxy::handle_proxy(*match->api->proxy, ex);
  if (match->api->message) co_return co_await match->api->message->handle(ex);
  co_await write_error(ex, GatewayErrc::internal_error);
}

bool holds_whole_header(const boost::beast::flat_buffer& buffer) {
  const auto data = buffer.data();
  const std::string_view bytes(static_cast<const char*>(data.data()), data.size());
  return bytes.find("\r\n\r\n") != std::string_view::npos;
}

// Closes after a last response: TLS close_notify, or a lingering close so the client reads the response
// instead of a reset caused by request bytes we did not read.
asio::awaitable<void> close_connection(net::FlexStream& stream) {
  stream.tcp().expires_after(std::chrono::seconds(1));
  if (stream.is_tls()) {
    co_await stream.tls().async_shutdown(use_tuple);
  } else {
    error_code ec;
    stream.tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    std::array<char, 4096> discard;
    for (int i = 0; i < 256; ++i) {
      auto [rec, n] = co_await stream.async_read_some(asio::buffer(discard), use_tuple);
      if (rec) break;
    }
  }
  stream.close();
}

}  // namespace

asio::awaitable<void> serve_connection(Server::Worker& worker, asio::ip::tcp::socket socket) {
  ++worker.connections;
  struct Release {
    std::atomic<int>& n;
    ~Release() { --n; }
  } release{worker.connections};
  error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  if (ec) co_return;
  std::optional<net::FlexStream> stream;
  if (worker.tls) stream.emplace(boost::beast::tcp_stream(std::move(socket)), *worker.tls);
  else stream.emplace(boost::beast::tcp_stream(std::move(socket)));
  const auto& config = worker.config;
  if (stream->is_tls()) {
    stream->tcp().expires_after(config.request_header_timeout);
    auto [hec] = co_await stream->tls().async_handshake(asio::ssl::stream_base::server, use_tuple);
    if (hec) co_return;
  }

  Server::Worker::Connection registration{&*stream};
  worker.open.insert(&registration);
  struct Unregister {
    std::set<Server::Worker::Connection*>& open;
    Server::Worker::Connection* self;
    ~Unregister() { open.erase(self); }
  } unregister{worker.open, &registration};

  boost::beast::flat_buffer buffer;
  std::unique_ptr<char[]> scratch;  // for moving bodies; one per connection, allocated at its first request
  asio::steady_timer header_deadline(stream->get_executor());
  for (bool first = true;; first = false) {
    if (worker.draining) break;
    if (buffer.size() == 0) {  // idle between requests: wait for the next one's first bytes
      stream->tcp().expires_after(first ? config.request_header_timeout : config.keepalive_idle_timeout);
      registration.idle = true;
      auto [rec, n] = co_await stream->async_read_some(buffer.prepare(16 * 1024), use_tuple);
      registration.idle = false;
      buffer.commit(n);
      if (rec) co_return stream->close();
    }
    RequestParser parser;
    parser.header_limit(static_cast<std::uint32_t>(std::min<std::uint64_t>(config.max_header_bytes, UINT32_MAX)));
    parser.body_limit(config.max_body_bytes);
    const auto started = std::chrono::steady_clock::now();
    // A separate deadline rather than the stream's own timeout: that one closes the socket, and a slow client
    // is owed its 408 before we close.
    stream->tcp().expires_never();
    error_code rec;
    if (holds_whole_header(buffer)) {  // the common case: parsed where it lies, with no I/O and no deadline
      buffer.consume(parser.put(buffer.data(), rec));
      if (rec == http::error::need_more) rec = {};
    }
    if (!rec && !parser.is_header_done()) {
      header_deadline.expires_after(config.request_header_timeout);
      auto outcome = co_await (http::async_read_header(*stream, buffer, parser, use_tuple) ||
                               header_deadline.async_wait(use_tuple));
      rec = outcome.index() == 0 ? std::get<0>(std::get<0>(outcome)) : error_code(boost::beast::error::timeout);
    }
    if (!scratch) scratch.reset(new char[scratch_size]);
    Exchange ex{*stream, buffer, parser, config, worker.index, remote, started, &worker.draining,
                std::span<char>(scratch.get(), scratch_size)};
    if (rec) {
      auto error = header_error(rec);
      if (!error) co_return stream->close();
      ex.request_id = new_uuid();
      ex.transaction_id = ex.request_id;
      ex.keep_alive = false;
      co_await write_error(ex, *error);
      log_access(ex);
      break;
    }
    stream->tcp().expires_never();
    if (config.request_timeout.count() > 0) {
      ex.request_deadline = started + config.request_timeout;
      ex.deadline_timer = &header_deadline;  // idle until the next request's header
    }
    auto snapshot = worker.deployer.snapshot();  // this exchange runs on it to the end, even across a reload
    co_await handle_exchange(worker, ex, *snapshot);
    log_access(ex);
    if (!ex.keep_alive || worker.draining) break;
  }
  co_await close_connection(*stream);
}

}  // namespace gantry
