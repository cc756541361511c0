// A subscriber with a consumer of its own, driven by a coroutine on the subscriber's executor: it resumes from a
// message id, commits (in its group) only up to the lowest offset not yet acknowledged, pauses its partitions when
// the engine says the subscriber's queue is full, and reads a partition again after a nack at at-least-once.
#include "endpoints/kafka/blocking.hpp"
#include "endpoints/kafka/consumer.hpp"
#include "endpoints/kafka/message_id_text.hpp"
#include "endpoints/kafka/subscriptions.hpp"
#include "gateway/ids.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <deque>
#include <map>

namespace gantry::kafka {

namespace asio = boost::asio;

namespace {

using TopicPartition = std::pair<std::string, std::int32_t>;

// One partition's delivery state.
struct Track {
  // Delivered, not acknowledged yet: (offset, acknowledged), in delivery order, which is offset order (accept()
  // lets through only records past the previous one). An acknowledgement out of order marks its entry; entries
  // leave from the front, so the front is the lowest offset not acknowledged.
  std::deque<std::pair<std::int64_t, bool>> outstanding;
  std::int64_t high = -1;              // highest offset delivered
  std::int64_t stored = -1;            // the next offset last stored for commit
  bool store_pending = false;          // `stored` not handed to librdkafka yet (flush_stores)
  std::int64_t next_expected = -1;     // the offset that should come next (-1: any)
  bool rewinding = false;              // after a seek: records before `next_expected` arrives are stale

  void acknowledge(std::int64_t offset) {
    if (!outstanding.empty() && outstanding.front().first == offset) {  // the usual case: acknowledged in order
      outstanding.pop_front();
      while (!outstanding.empty() && outstanding.front().second) outstanding.pop_front();
      return;
    }
    auto it = std::lower_bound(outstanding.begin(), outstanding.end(), offset,
                               [](const auto& e, std::int64_t o) { return e.first < o; });
    if (it == outstanding.end() || it->first != offset) return;
    it->second = true;
    while (!outstanding.empty() && outstanding.front().second) outstanding.pop_front();
  }
  // Commit only up to the lowest offset not yet acknowledged.
  std::int64_t committable() const { return outstanding.empty() ? high + 1 : outstanding.front().first; }
};

using Tracks = std::map<TopicPartition, Track>;

// A message handed to the sink and not acknowledged yet (grouped subscribers at auto and above).
struct Unacked {
  Tracks::iterator track;  // map iterators stay valid: tracks are never erased
  std::int64_t offset;
  bool open;  // false once acknowledged, or dropped by a rewind
};

struct OwnState {
  OwnState(asio::any_io_executor ex, MessageSink& k, const SubscribeRequest& request, bool grouped, bool encode)
      : executor(ex), sink(k), ids(encode), qos(request.qos), limit(request.limit), grouped(grouped), wake(ex) {}

  asio::any_io_executor executor;
  MessageSink& sink;
  std::unique_ptr<Consumer> consumer;
  MessageIdText ids;  // the position of what was delivered, formatted as the next message's id
  Qos qos;
  std::uint64_t limit, emitted = 0;
  bool grouped;
  bool alive = true, paused = false;
  bool connected = false;  // reached the broker: metadata read (assigning itself) or first group assignment
  bool partitions_paused = false;  // librdkafka stopped fetching (a pause that lasted)
  asio::steady_timer wake;  // waited on while paused; resume() cancels it
  // The batch being delivered, from held[next_held] on (the rest of it waits out a pause); this subscriber's only.
  std::vector<Record> held;
  std::size_t next_held = 0;
  // Ack ids are consecutive: the entry of id i is unacked[i - first_unacked] (no tree node per message).
  std::deque<Unacked> unacked;
  std::uint64_t first_unacked = 0;
  Tracks tracks;
  Tracks::iterator last_track = tracks.end();
  std::uint64_t next_ack = 0;
  std::weak_ptr<OwnState> self;  // for the posted flush_stores
  bool flush_posted = false;

  void reached() {
    if (connected || !alive) return;
    connected = true;
    sink.on_connected();
  }

  // Records come in runs of one partition: the previous record's track is looked at first (no key built per record).
  Tracks::iterator track_of(const Record& r) {
    if (last_track != tracks.end() && last_track->first.second == r.partition && last_track->first.first == r.topic)
      return last_track;
    last_track = tracks.try_emplace(TopicPartition{r.topic, r.partition}).first;
    return last_track;
  }

