// message-rate-limit (subscribe phase; Gantry's own, no Gravitee edition has it): at most `messagesPerSecond`
// messages per second to each subscriber, with bursts up to `burst`. Over the rate, a message is delayed
// (strategy DELAY, the default: the subscriber's bounded queue applies back-pressure) or dropped (DROP).
// Each stream keeps its own SubscriberBucket (made when it opens); DELAY asks the subscriber to hold each message
// until the bucket has a token (MessageVerdict::pace), DROP drops (and acknowledges) what finds it empty.
#pragma once

#include "core/registry/registry.hpp"
#include "gateway/flows/policy.hpp"

#include <chrono>
#include <memory>

namespace gantry {

// A token bucket for one subscriber. Time is passed in, so behaviour is deterministic and testable.
class SubscriberBucket final : public PacingState {
 public:
  using Clock = std::chrono::steady_clock;
  SubscriberBucket(double per_second, double burst, Clock::time_point now);

  // Takes a token if one is available now.
  bool try_take(Clock::time_point now) override;
  // How long until a token is available (zero when one is).
  Clock::duration wait_for(Clock::time_point now) override;

 private:
  void refill(Clock::time_point now);
  double per_second_, burst_, tokens_;
  Clock::time_point last_;
};

class MessageRateLimit final : public Policy {
 public:
  enum class Strategy { delay, drop };
  double per_second = 1;
  double burst = 1;
  Strategy strategy = Strategy::delay;

  std::unique_ptr<SubscriberBucket> bucket(SubscriberBucket::Clock::time_point now) const {
    return std::make_unique<SubscriberBucket>(per_second, burst, now);
  }
  std::unique_ptr<StepState> make_state(MessagePhase phase) const override;
  MessageVerdict on_message(MessagePolicyContext& ctx) const override;
};

std::unique_ptr<PolicyFactory> make_message_rate_limit_factory();

}  // namespace gantry
