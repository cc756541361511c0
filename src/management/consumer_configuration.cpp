#include "management/consumer_configuration.hpp"

#include "core/json/diagnostics.hpp"
#include "entrypoints/webhook/subscription_config.hpp"
#include "management/api_error.hpp"
#include "management/json_body.hpp"

#include <boost/json.hpp>

namespace gantry::management {

namespace json = boost::json;

namespace {

// Does the API deliver through a webhook entrypoint? Then every subscription must say where to call back.
bool has_webhook_entrypoint(const std::string& definition) {
  boost::system::error_code ec;
  const auto v = json::parse(definition, ec);
  const auto* listeners = !ec && v.is_object() ? v.get_object().if_contains("listeners") : nullptr;
  if (!listeners || !listeners->is_array()) return false;
  for (const auto& listener : listeners->get_array()) {
    const auto* entrypoints = listener.is_object() ? listener.get_object().if_contains("entrypoints") : nullptr;
    if (!entrypoints || !entrypoints->is_array()) continue;
    for (const auto& entrypoint : entrypoints->get_array()) {
      const auto* type = entrypoint.is_object() ? entrypoint.get_object().if_contains("type") : nullptr;
      if (type && type->is_string() && type->get_string() == "webhook") return true;
    }
  }
  return false;
}

}  // namespace

// consumerConfiguration as stored: validated with the webhook entrypoint's own reader when the API has one.
std::string consumer_configuration(const json::object& body, const std::string& api_definition) {
  const auto* config = object_field(body, "consumerConfiguration");
  if (!has_webhook_entrypoint(api_definition)) return config ? json::serialize(*config) : "{}";
  const auto invalid = [](std::vector<ErrorDetail> details) {
    return bad_request("Invalid request body", "request.body.invalid", std::move(details));
  };
  if (!config) throw invalid({{"$", "missing required field 'consumerConfiguration' (the API delivers by webhook)"}});
  const auto* entrypoint_config = config->if_contains("entrypointConfiguration");
  if (!entrypoint_config || entrypoint_config->is_null())
    throw invalid({{"$.consumerConfiguration", "missing required field 'entrypointConfiguration'"}});
  Diagnostics diag;
  webhook::parse_subscription_config(*entrypoint_config, "$.consumerConfiguration.entrypointConfiguration", diag);
  std::vector<ErrorDetail> details;
  for (const auto& p : diag.problems())
    if (p.severity == Problem::Severity::error) details.push_back({p.path, p.message});
  if (!details.empty()) throw invalid(std::move(details));
  return json::serialize(*config);
}

}  // namespace gantry::management
