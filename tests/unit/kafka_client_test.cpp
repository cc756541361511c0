// The Kafka client layer against the real test broker program over TCP: shared producer (acknowledged and
// fire-and-forget sends, outage), consumers (content, key, headers; resume from a message id with no gap and no
// repeat; a group's committed position), and the shared consumer fanning out to many live subscribers.
#include "endpoints/kafka/blocking.hpp"
#include "endpoints/kafka/consumer.hpp"
#include "endpoints/kafka/producer.hpp"
#include "endpoints/kafka/shared_consumer.hpp"
#include "kafka_test_broker.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <future>
#include <set>
#include <thread>

namespace gantry::kafka {
namespace {

namespace asio = boost::asio;
using testing::TestBroker;

// One I/O thread, as a gateway worker (librdkafka's blocking calls run on the kafka blocking pool).
class KafkaClient : public ::testing::Test {
 protected:
  KafkaClient() : work_(io_.get_executor()), thread_([this] { io_.run(); }) {}
  ~KafkaClient() override {
    work_.reset();
    thread_.join();
    finish_blocking_work(std::chrono::seconds(10));  // closes queued by the test, before the next one
  }

  std::shared_ptr<EndpointConfig> config(const std::string& bootstrap, std::vector<std::string> topics) {
    auto c = std::make_shared<EndpointConfig>();
    c->bootstrap_servers = bootstrap;
    c->consumer.enabled = c->producer.enabled = true;
    c->consumer.topics = c->producer.topics = std::move(topics);
    c->consumer.auto_offset_reset = AutoOffsetReset::earliest;
    c->consumer.encode_message_id = false;
    return c;
  }

  template <class F>
  auto run(F&& coroutine) {
    return asio::co_spawn(io_, std::forward<F>(coroutine), asio::use_future).get();
  }

  // Sends and waits for the broker's acknowledgement.
  Delivery send(Producer& p, OutgoingRecord r) {
    auto [ec, d] = run([&]() -> asio::awaitable<std::tuple<boost::system::error_code, Delivery>> {
      auto ex = co_await asio::this_coro::executor;
      co_return co_await p.async_send(r, ex, asio::as_tuple(asio::use_awaitable));
    });
    EXPECT_FALSE(ec) << ec.message();
    return d;
  }

  std::vector<RecordPtr> read(Consumer& c, std::size_t n) {
    return run([&]() -> asio::awaitable<std::vector<RecordPtr>> {
      std::vector<RecordPtr> out;
      while (out.size() < n) {
        Batch b = co_await c.next(n - out.size());
        EXPECT_FALSE(b.error) << b.error.message();
        if (b.error) break;
        for (auto& r : b.records) {
          c.mark_delivered(r);
          out.push_back(std::make_shared<const Record>(std::move(r)));
        }
      }
      co_return out;
    });
  }

  std::unique_ptr<Consumer> consumer(const EndpointConfig& cfg, ConsumerOptions options = {}) {
    std::string error;
    auto c = Consumer::create(cfg, std::move(options), io_.get_executor(), &error);
    EXPECT_TRUE(c) << error;
    EXPECT_FALSE(c->start(std::chrono::seconds(10)));
    return c;
  }

