#include "endpoints/http_proxy/target_url.hpp"

#include <boost/url/parse.hpp>

namespace gantry::http_proxy {

namespace {

std::string quoted_error(std::string_view text, std::string_view reason) {
  return "invalid target URL '" + std::string(text) + "': " + std::string(reason);
}

// ws/wss become http/https; grpc gets its own reason because Gravitee definitions use it with this endpoint.
std::optional<std::string> http_scheme(std::string_view scheme, std::string_view text, std::string* error) {
  std::string s;
  for (char c : scheme) s += char(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (s == "http" || s == "ws") return "http";
  if (s == "https" || s == "wss") return "https";
  if (s == "grpc" || s == "grpcs")
    *error = quoted_error(text, "gRPC backends need HTTP/2, which is not supported yet");
  else
    *error = quoted_error(text, "expected an absolute http or https URL");
  return std::nullopt;
}

}  // namespace

std::optional<Target> parse_target(std::string_view text, std::string* error) {
  std::string ignored;
  if (!error) error = &ignored;
  if (text.find("{#") != std::string_view::npos) {
    *error = quoted_error(text, "expressions in the target are not supported yet");
    return std::nullopt;
  }
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed || !parsed->has_authority() || parsed->encoded_host().empty()) {
    *error = quoted_error(text, "expected an absolute http or https URL");
    return std::nullopt;
  }
  const auto& url = *parsed;
  auto scheme = http_scheme(url.scheme(), text, error);
  if (!scheme) return std::nullopt;

  Target t;
  t.scheme = *scheme;
  t.host = url.host_address();
  t.port = t.tls() ? 443 : 80;
  if (url.has_port() && !url.port().empty()) {
    if (url.port_number() == 0) {
      *error = quoted_error(text, "the port must be between 1 and 65535");
      return std::nullopt;
    }
    t.port = url.port_number();
  }
  t.path = url.encoded_path();
  if (url.has_query()) t.query = url.encoded_query();
  return t;
}

std::string join_paths(std::string_view prefix, std::string_view suffix) {
  if (suffix.empty()) return std::string(prefix);
  if (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
  std::string out;
  out.reserve(prefix.size() + suffix.size() + 1);
  out.append(prefix);
  if (suffix.front() != '/') out += '/';
  out.append(suffix);
  return out;
}

std::string upstream_request_target(const Target& target, std::string_view remaining_path,
                                    std::string_view client_query) {
  std::string out = join_paths(target.path, remaining_path);
  if (out.empty()) out = "/";
  if (!target.query.empty() || !client_query.empty()) {
    out += '?';
    out += target.query;
    if (!target.query.empty() && !client_query.empty()) out += '&';
    out += client_query;
  }
  return out;
}

}  // namespace gantry::http_proxy
