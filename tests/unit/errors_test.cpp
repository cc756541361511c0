#include "gateway/errors.hpp"

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <gtest/gtest.h>

namespace gantry {
namespace {

TEST(ErrorsTest, BackendFailuresMapToGraviteeKeysAndStatuses) {
  namespace error = boost::asio::error;
  EXPECT_EQ(classify_upstream_error(error::connection_refused, true), GatewayErrc::upstream_refused);
  EXPECT_EQ(describe(GatewayErrc::upstream_refused).status, 502u);
  EXPECT_EQ(describe(GatewayErrc::upstream_refused).key, "GATEWAY_CLIENT_CONNECTION_REFUSED");
  EXPECT_EQ(describe(GatewayErrc::upstream_refused).parent_key, "GATEWAY_CLIENT_CONNECTION_ERROR");
  EXPECT_EQ(classify_upstream_error(boost::beast::error::timeout, true), GatewayErrc::upstream_connect_timeout);
  EXPECT_EQ(classify_upstream_error(boost::beast::error::timeout, false), GatewayErrc::upstream_timeout);
  EXPECT_EQ(describe(GatewayErrc::upstream_timeout).status, 504u);
  EXPECT_EQ(describe(GatewayErrc::upstream_timeout).key, "GATEWAY_CLIENT_READ_TIMEOUT");
  EXPECT_EQ(describe(GatewayErrc::upstream_timeout).parent_key, "REQUEST_TIMEOUT");
  EXPECT_EQ(describe(GatewayErrc::upstream_pool_exhausted).status, 503u);
  EXPECT_EQ(classify_upstream_error(error::host_not_found, true), GatewayErrc::upstream_dns_failure);
  EXPECT_EQ(classify_upstream_error(error::eof, false), GatewayErrc::upstream_connection_closed);
  EXPECT_EQ(classify_upstream_error(make_error_code(GatewayErrc::no_endpoint_available), false),
            GatewayErrc::no_endpoint_available);
}

TEST(ErrorsTest, ClientErrorsHaveTheirStatus) {
  EXPECT_EQ(describe(GatewayErrc::no_route).status, 404u);
  EXPECT_EQ(describe(GatewayErrc::no_route).message, "No context-path matches the request URI.");
  EXPECT_EQ(describe(GatewayErrc::headers_too_large).status, 431u);
  EXPECT_EQ(describe(GatewayErrc::body_too_large).status, 413u);
  EXPECT_EQ(describe(GatewayErrc::request_timeout).status, 408u);
  EXPECT_EQ(describe(GatewayErrc::bad_request).status, 400u);
  EXPECT_EQ(make_error_code(GatewayErrc::no_endpoint_available).message(), "No endpoint available");
}

TEST(ErrorsTest, GatewayTimeoutAndEndpointConnectionFailureAreGravitees) {
  EXPECT_EQ(describe(GatewayErrc::gateway_timeout).status, 504u);
  EXPECT_EQ(describe(GatewayErrc::gateway_timeout).key, "REQUEST_TIMEOUT");
  EXPECT_EQ(describe(GatewayErrc::gateway_timeout).message, "Request timeout");
  EXPECT_EQ(describe(GatewayErrc::endpoint_connection_failed).status, 500u);
  EXPECT_EQ(describe(GatewayErrc::endpoint_connection_failed).key, "FAILURE_ENDPOINT_CONNECTION_FAILED");
  EXPECT_EQ(describe(GatewayErrc::endpoint_connection_failed).message, "Endpoint connection failed");
}

TEST(ErrorsTest, AnInvalidDynamicConfigurationIsGravitees) {
  EXPECT_EQ(describe(GatewayErrc::endpoint_configuration_invalid).status, 500u);
  EXPECT_EQ(describe(GatewayErrc::endpoint_configuration_invalid).key, "FAILURE_CONFIGURATION_INVALID");
  EXPECT_EQ(describe(GatewayErrc::endpoint_configuration_invalid).message, "Invalid configuration");
}

}  // namespace
}  // namespace gantry
