#include "endpoints/kafka/consumer.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <random>
#include <thread>

namespace gantry::kafka {

namespace asio = boost::asio;

namespace {

// A consumer destroyed without close() (its owner's io thread had stopped: shutdown) still leaves its group, within
// a bound. Otherwise its partitions stay assigned to it until the session times out (45 s by default), and a
// restarted gateway's durable subscribers (webhook subscriptions) get nothing meanwhile.
void leave_group(rd_kafka_t* rk, std::chrono::milliseconds limit) {
  rd_kafka_queue_t* events = rd_kafka_queue_new(rk);
  if (rd_kafka_error_t* error = rd_kafka_consumer_close_queue(rk, events)) {
    rd_kafka_error_destroy(error);
    rd_kafka_queue_destroy(events);
    return;
  }
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!rd_kafka_consumer_closed(rk) && std::chrono::steady_clock::now() < deadline) {
    if (rd_kafka_event_t* event = rd_kafka_queue_poll(events, 50)) rd_kafka_event_destroy(event);
  }
  rd_kafka_queue_destroy(events);
}

std::atomic<std::size_t> open_consumers{0};

// A group id nobody else uses: a consumer that only assigns partitions never joins it and never commits to it.
std::string private_group_id() {
  static std::atomic<std::uint64_t> counter{0};
  std::random_device rd;
  return "gantry-live-" + std::to_string(rd()) + "-" + std::to_string(counter.fetch_add(1));
}

std::int64_t next_offset_of(const std::optional<Position>& resume, const std::string& topic, std::int32_t partition,
                            bool* found) {
  *found = false;
  if (!resume) return RD_KAFKA_OFFSET_INVALID;
  auto t = resume->offsets.find(topic);
  if (t == resume->offsets.end()) return RD_KAFKA_OFFSET_INVALID;
  auto p = t->second.find(partition);
  if (p == t->second.end()) return RD_KAFKA_OFFSET_INVALID;
  *found = true;
  return p->second + 1;
}

}  // namespace

Consumer::Consumer(HandlePtr rk, const EndpointConfig& config, ConsumerOptions options,
                   asio::any_io_executor executor)
    : rk_(std::move(rk)),
      topics_(options.topics.empty() ? config.consumer.topics : options.topics),
      topic_pattern_(options.topics.empty() ? config.consumer.topic_pattern : std::string()),
      remove_confluent_header_(config.consumer.remove_confluent_header),
      check_topic_existence_(config.consumer.check_topic_existence),
      reset_(config.consumer.auto_offset_reset),
      grouped_(!options.group_id.empty()),
      assign_only_(options.assign_only),
      commit_delivered_(options.commit_delivered),
      resume_(std::move(options.resume)),
      executor_(std::move(executor)) {
  if (resume_) position_ = *resume_;
  open_consumers.fetch_add(1, std::memory_order_relaxed);
}

std::size_t Consumer::instances() { return open_consumers.load(std::memory_order_relaxed); }

void Consumer::cancel() {
  boost::system::error_code ignored;
  if (wake_) wake_->cancel(ignored);
}

void Consumer::release_executor() {
  if (queue_) rd_kafka_queue_io_event_enable(queue_.get(), -1, nullptr, 0);
  wake_.reset();  // closes the read end
}

