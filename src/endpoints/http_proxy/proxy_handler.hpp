// Serves one exchange of a proxy API: picks an endpoint, relays request and response bodies as streams, and
// fails over to another endpoint when the API's failover settings allow it.
#pragma once

#include "gateway/exchange.hpp"

#include <boost/asio/awaitable.hpp>

namespace gantry::http_proxy {

class ProxyApi;

boost::asio::awaitable<void> handle_proxy(ProxyApi& api, Exchange& ex);

// WebSocket (or any Upgrade) pass-through: after the backend's 101, bytes flow both ways untouched.
boost::asio::awaitable<void> tunnel_upgrade(ProxyApi& api, Exchange& ex);

}  // namespace gantry::http_proxy
