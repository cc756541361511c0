// message-filtering (subscribe and publish phases): a message passes when `filter` is true. Dropped messages are
// acknowledged at once when ackFilteredMessage says so (else only once a later message is); a filter that fails to
// evaluate drops the message unless filterMessageOnFilteringError is false. Evaluated per message with the
// message's EL context (#message, #subscription.metadata, #context.attributes...).
#pragma once

#include "core/el/expression.hpp"
#include "core/registry/registry.hpp"
#include "gateway/flows/policy.hpp"

#include <memory>
#include <string>

namespace gantry {

class MessageFiltering final : public Policy {
 public:
  el::ExpressionPtr filter;
  bool ack_filtered = false;
  bool filter_on_error = true;

  enum class Decision { pass, drop, drop_and_ack };
  // `error` receives the evaluation error, if any (for logs), whatever the decision.
  Decision decide(const el::Context& message_context, std::string& error) const;
  MessageVerdict on_message(MessagePolicyContext& ctx) const override;
};

std::unique_ptr<PolicyFactory> make_message_filtering_factory();

}  // namespace gantry