std::unique_ptr<Consumer> Consumer::create(const EndpointConfig& config, ConsumerOptions options,
                                           asio::any_io_executor executor, std::string* error) {
  auto properties = client_properties(config, Role::consumer);
  if (auto e = resolve_stores(config, properties); !e.empty()) {
    *error = e;
    return nullptr;
  }
  properties.emplace_back("group.id", options.group_id.empty() ? private_group_id() : options.group_id);
  if (options.commit_delivered) properties.emplace_back("enable.auto.commit", "true");
  // What a client set explicitly in the endpoint's properties still wins.
  for (const auto& p : config.properties)
    if (p.first == "group.id" || p.first == "enable.auto.commit") properties.push_back(p);
  ConfPtr conf = make_conf(properties, error);
  if (!conf) return nullptr;
  std::unique_ptr<Consumer> self(new Consumer(nullptr, config, std::move(options), executor));
  rd_kafka_conf_set_opaque(conf.get(), self.get());
  rd_kafka_conf_set_rebalance_cb(conf.get(), &Consumer::on_rebalance);
  // Client-level errors (a refused connection, all brokers down) are served by the poll calls through this
  // callback, on whichever thread polls (start()'s blocking thread, next()'s executor).
  rd_kafka_conf_set_error_cb(conf.get(), &Consumer::on_error);
  self->rk_ = make_handle(RD_KAFKA_CONSUMER, std::move(conf), error);
  if (!self->rk_) return nullptr;
  rd_kafka_poll_set_consumer(self->rk_.get());
  self->queue_.reset(rd_kafka_queue_get_consumer(self->rk_.get()));
  int fds[2];
  if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) {
    *error = "cannot create a wake-up pipe";
    return nullptr;
  }
  self->wake_write_ = fds[1];
  self->wake_.emplace(executor, fds[0]);
  static const char byte = 1;
  rd_kafka_queue_io_event_enable(self->queue_.get(), self->wake_write_, &byte, 1);
  return self;
}

Consumer::~Consumer() {
  open_consumers.fetch_sub(1, std::memory_order_relaxed);
  if (queue_) rd_kafka_queue_io_event_enable(queue_.get(), -1, nullptr, 0);
  queue_.reset();
  if (rk_ && !closed_) {
    rd_kafka_t* rk = rk_.release();
    leave_group(rk, std::chrono::seconds(3));
    rd_kafka_destroy_flags(rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
  }
  rk_.reset();
  wake_.reset();
  if (wake_write_ >= 0) ::close(wake_write_);
}

boost::system::error_code Consumer::start(std::chrono::milliseconds timeout) {
  if (assigns_all()) return assign_all(timeout);
  auto list = PartitionListPtr(rd_kafka_topic_partition_list_new(static_cast<int>(topics_.size()) + 1));
  if (!topic_pattern_.empty()) {
    std::string regex = topic_pattern_.front() == '^' ? topic_pattern_ : "^" + topic_pattern_;
    rd_kafka_topic_partition_list_add(list.get(), regex.c_str(), RD_KAFKA_PARTITION_UA);
  }
  for (const auto& t : topics_) rd_kafka_topic_partition_list_add(list.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
  return classify(rd_kafka_subscribe(rk_.get(), list.get()));
}

// Every partition of every topic, each from the resume position, else the group's committed offset (assign_only),
// else autoOffsetReset, resolved to a real offset now so that the position (and so every message id) names all
// partitions from the first message on.
boost::system::error_code Consumer::assign_all(std::chrono::milliseconds timeout) {
  auto list = PartitionListPtr(rd_kafka_topic_partition_list_new(16));
  for (const auto& topic : topics_) {
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk_.get(), topic.c_str(), nullptr);
    // In slices: between two, the errors librdkafka queued (a refused connection...) reach the watch at once
    // instead of after the whole timeout.
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    rd_kafka_resp_err_t err;
    for (;;) {
      const auto began = std::chrono::steady_clock::now();
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - began);
      // Without a watch nobody listens between slices: one call waits the whole time.
      std::int64_t slice_ms = std::max<std::int64_t>(left.count(), 1);
      if (watch_.unreachable) slice_ms = std::min<std::int64_t>(slice_ms, 250);
      const auto slice = std::chrono::milliseconds(slice_ms);
      err = rd_kafka_metadata(rk_.get(), 0, rkt, &md, static_cast<int>(slice.count()));
      const bool waiting = err == RD_KAFKA_RESP_ERR__TRANSPORT || err == RD_KAFKA_RESP_ERR__TIMED_OUT;
      if (!waiting || !watch_.unreachable) break;
      drain_errors();
      // Nobody waits for this consumer any more (its subscriber moved on, or left): free the blocking thread.
      if (abandoned_.load(std::memory_order_relaxed)) {
        rd_kafka_topic_destroy(rkt);
        return KafkaErrc::shutting_down;
      }
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline) break;
      if (now - began < slice) std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
                                    slice - (now - began), deadline - now));
    }
    rd_kafka_topic_destroy(rkt);
    if (err) return classify(err);
    std::unique_ptr<const rd_kafka_metadata_t, decltype(&rd_kafka_metadata_destroy)> guard(md,
                                                                                              rd_kafka_metadata_destroy);
    if (md->topic_cnt != 1 || md->topics[0].err || md->topics[0].partition_cnt == 0)
      return md->topic_cnt == 1 ? classify(md->topics[0].err ? md->topics[0].err
                                                             : RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
                                : KafkaErrc::unknown_topic;
    auto committed = PartitionListPtr(rd_kafka_topic_partition_list_new(md->topics[0].partition_cnt));
    for (int i = 0; i < md->topics[0].partition_cnt; ++i)
      rd_kafka_topic_partition_list_add(committed.get(), topic.c_str(), md->topics[0].partitions[i].id);
    if (grouped_ && (err = rd_kafka_committed(rk_.get(), committed.get(), static_cast<int>(timeout.count()))))
      return classify(err);
    for (int i = 0; i < committed->cnt; ++i) {
      const std::int32_t partition = committed->elems[i].partition;
      bool found = false;
      std::int64_t next = next_offset_of(resume_, topic, partition, &found);
      if (!found && grouped_ && committed->elems[i].offset >= 0) {
        next = committed->elems[i].offset;
        found = true;
      }
      if (!found) {
        std::int64_t low = 0, high = 0;
        err = rd_kafka_query_watermark_offsets(rk_.get(), topic.c_str(), partition, &low, &high,
                                               static_cast<int>(timeout.count()));
        if (err) return classify(err);
        next = (resume_ || reset_ == AutoOffsetReset::earliest) ? low : high;
      }
      position_.advance(topic, partition, next - 1);
      rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition)->offset = next;
    }
  }
  return classify(rd_kafka_assign(rk_.get(), list.get()));
}

