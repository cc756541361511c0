// One consumer per (API, topics) per gateway feeding every live subscriber (QoS none/auto, no group of its own):
// thousands of SSE/WebSocket clients cost one Kafka consumer, not one each. Each subscriber has a bounded queue;
// a subscriber that falls `capacity` records behind is dropped with subscriber_too_slow (it resumes with its last
// message id, through a consumer of its own), so one slow client never stalls the others or grows memory.
#pragma once

#include "endpoints/kafka/consumer.hpp"
#include "endpoints/kafka/message_id_text.hpp"

#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace gantry::kafka {

class SharedConsumer;

// A live subscriber's end: records in order, each with the id to resume just after it.
class Subscription {
 public:
  struct Next {
    boost::system::error_code error;  // set: the stream is over (subscriber_too_slow, broker_error, shutting_down)
    RecordPtr record;
    std::string id;  // Gravitee-compatible message id: this subscriber's position after `record`
  };

  ~Subscription();  // leaves the shared consumer (the last one out stops it)
  // Leaves the shared consumer now and ends a pending next() (with shutting_down): nothing is sent to this
  // subscription afterwards. On the subscription's executor.
  void detach();
  boost::asio::awaitable<Next> next();
  // A record already waiting, without waiting (false when none, or when the stream is over: next() says why).
  bool try_next(Next& out);
  Position position() const { return ids_.position(); }
  // The shared consumer holds its partitions: records produced from now on reach this subscriber.
  bool ready() const;
  // Connection reporting for this subscriber: `watch(true, "")` once the shared consumer holds its partitions,
  // `watch(false, why)` for each sign that its broker cannot be reached meanwhile (the last one known is told at
  // once). Called with the consumer's lock held, from any thread: post, do not call back in. Returns true, and
  // keeps nothing, when the consumer is ready already.
  using StartWatch = std::function<void(bool ready, const std::string& why)>;
  bool watch_start(StartWatch watch);

 private:
  friend class SharedConsumer;
  using Channel = boost::asio::experimental::concurrent_channel<void(boost::system::error_code, RecordPtr)>;
  Subscription(std::shared_ptr<SharedConsumer> owner, boost::asio::any_io_executor executor, std::size_t capacity,
               bool encode_ids);

  std::shared_ptr<SharedConsumer> owner_;
  Channel channel_;
  MessageIdText ids_;  // the position: written by the pump before the first record arrives, then by next() only
  std::atomic<bool> overflowed_{false};
  StartWatch watch_;  // guarded by the owner's mutex_
};

class SharedConsumer : public std::enable_shared_from_this<SharedConsumer> {
 public:
  struct Stats {
    std::size_t subscribers = 0;
    std::uint64_t records = 0;         // records read from Kafka
    std::uint64_t deliveries = 0;      // records queued to subscribers
    std::uint64_t dropped_slow = 0;    // subscribers dropped for overflowing
  };

  // The pump runs on `executor` (a strand or one worker's context); blocking librdkafka calls (metadata at start)
  // run on the kafka blocking pool (blocking.hpp). Null with `error` set when librdkafka refuses the configuration.
  static std::shared_ptr<SharedConsumer> create(std::shared_ptr<const EndpointConfig> config,
                                                std::vector<std::string> topics,
                                                boost::asio::any_io_executor executor,
                                                std::string* error);
  ~SharedConsumer();

  // Joins at the live head: the subscription's first record is the first one read after this call. Null once the
  // consumer has stopped (its last subscriber left): start another.
  std::shared_ptr<Subscription> subscribe(boost::asio::any_io_executor executor, std::size_t capacity = 1024);

  Stats stats() const;
  // Set once the first assignment is known (or start failed, then with the error).
  bool started() const;

 private:
  friend class Subscription;
  friend class SharedConsumers;
  SharedConsumer(std::shared_ptr<const EndpointConfig> config, boost::asio::any_io_executor executor);
  boost::asio::awaitable<void> pump(std::shared_ptr<SharedConsumer> self);
  void fan_out(std::vector<Record>& records);
  void end_all(boost::system::error_code ec);
  void leave(Subscription* s);
  void unreachable(const std::string& why);  // from start(), on the blocking pool

  std::shared_ptr<const EndpointConfig> config_;
  std::unique_ptr<Consumer> consumer_;
  boost::asio::any_io_executor executor_;
  mutable std::mutex mutex_;  // guards what follows: taken by the pump once per batch and by (un)subscribers
  std::vector<Subscription*> subscribers_;
  Position dispatched_;  // the position after the last record fanned out
  bool started_ = false, stopped_ = false;
  std::string unreachable_;  // the last reason the broker could not be reached, while starting
  boost::system::error_code end_;
  Stats stats_;
};

// The gateway's shared consumers, one per (API id, topics): get() returns the running one or starts it.
class SharedConsumers {
 public:
  // Joins the consumer of (api_id, topics), starting it on `pump_executor` when none runs. Null with `error` set
  // when librdkafka refuses the configuration.
  std::shared_ptr<Subscription> subscribe(const std::string& api_id, std::shared_ptr<const EndpointConfig> config,
                                          const std::vector<std::string>& topics,
                                          boost::asio::any_io_executor pump_executor,
                                          boost::asio::any_io_executor subscriber_executor, std::size_t capacity,
                                          std::string* error, bool* started = nullptr);
  std::size_t running() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::weak_ptr<SharedConsumer>> consumers_;
};

}  // namespace gantry::kafka
