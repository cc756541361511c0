// The steps of one message phase (publish or subscribe) for one stream: those of the stream's flows whose
// `condition` held when it opened, each with its per-stream state, run in order on every message.
#pragma once

#include "gateway/flows/flow_chain.hpp"
#include "gateway/flows/policy.hpp"
#include "gateway/message/message_el.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace gantry {

// What the steps made of one message.
struct MessageOutcome {
  MessagePtr message;      // null: dropped by a step (or failed)
  bool ack = true;         // dropped: acknowledge it now (else only once a later message is acknowledged)
  std::uint32_t pace = 0;  // pacing steps the delivery waits for (bits of MessageSteps' pacers)
  std::string error;       // a step failed: the stream ends / the publish is refused with this
  std::chrono::milliseconds delay{0};  // latency steps: the message goes on this long after it arrived
};

class MessageSteps {
 public:
  explicit MessageSteps(MessagePhase phase) : phase_(phase) {}

  // Keeps the `steps` of `flows` whose condition is true in `el` (evaluated once, #message null) and makes their
  // per-stream state. False when a condition cannot be evaluated (`error` says which).
  bool prepare(const std::vector<const CompiledFlow*>& flows, const std::vector<CompiledStep> CompiledFlow::*steps,
               MessageElContext& el, std::string& error);

  bool empty() const { return steps_.empty(); }
  std::size_t size() const { return steps_.size(); }

  // Runs the steps on one message; `el` is pointed at it meanwhile. `messageCondition` is evaluated per message: a
  // step whose condition is false (or cannot be evaluated, e.g. a missing header indexed) is skipped.
  MessageOutcome run(MessagePtr message, MessageElContext& el, el::Map& attributes);

  // Pacing (message-rate-limit, DELAY): how long until every pacer in `mask` has room (zero: now), and taking it.
  std::chrono::steady_clock::duration pace_wait(std::uint32_t mask, std::chrono::steady_clock::time_point now) const;
  void pace_take(std::uint32_t mask, std::chrono::steady_clock::time_point now);

 private:
  struct ActiveStep {
    const CompiledStep* step;
    std::unique_ptr<StepState> state;
    int pacer = -1;  // index in pacers_ when the state paces deliveries
  };
  MessagePhase phase_;
  std::vector<ActiveStep> steps_;
  std::vector<PacingState*> pacers_;  // at most 32: a delivery names them in a bit mask
};

}  // namespace gantry
