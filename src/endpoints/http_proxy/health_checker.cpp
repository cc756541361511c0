#include "endpoints/http_proxy/health_checker.hpp"

#include "endpoints/http_proxy/proxy_api.hpp"
#include "endpoints/http_proxy/upstream_tls.hpp"
#include "services/http_health_check/request.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <spdlog/spdlog.h>

namespace gantry::http_proxy {
namespace asio = boost::asio;
namespace http = boost::beast::http;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

asio::awaitable<bool> probe_once(EndpointRuntime& endpoint) {
  const HealthCheckConfig& check = *endpoint.health_check();
  const HealthCheckRequest where = health_check_request(check, endpoint.config().target);
  EndpointConfig target = endpoint.config();
  target.target = where.server;
  const std::string& request_target = where.request_target;
  auto* tls = endpoint.tls() ? endpoint.tls() : &system_trust_tls();
  auto [ec, conn] = co_await connect_upstream(target, tls, std::nullopt);
  if (ec) co_return false;

  http::request<http::string_body> req{http::string_to_verb(check.method), request_target, 11};
  if (req.method() == http::verb::unknown) req.method_string(check.method);
  req.set(http::field::host, target.target.authority());
  req.set(http::field::user_agent, "gantry-health-check");
  for (const auto& [name, value] : check.headers) req.set(name, value);
  req.keep_alive(false);
  req.body() = check.body;
  req.prepare_payload();

  conn->stream.tcp().expires_after(target.http.read_timeout);
  std::tie(ec, std::ignore) = co_await http::async_write(conn->stream, req, use_tuple);
  if (ec) co_return false;
  http::response_parser<http::string_body> parser;
  parser.body_limit(1024 * 1024);
  parser.skip(req.method() == http::verb::head);
  std::tie(ec, std::ignore) = co_await http::async_read(conn->stream, conn->buffer, parser, use_tuple);
  conn->stream.close();
  if (ec) co_return false;
  co_return check.assertion.holds(parser.get().result_int());
}

asio::awaitable<void> run_health_checks(std::weak_ptr<ProxyApi> api, EndpointRuntime* endpoint, std::string api_id) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    {
      auto alive = api.lock();
      if (!alive) co_return;
      const auto now = std::chrono::system_clock::now();
      const auto next = endpoint->health_check()->schedule.next_after(now);
      if (next == std::chrono::system_clock::time_point::max()) co_return;  // a schedule that never fires
      timer.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(next - now));
    }
    auto [ec] = co_await timer.async_wait(use_tuple);
    if (ec) co_return;  // cancelled: shutting down
    auto alive = api.lock();
    if (!alive) co_return;
    const bool ok = co_await probe_once(*endpoint);
    if (endpoint->health()->record(ok)) {
      if (endpoint->health()->healthy())
        spdlog::info("API '{}': endpoint '{}' is up again (health check)", api_id, endpoint->name());
      else
        spdlog::warn("API '{}': endpoint '{}' is down (health check failed)", api_id, endpoint->name());
    }
  }
}

}  // namespace gantry::http_proxy
