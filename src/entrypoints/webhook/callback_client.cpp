#include "entrypoints/webhook/callback_client.hpp"

#include "endpoints/http_proxy/target_url.hpp"
#include "endpoints/http_proxy/upstream_tls.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <array>
#include <cctype>

namespace gantry::webhook {
namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Message headers that would break the request's framing or routing are not copied onto it.
bool framing_header(std::string_view name) {
  static constexpr std::array<std::string_view, 6> names = {"content-length", "transfer-encoding", "connection",
                                                            "host", "keep-alive", "upgrade"};
  return std::any_of(names.begin(), names.end(), [&](std::string_view n) { return iequals(n, name); });
}

// A message header (from any broker) becomes an HTTP header only if it can be one: a token name, one-line value.
bool sendable(std::string_view name, std::string_view value) {
  static constexpr std::string_view extra = "!#$%&'*+-.^_`|~";
  const bool token = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || extra.find(c) != std::string_view::npos;
  });
  return token && !framing_header(name) && value.find_first_of("\r\n") == std::string_view::npos;
}

constexpr std::size_t max_response_body = 64 * 1024;  // the answer is only looked at for its status

}  // namespace

std::unique_ptr<CallbackClient> CallbackClient::create(const SubscriptionConfig& subscription,
                                                       const WebhookConfig& options, std::string& error) {
  http_proxy::EndpointConfig config;
  auto target = http_proxy::parse_target(subscription.callback_url, &error);
  if (!target) return nullptr;
  config.target = *target;
  config.target_text = subscription.callback_url;
  config.http = options.http;
  std::string request_target = target->path.empty() ? "/" : target->path;
  if (!target->query.empty()) request_target += "?" + target->query;
  return std::unique_ptr<CallbackClient>(new CallbackClient(std::move(config), std::move(request_target), subscription));
}

CallbackClient::CallbackClient(http_proxy::EndpointConfig config, std::string request_target,
                               const SubscriptionConfig& sub)
    : config_(std::move(config)),
      request_target_(std::move(request_target)),
      headers_(sub.headers),
      authorization_(authorization_header(sub.auth)),
      pool_(config_, config_.target.tls() ? &http_proxy::system_trust_tls() : nullptr,
            static_cast<std::size_t>(std::max(1, config_.http.max_concurrent_connections))) {}

asio::awaitable<CallbackResult> CallbackClient::post(const Message& message) {
  bool retry_fresh = false;
  auto result = co_await attempt(message, false, retry_fresh);
  // A kept-alive connection the callback server had closed meanwhile: once more on a new one.
  if (retry_fresh && !cancelled_) result = co_await attempt(message, true, retry_fresh);
  co_return result;
}

asio::awaitable<CallbackResult> CallbackClient::attempt(const Message& message, bool fresh, bool& retry_fresh) {
  retry_fresh = false;
  auto [ec, conn] = co_await pool_.acquire(fresh);
  if (ec) co_return CallbackResult{0, ec.message()};

  http::request<http::string_body> req{http::verb::post, request_target_, 11};
  for (const auto& [name, value] : message.headers)
    if (sendable(name, value)) req.insert(name, value);
  for (const auto& [name, value] : headers_) req.set(name, value);
  if (!authorization_.empty()) req.set(http::field::authorization, authorization_);
  req.set(http::field::host, config_.target.authority());
  if (req.find(http::field::user_agent) == req.end()) req.set(http::field::user_agent, "gantry-webhook");
  req.keep_alive(config_.http.keep_alive);
  req.body() = message.content;
  req.prepare_payload();

  auto& tcp = conn->stream.tcp();
  if (config_.http.read_timeout.count() > 0) tcp.expires_after(config_.http.read_timeout);
  else tcp.expires_never();
  in_flight_ = conn.get();
  std::tie(ec, std::ignore) = co_await http::async_write(conn->stream, req, use_tuple);
  http::response_parser<http::string_body> parser;
  parser.body_limit(max_response_body);
  if (!ec) std::tie(ec, std::ignore) = co_await http::async_read(conn->stream, conn->buffer, parser, use_tuple);
  in_flight_ = nullptr;
  const bool answered = parser.is_header_done();
  if (ec && !answered) {
    retry_fresh = conn->reused && !fresh && ec != asio::error::operation_aborted;
    pool_.release(std::move(conn), false);
    co_return CallbackResult{0, ec == boost::beast::error::timeout ? "read timeout" : ec.message()};
  }
  const int status = parser.get().result_int();
  pool_.release(std::move(conn), !ec && parser.keep_alive());
  co_return CallbackResult{status, {}};
}

void CallbackClient::cancel() {
  cancelled_ = true;
  if (in_flight_) in_flight_->stream.close();
}

}  // namespace gantry::webhook
