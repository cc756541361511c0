// Endpoint-group and endpoint services ({enabled, type, overrideConfiguration, configuration}), e.g. health checks.
#include "core/definition/parse_context.hpp"

#include <boost/json.hpp>

namespace gantry::definition {

std::optional<ServiceConfig> parse_service(const boost::json::value& value, const std::string& path,
                                           const ServiceConfig* inherited, ParseContext& ctx) {
  ObjectReader r(value, path, ctx.diag);
  if (!r.valid()) return std::nullopt;
  ServiceConfig out;
  r.read("enabled", out.enabled);
  r.read("overrideConfiguration", out.override_configuration);
  const auto* configuration = r.get("configuration");
  if (configuration) out.configuration = *configuration;
  // Gravitee's rule: an endpoint's service uses its group's configuration unless it says it overrides it.
  if (inherited && !out.override_configuration) {
    out.type = r.string("type").value_or(inherited->type);
    out.configuration = inherited->configuration;
    out.config = inherited->config;
    return out;
  }
  // A disabled service may be a leftover naming a plugin this gateway lacks; it does nothing, so it is not an error.
  auto type = r.string("type", out.enabled);
  if (!type) return out;
  out.type = *type;
  if (!out.enabled) return out;
  const auto* factory = ctx.registry.service(*type);
  if (!factory) {
    ctx.diag.error(r.path_of("type"), unknown_name_message("service type", *type, ctx.registry.service_types()));
    return out;
  }
  static const boost::json::value null_value;
  out.config = factory->parse_config(configuration ? *configuration : null_value, r.path_of("configuration"), ctx.diag);
  return out;
}

}  // namespace gantry::definition
