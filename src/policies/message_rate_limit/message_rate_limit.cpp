#include "policies/message_rate_limit/message_rate_limit.hpp"

#include "core/json/object_reader.hpp"
#include "policies/common/policy_factory.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>

namespace gantry {

SubscriberBucket::SubscriberBucket(double per_second, double burst, Clock::time_point now)
    : per_second_(per_second), burst_(burst), tokens_(burst), last_(now) {}

void SubscriberBucket::refill(Clock::time_point now) {
  if (now <= last_) return;
  const double elapsed = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(burst_, tokens_ + elapsed * per_second_);
  last_ = now;
}

bool SubscriberBucket::try_take(Clock::time_point now) {
  refill(now);
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

SubscriberBucket::Clock::duration SubscriberBucket::wait_for(Clock::time_point now) {
  refill(now);
  if (tokens_ >= 1.0) return Clock::duration::zero();
  const double seconds = (1.0 - tokens_) / per_second_;
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds)) + Clock::duration(1);
}

std::unique_ptr<StepState> MessageRateLimit::make_state(MessagePhase) const {
  return bucket(SubscriberBucket::Clock::now());
}

MessageVerdict MessageRateLimit::on_message(MessagePolicyContext& ctx) const {
  auto* b = static_cast<SubscriberBucket*>(ctx.state);
  if (!b) return MessageVerdict::next;
  if (strategy == Strategy::delay) return MessageVerdict::pace;
  if (b->try_take(SubscriberBucket::Clock::now())) return MessageVerdict::next;
  ctx.ack_dropped = true;  // over the rate: this subscriber skips it for good
  return MessageVerdict::drop;
}

namespace {

PluginConfigPtr parse(const boost::json::value& configuration, const std::string& path, Diagnostics& diag) {
  ObjectReader r(configuration, path, diag);
  if (!r.valid()) return nullptr;
  auto policy = std::make_shared<MessageRateLimit>();
  const std::size_t before = diag.error_count();
  std::int64_t rate = 0, burst = 0;
  r.read("messagesPerSecond", rate, 1);
  if (!r.get("messagesPerSecond")) diag.error(path, "missing required field 'messagesPerSecond'");
  r.read("burst", burst, 1);
  policy->per_second = static_cast<double>(rate);
  policy->burst = static_cast<double>(burst > 0 ? burst : std::max<std::int64_t>(1, rate));
  std::string strategy = "DELAY";
  r.read("strategy", strategy);
  if (strategy == "DROP") policy->strategy = MessageRateLimit::Strategy::drop;
  else if (strategy != "DELAY")
    diag.error(r.path_of("strategy"), unknown_name_message("strategy", strategy, std::vector<std::string>{"DELAY", "DROP"}));
  return diag.error_count() > before ? nullptr : policy;
}

}  // namespace

std::unique_ptr<PolicyFactory> make_message_rate_limit_factory() {
  return make_policy_factory("message-rate-limit", phase_subscribe, parse);
}

}  // namespace gantry
