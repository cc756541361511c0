#include "gateway/flows/flow_chain.hpp"

#include <boost/json/serialize.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace gantry {
namespace {

// Conditions were checked when the definition was parsed, so compiling again cannot fail here.
el::ExpressionPtr condition_of(const std::string& text) {
  if (text.empty()) return nullptr;
  return el::compile_condition(text).expression;
}

std::vector<CompiledStep> compile_steps(const std::vector<Step>& steps, const std::string& prefix) {
  std::vector<CompiledStep> out;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Step& s = steps[i];
    if (!s.enabled) continue;
    const auto* policy = dynamic_cast<const Policy*>(s.config.get());
    if (!policy) continue;  // a policy without runtime: its factory reported it when parsing
    out.push_back({policy, s.config, condition_of(s.condition), condition_of(s.message_condition),
                   prefix + "#" + std::to_string(i), s.policy});
  }
  return out;
}

// Whether a step's EL (condition or any configuration string) reads `root` ("request.content").
bool reads_content(const Step& s, std::string_view root) {
  if (!s.enabled) return false;
  if (s.condition.find(root) != std::string::npos) return true;
  return boost::json::serialize(s.configuration).find(root) != std::string::npos;
}

void find_content_needs(const Flow& flow, CompiledFlow& out) {
  for (const auto* steps : {&flow.request, &flow.response}) {
    for (const auto& s : *steps) {
      out.request_content = out.request_content || reads_content(s, "request.content");
      out.response_content = out.response_content || reads_content(s, "response.content");
    }
  }
  for (const auto& s : out.request) out.request_content = out.request_content || s.policy->needs_content();
  for (const auto& s : out.response) out.response_content = out.response_content || s.policy->needs_content();
}

CompiledFlow compile_flow(const Flow& flow, const std::string& key) {
  CompiledFlow out;
  out.name = flow.name;
  for (const auto& selector : flow.selectors) {
    if (const auto* http = std::get_if<HttpSelector>(&selector)) {
      out.path.emplace(http->path);
      out.path_text = http->path;
      out.path_operator = http->path_operator;
      out.methods = http->methods;
    } else if (const auto* channel = std::get_if<ChannelSelector>(&selector)) {
      out.channel = *channel;
      out.channel_path.emplace(channel->channel);
    } else if (const auto* condition = std::get_if<ConditionSelector>(&selector)) {
      out.condition = condition_of(condition->condition);
    }
  }
  out.request = compile_steps(flow.request, key + ":request");
  out.response = compile_steps(flow.response, key + ":response");
  out.publish = compile_steps(flow.publish, key + ":publish");
  out.subscribe = compile_steps(flow.subscribe, key + ":subscribe");
  find_content_needs(flow, out);
  return out;
}

std::vector<CompiledFlow> compile_flows(const std::vector<Flow>& flows, const std::string& key) {
  std::vector<CompiledFlow> out;
  for (std::size_t i = 0; i < flows.size(); ++i)
    if (flows[i].enabled) out.push_back(compile_flow(flows[i], key + ":flow#" + std::to_string(i)));
  return out;
}

bool has_steps(const std::vector<std::vector<CompiledFlow>>& groups) {
  for (const auto& g : groups)
    for (const auto& f : g)
      if (!f.request.empty() || !f.response.empty() || !f.publish.empty() || !f.subscribe.empty()) return true;
  return false;
}

// Plans are not enforced yet: the flows of key-less plans run for every request.
bool plan_applies(const Plan& plan) {
  return (plan.security.type == "key-less" || plan.security.type == "KEY_LESS") && plan.status != "CLOSED" &&
         plan.status != "STAGING";
}

std::string_view channel_of(const FlowRequest& r) { return r.channel.empty() ? "/" : r.channel; }

// Channels match like http paths: segment by segment, ":name" segments as parameters.
bool channel_matches(const CompiledFlow& flow, const FlowRequest& r) {
  if (r.operation.empty()) return false;  // a proxy request has no channel
  const ChannelSelector& s = *flow.channel;
  if (!flow.channel_path->match(channel_of(r), s.channel_operator, nullptr)) return false;
  // The flow applies when the entrypoint performs one of the selector's operations (a websocket does both).
  if (!s.operations.empty() && std::none_of(s.operations.begin(), s.operations.end(), [&](const std::string& op) {
        return r.operation.find(op) != std::string_view::npos;
      }))
    return false;
  return s.entrypoints.empty() ||
         std::find(s.entrypoints.begin(), s.entrypoints.end(), r.entrypoint) != s.entrypoints.end();
}

