#include "endpoints/http_proxy/response_relay.hpp"

#include "endpoints/http_proxy/body_relay.hpp"
#include "endpoints/http_proxy/response_content.hpp"
#include "endpoints/http_proxy/target_url.hpp"
#include "endpoints/http_proxy/upstream_request.hpp"
#include "endpoints/http_proxy/upstream_tls.hpp"
#include "gateway/flows/flow_run.hpp"
#include "net/http_head.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

namespace gantry::http_proxy {
namespace asio = boost::asio;
using boost::system::error_code;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

asio::awaitable<error_code> read_response_header(UpstreamConnection& up, ResponseParser& rp, bool head,
                                                 std::chrono::milliseconds timeout) {
  rp.body_limit(boost::none);
  rp.header_limit(64 * 1024);
  rp.skip(head);
  up.stream.tcp().expires_after(timeout);  // one deadline for the whole header, however many reads it takes
  // Reads and parses in place rather than through http::async_read_header: its layers of composed operations,
  // and the post with which it completes, cost more than parsing the header itself (callgrind, bench/proxy).
  // The errors are Beast's: end_of_stream when the backend closed before answering, partial_message within it.
  for (;;) {
    if (up.buffer.size() > 0) {
      error_code ec;
      up.buffer.consume(rp.put(up.buffer.data(), ec));
      if (ec && ec != http::error::need_more) co_return ec;
      if (rp.is_header_done()) co_return error_code{};
    }
    const std::size_t room = std::max<std::size_t>(512, up.buffer.capacity() - up.buffer.size());
    auto [ec, n] = co_await up.stream.async_read_some(up.buffer.prepare(room), use_tuple);
    up.buffer.commit(n);
    if (ec == asio::error::eof) {
      if (!rp.got_some()) co_return http::error::end_of_stream;
      error_code eof_ec;
      rp.put_eof(eof_ec);
      co_return eof_ec ? eof_ec : error_code(http::error::partial_message);
    }
    if (ec) co_return ec;
  }
}

namespace {

// The end of forward_response for a body the flows held (and may have rewritten).
asio::awaitable<GatewayErrc> forward_held(Exchange& ex, http::response<http::buffer_body>& res, std::string& body,
                                          bool backend_keeps_alive, bool& upstream_reusable) {
  const bool client_keeps_alive = ex.keep_alive && ex.parser.get().keep_alive() && !ex.draining();
  res.keep_alive(client_keeps_alive);
  ex.keep_alive = client_keeps_alive;
  ex.status = res.result_int();
  const auto ec = co_await write_held_response(ex, res, body);
  if (ec) ex.keep_alive = false;
  upstream_reusable = backend_keeps_alive;
  co_return GatewayErrc::ok;
}

}  // namespace

asio::awaitable<GatewayErrc> forward_response(UpstreamConnection& up, ResponseParser& rp, Exchange& ex,
                                              const EndpointConfig& config, bool& upstream_reusable) {
  auto& res = rp.get();
  const bool backend_keeps_alive = rp.keep_alive() && !rp.need_eof();
  strip_hop_by_hop(res.base());
  add_tracking_headers(ex, res);
  if (ex.flows) {  // the response phase of the API's flows, on the header; a policy may answer instead
    unsigned phase_status = res.result_int();
    const bool hold = ex.flows->needs_response_content() && !ex.head() && phase_status >= 200 &&
                      phase_status != 204 && phase_status != 304;
    std::string held;
    if (hold) {
      const auto ec = co_await read_response_content(up, rp, held, max_buffered_content, config.http.read_timeout,
                                                     ex.scratch);
      if (ec) {
        upstream_reusable = false;
        co_return ec == http::error::body_limit ? GatewayErrc::upstream_error : classify_upstream_error(ec, false);
      }
    }
    std::string* content = hold ? &held : nullptr;
    auto replaced = co_await ex.flows->response_phase(res.base(), phase_status, content);
    if (replaced) {
      upstream_reusable = hold && backend_keeps_alive;
      co_await write_direct_response(ex, *replaced);
      co_return GatewayErrc::ok;
    }
    res.result(phase_status);
    if (hold) co_return co_await forward_held(ex, res, held, backend_keeps_alive, upstream_reusable);
  }
  bool client_keeps_alive = ex.keep_alive && ex.parser.get().keep_alive() && !ex.draining();
  const unsigned status = res.result_int();
  const bool may_have_body = !ex.head() && status >= 200 && status != 204 && status != 304;
  std::unique_ptr<Inflater> inflater;
  if (may_have_body && config.http.use_compression)
    inflater = Inflater::make(res[http::field::content_encoding]);
  if (inflater) {  // the client gets the body decompressed, so its length is unknown until the end
    res.erase(http::field::content_encoding);
    res.erase(http::field::content_length);
    res.chunked(false);
  }
  if (may_have_body && !res.has_content_length() && !res.chunked()) {
    // The backend ends its body by closing, or it is being decompressed: frame it for the client.
    if (ex.parser.get().version() >= 11) res.chunked(true);
    else client_keeps_alive = false;
  }
  res.keep_alive(client_keeps_alive);
  ex.keep_alive = client_keeps_alive;
  ex.status = status;

  std::string head;
  head.reserve(512);
  net::serialize_head(res.base(), head);
  BodyWriter writer(ex.client, std::move(head), res.chunked(), ex.config.keepalive_idle_timeout);
  if (!may_have_body) {
    ex.response_started = true;
    const auto ec = co_await writer.write(nullptr, 0, true);
    if (ec) ex.keep_alive = false;  // the client left
    upstream_reusable = !ec && backend_keeps_alive && rp.is_done();
    co_return GatewayErrc::ok;
  }
  // The header goes out together with the first piece of body: one write instead of two for most responses.
  auto relayed = co_await relay_body(up.stream, up.buffer, rp, writer, config.http.read_timeout, ex.scratch,
                                     inflater.get());
  ex.bytes_out += relayed.bytes;
  if (relayed.read_error && !writer.head_written()) co_return classify_upstream_error(relayed.read_error, false);
  ex.response_started = true;
  if (relayed.read_error || relayed.write_error) {
    ex.keep_alive = false;  // a truncated response can only be signalled by closing
    co_return GatewayErrc::ok;
  }
  upstream_reusable = backend_keeps_alive;
  co_return GatewayErrc::ok;
}

std::string redirect_to_follow(const EndpointConfig& config, const Exchange& ex,
                               const http::response_header<>& response) {
  if (!config.http.follow_redirects) return {};
  const auto status = response.result();
  const bool redirect = status == http::status::moved_permanently || status == http::status::found ||
                        status == http::status::see_other || status == http::status::temporary_redirect ||
                        status == http::status::permanent_redirect;
  if (!redirect) return {};
  const auto method = ex.parser.get().method();
  const bool replayable = method == http::verb::get || method == http::verb::head;
  if (!replayable && status != http::status::see_other) return {};
  return std::string(response[http::field::location]);
}

namespace {

constexpr int max_redirects = 5;

// Where a Location points, resolved against the URL that answered (RFC 3986: "/x", "x", "../x", "//host/x" or
// absolute), as an endpoint to connect to with the same options.
std::optional<EndpointConfig> redirect_target(const EndpointConfig& from, const std::string& location) {
  const auto& t = from.target;
  std::string base_text = t.scheme + "://" + t.authority() + (t.path.empty() ? "/" : t.path);
  if (!t.query.empty()) base_text += "?" + t.query;
  auto base = boost::urls::parse_uri(base_text);
  auto ref = boost::urls::parse_uri_reference(location);
  if (!base || !ref) return std::nullopt;
  boost::urls::url resolved(*base);
  if (!resolved.resolve(*ref)) return std::nullopt;
  resolved.remove_fragment();
  std::string error;
  auto target = parse_target(resolved.buffer(), &error);
  if (!target) return std::nullopt;
  EndpointConfig next = from;
  next.target = *target;
  return next;
}

}  // namespace

asio::awaitable<GatewayErrc> follow_redirects(Exchange& ex, const EndpointConfig& config, std::string location,
                                              http::status status, std::chrono::milliseconds timeout) {
  std::optional<EndpointConfig> current;
  for (int hop = 0; hop < max_redirects; ++hop) {
    current = redirect_target(current ? *current : config, location);
    if (!current) co_return GatewayErrc::upstream_error;
    auto* tls = current->target.tls() ? &system_trust_tls() : nullptr;
    auto [ec, up] = co_await connect_upstream(*current, tls, std::nullopt);
    if (ec) co_return classify_upstream_error(ec, true);

    auto req = make_upstream_request(ex, *current);
    req.target(upstream_request_target(current->target, "", ""));
    if (status == http::status::see_other && !ex.head()) req.method(http::verb::get);
    req.body().data = nullptr;
    req.body().more = false;
    up->stream.tcp().expires_after(current->http.read_timeout);
    std::tie(ec, std::ignore) = co_await http::async_write(up->stream, req, use_tuple);
    if (ec) co_return classify_upstream_error(ec, false);

    ResponseParser rp;
    if (auto rec = co_await read_response_header(*up, rp, ex.head(), timeout)) co_return classify_upstream_error(rec, false);
    location = redirect_to_follow(*current, ex, rp.get());
    status = rp.get().result();
    if (location.empty() || hop + 1 == max_redirects) {
      bool reusable = false;
      co_return co_await forward_response(*up, rp, ex, *current, reusable);
    }
  }
  co_return GatewayErrc::upstream_error;
}

}  // namespace gantry::http_proxy
