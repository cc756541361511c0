#include "endpoints/http_proxy/upstream_request.hpp"

#include "endpoints/http_proxy/target_url.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/rfc7230.hpp>

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
  for (auto token : http::token_list(fields[http::field::connection])) names.emplace_back(token);
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

}  // namespace

http::request<http::buffer_body> make_upstream_request(const Exchange& ex, const EndpointConfig& endpoint,
                                                       bool upgrade) {
  const auto& in = ex.parser.get();
  http::request<http::buffer_body> out;
  if (in.method() == http::verb::unknown) out.method_string(in.method_string());
  else out.method(in.method());
  out.target(upstream_request_target(endpoint.target, ex.remaining_path, ex.query));
  out.version(11);

  const auto nominated = nominated_by_connection(in);
  for (const auto& field : in) {
    const auto name = field.name();
    if (is_hop_by_hop(name) || named_in(nominated, field.name_string())) continue;
    if (name == http::field::host || name == http::field::expect || name == http::field::content_length) continue;
    if (is_forwarded_field(field.name_string())) continue;
    if (name == http::field::unknown) out.insert(field.name_string(), field.value());
    else out.insert(name, field.value());
  }
  if (upgrade) {
    out.set(http::field::connection, "Upgrade");
    out.set(http::field::upgrade, in[http::field::upgrade]);
  } else if (!endpoint.http.keep_alive) {
    out.set(http::field::connection, "close");
  }

  const auto client_host = in[http::field::host];
  out.set(http::field::host, endpoint.http.propagate_client_host && !client_host.empty()
                                 ? std::string(client_host)
                                 : endpoint.target.authority());
  std::string forwarded_for(in["X-Forwarded-For"]);
  const std::string client_ip = ex.remote.address().to_string();
  out.set("X-Forwarded-For", forwarded_for.empty() ? client_ip : forwarded_for + ", " + client_ip);
  out.set("X-Forwarded-Proto", ex.client.is_tls() ? "https" : "http");
  if (!client_host.empty()) out.set("X-Forwarded-Host", client_host);
  // useCompression: the gateway asks for compression and decompresses (proxy_handler); otherwise the client's
  // Accept-Encoding is passed only when propagateClientAcceptEncoding says so.
  if (endpoint.http.use_compression) out.set(http::field::accept_encoding, "gzip, deflate");
  else if (!endpoint.http.propagates_accept_encoding()) out.erase(http::field::accept_encoding);
  for (const auto& [name, value] : endpoint.headers) out.set(name, value);
  out.set("X-Gravitee-Transaction-Id", ex.transaction_id);
  out.set("X-Gravitee-Request-Id", ex.request_id);
  return out;
}

void strip_hop_by_hop(http::fields& fields) {
  for (const auto& name : nominated_by_connection(fields)) fields.erase(name);
  for (auto f : {http::field::connection, http::field::keep_alive, http::field::proxy_authenticate,
                 http::field::proxy_connection, http::field::te, http::field::trailer, http::field::upgrade})
    fields.erase(f);
}

}  // namespace gantry::http_proxy
