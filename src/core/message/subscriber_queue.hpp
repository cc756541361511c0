// The bounded queue between an endpoint subscription (producer) and the one writer coroutine that sends to a
// client (consumer). Lives on the subscriber's io thread: no locks. Overflow follows the QoS: drop the oldest
// message (and count it), or pause the endpoint until the writer catches up.
#pragma once

#include "core/message/message.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

namespace gantry {

struct Delivery {
  MessagePtr message;
  std::uint64_t ack_id = 0;
  std::uint32_t pace = 0;  // pacing steps (message-rate-limit) this message waits for before it is handed out
  std::chrono::steady_clock::time_point not_before{};  // a latency step holds it until then
};

enum class Overflow {
  drop_oldest,     // none / auto / at-most-once: the client may miss messages, the gateway never piles them up
  pause_endpoint,  // at-least-once: nothing is lost; the endpoint waits for this subscriber
};

struct QueueLimits {
  std::size_t max_messages = 1024;
  std::size_t max_bytes = 4 * 1024 * 1024;  // content bytes
};

// What the queue asks of the subscription when it fills up or drains.
class FlowControl {
 public:
  virtual void pause() = 0;
  virtual void resume() = 0;
  virtual void rejected(const Delivery& delivery) = 0;  // dropped (drop_oldest) or beyond the hard limit

 protected:
  ~FlowControl() = default;
};

class SubscriberQueue {
 public:
  enum class Event { message, timeout, end };
  struct Next {
    Event event = Event::end;
    Delivery delivery;  // when event == message
  };

  SubscriberQueue(boost::asio::any_io_executor executor, QueueLimits limits, Overflow overflow,
                  FlowControl& flow);

  // Producer side.
  void push(Delivery delivery);
  // No more messages will come: the writer drains what is queued, then sees the end.
  void finish(std::string error = {});
  // End now, dropping what is queued (the API stopped or the client left).
  void abort(std::string reason);

  // Consumer side: the next message, or `timeout` (0 = wait without a deadline) passing, or the end.
  boost::asio::awaitable<Next> next(std::chrono::milliseconds timeout);
  std::optional<Delivery> try_pop();
  const Delivery* front() const { return aborted_ || items_.empty() ? nullptr : &items_.front(); }

  bool ended() const { return ended_ && (aborted_ || items_.empty()); }
  bool aborted() const { return aborted_; }
  const std::string& end_reason() const { return end_reason_; }
  std::size_t size() const { return items_.size(); }
  std::size_t bytes() const { return bytes_; }
  bool paused() const { return paused_; }
  std::uint64_t dropped() const { return dropped_; }
  std::uint64_t high_water() const { return high_water_; }

 private:
  bool full() const;
  void drop_front();
  void wake();

  QueueLimits limits_;
  Overflow overflow_;
  FlowControl& flow_;
  std::deque<Delivery> items_;
  std::size_t bytes_ = 0;
  bool paused_ = false;
  bool ended_ = false;
  bool aborted_ = false;
  std::string end_reason_;
  std::uint64_t dropped_ = 0;
  std::uint64_t high_water_ = 0;
  boost::asio::steady_timer signal_;  // the waiting writer sleeps on it; producers cancel it to wake it
  bool waiting_ = false;
};

}  // namespace gantry
