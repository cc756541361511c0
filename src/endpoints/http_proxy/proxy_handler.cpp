#include "endpoints/http_proxy/proxy_handler.hpp"

#include "endpoints/http_proxy/body_relay.hpp"
#include "endpoints/http_proxy/body_writer.hpp"
#include "endpoints/http_proxy/client_watch.hpp"
#include "endpoints/http_proxy/response_relay.hpp"
#include "endpoints/http_proxy/proxy_api.hpp"
#include "endpoints/http_proxy/upstream_request.hpp"
#include "gateway/flows/exchange_el.hpp"
#include "gateway/flows/flow_run.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
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
  bool retry_asked = false;  // the response arrived, but the retry policy's condition wants another try
  bool condition_failure = false;  // the response arrived, but failover.failureCondition calls it a failure
  bool client_left = false;  // the client went away while the request waited on the backend: nothing to answer
};

// Whether failover.failureCondition holds for this response header (Gravitee: a failure, tried again). A
// condition that cannot be evaluated is no failure, as in Gravitee.
bool failure_condition_holds(const ProxyApi& api, const Exchange& ex, const http::fields& headers, unsigned status) {
  const el::Expression* condition = api.failure_condition();
  if (!condition) return false;
  static const el::Map none;
  const el::Map& properties = api.flows() ? api.flows()->properties() : none;
  const el::Map& attributes = ex.flows ? ex.flows->attributes() : none;
  ExchangeElContext el(ex, properties, attributes, none);
  el.set_response(&headers, status);
  auto r = condition->evaluate(el);
  if (!r.ok()) {
    spdlog::debug("{}: failover failure condition not evaluated: {}", ex.api ? ex.api->id : "", r.error);
    return false;
  }
  return el::is_true(r.value);
}

struct RequestBody {
  enum class Mode { none, buffered, streamed } mode = Mode::none;
  std::string buffered;
  const std::string* held = nullptr;  // the body the flows hold (and may have replaced), used instead of `buffered`
  const std::string& bytes() const { return held ? *held : buffered; }
};

BodyFraming request_framing(const Exchange& ex, const RequestBody& body) {
  const auto& in = ex.parser.get();
  switch (body.mode) {
    case RequestBody::Mode::none:
      if (in.has_content_length()) return {0, false};
      return {};
    case RequestBody::Mode::buffered:
      // A body the flows gave to a request that had none is sent with its length; an empty one adds nothing.
      if (!body.bytes().empty() || in.has_content_length() || in.chunked()) return {body.bytes().size(), false};
      return {};
    case RequestBody::Mode::streamed:
      if (in.chunked()) return {std::nullopt, true};
      return {ex.parser.content_length().value_or(0), false};
  }
  return {};
}

// Sends the request (header and body) to the backend. Returns the failure to report, or ok.
asio::awaitable<Attempt> send_request(UpstreamConnection& up, Exchange& ex, const EndpointConfig& config,
                                      RequestBody& body) {
  const BodyFraming framing = request_framing(ex, body);
  std::string head;
  head.reserve(1024);
  serialize_upstream_head(ex, config, framing, head);
  BodyWriter writer(up.stream, std::move(head), framing.chunked, config.http.read_timeout);
  if (body.mode != RequestBody::Mode::streamed) {
    const std::string_view bytes = body.mode == RequestBody::Mode::buffered ? body.bytes() : std::string_view();
    const auto ec = co_await writer.write(bytes.data(), bytes.size(), true);
    // Nothing of the client's body is lost when this fails: another try is possible.
    if (ec) co_return Attempt{false, classify_upstream_error(ec, false), true};
    co_return Attempt{true};
  }
  // The header goes first on its own: the client is told to send its body (100-continue) only once the backend
  // took the header, and nothing of that body has been read yet if this fails, so another try is possible.
  if (auto ec = co_await writer.write(nullptr, 0, false)) co_return Attempt{false, classify_upstream_error(ec, false), true};
  if (!co_await send_continue_if_expected(ex)) co_return Attempt{false, GatewayErrc::bad_request, false};
  auto relayed = co_await relay_body(ex.client, ex.client_buffer, ex.parser, writer, ex.config.keepalive_idle_timeout,
                                     ex.scratch);
  ex.bytes_in += relayed.bytes;
  if (relayed.read_error) co_return Attempt{false, client_read_error(relayed.read_error), false};
  if (relayed.write_error) co_return Attempt{false, classify_upstream_error(relayed.write_error, false), false};
  co_return Attempt{true};
}

