// Flows (API-level and plan-level): selectors, and the policy steps of each phase checked against the registry.
#include "core/definition/parse_context.hpp"
#include "core/el/diagnose.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

namespace gantry::definition {

namespace {

enum class SelectorType { http, channel, condition };
constexpr Spelling selector_types[] = {{"http", int(SelectorType::http)},
                                       {"channel", int(SelectorType::channel)},
                                       {"condition", int(SelectorType::condition)}};
const std::vector<std::string> selector_types_shown = {"channel", "condition", "http"};

constexpr Spelling path_operators[] = {{"STARTS_WITH", int(PathOperator::starts_with)},
                                       {"START_WITH", int(PathOperator::starts_with)},  // in Gravitee's own tests
                                       {"EQUALS", int(PathOperator::equals)}};
const std::vector<std::string> path_operators_shown = {"EQUALS", "STARTS_WITH"};

const std::vector<std::string> http_methods = {"CONNECT", "DELETE", "GET",  "HEAD",  "OPTIONS",
                                               "OTHER",   "PATCH",  "POST", "PUT",   "TRACE"};
const std::vector<std::string> operations = {"PUBLISH", "SUBSCRIBE"};

const boost::json::value null_value;

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Each element must be one of `allowed` (any case); kept upper-case.
std::vector<std::string> read_names(ObjectReader& r, std::string_view key, std::string_view kind,
                                    const std::vector<std::string>& allowed) {
  std::vector<std::string> out;
  auto given = r.strings(key);
  if (!given) return out;
  for (std::size_t i = 0; i < given->size(); ++i) {
    std::string name = upper((*given)[i]);
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end())
      r.diag().error(path_index(r.path_of(key), i), unknown_name_message(kind, (*given)[i], allowed));
    else
      out.push_back(std::move(name));
  }
  return out;
}

HttpSelector parse_http_selector(ObjectReader& r) {
  HttpSelector s;
  r.read("path", s.path);
  if (auto op = read_enum<PathOperator>(r, "pathOperator", "path operator", path_operators, path_operators_shown))
    s.path_operator = *op;
  s.methods = read_names(r, "methods", "HTTP method", http_methods);
  return s;
}

ChannelSelector parse_channel_selector(ObjectReader& r) {
  ChannelSelector s;
  r.read("channel", s.channel);
  const auto op_key = r.which({"channelOperator", "channel-operator"});
  if (auto op = read_enum<PathOperator>(r, op_key, "channel operator", path_operators, path_operators_shown))
    s.channel_operator = *op;
  s.operations = read_names(r, r.which({"operations", "operation"}), "operation", operations);
  r.read("entrypoints", s.entrypoints);
  return s;
}

std::optional<Selector> parse_selector(const boost::json::value& v, const std::string& path, ParseContext& ctx) {
  ObjectReader r(v, path, ctx.diag);
  if (!r.valid()) return std::nullopt;
  auto type = read_enum<SelectorType>(r, "type", "selector type", selector_types, selector_types_shown, true);
  if (!type) {
    r.accept({"path", "pathOperator", "methods", "channel", "channelOperator", "channel-operator", "operations",
              "operation", "entrypoints", "condition"});
    return std::nullopt;
  }
  switch (*type) {
    case SelectorType::http: return parse_http_selector(r);
    case SelectorType::channel: return parse_channel_selector(r);
    case SelectorType::condition: {
      ConditionSelector s{r.string("condition", true).value_or("")};
      if (!s.condition.empty()) el::compile_condition(s.condition, r.path_of("condition"), ctx.diag);
      return s;
    }
  }
  return std::nullopt;
}

struct Phase {
  std::string_view key;
  unsigned bit;
  std::vector<Step> Flow::*steps;
};
constexpr Phase phases[] = {{"request", phase_request, &Flow::request},
                            {"response", phase_response, &Flow::response},
                            {"publish", phase_publish, &Flow::publish},
                            {"subscribe", phase_subscribe, &Flow::subscribe},
                            // Gravitee runs these at connection time, before any request phase; same policies.
                            {"entrypointConnect", phase_request, &Flow::entrypoint_connect},
                            {"interact", phase_request, &Flow::interact}};

std::string phase_names(unsigned bits) {
  std::vector<std::string> names;
  for (const auto& p : std::span(phases).first(4))
    if (bits & p.bit) names.emplace_back(p.key);
  return names.empty() ? "no phase" : join(names);
}

void check_policy(const PolicyFactory& factory, const Phase& phase, const std::string& path, ParseContext& ctx) {
  if (factory.phases() & phase.bit) return;
  ctx.diag.error(path, "policy '" + std::string(factory.type()) + "' cannot run in the " + std::string(phase.key) +
                           " phase (it runs in: " + phase_names(factory.phases()) + ")");
}

Step parse_step(const boost::json::value& v, const std::string& path, const Phase& phase, ParseContext& ctx) {
  Step out;
  ObjectReader r(v, path, ctx.diag);
  if (!r.valid()) return out;
  r.read("name", out.name);
  r.read("description", out.description);
  r.read("enabled", out.enabled);
  r.read("condition", out.condition);
  r.read("messageCondition", out.message_condition);
  if (!out.condition.empty()) el::compile_condition(out.condition, r.path_of("condition"), ctx.diag);
  if (!out.message_condition.empty())
    el::compile_condition(out.message_condition, r.path_of("messageCondition"), ctx.diag);
  r.read_raw("configuration", out.configuration);
  auto policy = r.string("policy", true);
  if (!policy) return out;
  out.policy = *policy;
  const auto* factory = ctx.registry.policy(*policy);
  if (!factory) {
    ctx.diag.error(r.path_of("policy"), unknown_name_message("policy", *policy, ctx.registry.policy_types()));
    return out;
  }
  check_policy(*factory, phase, r.path_of("policy"), ctx);
  out.config = factory->parse_config(out.configuration.is_null() ? null_value : out.configuration,
                                     r.path_of("configuration"), ctx.diag);
  return out;
}

// v2 flow fields that Gravitee's own v4 test definitions still carry; v4 ignores them, so do we, but say so when
// they hold something, since a migrated definition would otherwise lose those steps without a word.
void read_v2_leftovers(ObjectReader& r) {
  for (std::string_view key : {"pre", "post", "methods", "condition"}) {
    const auto* v = r.get(key);
    const bool empty = !v || (v->is_array() && v->get_array().empty()) || (v->is_string() && v->get_string().empty());
    if (!empty)
      r.diag().warning(r.path_of(key), "ignored: '" + std::string(key) + "' is a v2 flow field (v4 flows use "
                                       "selectors and the request, response, publish and subscribe phases)");
  }
}

Flow parse_flow(const boost::json::value& v, const std::string& path, ParseContext& ctx) {
  Flow out;
  ObjectReader r(v, path, ctx.diag);
  if (!r.valid()) return out;
  r.read("id", out.id);
  r.read("name", out.name);
  r.read("enabled", out.enabled);
  r.read("tags", out.tags);
  for_each_element(r, "selectors", false, false, [&](const boost::json::value& s, const std::string& p) {
    if (auto selector = parse_selector(s, p, ctx)) out.selectors.push_back(std::move(*selector));
  });
  for (const auto& phase : phases) {
    auto& steps = out.*(phase.steps);
    for_each_element(r, phase.key, false, false, [&](const boost::json::value& s, const std::string& p) {
      steps.push_back(parse_step(s, p, phase, ctx));
    });
  }
  read_v2_leftovers(r);
  return out;
}

}  // namespace

std::vector<Flow> parse_flows(ObjectReader& owner, ParseContext& ctx) {
  std::vector<Flow> flows;
  for_each_element(owner, "flows", false, false, [&](const boost::json::value& v, const std::string& p) {
    flows.push_back(parse_flow(v, p, ctx));
  });
  return flows;
}

}  // namespace gantry::definition
