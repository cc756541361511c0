#include "entrypoints/http_get/factory.hpp"

#include "core/json/object_reader.hpp"
#include "entrypoints/http_get/http_get_entrypoint.hpp"

namespace gantry {

namespace {

using http_get::HttpGetConfig;

class HttpGetEntrypointFactory final : public EntrypointFactory {
 public:
  std::string_view type() const override { return "http-get"; }
  const ConnectorCapabilities& capabilities() const override { return capabilities_; }

  PluginConfigPtr parse_config(const boost::json::value& configuration, const std::string& path,
                               Diagnostics& diag) const override {
    auto config = std::make_shared<HttpGetConfig>();
    if (configuration.is_null()) return config;
    ObjectReader r(configuration, path, diag);
    r.read("messagesLimitCount", config->limit_count, 1);
    std::int64_t duration = config->limit_duration.count();
    r.read("messagesLimitDurationMs", duration, 1);
    config->limit_duration = std::chrono::milliseconds(duration);
    r.read("headersInPayload", config->payload.headers_in_payload);
    r.read("metadataInPayload", config->payload.metadata_in_payload);
    return config;
  }

  std::shared_ptr<MessageEntrypoint> create_message_entrypoint(const Entrypoint& entrypoint) const override {
    return std::make_shared<http_get::HttpGetEntrypoint>(
        std::static_pointer_cast<const HttpGetConfig>(entrypoint.config));
  }

 private:
  // A batch per request: at-least-once / at-most-once hold only when the next request can resume after the last
  // message of the previous one (its cursor); `auto` lets the endpoint choose.
  ConnectorCapabilities capabilities_{.api_types = {ApiType::message},
                                      .listener_types = {ListenerType::http},
                                      .subscribe = true,
                                      .qos = {Qos::auto_, Qos::at_most_once, Qos::at_least_once},
                                      .subscribe_qos = {Qos::auto_, Qos::at_most_once, Qos::at_least_once},
                                      .qos_needing_resume = {Qos::at_most_once, Qos::at_least_once},
                                      .auto_follows_endpoint = true};
};

}  // namespace

std::unique_ptr<EntrypointFactory> make_http_get_entrypoint_factory() {
  return std::make_unique<HttpGetEntrypointFactory>();
}

}  // namespace gantry
