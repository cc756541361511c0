#include "gateway/exchange.hpp"

#include "net/http_head.hpp"

#include "core/definition/model.hpp"
#include "gateway/flows/flow_run.hpp"
#include "gateway/response_template_body.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace gantry {
namespace asio = boost::asio;

bool Exchange::has_body() const {
  // A request whose header never completed may still have bytes of any kind on the wire.
  if (!parser.is_header_done()) return true;
  const auto& req = parser.get();
  if (req.chunked()) return true;
  auto length = parser.content_length();
  return length && *length > 0;
}

namespace {

// The media types the client accepts, in the order written ("application/json", "*/*", ...).
std::vector<std::string_view> accepted_types(std::string_view accept) {
  std::vector<std::string_view> types;
  while (!accept.empty()) {
    auto comma = accept.find(',');
    auto item = accept.substr(0, comma);
    item = item.substr(0, item.find(';'));
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) types.push_back(item);
    accept = comma == std::string_view::npos ? std::string_view{} : accept.substr(comma + 1);
  }
  return types;
}

}  // namespace

const ResponseTemplate* find_response_template(const ApiDefinition* api, std::string_view key,
                                               std::string_view parent_key, std::string_view accept) {
  if (!api || api->response_templates.empty()) return nullptr;
  for (std::string_view candidate : {key, parent_key}) {
    if (candidate.empty()) continue;
    auto it = api->response_templates.find(std::string(candidate));
    if (it == api->response_templates.end()) continue;
    for (auto type : accepted_types(accept)) {
      auto t = it->second.find(std::string(type));
      if (t != it->second.end()) return &t->second;
    }
    if (auto t = it->second.find("*/*"); t != it->second.end()) return &t->second;
  }
  return nullptr;
}

namespace {
asio::awaitable<void> write_error_as(Exchange& ex, GatewayErrc error, std::string_view message, bool text);
}  // namespace

asio::awaitable<void> write_error(Exchange& ex, GatewayErrc error) {
  co_await write_error_as(ex, error, describe(error).message, false);
}

asio::awaitable<void> write_error(Exchange& ex, GatewayErrc error, std::string_view message) {
  co_await write_error_as(ex, error, message, false);
}

asio::awaitable<void> write_error_text(Exchange& ex, GatewayErrc error) {
  co_await write_error_as(ex, error, describe(error).message, true);
}

namespace {
asio::awaitable<void> write_error_as(Exchange& ex, GatewayErrc error, std::string_view message, bool text) {
  const ErrorInfo& info = describe(error);
  http::response<http::string_body> res;
  res.version(11);
  const auto& req = ex.parser.get();
  if (ex.flows) ex.flows->add_response_headers(res);
  if (const ResponseTemplate* t = find_response_template(ex.api, info.key, info.parent_key, req[http::field::accept])) {
    res.result(t->status ? t->status : info.status);
    for (const auto& [name, value] : t->headers) res.set(name, value);
    // Backend connection failures carry no message of their own in Gravitee, only a cause.
    const bool backend_failure = info.key.starts_with("GATEWAY_CLIENT_");
    res.body() = render_template_body(*t, {info.key, info.status, backend_failure ? "" : message, message});
  } else if (text) {
    res.result(info.status);
    res.set(http::field::content_type, "text/plain");
    res.body() = std::string(message);
  } else {
    res.result(info.status);
    res.set(http::field::content_type, "application/json");
    boost::json::object body{{"message", message}, {"http_status_code", info.status}};
    res.body() = boost::json::serialize(body);
  }
  add_tracking_headers(ex, res);
  // An unread request body would be taken for the next request: close instead of reading it.
  if (!ex.parser.is_done() && ex.has_body()) ex.keep_alive = false;
  res.keep_alive(ex.keep_alive && req.keep_alive() && !ex.draining());
  if (!res.keep_alive()) ex.keep_alive = false;
  if (ex.head()) res.content_length(res.body().size());
  res.prepare_payload();
  ex.status = res.result_int();
  ex.error_key = std::string(info.key);
  ex.response_started = true;
  ex.client.tcp().expires_after(ex.config.keepalive_idle_timeout);
  const std::string_view body = ex.head() ? std::string_view() : std::string_view(res.body());
  auto [ec, n] = co_await net::write_response(ex.client, res.base(), body);
  ex.bytes_out += n;
  if (ec) ex.keep_alive = false;
}
}  // namespace

std::string header_or_query_param(const Exchange& ex, std::string_view header, std::string_view param) {
  const auto value = ex.parser.get()[header];
  if (!value.empty()) return std::string(value);
  if (ex.query.empty()) return {};
  auto params = boost::urls::parse_query(ex.query);
  if (!params) return {};
  for (auto p : *params)
    if (p.has_value && p.key == param) return p.value.decode();
  return {};
}

asio::awaitable<bool> send_continue_if_expected(Exchange& ex) {
  if (ex.continue_sent) co_return true;
  auto expect = ex.parser.get()[http::field::expect];
  if (expect.size() != 12 || !boost::beast::iequals(expect, "100-continue")) co_return true;
  ex.continue_sent = true;
  static constexpr std::string_view line = "HTTP/1.1 100 Continue\r\n\r\n";
  auto [ec, n] = co_await asio::async_write(ex.client, asio::buffer(line), asio::as_tuple(asio::use_awaitable));
  co_return !ec;
}

GatewayErrc client_read_error(const boost::system::error_code& ec) {
  if (ec == http::error::body_limit) return GatewayErrc::body_too_large;
  if (ec == boost::beast::error::timeout) return GatewayErrc::request_timeout;
  return GatewayErrc::bad_request;
}

asio::awaitable<boost::system::error_code> read_request_body(Exchange& ex, std::string& out, std::uint64_t limit) {
  if (auto length = ex.parser.content_length(); length && *length > limit)
    co_return make_error_code(http::error::body_limit);
  const bool continued = co_await send_continue_if_expected(ex);
  if (!continued) co_return make_error_code(asio::error::broken_pipe);
  std::span<char> chunk = ex.scratch;
  auto& body = ex.parser.get().body();
  while (!ex.parser.is_done()) {
    body.data = chunk.data();
    body.size = chunk.size();
    ex.client.tcp().expires_after(ex.config.keepalive_idle_timeout);
    auto [ec, n] = co_await http::async_read(ex.client, ex.client_buffer, ex.parser,
                                             asio::as_tuple(asio::use_awaitable));
    if (ec == http::error::need_buffer) ec = {};
    if (ec) co_return ec;
    const std::size_t got = chunk.size() - body.size;
    ex.bytes_in += got;
    if (out.size() + got > limit) co_return make_error_code(http::error::body_limit);
    out.append(chunk.data(), got);
  }
  co_return boost::system::error_code{};
}

}  // namespace gantry
