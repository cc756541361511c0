#include "endpoints/http_proxy/upstream_request.hpp"

#include "endpoints/http_proxy/target_url.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/rfc7230.hpp>

#include <array>
#include <charconv>
#include <string>
#include <vector>

namespace gantry::http_proxy {
namespace {

bool is_hop_by_hop(http::field f) {
  switch (f) {
    case http::field::connection:
    case http::field::keep_alive:
    case http::field::proxy_authenticate:
    case http::field::proxy_authorization:
    case http::field::proxy_connection:
    case http::field::te:
    case http::field::trailer:
    case http::field::transfer_encoding:
    case http::field::upgrade:
      return true;
    default:
      return false;
  }
}

// Field names listed in the Connection header ("Connection: keep-alive, X-Hop") are hop-by-hop for this hop.
std::vector<std::string> nominated_by_connection(const http::fields& fields) {
  std::vector<std::string> names;
  const auto connection = fields.find(http::field::connection);
  if (connection == fields.end()) return names;
  for (auto token : http::token_list(connection->value())) names.emplace_back(token);
  return names;
}

bool named_in(const std::vector<std::string>& names, boost::beast::string_view name) {
  for (const auto& n : names)
    if (boost::beast::iequals(n, name)) return true;
  return false;
}

// The gateway sets these itself (appending to X-Forwarded-For), so the client's copies are not passed as they are.
bool is_forwarded_field(boost::beast::string_view name) {
  return boost::beast::iequals(name, "X-Forwarded-For") || boost::beast::iequals(name, "X-Forwarded-Proto") ||
         boost::beast::iequals(name, "X-Forwarded-Host");
}

bool named_in(const Headers& headers, boost::beast::string_view name) {
  for (const auto& [n, value] : headers)
    if (boost::beast::iequals(n, name)) return true;
  return false;
}

// The address as text; IPv4 (the usual case) without inet_ntop, whose sprintf showed in the proxy's profile.
std::string address_text(const boost::asio::ip::address& address) {
  if (!address.is_v4()) return address.to_string();
  const auto bytes = address.to_v4().to_bytes();
  std::array<char, 16> text;
  char* out = text.data();
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i > 0) *out++ = '.';
    out = std::to_chars(out, text.data() + text.size(), bytes[i]).ptr;
  }
  return std::string(text.data(), out);
}

bool is_tracking_field(boost::beast::string_view name) {
  return boost::beast::iequals(name, "X-Gravitee-Transaction-Id") ||
         boost::beast::iequals(name, "X-Gravitee-Request-Id");
}