// Grouped consumers: partitions named in the resume position start just after it; the others from the group's
// committed offsets (or autoOffsetReset).
void Consumer::on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions,
                            void* opaque) {
  auto* self = static_cast<Consumer*>(opaque);
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    if (self->watch_.assigned) self->watch_.assigned();
    for (int i = 0; i < partitions->cnt; ++i) {
      auto& p = partitions->elems[i];
      bool found = false;
      std::int64_t next = next_offset_of(self->resume_, p.topic, p.partition, &found);
      if (found) p.offset = next;
    }
    rd_kafka_assign(rk, partitions);
  } else {
    rd_kafka_assign(rk, nullptr);
  }
}

void Consumer::on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
  auto* self = static_cast<Consumer*>(opaque);
  // What librdkafka logged by itself before this callback replaced it.
  spdlog::warn("kafka {}: {}", rk ? rd_kafka_name(rk) : "consumer",
               reason ? reason : rd_kafka_err2str(static_cast<rd_kafka_resp_err_t>(err)));
  self->report_unreachable(static_cast<rd_kafka_resp_err_t>(err), reason);
}

bool Consumer::report_unreachable(rd_kafka_resp_err_t err, const char* reason) {
  switch (err) {
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__RESOLVE:
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
    case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
    case RD_KAFKA_RESP_ERR__SSL:
      break;
    default:
      return false;
  }
  if (watch_.unreachable) watch_.unreachable(reason && *reason ? reason : rd_kafka_err2str(err));
  return true;
}

void Consumer::drain_errors() {
  while (MessagePtr m{rd_kafka_consumer_poll(rk_.get(), 0)}) {
    if (m->err) report_unreachable(m->err, rd_kafka_message_errstr(m.get()));
  }
}

bool Consumer::drain_wakeups() {
  if (!wake_) return false;
  char buf[64];
  while (::read(wake_->native_handle(), buf, sizeof buf) > 0) {
  }
  return true;
}