// Reads the backend's response header and streams the response (or the one its redirects lead to) to the client.
// A response that failover's failure condition or (with `retry_gate`) the retry condition rejects is dropped
// unread (the connection is not reused).
asio::awaitable<Attempt> relay_response(const ProxyApi& api, UpstreamConnection& up, Exchange& ex,
                                        const EndpointConfig& config, std::chrono::milliseconds header_timeout,
                                        bool& upstream_reusable, bool replayable, bool retry_gate) {
  ResponseParser rp;
  if (auto ec = co_await read_response_header(up, rp, ex.head(), header_timeout))
    co_return Attempt{false, classify_upstream_error(ec, false), replayable};
  if (replayable && failure_condition_holds(api, ex, rp.get().base(), rp.get().result_int()))
    co_return Attempt{false, GatewayErrc::upstream_error, true, false, true};
  if (retry_gate && ex.flows->retry_wanted(rp.get().base(), rp.get().result_int()))
    co_return Attempt{false, GatewayErrc::upstream_error, true, true};
  if (auto location = redirect_to_follow(config, ex, rp.get()); !location.empty()) {
    upstream_reusable = false;
    auto outcome = co_await follow_redirects(ex, config, location, rp.get().result(), header_timeout);
    co_return Attempt{outcome == GatewayErrc::ok, outcome, false};
  }
  const GatewayErrc outcome = co_await forward_response(up, rp, ex, config, upstream_reusable);
  co_return Attempt{outcome == GatewayErrc::ok, outcome, false};
}

asio::awaitable<Attempt> attempt_once(const ProxyApi& api, EndpointRuntime& endpoint, Exchange& ex,
                                      RequestBody& body, std::chrono::milliseconds header_timeout, bool retry_gate) {
  const EndpointConfig& config = endpoint.config();
  UpstreamPool& pool = endpoint.pool(ex.worker);
  const bool replayable = body.mode != RequestBody::Mode::streamed || ex.bytes_in == 0;
  ClientWatch watch(ex);
  const Attempt client_left{false, GatewayErrc::upstream_error, false, false, false, true};
  // A pooled connection may have been closed by the backend just now: then try once more on a fresh one.
  for (bool fresh : {false, true}) {
    auto [ec, conn] = co_await pool.acquire(fresh, &watch);
    if (watch.client_left()) co_return client_left;
    if (ec) co_return Attempt{false, classify_upstream_error(ec, true), replayable};
    const bool reused = conn->reused;
    // Leaving now cuts the backend connection short: it is closed, not kept busy until readTimeout.
    watch.on_leave([&stream = conn->stream] {
      boost::system::error_code ignored;
      stream.tcp().socket().cancel(ignored);
    });
    Attempt sent = co_await send_request(*conn, ex, config, body);
    bool reusable = false;
    Attempt done = sent;
    if (sent.ok)
      done = co_await relay_response(api, *conn, ex, config, header_timeout, reusable,
                                     body.mode != RequestBody::Mode::streamed, retry_gate);
    watch.on_leave(nullptr);
    pool.release(std::move(conn), done.ok && reusable && !watch.client_left());
    if (watch.client_left()) co_return client_left;
    const bool stale = reused && !done.ok && done.retryable && !done.retry_asked && !done.condition_failure &&
                       (done.error == GatewayErrc::upstream_connection_closed ||
                        done.error == GatewayErrc::upstream_connection_reset || done.error == GatewayErrc::upstream_error);
    if (!stale || fresh) co_return done;
  }
  co_return Attempt{false, GatewayErrc::upstream_error, false};
}

// gateway.timeouts.request_ms (Gravitee's http.requestTimeout) bounds the wait for the backend's answer too.
std::chrono::milliseconds until_request_deadline(const Exchange& ex) {
  if (ex.request_deadline == std::chrono::steady_clock::time_point::max()) return std::chrono::milliseconds::max();
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(ex.request_deadline -
                                                                          std::chrono::steady_clock::now());
  return std::max(left, std::chrono::milliseconds(1));
}

bool past_request_deadline(const Exchange& ex) {
  return ex.request_deadline != std::chrono::steady_clock::time_point::max() &&
         std::chrono::steady_clock::now() >= ex.request_deadline;
}

// Whether an attempt's outcome counts against the circuit breaker: the backend failed (no answer, a broken one, or
// one the failure condition rejects). A client at fault, or a response the retry policy wants tried again, is no
// failure of the backend.
bool backend_failed(const Attempt& result) {
  if (result.ok || result.retry_asked || result.client_left) return false;
  return result.condition_failure || describe(result.error).status >= 500;
}

