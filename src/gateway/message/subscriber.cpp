#include "gateway/message/subscriber.hpp"

#include "gateway/message/message_stats.hpp"

namespace gantry {

Overflow overflow_for(Qos qos) {
  return qos == Qos::at_least_once ? Overflow::pause_endpoint : Overflow::drop_oldest;
}

Subscriber::Subscriber(boost::asio::any_io_executor executor, MessageContext& ctx, MessagePhaseContext phase_ctx,
                       QueueLimits limits)
    : executor_(executor),
      ctx_(ctx),
      phase_ctx_(phase_ctx),
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
  request.api_id = ctx_.api.id;
  request.executor = executor_;
  subscription_ = ctx_.endpoint.subscribe(request, *this);
  if (!subscription_) return false;
  ++message_stats().endpoint_subscriptions;
  return true;
}

void Subscriber::on_message(MessagePtr message, std::uint64_t ack_id) {
  auto kept = ctx_.phases.run_subscribe(std::move(message), phase_ctx_);
  if (!kept) {  // filtered out by a policy: nothing to deliver, the endpoint may move on
    if (subscription_ && qos_ != Qos::none) subscription_->ack(ack_id);
    return;
  }
  queue_.push(Delivery{std::move(kept), ack_id});
}

void Subscriber::on_end(std::string error) { queue_.finish(std::move(error)); }

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
  if (qos_ == Qos::at_most_once && subscription_) subscription_->ack(d.ack_id);
  return d;
}

boost::asio::awaitable<SubscriberQueue::Next> Subscriber::next(std::chrono::milliseconds timeout) {
  auto next = co_await queue_.next(timeout);
  if (next.event == SubscriberQueue::Event::message) next.delivery = taken(std::move(next.delivery));
  co_return next;
}

std::optional<Delivery> Subscriber::try_next() {
  auto d = queue_.try_pop();
  if (d) *d = taken(std::move(*d));
  return d;
}

void Subscriber::delivered(const Delivery& d) {
  ++message_stats().delivered;
  if (subscription_ && (qos_ == Qos::at_least_once || qos_ == Qos::auto_)) subscription_->ack(d.ack_id);
}

void Subscriber::undelivered(const Delivery& d) {
  if (subscription_ && (qos_ == Qos::at_least_once || qos_ == Qos::auto_)) subscription_->nack(d.ack_id);
}

}  // namespace gantry