// Splits on every '/', keeping empty parts ("/a/" -> "", "a", ""), as Gravitee's best-match does.
void split_keeping_empty(std::string_view path, std::vector<std::string_view>& out) {
  out.clear();
  std::size_t start = 0;
  for (;;) {
    const auto slash = path.find('/', start);
    out.push_back(path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) return;
    start = slash + 1;
  }
}

// Of the flows that match, Gravitee's best match: each part of a flow's path scores 2 when it equals the
// request's part there (or the request has no part there), 1 for a ":param" part, 0 otherwise; flows are
// compared part by part from the left, and the first difference decides (a longer path that ties wins).
// `message`: message APIs rank by the channel selector, proxies by the http selector.
const CompiledFlow* best_of(const std::vector<const CompiledFlow*>& candidates, std::string_view request_path,
                            bool message) {
  std::vector<std::string_view> request_parts, parts;
  split_keeping_empty(request_path, request_parts);
  const CompiledFlow* best = nullptr;
  std::vector<int> best_scores, scores;
  for (const auto* flow : candidates) {
    const bool has_path = message ? flow->channel.has_value() : flow->path.has_value();
    if (!has_path) continue;
    split_keeping_empty(message ? std::string_view(flow->channel->channel) : std::string_view(flow->path_text), parts);
    scores.clear();
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (i >= request_parts.size() || parts[i] == request_parts[i]) scores.push_back(2);
      else if (parts[i].starts_with(':')) scores.push_back(1);
      else scores.push_back(0);
      if (!best || i == best_scores.size() || scores[i] > best_scores[i]) best = flow;  // longer, or better here
      else if (scores[i] < best_scores[i]) break;                                      // worse at the first difference
      if (best == flow) best_scores = scores;
    }
  }
  return best ? best : candidates.front();  // no candidate has a path: the first one
}

}  // namespace

bool flow_condition_holds(const CompiledFlow& flow, const el::Context& el) {
  auto result = flow.condition->evaluate(el);
  if (!result.ok()) {
    spdlog::debug("flow '{}': condition not evaluated ({}); the flow is skipped", flow.name, result.error);
    return false;
  }
  return el::is_true(result.value);
}

bool flow_matches(const CompiledFlow& flow, const FlowRequest& request, el::Map* params) {
  if (flow.channel && !channel_matches(flow, request)) return false;
  if (flow.path) {
    if (!flow.methods.empty() &&
        std::find(flow.methods.begin(), flow.methods.end(), request.method) == flow.methods.end())
      return false;
    if (!flow.path->match(request.path, flow.path_operator, nullptr)) return false;
  }
  if (flow.condition && request.el && !request.defer_conditions && !flow_condition_holds(flow, *request.el))
    return false;
  if (params && flow.path) flow.path->match(request.path, flow.path_operator, params);
  return true;
}

std::shared_ptr<const FlowChain> FlowChain::compile(const ApiDefinition& def, const PolicyServices& services) {
  std::shared_ptr<FlowChain> chain(new FlowChain(services));
  for (const auto& plan : def.plans)
    if (plan_applies(plan)) chain->groups_.push_back(compile_flows(plan.flows, def.id + ":plan:" + plan.id));
  chain->groups_.push_back(compile_flows(def.flows, def.id + ":api"));
  chain->mode_ = def.flow_execution.mode;
  chain->match_required_ = def.flow_execution.match_required;
  for (const auto& p : def.properties) chain->properties_.insert_or_assign(p.key, el::Value(p.value));
  if (!chain->match_required_ && !has_steps(chain->groups_)) return nullptr;
  return chain;
}

void FlowChain::select(const FlowRequest& request, std::vector<const CompiledFlow*>& out, el::Map& params) const {
  for (const auto& group : groups_) {
    const std::size_t first = out.size();
    for (const auto& flow : group)
      if (flow_matches(flow, request, nullptr)) out.push_back(&flow);
    if (mode_ == FlowMode::best_match && out.size() - first > 1) {
      const std::vector<const CompiledFlow*> candidates(out.begin() + first, out.end());
      out.resize(first);
      const bool message = !request.operation.empty();
      out.push_back(best_of(candidates, message ? channel_of(request) : request.path, message));
    }
    for (std::size_t i = first; i < out.size(); ++i) {
      if (out[i]->path) out[i]->path->match(request.path, out[i]->path_operator, &params);
      if (out[i]->channel_path)
        out[i]->channel_path->match(channel_of(request), out[i]->channel->channel_operator, &params);
    }
  }
}

}  // namespace gantry
