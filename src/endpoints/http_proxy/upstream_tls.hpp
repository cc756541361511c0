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

}  // namespace gantry::http_proxy