// One call of the backend, with failover across the group's endpoints. `header_limit` bounds the wait for each
// response header (the retry policy's timeout). As in Gravitee, the circuit breaker guards the whole call (it
// counts requests whose attempts all failed, not attempts), and a call whose attempts are spent (or that the
// open breaker refuses) answers 502, whatever the last attempt's error.
asio::awaitable<Attempt> call_backend(ProxyApi& api, Exchange& ex, RequestBody& body,
                                      std::chrono::milliseconds header_limit, bool retry_gate) {
  const Failover& failover = api.failover();
  const int attempts = failover.enabled ? 1 + std::max(0, failover.max_retries) : 1;
  const auto header_timeout = std::min(header_limit, failover.enabled ? failover.slow_call_duration
                                                                      : std::chrono::milliseconds::max());
  CircuitBreaker* breaker = nullptr;
  if (auto* breakers = api.breakers())
    breaker = &breakers->for_subscription(failover.per_subscription ? api.subscription_of(ex) : std::string());
  if (breaker && !breaker->try_acquire(std::chrono::steady_clock::now()))
    co_return Attempt{false, GatewayErrc::upstream_error, false};
  std::vector<EndpointRuntime*> tried;
  Attempt last{false, GatewayErrc::no_endpoint_available, false};
  for (int attempt = 0; attempt < attempts; ++attempt) {
    EndpointRuntime* endpoint = api.default_group().pick_retry(tried, failover.force_next_endpoint_on_failure);
    if (!endpoint) break;
    tried.push_back(endpoint);
    ex.endpoint = endpoint->name();
    const auto timeout = std::min({header_timeout, endpoint->config().http.read_timeout, until_request_deadline(ex)});
    last = co_await attempt_once(api, *endpoint, ex, body, timeout, retry_gate);
    if (last.ok || !last.retryable || last.retry_asked) break;
  }
  if (!breaker) co_return last;
  if (backend_failed(last)) breaker->on_failure(std::chrono::steady_clock::now());
  else breaker->on_success(std::chrono::steady_clock::now());
  // Spent slow calls (504 on their own) and rejected responses answer 502, as every spent failover does in Gravitee.
  if (!last.ok && !ex.response_started && (last.condition_failure || describe(last.error).status == 504))
    last.error = GatewayErrc::upstream_error;
  co_return last;
}

// The request body for the backend: held by the flows, read whole (failover or retry may send it again), or
// streamed. False when reading it failed (the error was sent).
asio::awaitable<bool> prepare_body(ProxyApi& api, Exchange& ex, RequestBody& body, bool retry) {
  if (ex.request_content) {  // the flows read the body whole already
    body.mode = RequestBody::Mode::buffered;
    body.held = ex.request_content;
    co_return true;
  }
  if (!ex.has_body()) co_return true;
  const auto length = ex.parser.content_length();
  const bool small = length && *length <= max_replayable_body;
  body.mode = (api.failover().enabled && small) || retry ? RequestBody::Mode::buffered : RequestBody::Mode::streamed;
  if (body.mode == RequestBody::Mode::streamed) co_return true;
  const auto limit = retry ? std::min<std::uint64_t>(max_buffered_content, ex.config.max_body_bytes)
                           : max_replayable_body;
  const error_code ec = co_await read_request_body(ex, body.buffered, limit);
  if (!ec) co_return true;
  ex.keep_alive = false;
  co_await write_error(ex, client_read_error(ec));
  co_return false;
}

asio::awaitable<void> wait_for(std::chrono::milliseconds delay) {
  auto executor = co_await asio::this_coro::executor;
  asio::steady_timer timer(executor);
  timer.expires_after(delay);
  auto [ec] = co_await timer.async_wait(use_tuple);
  (void)ec;
}

// The exchange after its request flows (if any) let it through: to the backend, with failover, and with the
// retry policy's rounds when one ran (Gravitee answers 502 once they are all spent).
asio::awaitable<void> proxy_exchange(ProxyApi& api, Exchange& ex) {
  if (boost::beast::websocket::is_upgrade(ex.parser.get())) co_return co_await tunnel_upgrade(api, ex);

  const BackendRetry* retry = ex.flows ? ex.flows->retry() : nullptr;
  RequestBody body;
  const bool prepared = co_await prepare_body(api, ex, body, retry != nullptr);
  if (!prepared) co_return;
  const int rounds = retry ? 1 + retry->max_retries : 1;
  const auto header_limit = retry ? retry->timeout : std::chrono::milliseconds::max();
  Attempt result;
  for (int round = 0; round < rounds; ++round) {
    if (round > 0 && retry->delay.count() > 0) co_await wait_for(retry->delay);
    const bool last_round = round + 1 == rounds;
    const bool gate = retry && retry->condition && !(retry->last_response && last_round);
    result = co_await call_backend(api, ex, body, header_limit, gate);
    if (result.ok || !result.retryable || ex.response_started) break;
  }
  if (result.ok) co_return;
  if (result.client_left) {  // no one to answer; logged as nginx does (499: the client closed the request)
    ex.keep_alive = false;
    ex.status = 499;
    co_return;
  }
  if (ex.response_started) {
    ex.keep_alive = false;
    co_return;
  }
  if (past_request_deadline(ex) && describe(result.error).status == 504) {
    co_return co_await write_error(ex, GatewayErrc::gateway_timeout);  // the gateway's limit, not the endpoint's
  }
  co_await write_error(ex, retry && result.retryable ? GatewayErrc::upstream_error : result.error);
}

}  // namespace

asio::awaitable<void> handle_proxy(ProxyApi& api, Exchange& ex) {
  const FlowChain* chain = api.flows();
  if (!chain) co_return co_await proxy_exchange(api, ex);  // no flows: nothing added to the plain path
  FlowRun run(*chain, ex);
  ex.flows = &run;
  struct Detach {  // the run ends with this frame; nothing may point at it afterwards
    Exchange& ex;
    ~Detach() {
      ex.flows = nullptr;
      ex.request_content = nullptr;
    }
  } detach{ex};
  const bool proceed = co_await run.request_phase();
  if (!proceed) co_return;
  co_await proxy_exchange(api, ex);
}

}  // namespace gantry::http_proxy
