// A subscriber with a consumer of its own, driven by a coroutine on the subscriber's executor: it resumes from a
// message id, commits (in its group) only up to the lowest offset not yet acknowledged, pauses its partitions when
// the engine says the subscriber's queue is full, and reads a partition again after a nack at at-least-once.
#include "endpoints/kafka/blocking.hpp"
#include "endpoints/kafka/consumer.hpp"
#include "endpoints/kafka/subscriptions.hpp"
#include "gateway/ids.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include <deque>
#include <map>
#include <set>

namespace gantry::kafka {

namespace asio = boost::asio;

namespace {

using TopicPartition = std::pair<std::string, std::int32_t>;

// One partition's delivery state.
struct Track {
  std::set<std::int64_t> outstanding;  // delivered, not acknowledged yet
  std::int64_t high = -1;              // highest offset delivered
  std::int64_t stored = -1;            // the next offset last stored for commit
  std::int64_t next_expected = -1;     // the offset that should come next (-1: any)
  bool rewinding = false;              // after a seek: records before `next_expected` arrives are stale
};

struct OwnState {
  OwnState(asio::any_io_executor ex, MessageSink& k, const SubscribeRequest& request, bool grouped, bool encode)
      : executor(ex), sink(k), qos(request.qos), limit(request.limit), grouped(grouped), encode_ids(encode),
        wake(ex) {}

  asio::any_io_executor executor;
  MessageSink& sink;
  std::unique_ptr<Consumer> consumer;
  Position position;  // ids are made from it
  Qos qos;
  std::uint64_t limit, emitted = 0;
  bool grouped, encode_ids;
  bool alive = true, paused = false;
  bool partitions_paused = false;  // librdkafka stopped fetching (a pause that lasted)
  asio::steady_timer wake;  // waited on while paused; resume() cancels it
  std::deque<RecordPtr> held;  // the rest of a batch read before a pause
  std::map<std::uint64_t, std::pair<TopicPartition, std::int64_t>> unacked;
  std::map<TopicPartition, Track> tracks;
  std::uint64_t next_ack = 0;

  bool accept(const Record& r) {
    auto& t = tracks[{r.topic, r.partition}];
    if (t.rewinding) {
      if (r.offset != t.next_expected) return false;
      t.rewinding = false;
    } else if (t.next_expected >= 0 && r.offset < t.next_expected) {
      return false;
    }
    t.next_expected = r.offset + 1;
    return true;
  }

  void deliver(const RecordPtr& r) {
    position.advance(r->topic, r->partition, r->offset);
    const std::uint64_t ack_id = next_ack++;
    if (grouped) {
      TopicPartition tp{r->topic, r->partition};
      auto& t = tracks[tp];
      t.high = std::max(t.high, r->offset);
      if (qos == Qos::none) {  // nothing will be acknowledged: what was handed over counts as done
        store(tp, t, r->offset + 1);
      } else {
        t.outstanding.insert(r->offset);
        unacked.emplace(ack_id, std::make_pair(std::move(tp), r->offset));
      }
    }
    auto message = to_message(*r, format_message_id(position, encode_ids));
    sink.on_message(std::move(message), ack_id);
  }

  void store(const TopicPartition& tp, Track& t, std::int64_t next) {
    if (next <= t.stored || !consumer) return;  // no consumer: released (finished), acks come too late
    t.stored = next;
    consumer->store_offset(tp.first, tp.second, next);
  }

  // Commit only up to the lowest offset not yet acknowledged.
  void ack(std::uint64_t id) {
    auto it = unacked.find(id);
    if (it == unacked.end()) return;
    auto [tp, offset] = std::move(it->second);
    unacked.erase(it);
    auto& t = tracks[tp];
    t.outstanding.erase(offset);
    store(tp, t, t.outstanding.empty() ? t.high + 1 : *t.outstanding.begin());
  }