asio::awaitable<Batch> Consumer::next(std::size_t max, std::vector<Record> storage) {
  Batch batch;
  batch.records = std::move(storage);
  batch.records.clear();
  for (;;) {
    // Clear the wake-up before looking: an enqueue after the look writes to the pipe again.
    drain_wakeups();
    int served = 0;
    while (batch.records.size() < max) {
      MessagePtr m(rd_kafka_consumer_poll(rk_.get(), 0));
      // poll(0) also answers null after serving an event that is not a record (an auto-commit's result, say)
      // while records still wait behind it. The pipe is only written when the queue turns non-empty, so
      // waiting now could be for ever: poll on while the queue holds anything.
      if (!m && rd_kafka_queue_length(queue_.get()) > 0 && ++served < 256) continue;
      if (!m) break;
      if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (batch.records.empty()) batch.records.reserve(max);
        read_record(*m, remove_confluent_header_, batch.records.emplace_back());
        continue;
      }
      // Broker outages are reported here but librdkafka reconnects by itself: only errors it will not recover
      // from end the stream.
      report_unreachable(m->err, rd_kafka_message_errstr(m.get()));
      char reason[256];
      if (m->err == RD_KAFKA_RESP_ERR__FATAL && rd_kafka_fatal_error(rk_.get(), reason, sizeof reason)) {
        batch.error = KafkaErrc::broker_error;
        co_return batch;
      }
      const auto kind = classify(m->err);
      if (kind == KafkaErrc::not_authorized || (kind == KafkaErrc::unknown_topic && check_topic_existence_)) {
        batch.error = kind;
        co_return batch;
      }
    }
    if (!batch.records.empty()) co_return batch;
    if (rd_kafka_queue_length(queue_.get()) > 0) {  // still not served: let others run, then look again
      co_await asio::post(executor_, asio::use_awaitable);
      continue;
    }
    if (!wake_) {
      batch.error = KafkaErrc::shutting_down;
      co_return batch;
    }
    auto [ec] = co_await wake_->async_wait(asio::posix::stream_descriptor::wait_read,
                                           asio::as_tuple(asio::use_awaitable));
    if (ec) {
      batch.error = ec == asio::error::operation_aborted ? KafkaErrc::shutting_down : KafkaErrc::broker_error;
      co_return batch;
    }
  }
}

void Consumer::mark_delivered(const Record& r) {
  position_.advance(r.topic, r.partition, r.offset);
  if (!commit_delivered_) return;
  auto list = PartitionListPtr(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(list.get(), r.topic.c_str(), r.partition)->offset = r.offset + 1;
  rd_kafka_offsets_store(rk_.get(), list.get());
}

void Consumer::store_offset(const std::string& topic, std::int32_t partition, std::int64_t next_offset) {
  auto list = PartitionListPtr(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition)->offset = next_offset;
  rd_kafka_offsets_store(rk_.get(), list.get());
}

void Consumer::pause_all() {
  rd_kafka_topic_partition_list_t* assigned = nullptr;
  if (rd_kafka_assignment(rk_.get(), &assigned) || !assigned) return;
  PartitionListPtr guard(assigned);
  rd_kafka_pause_partitions(rk_.get(), assigned);
}

void Consumer::resume_all() {
  rd_kafka_topic_partition_list_t* assigned = nullptr;
  if (rd_kafka_assignment(rk_.get(), &assigned) || !assigned) return;
  PartitionListPtr guard(assigned);
  rd_kafka_resume_partitions(rk_.get(), assigned);
}

void Consumer::seek(const std::string& topic, std::int32_t partition, std::int64_t offset) {
  auto list = PartitionListPtr(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition)->offset = offset;
  if (auto* error = rd_kafka_seek_partitions(rk_.get(), list.get(), 0)) rd_kafka_error_destroy(error);
}

boost::system::error_code Consumer::commit_sync(const Record& r) {
  auto list = PartitionListPtr(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(list.get(), r.topic.c_str(), r.partition)->offset = r.offset + 1;
  return classify(rd_kafka_commit(rk_.get(), list.get(), 0));
}

void Consumer::close() {
  if (closed_) return;
  closed_ = true;
  rd_kafka_consumer_close(rk_.get());
}

}  // namespace gantry::kafka
