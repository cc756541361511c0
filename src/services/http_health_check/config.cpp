#include "services/http_health_check/config.hpp"

#include "core/json/diagnostics.hpp"
#include "core/json/object_reader.hpp"
#include "endpoints/http_proxy/target_url.hpp"

#include <algorithm>
#include <cctype>

namespace gantry {

namespace {

// "http://...", "https://..." and the like: Gravitee treats any "<scheme>://" target as a complete URL.
bool has_scheme(std::string_view target) {
  auto colon = target.find("://");
  if (colon == std::string_view::npos || colon == 0 || !std::isalpha(static_cast<unsigned char>(target[0])))
    return false;
  return std::all_of(target.begin(), target.begin() + long(colon), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
  });
}

void read_target(ObjectReader& r, HealthCheckConfig& config) {
  auto target = r.string("target", true);
  if (!target) return;
  auto path = r.path_of("target");
  if (has_scheme(*target)) {
    std::string error;
    if (auto parsed = http_proxy::parse_target(*target, &error)) config.absolute_target = std::move(*parsed);
    else r.diag().error(path, error);
  } else if (target->find("{#") != std::string::npos) {
    r.diag().error(path, "invalid target '" + *target + "': expressions in the target are not supported yet");
  } else if (target->empty() || target->find_first_of(" \t\r\n") != std::string::npos) {
    r.diag().error(path, "invalid target '" + *target +
                             "': expected a path such as '/health' or an absolute http or https URL");
  }
  config.target = std::move(*target);
}

void read_schedule(ObjectReader& r, HealthCheckConfig& config) {
  auto schedule = r.string("schedule", true);
  if (!schedule) return;
  std::string error;
  if (auto parsed = CronSchedule::parse(*schedule, &error)) config.schedule = std::move(*parsed);
  else r.diag().error(r.path_of("schedule"), error);
}

void read_method(ObjectReader& r, HealthCheckConfig& config) {
  static const std::vector<std::string> known = {"CONNECT", "DELETE", "GET",  "HEAD", "OPTIONS",
                                                 "PATCH",   "POST",   "PUT", "TRACE"};
  auto method = r.string("method");
  if (!method) return;
  if (std::find(known.begin(), known.end(), *method) == known.end())
    r.diag().error(r.path_of("method"), unknown_name_message("HTTP method", *method, known));
  else
    config.method = std::move(*method);
}

void read_assertion(ObjectReader& r, HealthCheckConfig& config) {
  auto text = r.string("assertion");
  if (!text || text->empty()) return;  // absent or empty: Gravitee's default, status 200
  std::string error;
  if (auto assertion = StatusAssertion::parse(*text, &error)) config.assertion = *assertion;
  else r.diag().error(r.path_of("assertion"), error);
}

}  // namespace

std::shared_ptr<const HealthCheckConfig> parse_health_check_config(const boost::json::value& configuration,
                                                                   const std::string& path, Diagnostics& diag) {
  auto config = std::make_shared<HealthCheckConfig>();
  if (configuration.is_null()) {
    diag.error(path, "missing required fields 'schedule' and 'target'");
    return config;
  }
  ObjectReader r(configuration, path, diag);
  if (!r.valid()) return config;
  read_schedule(r, *config);
  read_target(r, *config);
  read_method(r, *config);
  if (auto override_path = r.boolean("overrideEndpointPath")) config->override_endpoint_path = *override_path;
  if (const auto* headers = r.get("headers"))
    config->headers = http_proxy::parse_headers(*headers, r.path_of("headers"), diag);
  if (auto body = r.string("body")) config->body = std::move(*body);
  read_assertion(r, *config);
  r.read("successThreshold", config->success_threshold, 1);
  r.read("failureThreshold", config->failure_threshold, 1);
  return config;
}

}  // namespace gantry
