// A librdkafka consumer driven by one coroutine on one executor: records are awaited (librdkafka signals a pipe
// when its queue turns non-empty; no extra thread), so a consumer reads only as fast as its owner takes records
// and librdkafka's bounded fetch queue is the back-pressure. Used alone by a subscriber that needs its own
// position (its own group, commits per QoS), and by SharedConsumer to feed many live subscribers.
#pragma once

#include "endpoints/kafka/config.hpp"
#include "endpoints/kafka/errors.hpp"
#include "endpoints/kafka/handle.hpp"
#include "endpoints/kafka/message_id.hpp"
#include "endpoints/kafka/record.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gantry::kafka {

struct ConsumerOptions {
  // Empty: no consumer group. The consumer assigns itself every partition of the topics, starting at the resume
  // position or autoOffsetReset, and never commits (live subscribers, QoS none/auto). Otherwise it joins this
  // group and resumes from the group's committed offsets (unless `resume` says where).
  std::string group_id;
  std::optional<Position> resume;   // start just after these offsets (Last-Event-ID, cursor)
  std::vector<std::string> topics;  // overrides the endpoint's consumer topics (gravitee.attribute.kafka.topics)
  // at-least-once: commit only what was delivered (mark_delivered), in the background and when closing.
  bool commit_delivered = false;
  // With a group: do not join it (no membership, no rebalance to wait for) but assign every partition as a
  // consumer without group does, starting from the group's committed offsets (then autoOffsetReset), and commit
  // there. For a client's own group, which one reader uses at a time (an http-get client's successive pages).
  bool assign_only = false;
};

struct Batch {
  boost::system::error_code error;  // set: the stream is over (fatal client error, closed)
  std::vector<Record> records;  // the taker's: a shared consumer shares them out as RecordPtr
};

// How a consumer tells its owner whether its broker can be reached (the "Connecting" contract of
// core/message/endpoint_connector.hpp). Either may be called on any thread (start() runs on the blocking pool,
// next() on the consumer's executor): owners post to their own executor.
struct ConnectionWatch {
  // An error saying no broker answers: all brokers down, a name that does not resolve, a refused or broken
  // connection, rejected credentials. librdkafka keeps trying; it may be said again.
  std::function<void(const std::string& why)> unreachable;
  // A grouped consumer got its (first) assignment from the group: it reached the broker.
  std::function<void()> assigned;
};

class Consumer {
 public:
  // Null with `error` set when librdkafka refuses the configuration.
  static std::unique_ptr<Consumer> create(const EndpointConfig& config, ConsumerOptions options,
                                          boost::asio::any_io_executor executor, std::string* error);
  ~Consumer();  // leaves without committing anything more; call close() first for an orderly goodbye
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // Blocking (metadata and watermarks from the broker, at most `timeout`): run it off the I/O threads. Without a
  // group (or assign_only), every partition of the topics is assigned and the starting position recorded, so that
  // the first message id already names every partition. A topic that does not exist is an error with checkTopicExistence.
  // Tells `watch` (set before start) about brokers that cannot be reached meanwhile.
  boost::system::error_code start(std::chrono::milliseconds timeout);
  void watch(ConnectionWatch watch) { watch_ = std::move(watch); }
  // Any thread: the owner no longer waits for start(); a start still waiting for a broker gives up early.
  void abandon() { abandoned_.store(true, std::memory_order_relaxed); }

  // Up to `max` records; waits (on the executor given to create) while there are none. The batch's records are
  // kept in `storage` (emptied first): a taker that hands back the previous batch's vector spares a large
  // allocation per batch.
  boost::asio::awaitable<Batch> next(std::size_t max, std::vector<Record> storage = {});

  // After each record delivered: advances the position that message ids are made from, and with
  // commit_delivered stores the offset for the next (background) commit.
  void mark_delivered(const Record& record);
  // at-most-once: commits this record's offset before it is delivered. Blocking (one broker round trip): run off
  // the I/O threads.
  boost::system::error_code commit_sync(const Record& record);

  // Stores `next_offset` (the next record to read) of a partition for the group's next background commit
  // (commit_delivered), without waiting: at-least-once stores the lowest offset not yet acknowledged.
  void store_offset(const std::string& topic, std::int32_t partition, std::int64_t next_offset);
  // Stops / restarts fetching every assigned partition (back-pressure); asynchronous in librdkafka.
  void pause_all();
  void resume_all();
  // Reads a partition again from `offset` (at-least-once redelivery); asynchronous.
  void seek(const std::string& topic, std::int32_t partition, std::int64_t offset);

  // Blocking: commits stored offsets (commit_delivered) and leaves the group.
  void close();

  // Ends a pending next() with shutting_down. On the consumer's executor only.
  void cancel();

  // Lets go of the consumer's executor (its wake-up descriptor), on that executor, before the consumer is handed
  // to another thread to be closed: an I/O object must not outlive its io_context, which at shutdown it could.
  // next() reports shutting_down afterwards.
  void release_executor();

  // Consumers open in this process (a gateway metric: shared consumption keeps it at one per API and topics).
  static std::size_t instances();

  const Position& position() const { return position_; }
  bool grouped() const { return grouped_; }
  // Whether start() assigns every partition itself (and the position names all of them from the first record).
  bool assigns_all() const { return (!grouped_ || assign_only_) && topic_pattern_.empty(); }
  rd_kafka_t* handle() const { return rk_.get(); }

 private:
  Consumer(HandlePtr rk, const EndpointConfig& config, ConsumerOptions options,
           boost::asio::any_io_executor executor);
  boost::system::error_code assign_all(std::chrono::milliseconds timeout);
  static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions,
                           void* opaque);
  bool drain_wakeups();
  static void on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque);
  // Reports an error event to the watch when it says the broker cannot be reached; true if it did.
  bool report_unreachable(rd_kafka_resp_err_t err, const char* reason);
  // While start() waits for metadata: error events queued meanwhile (nothing else polls yet).
  void drain_errors();

  HandlePtr rk_;
  QueuePtr queue_;
  std::vector<std::string> topics_;
  std::string topic_pattern_;
  bool remove_confluent_header_;
  bool check_topic_existence_;
  AutoOffsetReset reset_;
  bool grouped_;
  bool assign_only_;
  bool commit_delivered_;
  std::optional<Position> resume_;
  Position position_;
  int wake_write_ = -1;
  boost::asio::any_io_executor executor_;
  std::optional<boost::asio::posix::stream_descriptor> wake_;  // reads the pipe librdkafka writes to
  bool closed_ = false;
  ConnectionWatch watch_;
  std::atomic<bool> abandoned_{false};
};

}  // namespace gantry::kafka
