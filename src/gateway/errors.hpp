// Gateway failures as values: one enum, one error category, one switch mapping each to status, key and message.
#pragma once

#include <boost/system/error_code.hpp>

#include <string_view>
#include <system_error>

namespace gantry {

enum class GatewayErrc {
  ok = 0,
  no_route,                  // 404 no API claims the host + path
  bad_request,               // 400 malformed HTTP
  request_timeout,           // 408 client too slow sending its request
  body_too_large,            // 413
  headers_too_large,         // 431
  no_endpoint_available,     // 503 every endpoint down (health check or circuit breaker)
  upstream_refused,          // 502
  upstream_dns_failure,      // 502
  upstream_tls_failure,      // 502
  upstream_connection_closed,// 502
  upstream_connection_reset, // 502
  upstream_error,            // 502 any other connection failure
  upstream_connect_timeout,  // 504
  upstream_timeout,          // 504 no (complete) response within readTimeout / slowCallDuration
  upstream_pool_exhausted,   // 503 the connection pool and its wait queue are full: load shed, never sent
  internal_error,            // 500
  gateway_timeout,           // 504 the exchange did not reach its response within gateway.timeouts.request_ms
  // Message APIs
  no_entrypoint,             // 404 no entrypoint of the API accepts this request (method, Accept, Upgrade)
  unsupported_accept,        // 400 http-get: Accept names a type it cannot produce
  endpoint_unavailable,      // 503 the endpoint cannot serve this direction (consumer/producer disabled)
  publish_failed,            // 503 the endpoint did not accept a published message
  api_stopping,              // 503 the API is being stopped or redeployed
  endpoint_connection_failed,// 500 the endpoint could not reach its broker for a new subscription
  endpoint_configuration_invalid,// 500 the endpoint's configuration evaluated for this request does not validate
};

struct ErrorInfo {
  unsigned status;
  std::string_view key;         // Gravitee error key, used by responseTemplates
  std::string_view parent_key;  // fallback key for responseTemplates ("" = none)
  std::string_view message;
};

const ErrorInfo& describe(GatewayErrc e);

const boost::system::error_category& gateway_category();
inline boost::system::error_code make_error_code(GatewayErrc e) {
  return {static_cast<int>(e), gateway_category()};
}

// Classifies a failure talking to a backend (connect, TLS, read, write) into a gateway error.
GatewayErrc classify_upstream_error(const boost::system::error_code& ec, bool connecting);

}  // namespace gantry

namespace boost::system {
template <>
struct is_error_code_enum<gantry::GatewayErrc> : std::true_type {};
}  // namespace boost::system
