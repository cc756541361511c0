#include "endpoints/mock/mock_connector.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include <charconv>

namespace gantry::mock {

namespace {

using Clock = std::chrono::steady_clock;
constexpr int max_burst = 256;  // messages generated per wake-up before yielding the io thread to others

std::uint64_t first_index(const std::string& resume_after) {
  std::uint64_t last = 0;
  const char* end = resume_after.data() + resume_after.size();
  auto [ptr, ec] = std::from_chars(resume_after.data(), end, last);
  if (resume_after.empty() || ec != std::errc() || ptr != end) return 0;  // not one of ours: start over
  return last + 1;
}

// The generator's state, shared with its pending timer wait so that a wait completing after the subscription
// was destroyed finds `alive` false and does nothing.
struct Generator : std::enable_shared_from_this<Generator> {
  Generator(boost::asio::any_io_executor executor, std::shared_ptr<const MockConfig> config, MessageSink& sink,
            std::uint64_t first, std::uint64_t limit, Qos qos)
      : config(std::move(config)), sink(sink), timer(executor), next_index(first), limit(limit), qos(qos) {}

  std::shared_ptr<const MockConfig> config;
  MessageSink& sink;
  boost::asio::steady_timer timer;
  std::uint64_t next_index;
  std::uint64_t limit;  // 0 = none
  Qos qos;
  std::uint64_t emitted = 0;
  Clock::time_point next_due = Clock::now();
  bool alive = true;
  bool paused = false;
  bool finished = false;
  bool connecting = false;  // an injected latency: on_connected() comes first, then the messages

  bool exhausted() const {
    return (config->count && next_index >= *config->count) || (limit && emitted >= limit);
  }

  MessagePtr make(std::uint64_t index) const {
    auto m = std::make_shared<Message>();
    m->id = std::to_string(index);
    m->content = config->content;  // as configured, every time (Gravitee's mock); the id counts
    m->headers = config->headers;
    m->metadata = config->metadata;
    m->timestamp_ms = now_epoch_ms();
    m->metadata.emplace_back("sourceTimestamp", std::to_string(m->timestamp_ms));
    return m;
  }

  void finish() {
    finished = true;
    sink.on_end({});
  }

  void schedule() {
    timer.expires_at(next_due);
    timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (!ec && self->alive) self->tick();
    });
  }

  // Emits every message due by now (catching up when the io thread was busy), then sleeps until the next one.
  void tick() {
    const auto now = Clock::now();
    if (connecting) {
      connecting = false;
      next_due = now + config->interval;
      sink.on_connected();
      if (alive) schedule();
      return;
    }
    for (int burst = 0; burst < max_burst && next_due <= now; ++burst) {
      if (!alive || paused || finished) return;
      if (exhausted()) return finish();
      const std::uint64_t index = next_index++;
      ++emitted;
      next_due += config->interval;
      sink.on_message(make(index), index);  // may pause us, or end the subscriber
    }
    if (!alive || paused || finished) return;
    if (exhausted()) return finish();
    schedule();
  }
};

class MockSubscription final : public Subscription {
 public:
  MockSubscription(std::shared_ptr<Generator> generator, std::chrono::milliseconds latency)
      : generator_(std::move(generator)) {
    // The first message comes after one interval, as with Gravitee's mock (an interval stream).
    generator_->connecting = latency.count() > 0;
    generator_->next_due = Clock::now() + (generator_->connecting ? std::chrono::nanoseconds(latency)
                                                                  : generator_->config->interval);
    generator_->schedule();
  }
  ~MockSubscription() override {
    generator_->alive = false;
    generator_->timer.cancel();
  }
  void pause() override { generator_->paused = true; }
  void resume() override {
    if (!generator_->paused) return;
    generator_->paused = false;
    generator_->next_due = std::max(generator_->next_due, Clock::now());
    generator_->schedule();
  }
  bool connected() const override { return !generator_->connecting; }
  void ack(std::uint64_t) override {}  // generated messages need no commit
  // At-least-once redelivery: generate again from the first message the subscriber could not take. At the
  // other levels a nacked message is skipped.
  void nack(std::uint64_t ack_id) override {
    if (generator_->qos == Qos::at_least_once && ack_id < generator_->next_index) {
      generator_->emitted -= std::min(generator_->emitted, generator_->next_index - ack_id);
      generator_->next_index = ack_id;
    }
  }

 private:
  std::shared_ptr<Generator> generator_;
};

// An injected connection error: never connected, the failure told as soon as the subscriber's executor runs.
class RefusedSubscription final : public Subscription {
 public:
  RefusedSubscription(const SubscribeRequest& request, MessageSink& sink, std::string error) {
    boost::asio::post(request.executor, [alive = alive_, &sink, error = std::move(error)]() mutable {
      if (*alive) sink.on_connect_failed(std::move(error));
    });
  }
  ~RefusedSubscription() override { *alive_ = false; }
  void pause() override {}
  void resume() override {}
  void ack(std::uint64_t) override {}
  void nack(std::uint64_t) override {}
  bool connected() const override { return false; }

 private:
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace

MockConnector::AttemptOutcome MockConnector::next_attempt() {
  AttemptOutcome out;
  if (config_->connection_errors.empty() && config_->connection_latencies.empty()) return out;
  const std::size_t n = attempts_.fetch_add(1);
  if (n < config_->connection_errors.size() && config_->connection_errors[n].fails)
    out.error = &config_->connection_errors[n];
  if (n < config_->connection_latencies.size()) out.latency = config_->connection_latencies[n];
  return out;
}

std::unique_ptr<Subscription> MockConnector::subscribe(const SubscribeRequest& request, MessageSink& sink) {
  const auto attempt = next_attempt();
  if (attempt.error) return std::make_unique<RefusedSubscription>(request, sink, attempt.error->message);
  auto generator = std::make_shared<Generator>(request.executor, config_, sink, first_index(request.resume_after),
                                               request.limit, request.qos);
  return std::make_unique<MockSubscription>(std::move(generator), attempt.latency);
}

void MockConnector::publish(MessagePtr message, Qos qos, PublishCompletion done) {
  const auto attempt = next_attempt();
  if (attempt.error) return complete_publish(std::move(done), boost::asio::error::connection_refused);
  ++received_;
  constexpr std::size_t shown = 200;
  spdlog::info("mock endpoint '{}' received message: {}{}", name_, message->content.substr(0, shown),
               message->content.size() > shown ? "..." : "");
  if (attempt.latency.count() == 0) return complete_publish(std::move(done), {});
  // Stored (logged) at once, confirmed late: what a slow broker does.
  auto timer = std::make_shared<boost::asio::steady_timer>(done.executor, attempt.latency);
  timer->async_wait([timer, done = std::move(done)](const boost::system::error_code&) mutable {
    complete_publish(std::move(done), {});
  });
}

}  // namespace gantry::mock
