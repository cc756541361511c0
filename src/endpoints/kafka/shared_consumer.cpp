#include "endpoints/kafka/shared_consumer.hpp"

#include "endpoints/kafka/blocking.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace gantry::kafka {

namespace asio = boost::asio;

Subscription::Subscription(std::shared_ptr<SharedConsumer> owner, asio::any_io_executor executor,
                           std::size_t capacity, bool encode_ids)
    : owner_(std::move(owner)), channel_(std::move(executor), capacity), ids_(encode_ids) {}

Subscription::~Subscription() {
  if (owner_) owner_->leave(this);
}

void Subscription::detach() {
  if (owner_) owner_->leave(this);
  owner_ = nullptr;
  channel_.close();
  channel_.cancel();
}

bool Subscription::ready() const { return owner_ && owner_->started(); }

bool Subscription::watch_start(StartWatch watch) {
  if (!owner_) return false;
  std::lock_guard lock(owner_->mutex_);
  if (owner_->started_ && !owner_->end_) return true;
  if (!owner_->unreachable_.empty()) watch(false, owner_->unreachable_);
  watch_ = std::move(watch);
  return false;
}

asio::awaitable<Subscription::Next> Subscription::next() {
  Next out;
  auto [ec, record] = co_await channel_.async_receive(asio::as_tuple(asio::use_awaitable));
  if (ec) {
    if (overflowed_.load(std::memory_order_acquire)) {
      out.error = KafkaErrc::subscriber_too_slow;
    } else if (!owner_) {
      out.error = KafkaErrc::shutting_down;
    } else {
      std::lock_guard lock(owner_->mutex_);
      out.error = owner_->end_ ? owner_->end_ : boost::system::error_code(KafkaErrc::shutting_down);
    }
    co_return out;
  }
  ids_.advance(record->topic, record->partition, record->offset);
  out.id = ids_.id();
  out.record = std::move(record);
  co_return out;
}

bool Subscription::try_next(Next& out) {
  boost::system::error_code ec;
  RecordPtr record;
  const bool received = channel_.try_receive([&](boost::system::error_code e, RecordPtr r) {
    ec = e;
    record = std::move(r);
  });
  if (!received || ec || !record) return false;
  ids_.advance(record->topic, record->partition, record->offset);
  out.error = {};
  out.id = ids_.id();
  out.record = std::move(record);
  return true;
}

SharedConsumer::SharedConsumer(std::shared_ptr<const EndpointConfig> config, asio::any_io_executor executor)
    : config_(std::move(config)), executor_(std::move(executor)) {}

SharedConsumer::~SharedConsumer() = default;

std::shared_ptr<SharedConsumer> SharedConsumer::create(std::shared_ptr<const EndpointConfig> config,
                                                       std::vector<std::string> topics, asio::any_io_executor executor,
                                                       std::string* error) {
  std::shared_ptr<SharedConsumer> self(new SharedConsumer(config, executor));
  ConsumerOptions options;
  options.topics = std::move(topics);
  self->consumer_ = Consumer::create(*config, std::move(options), executor, error);
  if (!self->consumer_) return nullptr;
  asio::co_spawn(executor, self->pump(self), asio::detached);
  return self;
}

std::shared_ptr<Subscription> SharedConsumer::subscribe(asio::any_io_executor executor, std::size_t capacity) {
  std::shared_ptr<Subscription> s(
      new Subscription(shared_from_this(), std::move(executor), capacity, config_->consumer.encode_message_id));
  std::lock_guard lock(mutex_);
  if (stopped_) {
    s->owner_ = nullptr;  // never joined: nothing to leave
    return nullptr;
  }
  if (started_) s->ids_.assign(dispatched_);
  subscribers_.push_back(s.get());
  stats_.subscribers = subscribers_.size();
  return s;
}

void SharedConsumer::unreachable(const std::string& why) {
  std::lock_guard lock(mutex_);
  unreachable_ = why;
  for (auto* s : subscribers_)
    if (s->watch_) s->watch_(false, why);
}

void SharedConsumer::leave(Subscription* s) {
  std::lock_guard lock(mutex_);
  std::erase(subscribers_, s);
  stats_.subscribers = subscribers_.size();
  if (!subscribers_.empty() || stopped_) return;
  stopped_ = true;  // the last one out: stop reading, nobody would see the records
  asio::post(executor_, [self = shared_from_this()] {
    if (!self->consumer_) return;
    self->consumer_->abandon();  // a start still waiting for an unreachable broker gives up
    self->consumer_->cancel();
  });
}

