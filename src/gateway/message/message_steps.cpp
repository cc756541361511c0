#include "gateway/message/message_steps.hpp"

#include <spdlog/spdlog.h>

namespace gantry {

bool MessageSteps::prepare(const std::vector<const CompiledFlow*>& flows,
                           const std::vector<CompiledStep> CompiledFlow::*steps, MessageElContext& el,
                           std::string& error) {
  el.set(nullptr);
  for (const auto* flow : flows) {
    for (const auto& step : flow->*steps) {
      if (step.condition) {  // once per stream: the request decides, not each message
        auto r = step.condition->evaluate(el);
        if (!r.ok()) {
          error = "step '" + step.name + "' condition failed: " + r.error;
          return false;
        }
        if (!el::is_true(r.value)) continue;
      }
      ActiveStep active{&step, step.policy->make_state(phase_)};
      if (auto* pacer = dynamic_cast<PacingState*>(active.state.get())) {
        if (pacers_.size() < 32) {
          active.pacer = static_cast<int>(pacers_.size());
          pacers_.push_back(pacer);
        } else {
          spdlog::warn("step '{}': more than 32 pacing steps on one stream; this one does not pace", step.name);
        }
      }
      steps_.push_back(std::move(active));
    }
  }
  return true;
}

MessageOutcome MessageSteps::run(MessagePtr message, MessageElContext& el, el::Map& attributes) {
  MessageDraft draft(std::move(message));
  MessageOutcome out;
  el.set(&draft);
  struct Unset {  // the draft lives on this frame only
    MessageElContext& el;
    ~Unset() { el.set(nullptr); }
  } unset{el};
  for (auto& active : steps_) {
    const CompiledStep& step = *active.step;
    if (step.message_condition) {
      auto r = step.message_condition->evaluate(el);
      if (!r.ok()) {
        spdlog::debug("step '{}': message condition not evaluated ({}); skipped", step.name, r.error);
        continue;
      }
      if (!el::is_true(r.value)) continue;
    }
    MessagePolicyContext ctx{draft, el, attributes, phase_, active.state.get()};
    const auto verdict = step.policy->on_message(ctx);
    out.delay += ctx.delay;
    switch (verdict) {
      case MessageVerdict::next:
        break;
      case MessageVerdict::pace:
        if (active.pacer >= 0) out.pace |= 1u << active.pacer;
        break;
      case MessageVerdict::drop:
        out.ack = ctx.ack_dropped;
        return out;
      case MessageVerdict::fail:
        out.error = "policy '" + step.name + "' failed: " + ctx.error;
        return out;
    }
  }
  out.message = draft.take();
  return out;
}

std::chrono::steady_clock::duration MessageSteps::pace_wait(std::uint32_t mask,
                                                            std::chrono::steady_clock::time_point now) const {
  auto wait = std::chrono::steady_clock::duration::zero();
  for (std::size_t i = 0; i < pacers_.size(); ++i)
    if (mask & (1u << i)) wait = std::max(wait, pacers_[i]->wait_for(now));
  return wait;
}

void MessageSteps::pace_take(std::uint32_t mask, std::chrono::steady_clock::time_point now) {
  for (std::size_t i = 0; i < pacers_.size(); ++i)
    if (mask & (1u << i)) pacers_[i]->try_take(now);
}

}  // namespace gantry
