#include "entrypoints/http_post/factory.hpp"

#include "core/json/object_reader.hpp"
#include "entrypoints/http_post/http_post_entrypoint.hpp"

namespace gantry {

namespace {

using http_post::HttpPostConfig;

class HttpPostEntrypointFactory final : public EntrypointFactory {
 public:
  std::string_view type() const override { return "http-post"; }
  const ConnectorCapabilities& capabilities() const override { return capabilities_; }

  PluginConfigPtr parse_config(const boost::json::value& configuration, const std::string& path,
                               Diagnostics& diag) const override {
    auto config = std::make_shared<HttpPostConfig>();
    if (configuration.is_null()) return config;
    ObjectReader r(configuration, path, diag);
    r.read("requestHeadersToMessage", config->request_headers_to_message);
    return config;
  }

  std::shared_ptr<MessageEntrypoint> create_message_entrypoint(const Entrypoint& entrypoint) const override {
    return std::make_shared<http_post::HttpPostEntrypoint>(
        std::static_pointer_cast<const HttpPostConfig>(entrypoint.config));
  }

 private:
  // One request, one message: the client learns the outcome in the response, nothing is redelivered.
  ConnectorCapabilities capabilities_{.api_types = {ApiType::message},
                                      .listener_types = {ListenerType::http},
                                      .publish = true,
                                      .qos = {Qos::none, Qos::auto_},
                                      .publish_qos = {Qos::none, Qos::auto_}};
};

}  // namespace

std::unique_ptr<EntrypointFactory> make_http_post_entrypoint_factory() {
  return std::make_unique<HttpPostEntrypointFactory>();
}

}  // namespace gantry
