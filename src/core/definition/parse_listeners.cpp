// Listeners (how clients reach the API) and their entrypoints, checked against the entrypoint plugins' capabilities.
#include "core/definition/parse_context.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <set>

namespace gantry::definition {

namespace {

constexpr Spelling listener_types[] = {{"http", int(ListenerType::http)},
                                       {"subscription", int(ListenerType::subscription)},
                                       {"tcp", int(ListenerType::tcp)},
                                       {"kafka", int(ListenerType::kafka)}};
const std::vector<std::string> listener_types_shown = {"http", "kafka", "subscription", "tcp"};

constexpr Spelling qos_levels[] = {{"none", int(Qos::none)},
                                   {"auto", int(Qos::auto_)},
                                   {"at-most-once", int(Qos::at_most_once)},
                                   {"at-least-once", int(Qos::at_least_once)}};
const std::vector<std::string> qos_levels_shown = {"at-least-once", "at-most-once", "auto", "none"};

const boost::json::value null_value;

// "//a//b/" -> "/a/b": equal paths must compare equal when the router looks them up.
std::string normalise_path(std::string_view path) {
  std::string out;
  for (char c : path) {
    if (c == '/' && !out.empty() && out.back() == '/') continue;
    out.push_back(c);
  }
  if (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

std::optional<ListenerPath> parse_path(const boost::json::value& v, const std::string& path, ParseContext& ctx) {
  ObjectReader r(v, path, ctx.diag);
  if (!r.valid()) return std::nullopt;
  ListenerPath out;
  r.read("host", out.host);
  r.read("overrideAccess", out.override_access);
  auto given = r.string("path", true);
  if (!given) return std::nullopt;
  if (!given->starts_with('/')) {
    ctx.diag.error(r.path_of("path"), "path must start with '/' (got '" + *given + "')");
    return std::nullopt;
  }
  out.path = normalise_path(*given);
  return out;
}

Cors parse_cors(const boost::json::value& v, const std::string& path, ParseContext& ctx) {
  Cors cors;
  ObjectReader r(v, path, ctx.diag);
  r.read("enabled", cors.enabled);
  r.read("allowOrigin", cors.allow_origin);
  r.read("allowMethods", cors.allow_methods);
  r.read("allowHeaders", cors.allow_headers);
  r.read("exposeHeaders", cors.expose_headers);
  r.read("allowCredentials", cors.allow_credentials);
  r.read("maxAge", cors.max_age, -1);
  r.read("runPolicies", cors.run_policies);
  r.read("allowPrivateNetwork", cors.allow_private_network);
  return cors;
}

std::string supported_list(const std::vector<ApiType>& types) {
  std::vector<std::string> names;
  for (auto t : types) names.emplace_back(to_string(t));
  return names.empty() ? "nothing" : join(names);
}

std::string supported_list(const std::vector<ListenerType>& types) {
  std::vector<std::string> names;
  for (auto t : types) names.emplace_back(to_string(t));
  return names.empty() ? "nothing" : join(names);
}

// An entrypoint must be able to serve both the API's type and the listener it sits on.
void check_capabilities(const EntrypointFactory& factory, std::optional<ListenerType> listener,
                        const std::string& type_path, ParseContext& ctx) {
  const auto& caps = factory.capabilities();
  const std::string name(factory.type());
  if (ctx.api_type && std::find(caps.api_types.begin(), caps.api_types.end(), *ctx.api_type) == caps.api_types.end())
    ctx.diag.error(type_path, "entrypoint '" + name + "' cannot be used in a " + std::string(to_string(*ctx.api_type)) +
                                  " API (it supports: " + supported_list(caps.api_types) + ")");
  if (listener &&
      std::find(caps.listener_types.begin(), caps.listener_types.end(), *listener) == caps.listener_types.end())
    ctx.diag.error(type_path, "entrypoint '" + name + "' cannot be used on a listener of type '" +
                                  std::string(to_string(*listener)) +
                                  "' (it supports: " + supported_list(caps.listener_types) + ")");
}

Entrypoint parse_entrypoint(const boost::json::value& v, const std::string& path,
                            std::optional<ListenerType> listener, ParseContext& ctx) {
  Entrypoint out;
  ObjectReader r(v, path, ctx.diag);
  if (!r.valid()) return out;
  if (auto qos = read_enum<Qos>(r, "qos", "qos", qos_levels, qos_levels_shown)) {
    out.qos = *qos;
    out.qos_given = true;
  }
  if (const auto* dlq = r.get("dlq")) {
    ObjectReader d(*dlq, r.path_of("dlq"), ctx.diag);
    if (d.valid()) out.dlq = Dlq{d.string("endpoint").value_or("")};
  }
  const auto* configuration = r.get("configuration");
  if (configuration) out.configuration = *configuration;
  auto type = r.string("type", true);
  if (!type) return out;
  out.type = *type;
  const auto* factory = ctx.registry.entrypoint(*type);
  if (!factory) {
    ctx.diag.error(r.path_of("type"), unknown_name_message("entrypoint type", *type, ctx.registry.entrypoint_types()));
    return out;
  }
  check_capabilities(*factory, listener, r.path_of("type"), ctx);
  out.config = factory->parse_config(configuration ? *configuration : null_value, r.path_of("configuration"), ctx.diag);
  return out;
}

// The fields only some listener types have.
void read_type_specific(ObjectReader& r, std::optional<ListenerType> type, Listener& out, ParseContext& ctx) {
  const bool unknown = !type;
  if (unknown || type == ListenerType::http) {
    for_each_element(r, "paths", type == ListenerType::http, type == ListenerType::http,
                     [&](const boost::json::value& v, const std::string& path) {
                       if (auto p = parse_path(v, path, ctx)) out.paths.push_back(std::move(*p));
                     });
    r.read("pathMappings", out.path_mappings);
    if (const auto* cors = r.get("cors")) out.cors = parse_cors(*cors, r.path_of("cors"), ctx);
    r.accept({"requestValidation"});
  }
  if (unknown || type == ListenerType::tcp) r.read("hosts", out.hosts);
  // Gravitee ignores the other listener types' fields (its own tests give webhook listeners "paths"); so do we.
  r.accept({"paths", "pathMappings", "cors", "requestValidation", "hosts", "host", "port"});
}

Listener parse_listener(const boost::json::value& v, const std::string& path, ParseContext& ctx) {
  Listener out;
  ObjectReader r(v, path, ctx.diag);
  if (!r.valid()) return out;
  auto type = read_enum<ListenerType>(r, "type", "listener type", listener_types, listener_types_shown, true);
  if (type) out.type = *type;
  std::optional<ListenerType> served = type;
  if (type == ListenerType::tcp || type == ListenerType::kafka) {
    ctx.diag.error(r.path_of("type"), "listener type '" + std::string(to_string(*type)) + "' is not supported");
    served.reset();
  }
  read_type_specific(r, type, out, ctx);
  r.read("servers", out.servers);
  for_each_element(r, "entrypoints", true, true, [&](const boost::json::value& e, const std::string& p) {
    out.entrypoints.push_back(parse_entrypoint(e, p, served, ctx));
  });
  return out;
}

// Two http listener paths with the same host and path would make routing ambiguous.
void check_duplicate_paths(const std::vector<Listener>& parsed, const std::string& path, ParseContext& ctx) {
  std::set<std::pair<std::string, std::string>> seen;
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    for (const auto& p : parsed[i].paths) {
      if (seen.insert({p.host, p.path}).second) continue;
      std::string message = "duplicate path '" + p.path + "'";
      if (!p.host.empty()) message += " on host '" + p.host + "'";
      ctx.diag.error(path_field(path_index(path, i), "paths"), message);
    }
  }
}

}  // namespace

std::vector<Listener> parse_listeners(ObjectReader& api, ParseContext& ctx) {
  std::vector<Listener> listeners;
  const bool present = for_each_element(api, "listeners", true, true,
                                        [&](const boost::json::value& v, const std::string& path) {
                                          listeners.push_back(parse_listener(v, path, ctx));
                                        });
  if (present) check_duplicate_paths(listeners, api.path_of("listeners"), ctx);
  return listeners;
}

}  // namespace gantry::definition
