// A subscription with failover. It stands between the subscriber and one member's subscription: while that one has
// not reached its broker (Subscription::connected() false) it waits for the outcome at most slowCallDuration; a
// failed attempt (on_connect_failed, an error before connecting, or no outcome in time) is given up and the next
// member subscribes instead, up to maxRetries times. Once connected it only passes calls through: a subscription
// stays on the endpoint it reached (as in Gravitee, where the endpoint is chosen when the request connects).
#include "gateway/message/group_state.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

namespace gantry {

namespace {

using Clock = std::chrono::steady_clock;

class FailoverSubscription final : public Subscription, private MessageSink {
 public:
  FailoverSubscription(std::shared_ptr<GroupState> group, const SubscribeRequest& request, MessageSink& sink)
      : group_(std::move(group)), request_(request), sink_(sink), timer_(request.executor) {}

  ~FailoverSubscription() override {
    *alive_ = false;
    timer_.cancel();
    inner_.reset();  // first: no call into this sink after it returns
    // A subscriber that leaves before any outcome (its client went away) is no failure of the endpoint, as for
    // proxy APIs; a half-open breaker must hear from its trial all the same.
    if (breaker_ && !settled_) breaker_->on_success(Clock::now());
  }

  // The first attempt. False when no member can subscribe (every one's consumer side is disabled).
  bool start() {
    breaker_ = &group_->breakers->for_subscription(request_.subscriber_id);
    if (!breaker_->try_acquire(Clock::now())) {
      breaker_ = nullptr;
      settled_ = true;
      post_failure("circuit breaker open: the endpoints failed too often lately");
      return true;
    }
    return attempt(true);
  }

  void pause() override {
    if (inner_) inner_->pause();
  }
  void resume() override {
    if (inner_) inner_->resume();
  }
  void ack(std::uint64_t id) override {
    if (inner_) inner_->ack(id);
  }
  void nack(std::uint64_t id) override {
    if (inner_) inner_->nack(id);
  }
  bool connected() const override { return connected_; }

 private:
  // Subscribes on the next member; skips members that cannot subscribe. `first`: called from subscribe(), when
  // the subscriber reads connected() itself afterwards.
  bool attempt(bool first) {
    while (tried_.size() < group_->attempts()) {
      const auto member = group_->view().pick_retry(tried_, group_->failover.force_next_endpoint_on_failure);
      if (!member) break;
      tried_.push_back(*member);
      ++generation_;
      const auto& m = group_->members[*member];
      inner_ = m.connector->subscribe(request_, *this);
      if (!inner_) {
        last_error_ = "endpoint '" + m.name + "' cannot subscribe";
        continue;
      }
      any_subscribed_ = true;
      if (inner_->connected()) {
        settle(true);
        if (!first) sink_.on_connected();
        return true;
      }
      const unsigned generation = generation_;
      timer_.expires_after(group_->failover.slow_call_duration);
      timer_.async_wait([this, alive = alive_, generation](const boost::system::error_code& ec) {
        if (!ec && *alive) give_up(generation, "not connected within slowCallDuration");
      });
      return true;
    }
    if (first && !any_subscribed_) return false;  // no member can subscribe: the entrypoint says so (503)
    spent();
    return true;
  }

  void settle(bool connected) {
    connected_ = connected;
    timer_.cancel();
    if (settled_) return;
    settled_ = true;
    if (connected) breaker_->on_success(Clock::now());
    else breaker_->on_failure(Clock::now());
  }

  // The current attempt failed: move on (later, on the executor: we may be inside the member's own callback).
  void failed(std::string why) {
    const unsigned generation = generation_;
    boost::asio::post(request_.executor, [this, alive = alive_, generation, why = std::move(why)]() mutable {
      if (*alive) give_up(generation, std::move(why));
    });
  }

  void give_up(unsigned generation, std::string why) {
    if (generation != generation_ || connected_ || settled_) return;
    spdlog::warn("{}: endpoint '{}' failed to connect ({}), attempt {} of {}", request_.api_id,
                 group_->members[tried_.back()].name, why, tried_.size(), group_->attempts());
    last_error_ = std::move(why);
    timer_.cancel();
    if (tried_.size() >= group_->attempts()) return spent();
    inner_.reset();
    attempt(false);
  }

  // Every attempt failed: the subscriber hears it as a connection failure (the last attempt's subscription stays,
  // still trying, until the subscriber lets it go).
  void spent() {
    settle(false);
    // Posted: called from subscribe() the subscriber does not listen yet.
    post_failure(last_error_.empty() ? "no endpoint available" : last_error_);
  }

  void post_failure(std::string why) {
    boost::asio::post(request_.executor, [this, alive = alive_, why = std::move(why)]() mutable {
      if (*alive) sink_.on_connect_failed(std::move(why));
    });
  }

  // MessageSink: what the current member's subscription reports.
  void on_message(MessagePtr message, std::uint64_t ack_id) override { sink_.on_message(std::move(message), ack_id); }
  void on_end(std::string error) override {
    if (!connected_ && !settled_ && !error.empty()) return failed(std::move(error));  // ended before connecting
    sink_.on_end(std::move(error));
  }
  void on_failure(std::string key, std::string error) override { sink_.on_failure(std::move(key), std::move(error)); }
  void on_connected() override {
    if (connected_) return;
    if (settled_) {  // the last attempt made it after all: late, but the subscriber may still be waiting
      connected_ = true;
      return sink_.on_connected();
    }
    settle(true);
    sink_.on_connected();
  }
  void on_connect_failed(std::string error) override {
    if (connected_) return;
    if (settled_) return sink_.on_connect_failed(std::move(error));
    failed(std::move(error));
  }

  std::shared_ptr<GroupState> group_;
  SubscribeRequest request_;
  MessageSink& sink_;
  boost::asio::steady_timer timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // read on the executor only
  CircuitBreaker* breaker_ = nullptr;
  std::vector<std::size_t> tried_;
  std::string last_error_;
  unsigned generation_ = 0;
  bool connected_ = false;
  bool settled_ = false;         // the breaker heard this subscription's outcome
  bool any_subscribed_ = false;  // some member returned a subscription
  std::unique_ptr<Subscription> inner_;  // last member: released first
};

}  // namespace

std::unique_ptr<Subscription> subscribe_with_failover(std::shared_ptr<GroupState> group,
                                                      const SubscribeRequest& request, MessageSink& sink) {
  auto subscription = std::make_unique<FailoverSubscription>(std::move(group), request, sink);
  if (!subscription->start()) return nullptr;
  return subscription;
}

}  // namespace gantry
