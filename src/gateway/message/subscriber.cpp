#include "gateway/message/subscriber.hpp"

#include "gateway/message/endpoint_config.hpp"
#include "gateway/message/message_stats.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

namespace gantry {

Overflow overflow_for(Qos qos) {
  return qos == Qos::at_least_once ? Overflow::pause_endpoint : Overflow::drop_oldest;
}

namespace {
// Filtered messages awaiting a later acknowledgement; beyond this many the oldest is acknowledged at once (a long
// run of filtered messages must not grow a list per stream).
constexpr std::size_t max_deferred_acks = 1024;
}  // namespace

Subscriber::Subscriber(boost::asio::any_io_executor executor, MessageContext& ctx, QueueLimits limits)
    : executor_(executor),
      ctx_(ctx),
      phases_(ctx.phases && ctx.phases->has_subscribe() ? ctx.phases : nullptr),
      qos_(ctx.entrypoint.qos),
      queue_(executor, limits, overflow_for(ctx.entrypoint.qos), *this) {}

Subscriber::~Subscriber() {
  if (subscription_) {
    subscription_.reset();
    --message_stats().endpoint_subscriptions;
  }
}

bool Subscriber::open(std::string resume_after, std::uint64_t limit, std::string durable_id) {
  SubscribeRequest request;
  request.qos = qos_;
  request.resume_after = std::move(resume_after);
  request.limit = limit;
  request.subscriber_id = std::move(durable_id);
  if (ctx_.phases) request.attributes = ctx_.phases->context_attributes();
  request.api_id = ctx_.api.id;
  request.client_identifier = ctx_.client_identifier;
  request.executor = executor_;
  if (ctx_.endpoint_config) {
    const auto& evaluated = ctx_.endpoint_config->of(ctx_.endpoint);
    if (evaluated.invalid) return false;  // logged by the evaluation
    request.config = evaluated.config;
  }
  subscription_ = ctx_.endpoint.subscribe(request, *this);
  if (!subscription_) return false;
  connected_ = subscription_->connected();
  ++message_stats().endpoint_subscriptions;
  return true;
}

void Subscriber::on_message(MessagePtr message, std::uint64_t ack_id) {
  if (!phases_) {
    queue_.push(Delivery{std::move(message), ack_id});
    return;
  }
  if (failed_) {  // the stream is ending with a policy error: later messages are not this client's any more
    queue_.push(Delivery{std::move(message), ack_id});  // refused by the ended queue (nacked)
    return;
  }
  auto out = phases_->subscribe(std::move(message));
  if (!out.error.empty()) {
    spdlog::warn("{}: subscribe phase: {}", ctx_.api.id, out.error);
    failed_ = true;
    queue_.finish(std::move(out.error));
    if (subscription_ && qos_ != Qos::none) subscription_->nack(ack_id);
    return;
  }
  if (!out.message) return filtered(ack_id, out.ack);
  Delivery d{std::move(out.message), ack_id, out.pace};
  if (out.delay.count() > 0) d.not_before = std::chrono::steady_clock::now() + out.delay;
  queue_.push(std::move(d));
}

void Subscriber::filtered(std::uint64_t ack_id, bool ack_now) {
  if (!subscription_ || qos_ == Qos::none) return;
  if (ack_now) return subscription_->ack(ack_id);
  if (deferred_acks_.size() >= max_deferred_acks) {
    subscription_->ack(deferred_acks_.front());
    deferred_acks_.erase(deferred_acks_.begin());
  }
  deferred_acks_.push_back(ack_id);
}

void Subscriber::ack_deferred() {
  if (deferred_acks_.empty() || !subscription_) return;
  for (auto id : deferred_acks_) subscription_->ack(id);
  deferred_acks_.clear();
}

boost::asio::awaitable<void> Subscriber::pace(std::uint32_t mask) {
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    const auto wait = phases_->pace_wait(mask, now);
    if (wait == std::chrono::steady_clock::duration::zero()) {
      phases_->pace_take(mask, now);
      co_return;
    }
    if (!pace_timer_) pace_timer_ = std::make_unique<boost::asio::steady_timer>(executor_);
    pace_timer_->expires_after(wait);
    auto [ec] = co_await pace_timer_->async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    if (ec || queue_.aborted()) co_return;  // cancelled (the client left) or stopped: the caller sees it next
  }
}