// Calls add(name, value) for each field of the request header sent to the backend, in order: the client's fields
// the backend may see, then the ones the gateway sets (each replacing the client's), the endpoint's configured
// headers (replacing either), and the tracking ids. One list for both ways of building the header below.
template <class Add>
void for_each_upstream_field(const Exchange& ex, const EndpointConfig& endpoint, bool upgrade, Add&& add) {
  const auto& in = ex.parser.get();
  const auto& configured = endpoint.headers;
  const bool gateway_sets_accept_encoding = endpoint.http.use_compression;
  const bool drop_accept_encoding = gateway_sets_accept_encoding || !endpoint.http.propagates_accept_encoding();
  const auto nominated = nominated_by_connection(in);
  for (const auto& field : in) {
    const auto name = field.name();
    const auto text = field.name_string();
    if (is_hop_by_hop(name) || named_in(nominated, text)) continue;
    if (name == http::field::host || name == http::field::expect || name == http::field::content_length) continue;
    if (name == http::field::accept_encoding && drop_accept_encoding) continue;
    if (is_forwarded_field(text) || is_tracking_field(text) || named_in(configured, text)) continue;
    add(text, field.value());
  }
  auto gateway_field = [&](boost::beast::string_view name, boost::beast::string_view value) {
    if (!named_in(configured, name)) add(name, value);
  };
  if (upgrade) {
    gateway_field("Connection", "Upgrade");
    gateway_field("Upgrade", in[http::field::upgrade]);
  } else if (!endpoint.http.keep_alive) {
    gateway_field("Connection", "close");
  }
  const auto client_host = in[http::field::host];
  if (endpoint.http.propagate_client_host && !client_host.empty()) gateway_field("Host", client_host);
  else gateway_field("Host", endpoint.target.authority());
  const auto forwarded_for = in["X-Forwarded-For"];
  const std::string client_ip = address_text(ex.remote.address());
  if (forwarded_for.empty()) gateway_field("X-Forwarded-For", client_ip);
  else gateway_field("X-Forwarded-For", std::string(forwarded_for) + ", " + client_ip);
  gateway_field("X-Forwarded-Proto", ex.client.is_tls() ? "https" : "http");
  if (!client_host.empty()) gateway_field("X-Forwarded-Host", client_host);
  // useCompression: the gateway asks for compression and decompresses (proxy_handler); otherwise the client's
  // Accept-Encoding is passed only when propagateClientAcceptEncoding says so.
  if (gateway_sets_accept_encoding) gateway_field("Accept-Encoding", "gzip, deflate");
  for (std::size_t i = 0; i < configured.size(); ++i) {
    const auto& [name, value] = configured[i];
    bool overridden = is_tracking_field(name);  // a later entry with the same name wins, as with repeated set()
    for (std::size_t j = i + 1; j < configured.size() && !overridden; ++j)
      overridden = boost::beast::iequals(configured[j].first, name);
    if (!overridden) add(name, value);
  }
  add("X-Gravitee-Transaction-Id", ex.transaction_id);
  add("X-Gravitee-Request-Id", ex.request_id);
}

}  // namespace

http::request<http::buffer_body> make_upstream_request(const Exchange& ex, const EndpointConfig& endpoint,
                                                       bool upgrade) {
  const auto& in = ex.parser.get();
  http::request<http::buffer_body> out;
  if (in.method() == http::verb::unknown) out.method_string(in.method_string());
  else out.method(in.method());
  out.target(upstream_request_target(endpoint.target, ex.remaining_path, ex.query));
  out.version(11);
  for_each_upstream_field(ex, endpoint, upgrade,
                          [&](boost::beast::string_view name, boost::beast::string_view value) { out.insert(name, value); });
  return out;
}

void serialize_upstream_head(const Exchange& ex, const EndpointConfig& endpoint, const BodyFraming& framing,
                             std::string& out) {
  const auto& in = ex.parser.get();
  out += in.method_string();
  out += ' ';
  out += upstream_request_target(endpoint.target, ex.remaining_path, ex.query);
  out += " HTTP/1.1\r\n";
  for_each_upstream_field(ex, endpoint, false, [&](boost::beast::string_view name, boost::beast::string_view value) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  });
  if (framing.chunked) {
    out += "Transfer-Encoding: chunked\r\n";
  } else if (framing.content_length) {
    std::array<char, 24> digits;
    auto [end, ec] = std::to_chars(digits.data(), digits.data() + digits.size(), *framing.content_length);
    out += "Content-Length: ";
    out.append(digits.data(), end);
    out += "\r\n";
  }
  out += "\r\n";
}

void strip_hop_by_hop(http::fields& fields) {
  // One pass over the fields: erasing by name would search the whole set once per hop-by-hop name.
  const auto nominated = nominated_by_connection(fields);
  for (auto it = fields.begin(); it != fields.end();) {
    const auto name = it->name();
    // Transfer-Encoding stays: it is how this response's body is framed (re-framed for the client as needed).
    const bool hop = (is_hop_by_hop(name) && name != http::field::transfer_encoding &&
                      name != http::field::proxy_authorization) ||
                     named_in(nominated, it->name_string());
    it = hop ? fields.erase(it) : std::next(it);
  }
}

}  // namespace gantry::http_proxy
