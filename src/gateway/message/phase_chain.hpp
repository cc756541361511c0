// WHERE FLOWS PLUG IN (issue 8): every message of a message API passes through this chain, on the publish phase
// (client -> endpoint) or the subscribe phase (endpoint -> client). Built once per deployed API from its flows;
// today a pass-through. The flow/policy framework replaces the two run_* bodies with its compiled steps.
#pragma once

#include "core/definition/model.hpp"
#include "core/message/message.hpp"

#include <memory>
#include <string_view>

namespace gantry {

// What a policy may read about the exchange a message belongs to (EL: #request, #subscription, ...).
struct MessagePhaseContext {
  const ApiDefinition& api;
  std::string_view entrypoint_type;  // "sse", "websocket", ...
  std::string_view request_path;     // the client request that opened the stream or posted the message
};

class MessagePhaseChain {
 public:
  explicit MessagePhaseChain(std::shared_ptr<const ApiDefinition> api) : api_(std::move(api)) {}

  // Publish phase. Returns the message to hand to the endpoint (the same one, or a new one a policy built), or
  // null when a policy dropped it (message-filtering).
  MessagePtr run_publish(MessagePtr message, const MessagePhaseContext&) const { return message; }

  // Subscribe phase, per subscriber (filters may depend on the subscription). Same return convention.
  MessagePtr run_subscribe(MessagePtr message, const MessagePhaseContext&) const { return message; }

 private:
  std::shared_ptr<const ApiDefinition> api_;
};

}  // namespace gantry
