// An API's flows compiled once at deploy time: selectors ready to match, step conditions parsed, policies
// resolved. Plan flows (of the plans that apply; key-less ones while plans are not enforced) run before API flows.
#pragma once

#include "core/definition/model.hpp"
#include "core/el/expression.hpp"
#include "gateway/flows/path_pattern.hpp"
#include "gateway/flows/policy.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gantry {

struct CompiledStep {
  const Policy* policy = nullptr;
  PluginConfigPtr keep_alive;        // owns `policy`
  el::ExpressionPtr condition;       // null = always
  el::ExpressionPtr message_condition;
  std::string key;                   // "<api>:<plan or api>:flow#<i>:<phase>#<j>", for per-step state
  std::string name;                  // policy type, for logs
};

struct CompiledFlow {
  std::string name;
  std::optional<PathPattern> path;   // http selector
  std::string path_text;             // its path as written, for best-match
  PathOperator path_operator = PathOperator::starts_with;
  std::vector<std::string> methods;  // upper case; empty = any
  std::optional<ChannelSelector> channel;
  std::optional<PathPattern> channel_path;  // the channel selector's channel, ":name" segments as parameters
  el::ExpressionPtr condition;       // condition selector
  std::vector<CompiledStep> request, response, publish, subscribe;
  // Whether running this flow needs the whole request / response body: a request or response step whose policy
  // works on content, or an EL text in any step (condition or configuration) that reads #request.content or
  // #response.content.
  bool request_content = false, response_content = false;
};

// What a request is matched on.
struct FlowRequest {
  std::string_view method;  // "GET"
  std::string_view path;    // after the context path; "/" at least
  const el::Context* el = nullptr;
  // Message APIs: the channel (the request path after the context path, as in Gravitee), the operations the
  // entrypoint performs ("PUBLISH", "SUBSCRIBE" or both: "PUBLISH,SUBSCRIBE" for a websocket) and the entrypoint
  // type; empty on proxies, where a flow with a channel selector never matches.
  std::string_view channel, operation, entrypoint;
  // Leave the flows' `condition` selectors out: the caller evaluates each when the flow's turn comes.
  bool defer_conditions = false;
};

class FlowChain {
 public:
  // Null when the API has no enabled flow with a step and does not require a match: the fast path stays flow-free.
  static std::shared_ptr<const FlowChain> compile(const ApiDefinition& def, const PolicyServices& services);

  // The flows to run for this request, plan flows first; path parameters of the matched selectors go to `params`.
  void select(const FlowRequest& request, std::vector<const CompiledFlow*>& out, el::Map& params) const;

  bool match_required() const { return match_required_; }
  // Default mode evaluates a flow's condition when its turn comes in the request phase (it sees what earlier flows
  // did, as in Gravitee); best-match needs every condition to choose among the candidates.
  bool defers_conditions() const { return mode_ != FlowMode::best_match; }
  const el::Map& properties() const { return properties_; }
  const PolicyServices& services() const { return services_; }

 private:
  explicit FlowChain(const PolicyServices& services) : services_(services) {}
  std::vector<std::vector<CompiledFlow>> groups_;  // one per applicable plan, then the API's own flows
  FlowMode mode_ = FlowMode::default_;
  bool match_required_ = false;
  el::Map properties_;
  PolicyServices services_;
};

// Whether a flow's `condition` selector holds in `el` (one that cannot be evaluated does not: the flow is skipped).
bool flow_condition_holds(const CompiledFlow& flow, const el::Context& el);

// Whether one flow's selectors all accept the request (a flow without selectors accepts every request).
bool flow_matches(const CompiledFlow& flow, const FlowRequest& request, el::Map* params);

}  // namespace gantry
