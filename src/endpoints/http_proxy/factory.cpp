#include "endpoints/http_proxy/factory.hpp"

#include "core/json/object_reader.hpp"
#include "endpoints/http_proxy/config.hpp"
#include "endpoints/http_proxy/target_url.hpp"

namespace gantry {

namespace {

using http_proxy::EndpointConfig;

void read_target(ObjectReader& r, EndpointConfig& config) {
  auto text = r.string("target", true);
  if (!text) return;
  std::string error;
  if (auto target = http_proxy::parse_target(*text, &error)) {
    config.target = std::move(*target);
    config.target_text = std::move(*text);
  } else {
    r.diag().error(r.path_of("target"), error);
  }
}

// Gravitee reads only `target` here and silently drops the rest; saying where those keys belong saves a user
// wondering why their headers never reach the backend.
void warn_misplaced(ObjectReader& r) {
  for (std::string_view key : {"headers", "ssl", "proxy"}) {
    if (!r.get(key)) continue;
    r.diag().warning(r.path_of(key), "unknown field '" + std::string(key) +
                                         "' (it belongs in the shared configuration; ignored here)");
  }
}

class HttpProxyEndpointFactory final : public EndpointFactory {
 public:
  std::string_view type() const override { return "http-proxy"; }

  const ConnectorCapabilities& capabilities() const override {
    static const ConnectorCapabilities caps = [] {
      ConnectorCapabilities c;
      c.api_types = {ApiType::proxy};
      c.request_response = true;
      return c;
    }();
    return caps;
  }

  PluginConfigPtr parse_config(const boost::json::value& configuration, const std::string& path,
                               const boost::json::value& shared, const std::string& shared_path,
                               Diagnostics& diag) const override {
    auto config = std::make_shared<EndpointConfig>();
    http_proxy::parse_shared_configuration(shared, shared_path, *config, diag);
    if (configuration.is_null()) {
      diag.error(path, "missing required field 'target'");
      return config;
    }
    ObjectReader r(configuration, path, diag);
    read_target(r, *config);
    // Some Gravitee definitions put http options in the endpoint's own configuration: they override the shared ones.
    if (const auto* http = r.get("http")) http_proxy::parse_http_options(*http, r.path_of("http"), config->http, diag);
    warn_misplaced(r);
    return config;
  }
};

}  // namespace

std::unique_ptr<EndpointFactory> make_http_proxy_endpoint_factory() {
  return std::make_unique<HttpProxyEndpointFactory>();
}

}  // namespace gantry
