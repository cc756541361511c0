// latency: delays the request or response (or message) by a fixed time, without blocking the io thread.
#pragma once

#include "core/registry/registry.hpp"
#include "gateway/flows/policy.hpp"

#include <chrono>
#include <memory>

namespace gantry {

class Latency final : public Policy {
 public:
  std::chrono::milliseconds delay{0};
  Verdict on_request(PolicyContext& ctx) const override { return delay.count() > 0 ? Verdict::wait : Verdict::next; }
  boost::asio::awaitable<Verdict> on_request_async(PolicyContext& ctx) const override;
  Verdict on_response(PolicyContext& ctx) const override { return on_request(ctx); }
  boost::asio::awaitable<Verdict> on_response_async(PolicyContext& ctx) const override { return on_request_async(ctx); }
  // Each message goes on `delay` after it arrived; messages keep their spacing (a stream is shifted, not slowed).
  MessageVerdict on_message(MessagePolicyContext& ctx) const override {
    ctx.delay += delay;
    return MessageVerdict::next;
  }
};

std::unique_ptr<PolicyFactory> make_latency_factory();

}  // namespace gantry
