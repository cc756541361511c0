#include "gateway/errors.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include <string>

namespace gantry {

const ErrorInfo& describe(GatewayErrc e) {
  // Keys and messages follow Gravitee's (ConnectionFailureClassifier) so response templates written for it apply.
  static const ErrorInfo no_route{404, "", "", "No context-path matches the request URI."};
  static const ErrorInfo bad_request{400, "GATEWAY_INVALID_REQUEST", "", "Malformed HTTP request"};
  static const ErrorInfo request_timeout{408, "CLIENT_REQUEST_TIMEOUT", "", "The request was not received in time"};
  static const ErrorInfo body_too_large{413, "REQUEST_BODY_TOO_LARGE", "", "Request body too large"};
  static const ErrorInfo headers_too_large{431, "REQUEST_HEADERS_TOO_LARGE", "", "Request header fields too large"};
  static const ErrorInfo no_endpoint{503, "NO_ENDPOINT_FOUND", "", "No endpoint available"};
  static const ErrorInfo refused{502, "GATEWAY_CLIENT_CONNECTION_REFUSED", "GATEWAY_CLIENT_CONNECTION_ERROR",
                                 "The upstream refused the connection"};
  static const ErrorInfo dns{502, "GATEWAY_CLIENT_DNS_RESOLUTION_ERROR", "GATEWAY_CLIENT_CONNECTION_ERROR",
                             "Unable to resolve the upstream host"};
  static const ErrorInfo tls{502, "GATEWAY_CLIENT_TLS_HANDSHAKE_ERROR", "GATEWAY_CLIENT_CONNECTION_ERROR",
                             "TLS handshake with the upstream failed"};
  static const ErrorInfo closed{502, "GATEWAY_CLIENT_CONNECTION_CLOSED", "GATEWAY_CLIENT_CONNECTION_ERROR",
                                "The upstream closed the connection unexpectedly"};
  static const ErrorInfo reset{502, "GATEWAY_CLIENT_CONNECTION_RESET", "GATEWAY_CLIENT_CONNECTION_ERROR",
                               "The upstream reset the connection"};
  static const ErrorInfo upstream{502, "GATEWAY_CLIENT_CONNECTION_ERROR", "", "Bad gateway"};
  static const ErrorInfo connect_timeout{504, "GATEWAY_CLIENT_CONNECT_TIMEOUT", "REQUEST_TIMEOUT",
                                         "Timed out while establishing a connection to the upstream"};
  static const ErrorInfo timeout{504, "GATEWAY_CLIENT_READ_TIMEOUT", "REQUEST_TIMEOUT", "Request timeout"};
  static const ErrorInfo pool_exhausted{503, "GATEWAY_CLIENT_CONNECTION_POOL_EXHAUSTED", "",
                                        "The connection pool to the upstream is exhausted"};
  static const ErrorInfo gateway_timeout{504, "REQUEST_TIMEOUT", "", "Request timeout"};
  static const ErrorInfo internal{500, "GATEWAY_INTERNAL_ERROR", "", "Internal Server Error"};
  static const ErrorInfo no_entrypoint{404, "NO_ENTRYPOINT_FOUND", "", "No entrypoint matches the incoming request"};
  static const ErrorInfo unsupported_accept{400, "UNSUPPORTED_ACCEPT_HEADER", "", "Unsupported accept header"};
  static const ErrorInfo endpoint_unavailable{503, "ENDPOINT_UNAVAILABLE", "",
                                              "The endpoint cannot serve this request"};
  static const ErrorInfo publish_failed{503, "MESSAGE_PUBLISH_FAILED", "", "The message could not be published"};
  static const ErrorInfo api_stopping{503, "API_STOPPING", "", "The API is being stopped, please retry"};
  static const ErrorInfo connection_failed{500, "FAILURE_ENDPOINT_CONNECTION_FAILED", "",
                                           "Endpoint connection failed"};
  static const ErrorInfo configuration_invalid{500, "FAILURE_CONFIGURATION_INVALID", "", "Invalid configuration"};
  switch (e) {
    case GatewayErrc::ok:
    case GatewayErrc::internal_error: return internal;
    case GatewayErrc::gateway_timeout: return gateway_timeout;
    case GatewayErrc::no_route: return no_route;
    case GatewayErrc::bad_request: return bad_request;
    case GatewayErrc::request_timeout: return request_timeout;
    case GatewayErrc::body_too_large: return body_too_large;
    case GatewayErrc::headers_too_large: return headers_too_large;
    case GatewayErrc::no_endpoint_available: return no_endpoint;
    case GatewayErrc::upstream_refused: return refused;
    case GatewayErrc::upstream_dns_failure: return dns;
    case GatewayErrc::upstream_tls_failure: return tls;
    case GatewayErrc::upstream_connection_closed: return closed;
    case GatewayErrc::upstream_connection_reset: return reset;
    case GatewayErrc::upstream_error: return upstream;
    case GatewayErrc::upstream_connect_timeout: return connect_timeout;
    case GatewayErrc::upstream_timeout: return timeout;
    case GatewayErrc::upstream_pool_exhausted: return pool_exhausted;
    case GatewayErrc::no_entrypoint: return no_entrypoint;
    case GatewayErrc::unsupported_accept: return unsupported_accept;
    case GatewayErrc::endpoint_unavailable: return endpoint_unavailable;
    case GatewayErrc::publish_failed: return publish_failed;
    case GatewayErrc::api_stopping: return api_stopping;
    case GatewayErrc::endpoint_connection_failed: return connection_failed;
    case GatewayErrc::endpoint_configuration_invalid: return configuration_invalid;
  }
  return internal;
}

namespace {
class Category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "gantry.gateway"; }
  std::string message(int ev) const override { return std::string(describe(static_cast<GatewayErrc>(ev)).message); }
};
}  // namespace

const boost::system::error_category& gateway_category() {
  static const Category category;
  return category;
}

GatewayErrc classify_upstream_error(const boost::system::error_code& ec, bool connecting) {
  namespace error = boost::asio::error;
  if (ec.category() == gateway_category()) return static_cast<GatewayErrc>(ec.value());
  if (ec == boost::beast::error::timeout) {
    return connecting ? GatewayErrc::upstream_connect_timeout : GatewayErrc::upstream_timeout;
  }
  if (ec == error::connection_refused) return GatewayErrc::upstream_refused;
  if (ec == error::host_not_found || ec == error::host_not_found_try_again || ec == error::no_data ||
      ec == error::no_recovery)
    return GatewayErrc::upstream_dns_failure;
  if (ec.category() == boost::asio::error::get_ssl_category() || ec == boost::asio::ssl::error::stream_truncated)
    return GatewayErrc::upstream_tls_failure;
  if (ec == error::connection_reset) return GatewayErrc::upstream_connection_reset;
  if (ec == error::eof || ec == boost::beast::http::error::end_of_stream || ec == boost::beast::http::error::partial_message)
    return GatewayErrc::upstream_connection_closed;
  return GatewayErrc::upstream_error;
}

}  // namespace gantry
