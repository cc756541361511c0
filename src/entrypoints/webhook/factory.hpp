// The "webhook" entrypoint factory: a subscription listener whose messages the gateway POSTs to each accepted
// subscription's callback URL (delivery: gateway/webhook/).
#pragma once

#include "core/registry/registry.hpp"
#include "endpoints/http_proxy/config.hpp"

#include <memory>

namespace gantry {

namespace webhook {

// The entrypoint's own configuration (Gravitee's shape): the HTTP client options used for every callback.
struct WebhookConfig final : PluginConfig {
  http_proxy::HttpOptions http;
  http_proxy::ProxyOptions proxy;
};

}  // namespace webhook

std::unique_ptr<EntrypointFactory> make_webhook_entrypoint_factory();

}  // namespace gantry
