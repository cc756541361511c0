// A live subscriber's place in the shared consumer of its (API, topics): a coroutine on the subscriber's executor
// takes records from its bounded channel and hands them to the sink.
#include "endpoints/kafka/subscriptions.hpp"

#include "endpoints/kafka/connector.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <spdlog/spdlog.h>

#include <charconv>
#include <tuple>

namespace gantry::kafka {

namespace asio = boost::asio;

namespace {

// A metadata field made in place: the name's length known, a number's digits written straight into its value (made
// for every record: no strlen, no temporary string).
void add_field(MessageFields& fields, std::string_view name, std::string_view value) {
  fields.emplace_back(std::piecewise_construct, std::forward_as_tuple(name.data(), name.size()),
                      std::forward_as_tuple(value.data(), value.size()));
}

void add_number(MessageFields& fields, std::string_view name, std::int64_t value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  add_field(fields, name, std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

// Everything but the content and headers.
std::shared_ptr<Message> message_of(const Record& r, std::string id) {
  auto m = std::make_shared<Message>();
  m->id = std::move(id);
  m->timestamp_ms = r.timestamp_ms >= 0 ? r.timestamp_ms : now_epoch_ms();
  auto& metadata = m->metadata;
  metadata.reserve(3 + (r.key ? 1 : 0) + (r.timestamp_ms >= 0 ? 1 : 0));
  add_field(metadata, "topic", r.topic);
  add_number(metadata, "partition", r.partition);
  add_number(metadata, "offset", r.offset);
  if (r.key) add_field(metadata, "key", *r.key);
  if (r.timestamp_ms >= 0) add_number(metadata, "timestamp", r.timestamp_ms);
  return m;
}

}  // namespace

gantry::MessagePtr to_message(const Record& r, std::string id) {
  auto m = message_of(r, std::move(id));
  m->content = r.value;
  m->headers = r.headers;
  return m;
}

gantry::MessagePtr to_message(Record&& r, std::string id) {
  auto m = message_of(r, std::move(id));
  m->content = std::move(r.value);
  m->headers = std::move(r.headers);
  return m;
}

namespace {

struct LiveState {
  LiveState(std::shared_ptr<kafka::Subscription> s, MessageSink& k) : subscription(std::move(s)), sink(k) {}
  std::shared_ptr<kafka::Subscription> subscription;
  MessageSink& sink;
  bool alive = true;  // cleared by the engine's Subscription destructor, on this executor
  bool connected = false;  // the shared consumer holds its partitions
  std::uint64_t next_ack = 0;
};

asio::awaitable<void> deliver(std::shared_ptr<LiveState> state) {
  // `alive` is checked before each wait too: destroyed before this coroutine first ran, nothing would wake it.
  while (state->alive) {
    auto next = co_await state->subscription->next();
    if (!state->alive) co_return;
    if (next.error) {
      state->sink.on_end(next.error.message());
      co_return;
    }
    auto message = to_message(*next.record, std::move(next.id));
    state->sink.on_message(std::move(message), state->next_ack++);
    // Whatever else is queued, in one go (a burst would otherwise overflow the channel while each record
    // waits for its own turn on the io thread).
    while (state->alive && state->subscription->try_next(next)) {
      message = to_message(*next.record, std::move(next.id));
      state->sink.on_message(std::move(message), state->next_ack++);
    }
  }
}

class LiveSubscription final : public gantry::Subscription {
 public:
  explicit LiveSubscription(std::shared_ptr<LiveState> state) : state_(std::move(state)) {}
  ~LiveSubscription() override {
    state_->alive = false;
    state_->subscription->detach();  // out of the fan-out now; the waiting coroutine wakes up and ends
  }
  // Live subscribers run at none/auto: the engine never pauses them, and there is nothing to commit.
  void pause() override {}
  void resume() override {}
  void ack(std::uint64_t) override {}
  void nack(std::uint64_t) override {}
  bool connected() const override { return state_->connected; }

 private:
  std::shared_ptr<LiveState> state_;
};

}  // namespace

std::unique_ptr<gantry::Subscription> make_live_subscription(SharedConsumers& shared,
                                                             std::shared_ptr<const EndpointConfig> config,
                                                             const SubscribeRequest& request,
                                                             const SubscriberChoice& choice, MessageSink& sink) {
  std::string error;
  bool started = false;
  const auto& wanted = choice.topics.empty() ? config->consumer.topics : choice.topics;
  auto s = shared.subscribe(request.api_id, config, wanted, request.executor, request.executor, 1024, &error,
                            &started);
  if (!s) {
    spdlog::error("kafka: API '{}': cannot start a consumer: {}", request.api_id, error);
    return nullptr;
  }
  // One line per shared consumer: with many live subscribers on the same topics it appears once (an operator's,
  // and the tests', evidence that they share it).
  if (started) {
    std::string topics;
    for (const auto& t : wanted) topics += (topics.empty() ? "" : ",") + t;
    spdlog::info("kafka: API '{}': shared consumer started for topics [{}] ({} shared consumers running)",
                 request.api_id, topics, shared.running());
  }
  auto state = std::make_shared<LiveState>(std::move(s), sink);
  // Connection reporting: connected at once when the shared consumer holds its partitions already, else told
  // later (or that its broker cannot be reached), on this subscriber's executor.
  std::weak_ptr<LiveState> weak = state;
  state->connected = state->subscription->watch_start([weak, executor = request.executor](bool ready,
                                                                                          const std::string& why) {
    asio::post(executor, [weak, ready, why] {
      auto st = weak.lock();
      if (!st || !st->alive || st->connected) return;
      if (!ready) return st->sink.on_connect_failed(why);
      st->connected = true;
      st->sink.on_connected();
    });
  });
  asio::co_spawn(request.executor, deliver(state), asio::detached);
  return std::make_unique<LiveSubscription>(std::move(state));
}

}  // namespace gantry::kafka