  // at-least-once: read the partition again from the record that could not be delivered.
  void rewind(std::uint64_t id) {
    auto it = unacked.find(id);
    if (it == unacked.end()) return;
    auto [tp, offset] = std::move(it->second);
    auto& t = tracks[tp];
    if (t.rewinding && offset >= t.next_expected) {  // already going back further
      unacked.erase(it);
      return;
    }
    std::erase_if(unacked, [&](const auto& e) { return e.second.first == tp && e.second.second >= offset; });
    t.outstanding.erase(t.outstanding.lower_bound(offset), t.outstanding.end());
    t.high = std::min(t.high, offset - 1);
    t.rewinding = true;
    t.next_expected = offset;
    std::erase_if(held, [&](const RecordPtr& r) { return r->topic == tp.first && r->partition == tp.second; });
    position.advance(tp.first, tp.second, offset - 1);
    if (consumer) consumer->seek(tp.first, tp.second, offset);
  }
};

// librdkafka's close commits and leaves the group, and its destroy joins threads: on the blocking pool.
void release(std::shared_ptr<OwnState> s) {
  if (!s->consumer) return;
  s->consumer->release_executor();
  post_blocking([c = std::move(s->consumer)]() mutable {
    c->close();
    c.reset();
  });
}

asio::awaitable<void> run(std::shared_ptr<OwnState> s) {
  Consumer* consumer = s->consumer.get();
  auto start = on_blocking([consumer] { return consumer->start(std::chrono::seconds(10)); });
  boost::system::error_code ec = co_await std::move(start);
  if (!s->alive) co_return release(s);
  if (ec) {
    s->sink.on_end(ec.message());
    co_return release(s);
  }
  if (!s->grouped) s->position = consumer->position();  // every partition, named from the first id on
  bool finished = false;
  while (s->alive && !finished) {
    if (s->paused) {
      // Not reading is back-pressure already (librdkafka's prefetch queue is bounded); a pause that lasts also
      // stops the fetching itself. Pausing partitions at once would cost a fetch round trip at every resume.
      if (s->partitions_paused) s->wake.expires_at(asio::steady_timer::time_point::max());
      else s->wake.expires_after(std::chrono::seconds(1));
      boost::system::error_code woken;  // cancelled by resume() or the destructor
      co_await s->wake.async_wait(asio::redirect_error(asio::use_awaitable, woken));
      if (!woken && s->alive && s->paused && s->consumer && !s->partitions_paused) {
        s->consumer->pause_all();
        s->partitions_paused = true;
      }
      continue;
    }
    if (s->held.empty()) {
      Batch batch = co_await consumer->next(256);
      if (!s->alive) break;
      if (batch.error) {
        s->sink.on_end(batch.error.message());
        break;
      }
      s->held.assign(batch.records.begin(), batch.records.end());
    }
    while (!s->held.empty() && s->alive && !s->paused) {
      RecordPtr r = std::move(s->held.front());
      s->held.pop_front();
      if (!s->accept(*r)) continue;
      s->deliver(r);
      if (s->limit && ++s->emitted >= s->limit) {
        finished = true;
        if (s->alive) s->sink.on_end({});
        break;
      }
    }
    // next() completes without suspending while records are waiting: yield after each batch so that the
    // subscriber's writer (on this same io thread) gets to send what was queued.
    if (s->alive && !finished) co_await asio::post(s->executor, asio::use_awaitable);
  }
  release(s);
}

class OwnSubscription final : public gantry::Subscription {
 public:
  explicit OwnSubscription(std::shared_ptr<OwnState> state) : s_(std::move(state)) {}
  ~OwnSubscription() override {
    s_->alive = false;
    s_->wake.cancel();
    if (s_->consumer) s_->consumer->cancel();  // the coroutine wakes up, sees `alive` false and lets go
  }
  void pause() override { s_->paused = true; }
  void resume() override {
    if (!s_->paused) return;
    s_->paused = false;
    if (s_->partitions_paused && s_->consumer) s_->consumer->resume_all();
    s_->partitions_paused = false;
    s_->wake.cancel();
  }
  void ack(std::uint64_t id) override { s_->ack(id); }
  void nack(std::uint64_t id) override {
    if (s_->qos == Qos::at_least_once) s_->rewind(id);
    else s_->ack(id);  // auto: skipped, as the contract says
  }

 private:
  std::shared_ptr<OwnState> s_;
};

}  // namespace

std::unique_ptr<gantry::Subscription> make_own_subscription(std::shared_ptr<const EndpointConfig> config,
                                                            const SubscribeRequest& request,
                                                            const SubscriberChoice& choice,
                                                            std::optional<Position> resume, MessageSink& sink) {
  // A position of its own in the broker (a consumer group, commits) for durable subscribers, the QoS levels
  // that commit and a subscriber that names its group; a resuming or paging live client only needs the position
  // its message id names.
  const bool grouped = !request.subscriber_id.empty() || request.qos == Qos::at_least_once ||
                       request.qos == Qos::at_most_once || !choice.group_id.empty();
  ConsumerOptions options;
  if (!choice.group_id.empty())
    options.group_id = choice.group_id;
  else if (grouped)
    options.group_id = "gantry-" + request.api_id + "-" +
                       (request.subscriber_id.empty() ? new_uuid() : request.subscriber_id);
  options.topics = choice.topics;
  options.resume = resume;
  options.commit_delivered = grouped;
  auto state = std::make_shared<OwnState>(request.executor, sink, request, grouped,
                                          config->consumer.encode_message_id);
  if (resume) state->position = *resume;
  std::string error;
  state->consumer = Consumer::create(*config, std::move(options), request.executor, &error);
  if (!state->consumer) {
    spdlog::error("kafka: API '{}': cannot create a consumer: {}", request.api_id, error);
    return nullptr;
  }
  asio::co_spawn(request.executor, run(state), asio::detached);
  return std::make_unique<OwnSubscription>(std::move(state));
}

}  // namespace gantry::kafka
