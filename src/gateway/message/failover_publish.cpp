// A publish with failover: one member at a time, each given slowCallDuration to confirm. A member that fails or
// stays silent is given up and the message goes to the next one; the circuit breaker counts whole publishes (all
// their attempts), as for proxy APIs. A member given up may still deliver the message later (a slow broker, not a
// dead one): the message is then stored twice. That is failover's price; docs/qos.md says so.
#include "gateway/message/group_state.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include <vector>

namespace gantry {

namespace {

using Clock = std::chrono::steady_clock;

// Lives on the publisher's executor (done.executor): the members' completions and the timer all run there.
class PublishCall : public std::enable_shared_from_this<PublishCall> {
 public:
  PublishCall(std::shared_ptr<GroupState> group, MessagePtr message, Qos qos, PublishCompletion done)
      : group_(std::move(group)), message_(std::move(message)), qos_(qos), done_(std::move(done)),
        timer_(done_.executor) {}

  void start() {
    breaker_ = &group_->breakers->for_subscription({});  // a publish knows no subscription: the API's breaker
    if (!breaker_->try_acquire(Clock::now())) return finish(boost::asio::error::connection_refused, false);
    attempt();
  }

 private:
  void attempt() {
    const auto member = group_->view().pick_retry(tried_, group_->failover.force_next_endpoint_on_failure);
    if (!member) return finish(last_ ? last_ : boost::asio::error::not_found, true);
    tried_.push_back(*member);
    const unsigned generation = ++generation_;
    timer_.expires_after(group_->failover.slow_call_duration);
    timer_.async_wait([self = shared_from_this(), generation](const boost::system::error_code& ec) {
      if (!ec) self->failed(generation, boost::asio::error::timed_out);
    });
    auto handler = [self = shared_from_this(), generation](boost::system::error_code ec) {
      if (ec) self->failed(generation, ec);
      else self->succeeded(generation);
    };
    group_->members[*member].connector->publish(message_, qos_,
                                                PublishCompletion{done_.executor, PublishHandler(std::move(handler))});
  }

  // A late outcome of an attempt already given up changes nothing (its message may still have been stored).
  bool current(unsigned generation) const { return !finished_ && generation == generation_; }

  void failed(unsigned generation, boost::system::error_code ec) {
    if (!current(generation)) return;
    spdlog::warn("endpoint '{}': publish failed ({}), attempt {} of {}", group_->members[tried_.back()].name,
                 ec == boost::asio::error::timed_out ? "not confirmed within slowCallDuration" : ec.message(),
                 tried_.size(), group_->attempts());
    last_ = ec;
    timer_.cancel();
    if (tried_.size() < group_->attempts()) return attempt();
    finish(ec, true);
  }

  void succeeded(unsigned generation) {
    if (!current(generation)) return;
    timer_.cancel();
    breaker_->on_success(Clock::now());
    finish({}, false);
  }

  void finish(boost::system::error_code ec, bool count_failure) {
    finished_ = true;
    if (count_failure) breaker_->on_failure(Clock::now());
    auto handler = std::move(done_.handler);
    std::move(handler)(ec);
  }

  std::shared_ptr<GroupState> group_;
  MessagePtr message_;
  Qos qos_;
  PublishCompletion done_;
  boost::asio::steady_timer timer_;
  CircuitBreaker* breaker_ = nullptr;
  std::vector<std::size_t> tried_;
  boost::system::error_code last_;
  unsigned generation_ = 0;
  bool finished_ = false;
};

}  // namespace

void publish_with_failover(std::shared_ptr<GroupState> group, MessagePtr message, Qos qos, PublishCompletion done) {
  auto executor = done.executor;
  auto call = std::make_shared<PublishCall>(std::move(group), std::move(message), qos, std::move(done));
  // Inline when called on the publisher's own thread (the usual case); the call's state is that thread's only.
  boost::asio::dispatch(executor, [call] { call->start(); });
}

}  // namespace gantry
