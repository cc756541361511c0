#include "services/http_health_check/request.hpp"

#include "endpoints/http_proxy/target_url.hpp"

namespace gantry {

HealthCheckRequest health_check_request(const HealthCheckConfig& config, const http_proxy::Target& endpoint) {
  if (config.absolute_target) {
    const auto& target = *config.absolute_target;
    return {target, http_proxy::upstream_request_target(target, "", "")};
  }
  std::string_view text = config.target;
  auto question = text.find('?');
  std::string_view path = text.substr(0, question);
  std::string_view query = question == std::string_view::npos ? std::string_view() : text.substr(question + 1);

  http_proxy::Target base = endpoint;
  if (config.override_endpoint_path) base.path.clear();
  return {endpoint, http_proxy::upstream_request_target(base, path, query)};
}

}  // namespace gantry
