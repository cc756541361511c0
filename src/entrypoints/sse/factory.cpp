#include "entrypoints/sse/factory.hpp"

#include "core/json/object_reader.hpp"
#include "entrypoints/sse/sse_entrypoint.hpp"

namespace gantry {

namespace {

using sse::SseConfig;

class SseEntrypointFactory final : public EntrypointFactory {
 public:
  std::string_view type() const override { return "sse"; }
  const ConnectorCapabilities& capabilities() const override { return capabilities_; }

  PluginConfigPtr parse_config(const boost::json::value& configuration, const std::string& path,
                               Diagnostics& diag) const override {
    auto config = std::make_shared<SseConfig>();
    if (configuration.is_null()) return config;
    ObjectReader r(configuration, path, diag);
    std::int64_t heartbeat = config->heartbeat.count();
    r.read("heartbeatIntervalInMs", heartbeat, 2000);
    config->heartbeat = std::chrono::milliseconds(heartbeat);
    r.read("metadataAsComment", config->frames.metadata_as_comment);
    r.read("headersAsComment", config->frames.headers_as_comment);
    return config;
  }

  std::shared_ptr<MessageEntrypoint> create_message_entrypoint(const Entrypoint& entrypoint) const override {
    return std::make_shared<sse::SseEntrypoint>(std::static_pointer_cast<const SseConfig>(entrypoint.config));
  }

 private:
  ConnectorCapabilities capabilities_{
      .api_types = {ApiType::message},
      .listener_types = {ListenerType::http},
      .subscribe = true,
      .qos = {Qos::none, Qos::auto_, Qos::at_most_once, Qos::at_least_once},
      .resumable = true,
      .subscribe_qos = {Qos::none, Qos::auto_, Qos::at_most_once, Qos::at_least_once}};
};

}  // namespace

std::unique_ptr<EntrypointFactory> make_sse_entrypoint_factory() { return std::make_unique<SseEntrypointFactory>(); }

}  // namespace gantry
