// Runs an endpoint's http-health-check on its cron schedule and feeds each result to the endpoint's HealthTracker.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string>

namespace gantry::http_proxy {

class ProxyApi;
class EndpointRuntime;

// Loops until the API is retired (the weak pointer expires). `endpoint` belongs to that API.
boost::asio::awaitable<void> run_health_checks(std::weak_ptr<ProxyApi> api, EndpointRuntime* endpoint,
                                               std::string api_id);

// One probe: true when the backend answered and the assertion holds.
boost::asio::awaitable<bool> probe_once(EndpointRuntime& endpoint);

}  // namespace gantry::http_proxy
