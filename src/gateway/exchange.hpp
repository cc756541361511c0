// One request/response exchange on a client connection: what the HTTP session hands to the API's handler.
#pragma once

#include "core/config/config.hpp"
#include "gateway/errors.hpp"
#include "net/flex_stream.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <span>
#include <string_view>

namespace gantry {

struct ApiDefinition;
struct ResponseTemplate;
class FlowRun;

namespace http = boost::beast::http;
using RequestParser = http::request_parser<http::buffer_body>;

struct Exchange {
  net::FlexStream& client;
  boost::beast::flat_buffer& client_buffer;
  RequestParser& parser;  // the request header has been read; the body (if any) has not
  const GatewayConfig& config;
  std::size_t worker = 0;  // index of the io thread this connection lives on
  boost::asio::ip::tcp::endpoint remote;
  std::chrono::steady_clock::time_point started;
  const std::atomic<bool>* gateway_draining = nullptr;  // set on SIGTERM: finish this exchange, then close
  std::span<char> scratch;  // the connection's buffer for moving bodies, reused by every exchange on it
  // gateway.timeouts.request_ms: when the part before the response must be over (max() = no limit), measured on
  // the connection's own timer, which is idle while an exchange runs (see gateway/request_deadline.hpp).
  std::chrono::steady_clock::time_point request_deadline = std::chrono::steady_clock::time_point::max();
  boost::asio::steady_timer* deadline_timer = nullptr;

  std::string request_id;
  std::string transaction_id;
  // Gravitee's client identifier, set for message APIs (gateway/client_identity.hpp): `client_identifier` names
  // the client to endpoints (its Kafka consumer group), `client_identifier_header` is what responses carry back
  // in X-Gravitee-Client-Identifier. Empty: none.
  std::string client_identifier;
  std::string client_identifier_header;
  std::string path;            // request path, without the query
  std::string query;           // without '?'
  std::string context_path;    // the matched listener path, e.g. "/test"
  std::string remaining_path;  // path after the context path, e.g. "/foo" ("" when none)
  const ApiDefinition* api = nullptr;
  FlowRun* flows = nullptr;                     // the API's flows for this exchange; null when it has none
  const std::string* request_content = nullptr; // the request body when a policy read it whole (#request.content)

  bool keep_alive = true;        // false = the connection closes after this exchange
  bool continue_sent = false;
  bool response_started = false; // once true, an error can only be signalled by closing the connection

  // For the access log.
  unsigned status = 0;
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::string endpoint;  // which backend served it
  std::string error_key;

  bool draining() const { return gateway_draining && gateway_draining->load(std::memory_order_relaxed); }
  bool head() const { return parser.get().method() == http::verb::head; }
  bool has_body() const;
};

// Writes a gateway error (JSON body, or the API's response template) with the request/transaction id headers.
boost::asio::awaitable<void> write_error(Exchange& ex, GatewayErrc error);
// The same with a message saying more than the error's generic one ("Unsupported accept header: text/html").
boost::asio::awaitable<void> write_error(Exchange& ex, GatewayErrc error, std::string_view message);

// The same with the message alone as text/plain (no template applies otherwise), as Gravitee answers a client
// whose Accept names neither JSON nor */*: an SSE client (text/event-stream) whose stream could not begin.
boost::asio::awaitable<void> write_error_text(Exchange& ex, GatewayErrc error);

// The API's responseTemplates entry for an error key (then its parent key) and the client's Accept, or null.
const ResponseTemplate* find_response_template(const ApiDefinition* api, std::string_view key,
                                               std::string_view parent_key, std::string_view accept);

// Sends "100 Continue" when the client asked for it and it has not been sent yet; false if the write failed.
boost::asio::awaitable<bool> send_continue_if_expected(Exchange& ex);

// Reads the rest of the request body into `out` (sending "100 Continue" first when asked). A body longer than
// `limit` fails with http::error::body_limit before more than `limit` bytes are held.
boost::asio::awaitable<boost::system::error_code> read_request_body(Exchange& ex, std::string& out,
                                                                    std::uint64_t limit);

// The gateway error for a failed read of the client's body (413, 408 or 400).
GatewayErrc client_read_error(const boost::system::error_code& ec);

// The request's `header` if present, else its query parameter `param` (decoded); "" when it has neither.
std::string header_or_query_param(const Exchange& ex, std::string_view header, std::string_view param);

// Adds X-Gravitee-Transaction-Id / X-Gravitee-Request-Id (and X-Gravitee-Client-Identifier when there is one) to
// a response header.
template <class Fields>
void add_tracking_headers(const Exchange& ex, Fields& fields) {
  fields.set("X-Gravitee-Transaction-Id", ex.transaction_id);
  fields.set("X-Gravitee-Request-Id", ex.request_id);
  if (!ex.client_identifier_header.empty()) fields.set("X-Gravitee-Client-Identifier", ex.client_identifier_header);
}

}  // namespace gantry