  bool accept(const Record& r, Track& t) {
    if (t.rewinding) {
      if (r.offset != t.next_expected) return false;
      t.rewinding = false;
    } else if (t.next_expected >= 0 && r.offset < t.next_expected) {
      return false;
    }
    t.next_expected = r.offset + 1;
    return true;
  }

  void deliver(Record& record, Tracks::iterator track) {
    ids.advance(record.topic, record.partition, record.offset);
    const std::uint64_t ack_id = next_ack++;
    if (grouped) {
      auto& t = track->second;
      t.high = std::max(t.high, record.offset);
      if (qos == Qos::none) {  // nothing will be acknowledged: what was handed over counts as done
        store(t, record.offset + 1);
        if (unacked.empty()) first_unacked = next_ack;
        else unacked.push_back({track, record.offset, false});
      } else {
        t.outstanding.emplace_back(record.offset, false);
        unacked.push_back({track, record.offset, true});
      }
    }
    auto message = to_message(std::move(record), ids.id());  // the record is spent: its content moves
    sink.on_message(std::move(message), ack_id);
  }

  // At least once, the offset goes to librdkafka (for its next background commit) once the acknowledgements that
  // are being made now are all in: an entrypoint acknowledges a whole write's worth of messages at once, and each
  // store costs a librdkafka call with a lock and an allocation. Storing later only ever commits less. At most
  // once, it is stored at once: before the client can see the message.
  void store(Track& t, std::int64_t next) {
    if (next <= t.stored || !consumer) return;  // no consumer: released (finished), acks come too late
    t.stored = next;
    t.store_pending = true;
    if (qos == Qos::at_most_once) return flush_stores();
    if (flush_posted) return;
    flush_posted = true;
    asio::post(executor, [w = self] {
      if (auto s = w.lock()) {
        s->flush_posted = false;
        s->flush_stores();
      }
    });
  }

  void flush_stores() {
    if (!consumer) return;
    for (auto& [tp, t] : tracks) {
      if (!t.store_pending) continue;
      t.store_pending = false;
      consumer->store_offset(tp.first, tp.second, t.stored);
    }
  }

  Unacked* find_unacked(std::uint64_t id) {
    if (id < first_unacked || id - first_unacked >= unacked.size()) return nullptr;
    Unacked& u = unacked[id - first_unacked];
    return u.open ? &u : nullptr;
  }

  void drop_closed() {
    while (!unacked.empty() && !unacked.front().open) {
      unacked.pop_front();
      ++first_unacked;
    }
  }

  void ack(std::uint64_t id) {
    Unacked* u = find_unacked(id);
    if (!u) return;
    u->open = false;
    auto& t = u->track->second;
    t.acknowledge(u->offset);
    drop_closed();
    store(t, t.committable());
  }

