#include "policies/message_filtering/message_filtering.hpp"

#include "core/el/diagnose.hpp"
#include "core/json/object_reader.hpp"
#include "policies/common/policy_factory.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

namespace gantry {

MessageFiltering::Decision MessageFiltering::decide(const el::Context& ctx, std::string& error) const {
  const Decision dropped = ack_filtered ? Decision::drop_and_ack : Decision::drop;
  auto r = filter->evaluate(ctx);
  if (!r.ok()) {
    error = r.error;
    return filter_on_error ? dropped : Decision::pass;
  }
  return el::is_true(r.value) ? Decision::pass : dropped;
}

MessageVerdict MessageFiltering::on_message(MessagePolicyContext& ctx) const {
  std::string error;
  const Decision d = decide(ctx.el, error);
  if (!error.empty()) spdlog::debug("message-filtering: filter not evaluated ({})", error);
  if (d == Decision::pass) return MessageVerdict::next;
  ctx.ack_dropped = d == Decision::drop_and_ack;
  return MessageVerdict::drop;
}

namespace {

PluginConfigPtr parse(const boost::json::value& configuration, const std::string& path, Diagnostics& diag) {
  ObjectReader r(configuration, path, diag);
  if (!r.valid()) return nullptr;
  auto policy = std::make_shared<MessageFiltering>();
  r.read("ackFilteredMessage", policy->ack_filtered);
  r.read("filterMessageOnFilteringError", policy->filter_on_error);
  auto filter = r.string("filter", true);
  if (!filter) return nullptr;
  if (filter->empty()) {
    diag.error(r.path_of("filter"), "the filter expression cannot be empty");
    return nullptr;
  }
  policy->filter = el::compile_condition(*filter, r.path_of("filter"), diag);
  return policy->filter ? policy : nullptr;
}

}  // namespace

std::unique_ptr<PolicyFactory> make_message_filtering_factory() {
  return make_policy_factory("message-filtering", phase_subscribe | phase_publish, parse);
}

}  // namespace gantry
