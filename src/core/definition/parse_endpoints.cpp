// Endpoint groups and their endpoints: names, types, load balancing, shared configuration and services.
#include "core/definition/parse_context.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <set>

namespace gantry::definition {

namespace {

constexpr Spelling load_balancers[] = {{"round-robin", int(LoadBalancerType::round_robin)},
                                       {"random", int(LoadBalancerType::random)},
                                       {"weighted-round-robin", int(LoadBalancerType::weighted_round_robin)},
                                       {"weighted-random", int(LoadBalancerType::weighted_random)}};
const std::vector<std::string> load_balancers_shown = {"random", "round-robin", "weighted-random",
                                                       "weighted-round-robin"};

const boost::json::value null_value;

// Names must be unique: dynamic routing and failover address groups and endpoints by name.
struct Names {
  std::set<std::string> all_groups;  // every group's name, known before any endpoint is read
  std::set<std::string> groups;      // the groups read so far
  std::set<std::string> endpoints;
};

// Gravitee reserves ':' in names (it separates an endpoint name from a path in "name:/path" references).
bool check_name(ObjectReader& r, std::string& out) {
  auto name = r.string("name", true);
  if (!name) return false;
  out = *name;
  if (name->find(':') != std::string::npos) {
    r.diag().error(r.path_of("name"), "name must not contain ':' (got '" + *name + "')");
    return false;
  }
  return true;
}

void check_capabilities(const EndpointFactory& factory, const std::string& type_path, ParseContext& ctx) {
  const auto& types = factory.capabilities().api_types;
  if (!ctx.api_type || std::find(types.begin(), types.end(), *ctx.api_type) != types.end()) return;
  std::vector<std::string> names;
  for (auto t : types) names.emplace_back(to_string(t));
  ctx.diag.error(type_path, "endpoint '" + std::string(factory.type()) + "' cannot be used in a " +
                                std::string(to_string(*ctx.api_type)) +
                                " API (it supports: " + (names.empty() ? "nothing" : join(names)) + ")");
}

struct GroupContext {
  const EndpointGroup& group;
  const std::string& group_path;
  const EndpointFactory* factory;  // null when the group's type is unknown
};

void read_endpoint_services(ObjectReader& r, const EndpointGroup& group, Endpoint& out, ParseContext& ctx) {
  const auto* services = r.get("services");
  if (!services) return;
  ObjectReader s(*services, r.path_of("services"), ctx.diag);
  if (const auto* hc = s.get("healthCheck")) {
    const ServiceConfig* inherited = group.services.health_check ? &*group.services.health_check : nullptr;
    out.services.health_check = parse_service(*hc, s.path_of("healthCheck"), inherited, ctx);
  }
}

Endpoint parse_endpoint(const boost::json::value& v, const std::string& path, const GroupContext& g, Names& names,
                        ParseContext& ctx) {
  Endpoint out;
  ObjectReader r(v, path, ctx.diag);
  if (!r.valid()) return out;
  if (check_name(r, out.name)) {
    if (!names.endpoints.insert(out.name).second)
      ctx.diag.error(r.path_of("name"), "duplicate endpoint name '" + out.name + "'");
    else if (names.all_groups.count(out.name))
      ctx.diag.warning(r.path_of("name"), "endpoint name '" + out.name + "' is also the name of an endpoint group");
  }
  auto type = r.string("type", true);
  if (type) out.type = *type;
  r.read("weight", out.weight, 1);
  r.read("inheritConfiguration", out.inherit_configuration);
  r.read("secondary", out.secondary);
  r.read("tenants", out.tenants);
  r.read_raw("configuration", out.configuration);
  r.read_raw("sharedConfigurationOverride", out.shared_configuration_override);
  read_endpoint_services(r, g.group, out, ctx);
  if (!type || g.group.type.empty()) return out;
  if (*type != g.group.type) {
    ctx.diag.error(r.path_of("type"),
                   "endpoint type '" + *type + "' does not match its group's type '" + g.group.type + "'");
    return out;
  }
  if (!g.factory) return out;
  const bool inherit = out.inherit_configuration;
  const auto& shared = inherit ? g.group.shared_configuration : out.shared_configuration_override;
  const std::string shared_path =
      inherit ? path_field(g.group_path, "sharedConfiguration") : r.path_of("sharedConfigurationOverride");
  out.config = g.factory->parse_config(out.configuration.is_null() ? null_value : out.configuration,
                                       r.path_of("configuration"), shared, shared_path, ctx.diag);
  return out;
}

void read_group_services(ObjectReader& r, EndpointGroup& out, ParseContext& ctx) {
  const auto* services = r.get("services");
  if (!services) return;
  ObjectReader s(*services, r.path_of("services"), ctx.diag);
  if (const auto* hc = s.get("healthCheck"))
    out.services.health_check = parse_service(*hc, s.path_of("healthCheck"), nullptr, ctx);
  if (const auto* discovery = s.get("discovery"))
    out.services.discovery = parse_service(*discovery, s.path_of("discovery"), nullptr, ctx);
}

const EndpointFactory* read_group_type(ObjectReader& r, EndpointGroup& out, ParseContext& ctx) {
  auto type = r.string("type", true);
  if (!type) return nullptr;
  out.type = *type;
  const auto* factory = ctx.registry.endpoint(*type);
  if (!factory) {
    ctx.diag.error(r.path_of("type"), unknown_name_message("endpoint type", *type, ctx.registry.endpoint_types()));
    return nullptr;
  }
  check_capabilities(*factory, r.path_of("type"), ctx);
  return factory;
}

EndpointGroup parse_group(const boost::json::value& v, const std::string& path, Names& names, ParseContext& ctx) {
  EndpointGroup out;
  ObjectReader r(v, path, ctx.diag);
  if (!r.valid()) return out;
  if (check_name(r, out.name) && !names.groups.insert(out.name).second)
    ctx.diag.error(r.path_of("name"), "duplicate endpoint group name '" + out.name + "'");
  const auto* factory = read_group_type(r, out, ctx);
  if (const auto* lb = r.get("loadBalancer")) {
    ObjectReader l(*lb, r.path_of("loadBalancer"), ctx.diag);
    if (auto type = read_enum<LoadBalancerType>(l, "type", "load balancer type", load_balancers,
                                                load_balancers_shown))
      out.load_balancer = *type;
  }
  r.read_raw("sharedConfiguration", out.shared_configuration);
  read_group_services(r, out, ctx);
  const GroupContext g{out, path, factory};
  for_each_element(r, "endpoints", true, true, [&](const boost::json::value& e, const std::string& p) {
    out.endpoints.push_back(parse_endpoint(e, p, g, names, ctx));
  });
  return out;
}

}  // namespace

std::vector<EndpointGroup> parse_endpoint_groups(ObjectReader& api, ParseContext& ctx) {
  std::vector<EndpointGroup> groups;
  Names names;
  if (const auto* array = api.get("endpointGroups"); array && array->is_array()) {
    for (const auto& g : array->get_array())
      if (const auto* name = g.is_object() ? g.get_object().if_contains("name") : nullptr; name && name->is_string())
        names.all_groups.insert(std::string(name->get_string()));
  }
  // A native API (refused already) may have no groups; proxy and message APIs need at least one.
  const bool required = ctx.api_type.has_value();
  for_each_element(api, "endpointGroups", required, required, [&](const boost::json::value& v, const std::string& p) {
    groups.push_back(parse_group(v, p, names, ctx));
  });
  return groups;
}

}  // namespace gantry::definition
