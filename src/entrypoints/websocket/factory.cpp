#include "entrypoints/websocket/factory.hpp"

#include "core/json/object_reader.hpp"
#include "entrypoints/websocket/websocket_entrypoint.hpp"

namespace gantry {

namespace {

using websocket_entrypoint::WebSocketConfig;

void read_enabled(ObjectReader& r, std::string_view key, bool& out) {
  const auto* v = r.get(key);
  if (!v) return;
  ObjectReader side(*v, r.path_of(key), r.diag());
  side.read("enabled", out);
}

class WebSocketEntrypointFactory final : public EntrypointFactory {
 public:
  std::string_view type() const override { return "websocket"; }
  const ConnectorCapabilities& capabilities() const override { return capabilities_; }

  PluginConfigPtr parse_config(const boost::json::value& configuration, const std::string& path,
                               Diagnostics& diag) const override {
    auto config = std::make_shared<WebSocketConfig>();
    if (configuration.is_null()) return config;
    ObjectReader r(configuration, path, diag);
    read_enabled(r, "publisher", config->publisher);
    read_enabled(r, "subscriber", config->subscriber);
    if (!config->publisher && !config->subscriber)
      diag.error(path, "at least one of publisher.enabled and subscriber.enabled must be true");
    return config;
  }

  std::shared_ptr<MessageEntrypoint> create_message_entrypoint(const Entrypoint& entrypoint) const override {
    return std::make_shared<websocket_entrypoint::WebSocketEntrypoint>(
        std::static_pointer_cast<const WebSocketConfig>(entrypoint.config));
  }

 private:
  // A WebSocket has no resume position and no acknowledgement a client could send back: none and auto only.
  ConnectorCapabilities capabilities_{.api_types = {ApiType::message},
                                      .listener_types = {ListenerType::http},
                                      .publish = true,
                                      .subscribe = true,
                                      .qos = {Qos::none, Qos::auto_},
                                      .publish_qos = {Qos::none, Qos::auto_},
                                      .subscribe_qos = {Qos::none, Qos::auto_}};
};

}  // namespace

std::unique_ptr<EntrypointFactory> make_websocket_entrypoint_factory() {
  return std::make_unique<WebSocketEntrypointFactory>();
}

}  // namespace gantry
