#include "entrypoints/webhook/factory.hpp"

#include "core/json/object_reader.hpp"

namespace gantry {

namespace {

using webhook::WebhookConfig;

class WebhookEntrypointFactory final : public EntrypointFactory {
 public:
  std::string_view type() const override { return "webhook"; }
  const ConnectorCapabilities& capabilities() const override { return capabilities_; }

  PluginConfigPtr parse_config(const boost::json::value& configuration, const std::string& path,
                               Diagnostics& diag) const override {
    auto config = std::make_shared<WebhookConfig>();
    // A callback is one short request per message: Gravitee's webhook form keeps few connections per subscription.
    config->http.max_concurrent_connections = 5;
    if (configuration.is_null()) return config;
    ObjectReader r(configuration, path, diag);
    if (const auto* http = r.get("http")) http_proxy::parse_http_options(*http, r.path_of("http"), config->http, diag);
    if (const auto* proxy = r.get("proxy")) http_proxy::parse_proxy(*proxy, r.path_of("proxy"), config->proxy, diag);
    return config;
  }

  // No runtime per request: deliveries are driven by the stored subscriptions (gateway/webhook/dispatcher.hpp).

 private:
  // The webhook waits for the callback's answer before acknowledging, so it honours every level the endpoint does.
  ConnectorCapabilities capabilities_{
      .api_types = {ApiType::message},
      .listener_types = {ListenerType::subscription},
      .subscribe = true,
      .qos = {Qos::none, Qos::auto_, Qos::at_most_once, Qos::at_least_once},
      .subscribe_qos = {Qos::none, Qos::auto_, Qos::at_most_once, Qos::at_least_once}};
};

}  // namespace

std::unique_ptr<EntrypointFactory> make_webhook_entrypoint_factory() {
  return std::make_unique<WebhookEntrypointFactory>();
}

}  // namespace gantry
