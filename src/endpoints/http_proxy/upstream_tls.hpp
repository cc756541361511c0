// Builds the TLS client context for an https endpoint from its `ssl` options (PEM trust store, client certificate).
#pragma once

#include "core/json/diagnostics.hpp"
#include "endpoints/http_proxy/config.hpp"

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

namespace gantry::http_proxy {

// Null with an error under `path` (the endpoint's ssl options) when a store cannot be read or parsed.
std::unique_ptr<boost::asio::ssl::context> make_client_tls(const SslOptions& ssl, const std::string& path,
                                                           Diagnostics& diag);

// A client context trusting the system's CAs, for https hops the endpoint's own options do not cover
// (redirects to another server, absolute health-check URLs on a plain-http endpoint).
boost::asio::ssl::context& system_trust_tls();

}  // namespace gantry::http_proxy
