// Plans: written as a JSON array or as an object keyed by plan id; each with its security and its own flows.
#include "core/definition/parse_context.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <set>

namespace gantry::definition {

namespace {

constexpr Spelling security_types[] = {{"key-less", 0}, {"keyless", 0}, {"api-key", 1},
                                       {"jwt", 2},      {"oauth2", 3},  {"mtls", 4}};
const std::vector<std::string> security_names = {"key-less", "api-key", "jwt", "oauth2", "mtls"};
const std::vector<std::string> security_types_shown = {"api-key", "jwt", "key-less", "mtls", "oauth2"};

// Gravitee writes these upper-case in definitions and sometimes lower-case in its tests ("standard").
std::string canonical_upper(std::string_view s) {
  std::string out;
  for (char c : s) out.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return out;
}

void read_upper_choice(ObjectReader& r, std::string_view key, std::string_view kind,
                       const std::vector<std::string>& allowed, std::string& out) {
  auto given = r.string(key);
  if (!given) return;
  std::string value = canonical_upper(*given);
  if (std::find(allowed.begin(), allowed.end(), value) == allowed.end()) {
    r.diag().error(r.path_of(key), unknown_name_message(kind, *given, allowed));
    return;
  }
  out = std::move(value);
}

void read_security(ObjectReader& plan, Plan& out, ParseContext& ctx) {
  const auto* security = plan.require("security");
  if (!security) return;
  ObjectReader r(*security, plan.path_of("security"), ctx.diag);
  if (!r.valid()) return;
  if (auto type = read_choice(r, "type", "plan security type", security_types, security_types_shown, true))
    out.security.type = security_names[static_cast<std::size_t>(*type)];
  r.read_raw("configuration", out.security.configuration);
}

Plan parse_plan(const boost::json::value& v, const std::string& path, std::string_view key_id, ParseContext& ctx) {
  Plan out;
  out.id = std::string(key_id);
  ObjectReader r(v, path, ctx.diag);
  if (!r.valid()) return out;
  r.read("id", out.id);
  if (auto name = r.string("name", true)) out.name = *name;
  r.read("description", out.description);
  read_security(r, out, ctx);
  read_upper_choice(r, "mode", "plan mode", {"PUSH", "STANDARD"}, out.mode);
  read_upper_choice(r, "status", "plan status", {"CLOSED", "DEPRECATED", "PUBLISHED", "STAGING"}, out.status);
  read_upper_choice(r, "validation", "plan validation", {"AUTO", "MANUAL"}, out.validation);
  read_upper_choice(r, "type", "plan type", {"API", "CATALOG"}, out.type);
  r.read("selectionRule", out.selection_rule);
  r.read("tags", out.tags);
  r.read("characteristics", out.characteristics);
  r.read("excludedGroups", out.excluded_groups);
  r.read(r.which({"commentRequired", "comment_required"}), out.comment_required);
  r.read("definitionVersion", out.definition_version);
  out.flows = parse_flows(r, ctx);
  // Management bookkeeping that exports carry along.
  r.accept({"apiId", "api", "apiProductId", "crossId", "order", "commentMessage", "generalConditions", "createdAt",
            "updatedAt", "publishedAt", "closedAt", "needRedeployAt", "environmentId", "bootstrapPort",
            "brokerRangeStart", "brokerRangeEnd"});
  return out;
}

void check_unique_ids(const std::vector<Plan>& plans, const std::vector<std::string>& paths, ParseContext& ctx) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < plans.size(); ++i) {
    if (plans[i].id.empty() || seen.insert(plans[i].id).second) continue;
    ctx.diag.error(path_field(paths[i], "id"), "duplicate plan id '" + plans[i].id + "'");
  }
}

}  // namespace

std::vector<Plan> parse_plans(ObjectReader& api, ParseContext& ctx) {
  std::vector<Plan> plans;
  std::vector<std::string> paths;
  const auto* value = api.get("plans");
  if (!value) return plans;
  const std::string path = api.path_of("plans");
  if (value->is_array()) {
    const auto& array = value->get_array();
    for (std::size_t i = 0; i < array.size(); ++i) {
      paths.push_back(path_index(path, i));
      plans.push_back(parse_plan(array[i], paths.back(), "", ctx));
    }
  } else if (value->is_object()) {
    for (const auto& [id, plan] : value->get_object()) {
      paths.push_back(path_field(path, id));
      plans.push_back(parse_plan(plan, paths.back(), id, ctx));
    }
  } else {
    ctx.diag.error(path, "expected an array or an object keyed by plan id");
  }
  check_unique_ids(plans, paths, ctx);
  return plans;
}

}  // namespace gantry::definition
