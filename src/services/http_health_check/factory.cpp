#include "services/http_health_check/factory.hpp"

#include "services/http_health_check/config.hpp"

namespace gantry {

namespace {

class HttpHealthCheckFactory final : public ServiceFactory {
 public:
  std::string_view type() const override { return "http-health-check"; }

  PluginConfigPtr parse_config(const boost::json::value& configuration, const std::string& path,
                               Diagnostics& diag) const override {
    return parse_health_check_config(configuration, path, diag);
  }
};

}  // namespace

std::unique_ptr<ServiceFactory> make_http_health_check_factory() {
  return std::make_unique<HttpHealthCheckFactory>();
}

}  // namespace gantry
