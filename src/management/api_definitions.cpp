#include "management/api_definitions.hpp"

#include "core/definition/parse.hpp"
#include "core/json/parse_text.hpp"
#include "gateway/deployer.hpp"
#include "gateway/ids.hpp"
#include "gateway/router.hpp"
#include "management/api_error.hpp"

#include <boost/json.hpp>

namespace gantry::management {

namespace {

ApiError invalid_definition(const Diagnostics& diag) {
  std::vector<ErrorDetail> details;
  for (const auto& p : diag.problems())
    if (p.severity == Problem::Severity::error) details.push_back({p.path, p.message});
  // The message first: in one call, moving `details` may happen before its size is read.
  auto message = "The API definition is invalid (" + std::to_string(details.size()) + " problem" +
                 (details.size() == 1 ? "" : "s") + ")";
  return bad_request(std::move(message), "api.definition.invalid", std::move(details));
}

// The text as sent with "id" inserted first, so everything else stays byte for byte.
std::string with_id(const std::string& text, const std::string& id) {
  const auto brace = text.find('{');
  const bool empty = text.find_first_not_of(" \t\r\n", brace + 1) == text.find('}', brace + 1);
  return text.substr(0, brace + 1) + "\"id\":" + boost::json::serialize(boost::json::value(id)) + (empty ? "" : ",") +
         text.substr(brace + 1);
}

std::vector<std::pair<std::string, std::string>> host_paths(const ApiDefinition& def) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& listener : def.listeners)
    if (listener.type == ListenerType::http)
      for (const auto& p : listener.paths) out.emplace_back(p.host, p.path);
  return out;
}

// A path this definition claims, with where it is written.
struct LocatedPath {
  std::pair<std::string, std::string> host_path;
  std::string location;  // "$.listeners[0].paths[1].path"
};

std::vector<LocatedPath> located_paths(const ApiDefinition& def) {
  std::vector<LocatedPath> out;
  for (std::size_t i = 0; i < def.listeners.size(); ++i) {
    if (def.listeners[i].type != ListenerType::http) continue;
    const auto listener = path_index("$.listeners", i);
    for (std::size_t j = 0; j < def.listeners[i].paths.size(); ++j) {
      const auto& p = def.listeners[i].paths[j];
      out.push_back({{p.host, p.path}, path_field(path_index(path_field(listener, "paths"), j), "path")});
    }
  }
  return out;
}

std::pair<std::string, std::string> split_path(const std::string& line) {
  const auto space = line.find(' ');
  return {line.substr(0, space), line.substr(space + 1)};
}

struct OtherApi {
  std::string id;
  std::string description;  // "API 'Orders' (id 1234)" or "API 'x' deployed from /etc/apis/x.json"
  std::vector<std::pair<std::string, std::string>> paths;
};

// Adding this API's paths next to each other API's reports the first path they both claim.
void check_conflicts(const Context& ctx, const std::string& id, const std::vector<LocatedPath>& paths) {
  std::vector<OtherApi> others;
  for (const auto& other : ctx.repository.list_apis()) {
    if (other.id == id) continue;
    OtherApi o{other.id, "API '" + other.name + "' (id " + other.id + ")", {}};
    for (const auto& line : other.paths) o.paths.push_back(split_path(line));
    others.push_back(std::move(o));
  }
  for (const auto& api : ctx.deployer.snapshot()->apis) {
    if (api->source.rfind("repository:", 0) == 0) continue;
    if (api->definition->id == id)
      throw bad_request("An API with id '" + id + "' is already deployed from " + api->source, "api.alreadyExists",
                        {{"$.id", "is already the id of the API deployed from " + api->source}});
    others.push_back({api->definition->id, "API '" + api->definition->id + "' deployed from " + api->source,
                      host_paths(*api->definition)});
  }
  for (const auto& other : others) {
    RouteTable table;
    table.add(nullptr, other.id, other.paths);
    for (const auto& mine : paths) {
      auto conflict = table.add(nullptr, id, {mine.host_path});
      if (!conflict) continue;
      const auto quoted = conflict->find('\'');
      const auto path = conflict->substr(quoted + 1, conflict->find('\'', quoted + 1) - quoted - 1);
      throw bad_request("The context path '" + path + "' is already used by " + other.description,
                        "api.contextPath.conflict", {{mine.location, "is already used by " + other.description}});
    }
  }
}

}  // namespace

CheckedDefinition check_definition(const Context& ctx, const std::string& text, const std::optional<std::string>& id) {
  Diagnostics diag;
  auto value = parse_json_text(text, diag);
  if (!value) throw invalid_definition(diag);
  if (!value->is_object()) {
    diag.error("$", "expected a JSON object (a v4 API definition)");
    throw invalid_definition(diag);
  }
  auto& object = value->as_object();
  const auto* given = object.if_contains("id");
  CheckedDefinition out;
  out.text = text;
  if (given && (!given->is_string() || given->as_string().empty())) {
    diag.error("$.id", "expected a non-empty string");
    throw invalid_definition(diag);
  }
  if (given) {
    out.id = std::string(given->as_string());
    if (id && *id != out.id)
      throw bad_request("The id in the body ('" + out.id + "') is not the id of the API ('" + *id + "')",
                        "api.id.mismatch", {{"$.id", "must be '" + *id + "' or absent"}});
  } else {
    out.id = id ? *id : new_uuid();
    object["id"] = out.id;
    out.text = with_id(text, out.id);
  }
  auto def = load_definition(*value, ctx.registry, diag);
  if (!def) throw invalid_definition(diag);
  out.name = def->name;
  const auto paths = located_paths(*def);
  for (const auto& p : paths) out.paths.push_back(p.host_path.first + " " + p.host_path.second);
  check_conflicts(ctx, out.id, paths);
  return out;
}

}  // namespace gantry::management
