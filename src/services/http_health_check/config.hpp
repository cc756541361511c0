// The "http-health-check" service's configuration (Gravitee's shape), parsed and validated once at deploy time.
#pragma once

#include "core/definition/model.hpp"
#include "endpoints/http_proxy/config.hpp"
#include "services/http_health_check/assertion.hpp"
#include "services/http_health_check/cron.hpp"

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gantry {

class Diagnostics;

struct HealthCheckConfig final : PluginConfig {
  CronSchedule schedule;
  std::string method = "GET";
  // As written: a path ("/health", appended to the endpoint's path unless override_endpoint_path) or an
  // absolute URL (then used as is, whatever the endpoint).
  std::string target;
  std::optional<http_proxy::Target> absolute_target;  // set when `target` is an absolute URL
  bool override_endpoint_path = true;  // Gravitee's form default (its Java class alone would say false)
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  StatusAssertion assertion;  // default "{#response.status == 200}"
  int success_threshold = 2;
  int failure_threshold = 2;
};

// Problems go to `diag` under `path`; the result is usable only when no error was reported.
std::shared_ptr<const HealthCheckConfig> parse_health_check_config(const boost::json::value& configuration,
                                                                   const std::string& path, Diagnostics& diag);

}  // namespace gantry
