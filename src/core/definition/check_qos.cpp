// The deploy-time QoS check of a message API: every entrypoint's level against every endpoint type it may reach.
#include "core/definition/parse_context.hpp"
#include "core/registry/qos_compatibility.hpp"

#include <algorithm>
#include <set>

namespace gantry::definition {

namespace {

std::set<std::string> endpoint_types(const ApiDefinition& api) {
  std::set<std::string> types;
  for (const auto& group : api.endpoint_groups)
    for (const auto& endpoint : group.endpoints) types.insert(endpoint.type);
  return types;
}

// A connector that declares no QoS levels at all (one written before QoS existed, or a test fake) is not checked.
bool declares_qos(const ConnectorCapabilities& caps) {
  return !caps.publish_qos.empty() || !caps.subscribe_qos.empty();
}

bool contains(const std::vector<Qos>& levels, Qos level) {
  return std::find(levels.begin(), levels.end(), level) != levels.end();
}

// An absent qos means auto; when the pair cannot honour auto, the first level every endpoint honours is used
// instead of refusing a definition whose author never chose a level.
void choose_default(Entrypoint& entrypoint, const std::vector<std::vector<Qos>>& allowed_per_endpoint) {
  auto everywhere = [&](Qos level) {
    for (const auto& allowed : allowed_per_endpoint)
      if (!contains(allowed, level)) return false;
    return true;
  };
  if (everywhere(Qos::auto_)) return;  // the default stands
  for (Qos level : all_qos_levels()) {
    if (!everywhere(level)) continue;
    entrypoint.qos = level;
    return;
  }
}

void check_entrypoint(Entrypoint& entrypoint, const std::string& path, const std::set<std::string>& types,
                      ParseContext& ctx) {
  const auto* entry_factory = ctx.registry.entrypoint(entrypoint.type);
  if (!entry_factory || !declares_qos(entry_factory->capabilities())) return;  // unknown: already reported
  std::vector<std::pair<std::string, std::vector<Qos>>> pairs;
  for (const auto& type : types) {
    const auto* endpoint_factory = ctx.registry.endpoint(type);
    if (!endpoint_factory || !declares_qos(endpoint_factory->capabilities())) continue;
    pairs.emplace_back(type, compatible_qos(entry_factory->capabilities(), endpoint_factory->capabilities()));
  }
  if (!entrypoint.qos_given) {
    std::vector<std::vector<Qos>> allowed;
    for (const auto& [type, levels] : pairs) allowed.push_back(levels);
    choose_default(entrypoint, allowed);
  }
  for (const auto& [type, levels] : pairs) {
    if (contains(levels, entrypoint.qos)) continue;
    ctx.diag.error(path, "qos '" + std::string(to_string(entrypoint.qos)) + "' is not supported by entrypoint '" +
                             entrypoint.type + "' with endpoint '" + type + "' (allowed: " + qos_list(levels) +
                             ")");
  }
}

}  // namespace

void check_qos(ApiDefinition& api, ParseContext& ctx) {
  const auto types = endpoint_types(api);
  for (std::size_t i = 0; i < api.listeners.size(); ++i) {
    auto& entrypoints = api.listeners[i].entrypoints;
    for (std::size_t j = 0; j < entrypoints.size(); ++j) {
      const std::string path =
          path_field(path_index(path_field(path_index("$.listeners", i), "entrypoints"), j), "qos");
      check_entrypoint(entrypoints[j], path, types, ctx);
    }
  }
}

}  // namespace gantry::definition
