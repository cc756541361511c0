#include "entrypoints/http_proxy/factory.hpp"

#include "core/json/object_reader.hpp"

namespace gantry {

namespace {

// Nothing to configure: the listener's paths and the flows decide everything.
struct HttpProxyEntrypointConfig final : PluginConfig {};

class HttpProxyEntrypointFactory final : public EntrypointFactory {
 public:
  std::string_view type() const override { return "http-proxy"; }

  const ConnectorCapabilities& capabilities() const override { return capabilities_; }

  PluginConfigPtr parse_config(const boost::json::value& configuration, const std::string& path,
                               Diagnostics& diag) const override {
    // Read so that a typo'd or newer key is reported as unknown rather than silently dropped.
    if (!configuration.is_null()) ObjectReader reader(configuration, path, diag);
    return std::make_shared<const HttpProxyEntrypointConfig>();
  }

 private:
  ConnectorCapabilities capabilities_{
      .api_types = {ApiType::proxy}, .listener_types = {ListenerType::http}, .request_response = true};
};

}  // namespace

std::unique_ptr<EntrypointFactory> make_http_proxy_entrypoint_factory() {
  return std::make_unique<HttpProxyEntrypointFactory>();
}

}  // namespace gantry