boost::asio::awaitable<void> Subscriber::hold(std::chrono::steady_clock::time_point until) {
  if (until <= std::chrono::steady_clock::now()) co_return;
  if (!pace_timer_) pace_timer_ = std::make_unique<boost::asio::steady_timer>(executor_);
  pace_timer_->expires_at(until);
  auto [ec] = co_await pace_timer_->async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  (void)ec;  // cancelled (the client left) or stopped: the caller sees it next
}

void Subscriber::on_end(std::string error) {
  queue_.finish(std::move(error));
  wake_connect_wait();
}

void Subscriber::on_failure(std::string key, std::string error) {
  if (queue_.ended()) return;
  spdlog::warn("{}: endpoint failure {}: {}", ctx_.api.id, key, error);
  failure_key_ = std::move(key);
  on_end(std::move(error));
}

void Subscriber::on_connected() {
  connected_ = true;
  wake_connect_wait();
}

void Subscriber::on_connect_failed(std::string error) {
  if (connected_) return;
  connect_error_ = std::move(error);
  wake_connect_wait();
}

void Subscriber::wake_connect_wait() {
  if (awaiting_connection_ && pace_timer_) pace_timer_->cancel();
}

boost::asio::awaitable<Subscriber::Start> Subscriber::until_connected(std::chrono::milliseconds timeout) {
  if (!connected_ && connect_error_.empty() && !queue_.ended()) {
    if (!pace_timer_) pace_timer_ = std::make_unique<boost::asio::steady_timer>(executor_);
    pace_timer_->expires_after(timeout);
    awaiting_connection_ = true;
    auto [ec] = co_await pace_timer_->async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    awaiting_connection_ = false;
    (void)ec;  // woken early by an outcome, or the time is up: the flags say which
  }
  if (connected_) co_return Start::ready;
  if (!connect_error_.empty()) {
    spdlog::warn("{}: endpoint connection failed: {}", ctx_.api.id, connect_error_);
    co_return Start::connect_failed;
  }
  co_return queue_.ended() ? Start::ready : Start::timeout;
}

void Subscriber::pause() {
  if (subscription_) subscription_->pause();
}

void Subscriber::resume() {
  if (subscription_) subscription_->resume();
}

void Subscriber::rejected(const Delivery& d) {
  ++message_stats().dropped;
  if (subscription_ && qos_ != Qos::none) subscription_->nack(d.ack_id);
}

Delivery Subscriber::taken(Delivery d) {
  // At-most-once commits before the client sees the message: a crash after this point loses it, never repeats it.
  if (qos_ == Qos::at_most_once && subscription_) {
    subscription_->ack(d.ack_id);
    ack_deferred();
  }
  return d;
}

boost::asio::awaitable<SubscriberQueue::Next> Subscriber::next(std::chrono::milliseconds timeout) {
  auto next = co_await queue_.next(timeout);
  if (next.event != SubscriberQueue::Event::message) co_return next;
  if (next.delivery.not_before != std::chrono::steady_clock::time_point{}) co_await hold(next.delivery.not_before);
  if (next.delivery.pace && phases_) co_await pace(next.delivery.pace);
  next.delivery = taken(std::move(next.delivery));
  co_return next;
}

std::optional<Delivery> Subscriber::try_next() {
  // not_before is only set by a latency step: no clock read per message without one.
  if (const Delivery* front = queue_.front(); front && front->not_before != std::chrono::steady_clock::time_point{} &&
                                              front->not_before > std::chrono::steady_clock::now()) {
    return std::nullopt;
  }
  if (const Delivery* front = queue_.front(); front && front->pace && phases_) {
    const auto now = std::chrono::steady_clock::now();
    if (phases_->pace_wait(front->pace, now) != std::chrono::steady_clock::duration::zero()) return std::nullopt;
    phases_->pace_take(front->pace, now);
  }
  auto d = queue_.try_pop();
  if (d) *d = taken(std::move(*d));
  return d;
}

void Subscriber::delivered(const Delivery& d) {
  ++message_stats().delivered;
  if (subscription_ && (qos_ == Qos::at_least_once || qos_ == Qos::auto_)) {
    subscription_->ack(d.ack_id);
    ack_deferred();
  }
}

void Subscriber::undelivered(const Delivery& d) {
  if (subscription_ && (qos_ == Qos::at_least_once || qos_ == Qos::auto_)) subscription_->nack(d.ack_id);
}

}  // namespace gantry