  // at-least-once: read the partition again from the record that could not be delivered.
  void rewind(std::uint64_t id) {
    Unacked* u = find_unacked(id);
    if (!u) return;
    const auto track = u->track;
    const std::int64_t offset = u->offset;
    const TopicPartition& tp = track->first;
    auto& t = track->second;
    if (t.rewinding && offset >= t.next_expected) {  // already going back further
      u->open = false;
      drop_closed();
      return;
    }
    for (auto& e : unacked)
      if (e.open && e.track == track && e.offset >= offset) e.open = false;
    drop_closed();
    while (!t.outstanding.empty() && t.outstanding.back().first >= offset) t.outstanding.pop_back();
    t.high = std::min(t.high, offset - 1);
    t.rewinding = true;
    t.next_expected = offset;
    held.erase(std::remove_if(held.begin() + static_cast<std::ptrdiff_t>(next_held), held.end(),
                              [&](const Record& r) { return r.topic == tp.first && r.partition == tp.second; }),
               held.end());
    ids.advance(tp.first, tp.second, offset - 1);
    if (consumer) consumer->seek(tp.first, tp.second, offset);
  }
};

// librdkafka's close commits and leaves the group, and its destroy joins threads: on the blocking pool.
void release(std::shared_ptr<OwnState> s) {
  if (!s->consumer) return;
  s->flush_stores();  // close() commits what was stored
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
    if (ec == KafkaErrc::broker_unavailable && !s->connected) s->sink.on_connect_failed(ec.message());
    s->sink.on_end(ec.message());
    co_return release(s);
  }
  if (consumer->assigns_all()) {
    s->ids.assign(consumer->position());  // every partition, named from the first id on
    s->reached();  // a consumer joining a group has reached it once the group assigns its partitions
  }
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
    if (s->next_held == s->held.size()) {
      auto reading = consumer->next(256, std::move(s->held));  // the spent batch's storage, reused
      s->held.clear();
      s->next_held = 0;
      Batch batch = co_await std::move(reading);
      if (!s->alive) break;
      if (batch.error) {
        s->sink.on_end(batch.error.message());
        break;
      }
      s->held = std::move(batch.records);
      s->next_held = 0;
    }
    while (s->next_held < s->held.size() && s->alive && !s->paused) {
      Record& r = s->held[s->next_held++];
      const auto track = s->track_of(r);
      if (!s->accept(r, track->second)) continue;
      s->deliver(r, track);
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
  // A page's records are acknowledged once its response is written, after the last one was handed over: a grouped
  // consumer stays until the subscription is released, so that close() commits them.
  while (finished && s->grouped && s->alive) {
    s->wake.expires_at(asio::steady_timer::time_point::max());
    boost::system::error_code woken;  // cancelled by the destructor (or a resume)
    co_await s->wake.async_wait(asio::redirect_error(asio::use_awaitable, woken));
  }
  release(s);
}

class OwnSubscription final : public gantry::Subscription {
 public:
  explicit OwnSubscription(std::shared_ptr<OwnState> state) : s_(std::move(state)) {}
  ~OwnSubscription() override {
    s_->alive = false;
    s_->wake.cancel();
    if (s_->consumer) {
      s_->consumer->abandon();  // a start still waiting for an unreachable broker gives up
      s_->consumer->cancel();   // the coroutine wakes up, sees `alive` false and lets go
    }
  }
  bool connected() const override { return s_->connected; }
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
  // that commit, a subscriber that names its group, and a known client reading from no position of its own: as in
  // Gravitee, an http-get page without cursor continues where the same client's previous page stopped. A client
  // resuming from a message id at the lower levels only needs the position that id names.
  const bool grouped = !request.subscriber_id.empty() || request.qos == Qos::at_least_once ||
                       request.qos == Qos::at_most_once || !choice.group_id.empty() ||
                       (!request.client_identifier.empty() && !resume);
  ConsumerOptions options;
  if (!choice.group_id.empty()) {
    options.group_id = choice.group_id;
  } else if (!request.subscriber_id.empty()) {
    options.group_id = "gantry-" + request.api_id + "-" + request.subscriber_id;
  } else if (grouped && !request.client_identifier.empty()) {
    // The client's own group: it does not join it, so that a page or a reconnecting stream starts at once from
    // what the client's previous request committed instead of waiting for a group rebalance.
    options.group_id = "gantry-" + request.api_id + "-client-" + request.client_identifier;
    options.assign_only = true;
  } else if (grouped) {
    options.group_id = "gantry-" + request.api_id + "-" + new_uuid();
  }
  options.topics = choice.topics;
  options.resume = resume;
  options.commit_delivered = grouped;
  auto state = std::make_shared<OwnState>(request.executor, sink, request, grouped,
                                          config->consumer.encode_message_id);
  if (resume) state->ids.assign(*resume);
  state->self = state;
  std::string error;
  state->consumer = Consumer::create(*config, std::move(options), request.executor, &error);
  if (!state->consumer) {
    spdlog::error("kafka: API '{}': cannot create a consumer: {}", request.api_id, error);
    return nullptr;
  }
  // Connection reporting: unreachable brokers are told as they are found (from the blocking pool while starting,
  // from next() later); the group's first assignment arrives inside next(), on this executor.
  std::weak_ptr<OwnState> weak = state;
  state->consumer->watch(ConnectionWatch{
      [weak, executor = request.executor](const std::string& why) {
        asio::post(executor, [weak, why] {
          if (auto s = weak.lock(); s && s->alive && !s->connected) s->sink.on_connect_failed(why);
        });
      },
      [weak] {
        if (auto s = weak.lock()) s->reached();
      }});
  asio::co_spawn(request.executor, run(state), asio::detached);
  return std::make_unique<OwnSubscription>(std::move(state));
}

}  // namespace gantry::kafka
