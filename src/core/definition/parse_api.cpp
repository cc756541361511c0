// The top level of a v4 definition, and the helpers every parse_*.cpp shares.
#include "core/definition/parse.hpp"
#include "core/definition/parse_context.hpp"
#include "core/json/parse_text.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

namespace gantry {

namespace definition {

namespace {

// "AT_LEAST_ONCE", "at-least-once" and "At-Least-Once" are one value: Gravitee's JSON and its REST API differ.
std::string normalise_spelling(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) out.push_back(c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

}  // namespace

std::string join(std::span<const std::string> items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

std::optional<int> match_choice(std::string_view given, const std::string& path, std::string_view kind,
                                std::span<const Spelling> spellings, std::span<const std::string> shown,
                                Diagnostics& diag) {
  const std::string wanted = normalise_spelling(given);
  for (const auto& s : spellings)
    if (normalise_spelling(s.name) == wanted) return s.value;
  std::vector<std::string> normalised_shown;
  for (const auto& s : shown) normalised_shown.push_back(normalise_spelling(s));
  std::string suggestion = did_you_mean(wanted, normalised_shown);
  for (std::size_t i = 0; i < shown.size(); ++i)
    if (!suggestion.empty() && normalised_shown[i] == suggestion) suggestion = shown[i];
  diag.error(path, unknown_name_message(kind, given, shown, suggestion));
  return std::nullopt;
}

std::optional<int> read_choice(ObjectReader& reader, std::string_view key, std::string_view kind,
                               std::span<const Spelling> spellings, std::span<const std::string> shown,
                               bool required) {
  auto given = reader.string(key, required);
  if (!given) return std::nullopt;
  return match_choice(*given, reader.path_of(key), kind, spellings, shown, reader.diag());
}

namespace {

constexpr Spelling api_types[] = {{"proxy", int(ApiType::proxy)},
                                  {"message", int(ApiType::message)},
                                  {"async", int(ApiType::message)},  // the v4 beta's name for message
                                  {"native", int(ApiType::native)}};
const std::vector<std::string> api_types_shown = {"message", "proxy"};

void read_type(ObjectReader& r, ApiDefinition& api, ParseContext& ctx) {
  auto type = read_enum<ApiType>(r, "type", "API type", api_types, api_types_shown, true);
  if (!type) return;
  api.type = *type;
  if (*type == ApiType::native) {
    ctx.diag.error(r.path_of("type"), "API type 'native' is not supported (supported: proxy, message)");
    return;
  }
  ctx.api_type = *type;
}

// "4.0.0" in definitions, "V4" in Gravitee's REST API; the v4 beta wrote it as "gravitee": "4.0.0".
void read_definition_version(ObjectReader& r, ApiDefinition& api) {
  const std::string_view key = r.which({"definitionVersion", "gravitee"});
  auto version = r.string(key);
  if (!version) return;
  if (*version == "V4" || *version == "v4") {
    api.definition_version = "4.0.0";
  } else if (version->starts_with("4.") || *version == "4") {
    api.definition_version = *version;
  } else {
    r.diag().error(r.path_of(key),
                   "only v4 definitions are supported (" + std::string(key) + " '" + *version + "')");
  }
}

void read_analytics(ObjectReader& r, ApiDefinition& api) {
  const auto* analytics = r.object("analytics");
  if (!analytics) return;
  api.analytics = *r.get("analytics");
  // Only `enabled` matters to the gateway; the rest (logging, sampling, tracing) is kept as written.
  if (const auto* enabled = analytics->if_contains("enabled"); enabled && !enabled->is_null()) {
    if (auto b = json_bool(*enabled, path_field(r.path_of("analytics"), "enabled"), r.diag()))
      api.analytics_enabled = *b;
  }
}

// A dead-letter queue names an endpoint or a group of this API; a typo would lose messages silently.
void check_dlq_targets(const ApiDefinition& api, ParseContext& ctx) {
  auto known = [&](const std::string& name) {
    for (const auto& group : api.endpoint_groups) {
      if (group.name == name) return true;
      for (const auto& endpoint : group.endpoints)
        if (endpoint.name == name) return true;
    }
    return false;
  };
  for (std::size_t i = 0; i < api.listeners.size(); ++i) {
    const auto& entrypoints = api.listeners[i].entrypoints;
    for (std::size_t j = 0; j < entrypoints.size(); ++j) {
      const auto& dlq = entrypoints[j].dlq;
      if (!dlq || dlq->endpoint.empty() || known(dlq->endpoint)) continue;
      const std::string path = path_index(path_field(path_index("$.listeners", i), "entrypoints"), j);
      ctx.diag.error(path + ".dlq.endpoint",
                     "dlq endpoint '" + dlq->endpoint + "' is not an endpoint or endpoint group of this API");
    }
  }
}

// Gravitee resolves {#secrets.get(...)} from a secret provider (Vault, Kubernetes). Gantry has none: sending the
// expression text to a backend as a credential would fail in a way nobody could see, so it is refused here.
void refuse_secret_references(const boost::json::value& v, const std::string& path, ParseContext& ctx) {
  if (const auto* s = v.if_string()) {
    if (std::string_view(s->data(), s->size()).find("{#secrets.") != std::string_view::npos)
      ctx.diag.error(path, "secret references ({#secrets.get(...)}) need a secret provider, which Gantry does not "
                           "have; write the value itself (or use an environment-specific definition)");
  } else if (const auto* o = v.if_object()) {
    for (const auto& [key, value] : *o) refuse_secret_references(value, path_field(path, key), ctx);
  } else if (const auto* a = v.if_array()) {
    for (std::size_t i = 0; i < a->size(); ++i) refuse_secret_references((*a)[i], path_index(path, i), ctx);
  }
}

void read_api(ObjectReader& r, ApiDefinition& api, ParseContext& ctx) {
  r.read("id", api.id);
  if (auto name = r.string("name", true)) api.name = *name;
  r.read("apiVersion", api.api_version);
  read_definition_version(r, api);
  r.read("description", api.description);
  read_type(r, api, ctx);
  r.read("tags", api.tags);
  api.listeners = parse_listeners(r, ctx);
  api.endpoint_groups = parse_endpoint_groups(r, ctx);
  api.flows = parse_flows(r, ctx);
  api.plans = parse_plans(r, ctx);
  api.properties = parse_properties(r, ctx);
  api.resources = parse_resources(r, ctx);
  api.failover = parse_failover(r, ctx);
  api.flow_execution = parse_flow_execution(r, ctx);
  read_analytics(r, api);
  api.response_templates = parse_response_templates(r, ctx);
  check_dlq_targets(api, ctx);
  if (ctx.api_type == ApiType::message) check_qos(api, ctx);
  // Management metadata that Gravitee exports along with the definition: kept in `raw`, unused by the gateway.
  r.accept({"crossId", "lifecycleState", "apiLifecycleState", "visibility", "labels", "categories", "groups",
            "disableMembershipNotifications", "metadata", "picture", "pictureUrl", "background", "backgroundUrl",
            "state", "deploymentState", "deployedAt", "createdAt", "updatedAt", "environmentId", "environment",
            "definitionContext", "originContext", "primaryOwner", "workflowState", "services", "_links",
            "allowedInApiProducts", "allowMultiJwtOauth2Subscriptions", "version"});
}

}  // namespace

}  // namespace definition

std::shared_ptr<const ApiDefinition> load_definition(std::string_view json_text, const Registry& registry,
                                                     Diagnostics& diag) {
  auto value = parse_json_text(json_text, diag);
  if (!value) return nullptr;
  return load_definition(*value, registry, diag);
}

std::shared_ptr<const ApiDefinition> load_definition(const boost::json::value& value, const Registry& registry,
                                                     Diagnostics& diag) {
  auto api = std::make_shared<ApiDefinition>();
  api->raw = value;
  const std::size_t errors_before = diag.error_count();
  {
    definition::ParseContext ctx{registry, diag, std::nullopt};
    ObjectReader reader(value, "$", diag);
    if (reader.valid()) definition::read_api(reader, *api, ctx);
    definition::refuse_secret_references(value, "$", ctx);
  }
  if (diag.error_count() != errors_before) return nullptr;
  return api;
}

}  // namespace gantry
