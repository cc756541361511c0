// One subscriber of the API's endpoint (a client stream, or a webhook subscription): the endpoint delivers into a
// bounded queue, the entrypoint's single writer takes messages out, and the QoS decides when each is acknowledged
// (docs/qos.md). Lives on one io thread; destroying it releases the endpoint subscription at once. Nothing here
// depends on a client connection, so a webhook delivery loop drives one the same way SSE does.
#pragma once

#include "core/message/endpoint_connector.hpp"
#include "core/message/subscriber_queue.hpp"
#include "gateway/message/message_entrypoint.hpp"
#include "gateway/message/phase_chain.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace gantry {

class Subscriber final : public MessageSink, private FlowControl {
 public:
  Subscriber(boost::asio::any_io_executor executor, MessageContext& ctx, QueueLimits limits = {});
  ~Subscriber();
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;

  // Opens the endpoint subscription; false when the endpoint cannot subscribe. A durable subscriber (a webhook
  // subscription, which keeps its own position across restarts) passes its stable id.
  bool open(std::string resume_after, std::uint64_t limit = 0, std::string durable_id = {});

  // Waits, at most `timeout`, until the endpoint subscription reached its broker (at once for endpoints that need
  // no connection): `connect_failed` when an attempt failed first (why: connect_error()), `timeout` when neither
  // happened in time, `ready` otherwise (also when the stream ended meanwhile: the writer sees the end next).
  enum class Start { ready, connect_failed, timeout };
  boost::asio::awaitable<Start> until_connected(std::chrono::milliseconds timeout);
  const std::string& connect_error() const { return connect_error_; }

  // The next message for the client (at-most-once: already acknowledged), a timeout, or the end.
  boost::asio::awaitable<SubscriberQueue::Next> next(std::chrono::milliseconds timeout);
  std::optional<Delivery> try_next();  // without waiting (to batch writes)

  // The entrypoint's verdict on a message it took: acknowledges (auto, at-least-once) or nacks it.
  void delivered(const Delivery& d);
  void undelivered(const Delivery& d);

  // Ends the stream now (the API stopped): the writer sees the end with `aborted()` true.
  void stop(std::string reason) {
    queue_.abort(std::move(reason));
    wake_connect_wait();
  }
  bool aborted() const { return queue_.aborted(); }
  const std::string& end_reason() const { return queue_.end_reason(); }
  // Gravitee's key for the failure that ended the stream, when the endpoint named one ("" otherwise).
  const std::string& failure_key() const { return failure_key_; }
  Qos qos() const { return qos_; }
  const SubscriberQueue& queue() const { return queue_; }

 private:
  // MessageSink
  void on_message(MessagePtr message, std::uint64_t ack_id) override;
  void on_end(std::string error) override;
  void on_failure(std::string key, std::string error) override;
  void on_connected() override;
  void on_connect_failed(std::string error) override;
  // FlowControl
  void pause() override;
  void resume() override;
  void rejected(const Delivery& d) override;

  void wake_connect_wait();
  Delivery taken(Delivery d);
  // A message a subscribe step dropped: acknowledged now, or (ackFilteredMessage false) deferred until a later
  // message is acknowledged, so the endpoint never commits past it on the strength of the filter alone.
  void filtered(std::uint64_t ack_id, bool ack_now);
  void ack_deferred();
  // Waits until the pacing steps of `mask` (message-rate-limit) let one more message through, and takes it.
  boost::asio::awaitable<void> pace(std::uint32_t mask);
  // Waits until a latency step lets the message go.
  boost::asio::awaitable<void> hold(std::chrono::steady_clock::time_point until);

  boost::asio::any_io_executor executor_;
  MessageContext& ctx_;
  MessagePhaseRun* phases_;  // null: no subscribe steps
  Qos qos_;
  SubscriberQueue queue_;
  std::vector<std::uint64_t> deferred_acks_;  // bounded by max_deferred_acks
  bool failed_ = false;                       // a subscribe step failed: the stream is ending
  bool connected_ = true;                     // the endpoint subscription reached its broker
  bool awaiting_connection_ = false;          // until_connected() sleeps on pace_timer_
  std::string connect_error_;                 // why the last connection attempt failed
  std::string failure_key_;                   // see failure_key()
  // Made on the first paced or held message, or the first wait for a connection (never both at once).
  std::unique_ptr<boost::asio::steady_timer> pace_timer_;
  std::unique_ptr<Subscription> subscription_;  // last member: released first
};

// Overflow policy of a subscriber queue at each QoS level.
Overflow overflow_for(Qos qos);

}  // namespace gantry