  // Until the shared consumer holds its partitions ("latest" is then before the records a test produces).
  static void wait_ready(const Subscription& s) {
    for (int i = 0; i < 3000 && !s.ready(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ASSERT_TRUE(s.ready());
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::thread thread_;
};

TEST_F(KafkaClient, ProducedRecordsArriveWithKeyHeadersAndMetadata) {
  TestBroker broker({"orders"});
  auto cfg = config(broker.bootstrap(), {"orders"});
  std::string error;
  auto producer = Producer::create(*cfg, &error);
  ASSERT_TRUE(producer) << error;
  auto d = send(*producer, {"orders", "k-1", "hello", {{"x-trace", "42"}, {"empty", ""}}});
  EXPECT_EQ(d.partition, 0);
  EXPECT_EQ(d.offset, 0);
  EXPECT_FALSE(producer->send({"orders", std::nullopt, "fire and forget", {}}));

  auto c = consumer(*cfg);
  auto records = read(*c, 2);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0]->topic, "orders");
  EXPECT_EQ(records[0]->offset, 0);
  EXPECT_EQ(records[0]->key, "k-1");
  EXPECT_EQ(records[0]->value, "hello");
  EXPECT_EQ(records[0]->headers, (Headers{{"x-trace", "42"}, {"empty", ""}}));
  EXPECT_GT(records[0]->timestamp_ms, 0);
  EXPECT_EQ(records[1]->key, std::nullopt);
  EXPECT_EQ(records[1]->value, "fire and forget");
  EXPECT_EQ(format_message_id(c->position(), false), "orders@0#1");
  EXPECT_EQ(producer->stats().sent, 2u);
}

TEST_F(KafkaClient, AnUnreachableBrokerFailsTheSendInsteadOfHangingIt) {
  TestBroker broker({"orders"});
  auto cfg = config(broker.bootstrap(), {"orders"});
  cfg->properties = {{"message.timeout.ms", "1500"}};
  std::string error;
  auto producer = Producer::create(*cfg, &error);
  ASSERT_TRUE(producer) << error;
  send(*producer, {"orders", std::nullopt, "before", {}});
  EXPECT_EQ(broker.command("down"), "ok down all");
  // Locals, not temporaries inside the co_await expression: GCC 12 may destroy those twice.
  auto ec = run([&]() -> asio::awaitable<boost::system::error_code> {
    auto ex = co_await asio::this_coro::executor;
    OutgoingRecord during{"orders", std::nullopt, "during", {}};
    auto [ec, d] = co_await producer->async_send(during, ex, asio::as_tuple(asio::use_awaitable));
    co_return ec;
  });
  EXPECT_EQ(ec, make_error_code(KafkaErrc::broker_unavailable)) << ec.message();
  EXPECT_EQ(http_status(KafkaErrc::broker_unavailable), 503u);
  EXPECT_EQ(broker.command("up"), "ok up all");
  // librdkafka reconnects with back-off, which may outlast one 1.5 s message timeout: the producer recovers.
  boost::system::error_code after = KafkaErrc::broker_unavailable;
  for (int attempt = 0; attempt < 20 && after; ++attempt) {
    after = run([&]() -> asio::awaitable<boost::system::error_code> {
      auto ex = co_await asio::this_coro::executor;
      OutgoingRecord r{"orders", std::nullopt, "after", {}};
      auto [ec, d] = co_await producer->async_send(r, ex, asio::as_tuple(asio::use_awaitable));
      co_return ec;
    });
  }
  EXPECT_FALSE(after) << after.message();
}

TEST_F(KafkaClient, ResumingFromAMessageIdHasNoGapAndNoRepeat) {
  TestBroker broker({"events:3"});
  auto cfg = config(broker.bootstrap(), {"events"});
  std::string error;
  auto producer = Producer::create(*cfg, &error);
  ASSERT_TRUE(producer) << error;
  for (int i = 0; i < 30; ++i) send(*producer, {"events", "key-" + std::to_string(i % 7), std::to_string(i), {}});

  auto first = consumer(*cfg);
  auto head = read(*first, 12);
  const std::string id = format_message_id(first->position(), true);
  first.reset();

  ConsumerOptions options;
  options.resume = parse_message_id(id);
  ASSERT_TRUE(options.resume);
  auto second = consumer(*cfg, options);
  auto tail = read(*second, 18);
  std::set<std::string> seen;
  for (auto& r : head) seen.insert(r->value);
  for (auto& r : tail) EXPECT_TRUE(seen.insert(r->value).second) << "repeated " << r->value;
  EXPECT_EQ(seen.size(), 30u);
}

TEST_F(KafkaClient, TheFirstIdNamesEveryPartition) {
  TestBroker broker({"events:3"});
  auto cfg = config(broker.bootstrap(), {"events"});
  cfg->consumer.auto_offset_reset = AutoOffsetReset::latest;
  std::string error;
  auto producer = Producer::create(*cfg, &error);
  ASSERT_TRUE(producer) << error;
  send(*producer, {"events", std::nullopt, "old", {}});
  auto c = consumer(*cfg);
  const auto d = send(*producer, {"events", std::nullopt, "new", {}});
  auto records = read(*c, 1);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]->value, "new");
  EXPECT_EQ(c->position().offsets.at("events").size(), 3u);
  EXPECT_EQ(c->position().offsets.at("events").at(d.partition), d.offset);
}

// at-least-once: what was delivered is committed; a new consumer of the group continues right after it.
TEST_F(KafkaClient, AGroupContinuesAfterWhatWasDelivered) {
  TestBroker broker({"jobs"});
  auto cfg = config(broker.bootstrap(), {"jobs"});
  cfg->properties = {{"session.timeout.ms", "6000"}};
  std::string error;
  auto producer = Producer::create(*cfg, &error);
  ASSERT_TRUE(producer) << error;
  for (int i = 0; i < 6; ++i) send(*producer, {"jobs", std::nullopt, "job-" + std::to_string(i), {}});

  ConsumerOptions options;
  options.group_id = "webhook-subscription-1";
  options.commit_delivered = true;
  auto first = consumer(*cfg, options);
  auto done = read(*first, 3);
  ASSERT_EQ(done.size(), 3u);
  // read() may have fetched more than it delivered; only the delivered three are committed.
  first->close();
  first.reset();

  auto second = consumer(*cfg, options);
  auto rest = read(*second, 3);
  ASSERT_EQ(rest.size(), 3u);
  EXPECT_EQ(rest[0]->value, "job-3");
  EXPECT_EQ(rest[2]->value, "job-5");
  second->close();
}

TEST_F(KafkaClient, AHundredLiveSubscribersShareOneConsumer) {
  TestBroker broker({"ticks"});
  auto cfg = config(broker.bootstrap(), {"ticks"});
  cfg->consumer.auto_offset_reset = AutoOffsetReset::latest;
  SharedConsumers shared;
  const auto before = Consumer::instances();
  std::vector<std::shared_ptr<Subscription>> subs;
  std::string error;
  for (int i = 0; i < 100; ++i) {
    subs.push_back(shared.subscribe("api-1", cfg, {"ticks"}, io_.get_executor(), io_.get_executor(), 64, &error));
    ASSERT_TRUE(subs.back()) << error;
  }
  EXPECT_EQ(Consumer::instances() - before, 1u);
  EXPECT_EQ(shared.running(), 1u);

  wait_ready(*subs.front());
  auto producer = Producer::create(*cfg, &error);
  ASSERT_TRUE(producer) << error;
  for (int i = 0; i < 20; ++i) send(*producer, {"ticks", std::nullopt, std::to_string(i), {}});

  auto received = run([&]() -> asio::awaitable<std::vector<std::string>> {
    std::vector<std::string> lasts;
    for (auto& s : subs) {
      std::string last;
      for (int i = 0; i < 20; ++i) {
        auto n = co_await s->next();
        if (n.error) break;
        EXPECT_EQ(n.record->value, std::to_string(i));
        last = n.id;
      }
      lasts.push_back(last);
    }
    co_return lasts;
  });
  for (const auto& id : received) EXPECT_EQ(id, "ticks@0#19");
  subs.clear();
}

TEST_F(KafkaClient, ASlowSubscriberIsDroppedNotBuffered) {
  TestBroker broker({"ticks"});
  auto cfg = config(broker.bootstrap(), {"ticks"});
  cfg->consumer.auto_offset_reset = AutoOffsetReset::latest;
  SharedConsumers shared;
  std::string error;
  auto fast = shared.subscribe("api-1", cfg, {"ticks"}, io_.get_executor(), io_.get_executor(), 64, &error);
  auto slow = shared.subscribe("api-1", cfg, {"ticks"}, io_.get_executor(), io_.get_executor(), 4, &error);
  ASSERT_TRUE(fast && slow) << error;
  wait_ready(*fast);
  auto producer = Producer::create(*cfg, &error);
  for (int i = 0; i < 10; ++i) send(*producer, {"ticks", std::nullopt, std::to_string(i), {}});
  auto fast_count = run([&]() -> asio::awaitable<int> {
    int n = 0;
    for (; n < 10; ++n)
      if ((co_await fast->next()).error) break;
    co_return n;
  });
  EXPECT_EQ(fast_count, 10);
  auto slow_end = run([&]() -> asio::awaitable<boost::system::error_code> {
    for (;;) {
      auto n = co_await slow->next();
      if (n.error) co_return n.error;
    }
  });
  EXPECT_EQ(slow_end, make_error_code(KafkaErrc::subscriber_too_slow));
}

}  // namespace
}  // namespace gantry::kafka
