// The smaller top-level sections: properties, resources, failover, flow execution and response templates.
#include "core/definition/parse_context.hpp"
#include "core/el/diagnose.hpp"

#include <boost/json.hpp>

#include <set>

namespace gantry::definition {

namespace {

constexpr Spelling flow_modes[] = {{"default", int(FlowMode::default_)}, {"best-match", int(FlowMode::best_match)}};
const std::vector<std::string> flow_modes_shown = {"best-match", "default"};

Property parse_property(const boost::json::value& v, const std::string& path, ParseContext& ctx) {
  Property out;
  ObjectReader r(v, path, ctx.diag);
  if (auto key = r.string("key", true)) out.key = *key;
  r.read("value", out.value);
  r.read("encrypted", out.encrypted);
  r.read("dynamic", out.dynamic);
  r.accept({"encryptable"});
  return out;
}

Resource parse_resource(const boost::json::value& v, const std::string& path, ParseContext& ctx) {
  Resource out;
  ObjectReader r(v, path, ctx.diag);
  if (auto name = r.string("name", true)) out.name = *name;
  if (auto type = r.string("type", true)) out.type = *type;
  r.read("enabled", out.enabled);
  r.read_raw("configuration", out.configuration);
  return out;
}

ResponseTemplate parse_template(const boost::json::value& v, const std::string& path, ParseContext& ctx) {
  ResponseTemplate out;
  ObjectReader r(v, path, ctx.diag);
  const auto status_key = r.which({"status", "statusCode"});
  if (auto status = r.integer(status_key)) {
    if (*status < 100 || *status > 599)
      ctx.diag.error(r.path_of(status_key), "must be an HTTP status between 100 and 599 (got " +
                                                std::to_string(*status) + ")");
    else
      out.status = static_cast<int>(*status);
  }
  if (const auto* headers = r.object("headers")) {
    for (const auto& [name, value] : *headers)
      if (auto s = json_string(value, path_field(r.path_of("headers"), name), ctx.diag))
        out.headers.emplace(std::string(name), std::move(*s));
  }
  r.read("body", out.body);
  // An EL template (#error...) when it has `{#`: its syntax is checked here, as every EL of the definition.
  if (out.body.find("{#") != std::string::npos) el::compile_template(out.body, r.path_of("body"), ctx.diag);
  r.read("propagateErrorKeyToLogs", out.propagate_error_key_to_logs);
  return out;
}

}  // namespace

std::vector<Property> parse_properties(ObjectReader& api, ParseContext& ctx) {
  std::vector<Property> out;
  std::set<std::string> keys;
  for_each_element(api, "properties", false, false, [&](const boost::json::value& v, const std::string& p) {
    out.push_back(parse_property(v, p, ctx));
    if (!out.back().key.empty() && !keys.insert(out.back().key).second)
      ctx.diag.error(path_field(p, "key"), "duplicate property key '" + out.back().key + "'");
  });
  return out;
}

std::vector<Resource> parse_resources(ObjectReader& api, ParseContext& ctx) {
  std::vector<Resource> out;
  std::set<std::string> names;
  for_each_element(api, "resources", false, false, [&](const boost::json::value& v, const std::string& p) {
    out.push_back(parse_resource(v, p, ctx));
    // Policies find their resource by name.
    if (!out.back().name.empty() && !names.insert(out.back().name).second)
      ctx.diag.error(path_field(p, "name"), "duplicate resource name '" + out.back().name + "'");
  });
  return out;
}

Failover parse_failover(ObjectReader& api, ParseContext& ctx) {
  Failover out;
  const auto* value = api.get("failover");
  if (!value) return out;
  ObjectReader r(*value, api.path_of("failover"), ctx.diag);
  r.read("enabled", out.enabled);
  r.read("maxRetries", out.max_retries, 0);
  std::int64_t slow = out.slow_call_duration.count(), open = out.open_state_duration.count();
  r.read("slowCallDuration", slow, 1);
  r.read("openStateDuration", open, 1);
  out.slow_call_duration = std::chrono::milliseconds(slow);
  out.open_state_duration = std::chrono::milliseconds(open);
  r.read("maxFailures", out.max_failures, 1);
  r.read("perSubscription", out.per_subscription);
  r.read("failureCondition", out.failure_condition);
  // Checked here so that `gantry check` reports it; the proxy endpoint compiles it again for its runtime.
  if (!out.failure_condition.empty())
    el::compile_condition(out.failure_condition, r.path_of("failureCondition"), ctx.diag);
  r.read("forceNextEndpointOnFailure", out.force_next_endpoint_on_failure);
  return out;
}

FlowExecution parse_flow_execution(ObjectReader& api, ParseContext& ctx) {
  FlowExecution out;
  const auto* value = api.get("flowExecution");
  if (!value) return out;
  ObjectReader r(*value, api.path_of("flowExecution"), ctx.diag);
  if (auto mode = read_enum<FlowMode>(r, "mode", "flow mode", flow_modes, flow_modes_shown)) out.mode = *mode;
  r.read("matchRequired", out.match_required);
  return out;
}

std::map<std::string, std::map<std::string, ResponseTemplate>> parse_response_templates(ObjectReader& api,
                                                                                        ParseContext& ctx) {
  std::map<std::string, std::map<std::string, ResponseTemplate>> out;
  const auto* templates = api.object("responseTemplates");
  if (!templates) return out;
  const std::string path = api.path_of("responseTemplates");
  for (const auto& [key, by_media_type] : *templates) {
    const std::string key_path = path_field(path, key);
    const auto* media_types = json_object(by_media_type, key_path, ctx.diag);
    if (!media_types) continue;
    auto& entry = out[std::string(key)];
    for (const auto& [media_type, tmpl] : *media_types)
      entry.emplace(std::string(media_type), parse_template(tmpl, path_field(key_path, media_type), ctx));
  }
  return out;
}

}  // namespace gantry::definition
