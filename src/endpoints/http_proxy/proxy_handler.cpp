#include "endpoints/http_proxy/proxy_handler.hpp"

#include "endpoints/http_proxy/body_relay.hpp"
#include "endpoints/http_proxy/response_relay.hpp"
#include "endpoints/http_proxy/proxy_api.hpp"
#include "endpoints/http_proxy/upstream_request.hpp"
#include "gateway/flows/flow_run.hpp"

#include <boost/beast/websocket/rfc6455.hpp>

#include <string>
#include <vector>

namespace gantry::http_proxy {
namespace asio = boost::asio;
using boost::system::error_code;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

// Request bodies up to this size are read before calling the backend when failover is on, so that a retry on
// another endpoint can send them again. Larger bodies stream, and only connection failures are retried.
constexpr std::uint64_t max_replayable_body = 1024 * 1024;

struct Attempt {
  bool ok = false;
  GatewayErrc error = GatewayErrc::ok;
  bool retryable = false;  // nothing irreversible happened: the client body is intact and no response started
};

struct RequestBody {
  enum class Mode { none, buffered, streamed } mode = Mode::none;
  std::string buffered;
};

GatewayErrc client_read_error(const error_code& ec) {
  if (ec == http::error::body_limit) return GatewayErrc::body_too_large;
  if (ec == boost::beast::error::timeout) return GatewayErrc::request_timeout;
  return GatewayErrc::bad_request;
}

// Reads a small body whole, for replay across failover attempts.
asio::awaitable<error_code> read_whole_body(Exchange& ex, std::string& out) {
  std::span<char> chunk = ex.scratch;
  auto& body = ex.parser.get().body();
  while (!ex.parser.is_done()) {
    body.data = chunk.data();
    body.size = chunk.size();
    ex.client.tcp().expires_after(ex.config.keepalive_idle_timeout);
    auto [ec, n] = co_await http::async_read(ex.client, ex.client_buffer, ex.parser, use_tuple);
    if (ec == http::error::need_buffer) ec = {};
    if (ec) co_return ec;
    out.append(chunk.data(), chunk.size() - body.size);
  }
  ex.bytes_in += out.size();
  co_return error_code{};
}

void set_request_framing(http::request<http::buffer_body>& req, const Exchange& ex, const RequestBody& body) {
  switch (body.mode) {
    case RequestBody::Mode::none:
      if (ex.parser.get().has_content_length()) req.content_length(0);
      break;
    case RequestBody::Mode::buffered:
      req.content_length(body.buffered.size());
      break;
    case RequestBody::Mode::streamed:
      if (ex.parser.get().chunked()) req.chunked(true);
      else req.content_length(ex.parser.content_length().value_or(0));
      break;
  }
}

// Sends the request (header and body) to the backend. Returns the failure to report, or ok.
asio::awaitable<Attempt> send_request(UpstreamConnection& up, Exchange& ex, const EndpointConfig& config,
                                      RequestBody& body) {
  auto req = make_upstream_request(ex, config);
  set_request_framing(req, ex, body);
  http::request_serializer<http::buffer_body> sr{req};
  up.stream.tcp().expires_after(config.http.read_timeout);
  auto [ec, n] = co_await http::async_write_header(up.stream, sr, use_tuple);
  // Nothing of the client's body has been read yet, whatever its mode: another try is possible.
  if (ec) co_return Attempt{false, classify_upstream_error(ec, false), true};

  if (body.mode == RequestBody::Mode::streamed) {
    if (!co_await send_continue_if_expected(ex)) co_return Attempt{false, GatewayErrc::bad_request, false};
    auto relayed = co_await relay_body(ex.client, ex.client_buffer, ex.parser, up.stream, sr, req.body(),
                                       ex.config.keepalive_idle_timeout, config.http.read_timeout, ex.scratch);
    ex.bytes_in += relayed.bytes;
    if (relayed.read_error) co_return Attempt{false, client_read_error(relayed.read_error), false};
    if (relayed.write_error) co_return Attempt{false, classify_upstream_error(relayed.write_error, false), false};
    co_return Attempt{true};
  }
  auto& out = req.body();
  out.data = body.mode == RequestBody::Mode::buffered ? body.buffered.data() : nullptr;
  out.size = body.buffered.size();
  out.more = false;
  while (!sr.is_done()) {
    std::tie(ec, n) = co_await http::async_write(up.stream, sr, use_tuple);
    if (ec == http::error::need_buffer) ec = {};
    if (ec) co_return Attempt{false, classify_upstream_error(ec, false), true};
  }
  co_return Attempt{true};
}

// Reads the backend's response header and streams the response (or the one its redirects lead to) to the client.
asio::awaitable<Attempt> relay_response(UpstreamConnection& up, Exchange& ex, const EndpointConfig& config,
                                        std::chrono::milliseconds header_timeout, bool& upstream_reusable,
                                        bool replayable) {
  ResponseParser rp;
  if (auto ec = co_await read_response_header(up, rp, ex.head(), header_timeout))
    co_return Attempt{false, classify_upstream_error(ec, false), replayable};
  if (auto location = redirect_to_follow(config, ex, rp.get()); !location.empty()) {
    upstream_reusable = false;
    auto outcome = co_await follow_redirects(ex, config, location, rp.get().result(), header_timeout);
    co_return Attempt{outcome == GatewayErrc::ok, outcome, false};
  }
  const GatewayErrc outcome = co_await forward_response(up, rp, ex, config, upstream_reusable);
  co_return Attempt{outcome == GatewayErrc::ok, outcome, false};
}

asio::awaitable<Attempt> attempt_once(EndpointRuntime& endpoint, Exchange& ex, RequestBody& body,
                                      std::chrono::milliseconds header_timeout) {
  const EndpointConfig& config = endpoint.config();
  UpstreamPool& pool = endpoint.pool(ex.worker);
  const bool replayable = body.mode != RequestBody::Mode::streamed || ex.bytes_in == 0;
  // A pooled connection may have been closed by the backend just now: then try once more on a fresh one.
  for (bool fresh : {false, true}) {
    auto [ec, conn] = co_await pool.acquire(fresh);
    if (ec) co_return Attempt{false, classify_upstream_error(ec, true), replayable};
    const bool reused = conn->reused;
    Attempt sent = co_await send_request(*conn, ex, config, body);
    bool reusable = false;
    Attempt done = sent.ok ? co_await relay_response(*conn, ex, config, header_timeout, reusable,
                                                     body.mode != RequestBody::Mode::streamed)
                           : sent;
    pool.release(std::move(conn), done.ok && reusable);
    const bool stale = reused && !done.ok && done.retryable &&
                       (done.error == GatewayErrc::upstream_connection_closed ||
                        done.error == GatewayErrc::upstream_connection_reset || done.error == GatewayErrc::upstream_error);
    if (!stale || fresh) co_return done;
  }
  co_return Attempt{false, GatewayErrc::upstream_error, false};
}

// The exchange after its request flows (if any) let it through: to the backend, with failover.
asio::awaitable<void> proxy_exchange(ProxyApi& api, Exchange& ex) {
  if (boost::beast::websocket::is_upgrade(ex.parser.get())) co_return co_await tunnel_upgrade(api, ex);

  const Failover& failover = api.failover();
  RequestBody body;
  if (ex.has_body()) {
    const auto length = ex.parser.content_length();
    const bool small = length && *length <= max_replayable_body;
    body.mode = failover.enabled && small ? RequestBody::Mode::buffered : RequestBody::Mode::streamed;
  }
  if (body.mode == RequestBody::Mode::buffered) {
    if (!co_await send_continue_if_expected(ex)) co_return;
    if (auto ec = co_await read_whole_body(ex, body.buffered)) {
      ex.keep_alive = false;
      co_return co_await write_error(ex, client_read_error(ec));
    }
  }

  const int attempts = failover.enabled ? 1 + std::max(0, failover.max_retries) : 1;
  const auto header_timeout = failover.enabled ? failover.slow_call_duration : std::chrono::milliseconds::max();
  std::vector<EndpointRuntime*> tried;
  GatewayErrc last = GatewayErrc::no_endpoint_available;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    EndpointRuntime* endpoint = api.default_group().pick(std::chrono::steady_clock::now(), tried);
    if (!endpoint) break;
    tried.push_back(endpoint);
    ex.endpoint = endpoint->name();
    auto* breaker = endpoint->breaker();
    const auto now = std::chrono::steady_clock::now();
    if (breaker && !breaker->try_acquire(now)) continue;
    const auto timeout = std::min(header_timeout, endpoint->config().http.read_timeout);
    Attempt result = co_await attempt_once(*endpoint, ex, body, timeout);
    if (breaker) {
      if (result.ok) breaker->on_success(std::chrono::steady_clock::now());
      else if (describe(result.error).status >= 500) breaker->on_failure(std::chrono::steady_clock::now());
      else breaker->on_success(std::chrono::steady_clock::now());  // the client was at fault, not the backend
    }
    if (result.ok) co_return;
    last = result.error;
    if (!result.retryable) break;
  }
  if (ex.response_started) {
    ex.keep_alive = false;
    co_return;
  }
  co_await write_error(ex, last);
}

}  // namespace

asio::awaitable<void> handle_proxy(ProxyApi& api, Exchange& ex) {
  const FlowChain* chain = api.flows();
  if (!chain) co_return co_await proxy_exchange(api, ex);  // no flows: nothing added to the plain path
  FlowRun run(*chain, ex);
  ex.flows = &run;
  struct Detach {  // the run ends with this frame; nothing may point at it afterwards
    Exchange& ex;
    ~Detach() { ex.flows = nullptr; }
  } detach{ex};
  const bool proceed = co_await run.request_phase();
  if (!proceed) co_return;
  co_await proxy_exchange(api, ex);
}

}  // namespace gantry::http_proxy