asio::awaitable<void> SharedConsumer::pump(std::shared_ptr<SharedConsumer> self) {
  // Metadata and watermarks are blocking calls: made on the blocking pool.
  Consumer* consumer = consumer_.get();
  std::weak_ptr<SharedConsumer> weak = self;
  consumer->watch(ConnectionWatch{[weak](const std::string& why) {
                                    if (auto s = weak.lock()) s->unreachable(why);
                                  },
                                  {}});
  auto start = on_blocking([consumer] { return consumer->start(std::chrono::seconds(10)); });
  auto ec = co_await std::move(start);
  {
    std::lock_guard lock(mutex_);
    started_ = true;
    dispatched_ = consumer_->position();
    for (auto* s : subscribers_) s->ids_.assign(dispatched_);
    // Connection reporting: ready, or (when no broker answered) a last "unreachable" before the stream ends.
    const bool reached = !ec;
    const bool unreachable = ec == KafkaErrc::broker_unavailable;
    for (auto* s : subscribers_)
      if (s->watch_ && (reached || unreachable)) s->watch_(reached, reached ? std::string() : ec.message());
  }
  std::vector<Record> spent;  // the previous batch's storage, reused
  while (!ec) {
    auto reading = consumer_->next(256, std::move(spent));
    Batch batch = co_await std::move(reading);
    if (!batch.records.empty()) {
      fan_out(batch.records);
      spent = std::move(batch.records);
      // Subscribers on this io thread take what was just queued before the next batch comes.
      co_await asio::post(executor_, asio::use_awaitable);
    }
    ec = batch.error;
    std::lock_guard lock(mutex_);
    if (stopped_) break;
  }
  end_all(ec ? ec : boost::system::error_code(KafkaErrc::shutting_down));
  // librdkafka's teardown joins its threads: not on an I/O thread.
  if (consumer_) consumer_->release_executor();
  post_blocking([c = std::move(consumer_)]() mutable { c.reset(); });
}

void SharedConsumer::fan_out(std::vector<Record>& records) {
  std::lock_guard lock(mutex_);
  stats_.records += records.size();
  for (auto& record : records) {
    const auto r = std::make_shared<const Record>(std::move(record));
    dispatched_.advance(r->topic, r->partition, r->offset);
    for (auto* s : subscribers_) {
      if (s->overflowed_.load(std::memory_order_relaxed)) continue;
      if (s->channel_.try_send(boost::system::error_code(), RecordPtr(r))) {
        ++stats_.deliveries;
        continue;
      }
      // Full: this subscriber is dropped rather than slowing everyone or buffering without bound.
      s->overflowed_.store(true, std::memory_order_release);
      s->channel_.close();
      ++stats_.dropped_slow;
    }
  }
}

void SharedConsumer::end_all(boost::system::error_code ec) {
  std::lock_guard lock(mutex_);
  end_ = ec;
  stopped_ = true;
  for (auto* s : subscribers_) s->channel_.close();
}

SharedConsumer::Stats SharedConsumer::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

bool SharedConsumer::started() const {
  std::lock_guard lock(mutex_);
  return started_;
}

std::shared_ptr<Subscription> SharedConsumers::subscribe(const std::string& api_id,
                                                         std::shared_ptr<const EndpointConfig> config,
                                                         const std::vector<std::string>& topics,
                                                         asio::any_io_executor pump_executor,
                                                         asio::any_io_executor subscriber_executor,
                                                         std::size_t capacity, std::string* error,
                                                         bool* started) {
  if (started) *started = false;
  std::string key = api_id;
  for (const auto& t : topics) key += "\n" + t;
  std::lock_guard lock(mutex_);
  auto& slot = consumers_[key];
  // A redeployed API gets a consumer with its new configuration; subscribers of the old one keep theirs.
  if (auto running = slot.lock(); running && running->config_ == config)
    if (auto s = running->subscribe(subscriber_executor, capacity)) return s;
  auto fresh = SharedConsumer::create(config, topics, std::move(pump_executor), error);
  if (!fresh) return nullptr;
  slot = fresh;
  if (started) *started = true;
  return fresh->subscribe(std::move(subscriber_executor), capacity);
}

std::size_t SharedConsumers::running() const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(
      std::count_if(consumers_.begin(), consumers_.end(), [](const auto& kv) { return !kv.second.expired(); }));
}

}  // namespace gantry::kafka
