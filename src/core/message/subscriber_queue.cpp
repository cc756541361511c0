#include "core/message/subscriber_queue.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace gantry {
namespace asio = boost::asio;

SubscriberQueue::SubscriberQueue(asio::any_io_executor executor, QueueLimits limits, Overflow overflow,
                                 FlowControl& flow)
    : limits_(limits), overflow_(overflow), flow_(flow), signal_(executor) {
  limits_.max_messages = std::max<std::size_t>(limits_.max_messages, 1);
}

bool SubscriberQueue::full() const {
  return items_.size() >= limits_.max_messages || bytes_ >= limits_.max_bytes;
}

void SubscriberQueue::drop_front() {
  Delivery dropped = std::move(items_.front());
  items_.pop_front();
  bytes_ -= dropped.message ? dropped.message->content.size() : 0;
  ++dropped_;
  flow_.rejected(dropped);
}

void SubscriberQueue::push(Delivery delivery) {
  if (ended_) {
    flow_.rejected(delivery);
    return;
  }
  const std::size_t size = delivery.message ? delivery.message->content.size() : 0;
  if (overflow_ == Overflow::drop_oldest) {
    // Room for this one within both budgets (a single message larger than the byte budget still goes through).
    while (!items_.empty() && (items_.size() >= limits_.max_messages || bytes_ + size > limits_.max_bytes))
      drop_front();
  } else if (items_.size() >= 2 * limits_.max_messages || bytes_ >= 2 * limits_.max_bytes) {
    // The endpoint kept delivering long after pause(): refuse rather than grow; it redelivers what it nacks.
    flow_.rejected(delivery);
    return;
  }
  bytes_ += size;
  items_.push_back(std::move(delivery));
  high_water_ = std::max<std::uint64_t>(high_water_, items_.size());
  if (overflow_ == Overflow::pause_endpoint && !paused_ && full()) {
    paused_ = true;
    flow_.pause();
  }
  wake();
}

void SubscriberQueue::finish(std::string error) {
  if (ended_) return;
  ended_ = true;
  end_reason_ = std::move(error);
  wake();
}

void SubscriberQueue::abort(std::string reason) {
  if (ended_ && aborted_) return;
  ended_ = true;
  aborted_ = true;
  end_reason_ = std::move(reason);
  items_.clear();
  bytes_ = 0;
  wake();
}

void SubscriberQueue::wake() {
  if (waiting_) signal_.cancel();
}

std::optional<Delivery> SubscriberQueue::try_pop() {
  if (aborted_ || items_.empty()) return std::nullopt;
  Delivery d = std::move(items_.front());
  items_.pop_front();
  bytes_ -= d.message ? d.message->content.size() : 0;
  // Resume at half capacity, not at the first free slot, so a paused endpoint is not toggled per message.
  if (paused_ && items_.size() <= limits_.max_messages / 2 && bytes_ <= limits_.max_bytes / 2) {
    paused_ = false;
    flow_.resume();
  }
  return d;
}

asio::awaitable<SubscriberQueue::Next> SubscriberQueue::next(std::chrono::milliseconds timeout) {
  const auto deadline = timeout.count() > 0 ? std::chrono::steady_clock::now() + timeout
                                            : std::chrono::steady_clock::time_point::max();
  for (;;) {
    if (auto d = try_pop()) co_return Next{Event::message, std::move(*d)};
    if (ended_) co_return Next{Event::end, {}};
    if (std::chrono::steady_clock::now() >= deadline) co_return Next{Event::timeout, {}};
    signal_.expires_at(deadline);
    waiting_ = true;
    auto [ec] = co_await signal_.async_wait(asio::as_tuple(asio::use_awaitable));
    waiting_ = false;
    // Cancelled from outside (the client left while we waited): end rather than spin.
    auto cs = co_await asio::this_coro::cancellation_state;
    if (cs.cancelled() != asio::cancellation_type::none) co_return Next{Event::end, {}};
  }
}

}  // namespace gantry
