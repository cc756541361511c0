// The kafka connector as the message engine drives it, against the real test broker program: a publish with a
// record key from the header option, at-least-once commits that stop at the lowest unacknowledged offset, and a nacked
// record read again.
#include "endpoints/kafka/connector.hpp"
#include "endpoints/kafka/consumer.hpp"
#include "endpoints/kafka/producer.hpp"
#include "kafka_test_broker.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include <future>
#include <thread>

namespace gantry::kafka {
namespace {

namespace asio = boost::asio;
using testing::TestBroker;

// Collects what a subscription delivers (on the io thread).
struct CollectingSink final : MessageSink {
  std::mutex mutex;
  std::vector<std::pair<gantry::MessagePtr, std::uint64_t>> got;
  void on_message(gantry::MessagePtr m, std::uint64_t ack_id) override {
    std::lock_guard lock(mutex);
    got.emplace_back(std::move(m), ack_id);
  }
  void on_end(std::string) override {}
  std::size_t size() {
    std::lock_guard lock(mutex);
    return got.size();
  }
  // Waits up to 30 s for `n` messages in all; returns how many came.
  std::size_t wait_for(std::size_t n) {
    for (int i = 0; i < 3000 && size() < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return size();
  }
};

class KafkaConnectorTest : public ::testing::Test {
 protected:
  KafkaConnectorTest() : work_(io_.get_executor()), thread_([this] { io_.run(); }) {}
  ~KafkaConnectorTest() override {
    work_.reset();
    thread_.join();
  }

  std::shared_ptr<EndpointConfig> config(const std::string& bootstrap, const std::string& topic) {
    auto c = std::make_shared<EndpointConfig>();
    c->bootstrap_servers = bootstrap;
    c->consumer.enabled = c->producer.enabled = true;
    c->consumer.topics = c->producer.topics = {topic};
    c->consumer.auto_offset_reset = AutoOffsetReset::earliest;
    c->consumer.encode_message_id = false;
    return c;
  }

  // The group's committed offset on `topic` partition 0, as a new member of the group sees it; polled for up to
  // 10 s until it is `expected` (commits land asynchronously), then whatever it is (-1: none could be read).
  std::int64_t committed_offset(const EndpointConfig& cfg, const std::string& group, const std::string& topic,
                                std::int64_t expected) {
    auto probe_cfg = cfg;
    probe_cfg.properties = {{"group.id", group}};
    std::int64_t committed = -1;
    for (int i = 0; i < 100 && committed != expected; ++i) {
      std::string error;
      auto probe = Consumer::create(probe_cfg, {.group_id = group}, io_.get_executor(), &error);
      if (!probe) {
        ADD_FAILURE() << error;
        return -1;
      }
      auto list = PartitionListPtr(rd_kafka_topic_partition_list_new(1));
      rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), 0);
      if (!rd_kafka_committed(probe->handle(), list.get(), 5000)) committed = list->elems[0].offset;
      if (committed != expected) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return committed;
  }

  // Runs `f` on the io thread (as the engine calls a connector) and waits for it.
  template <class F>
  auto on_io(F f) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    asio::post(io_, [&task] { task(); });
    return result.get();
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::thread thread_;
};

TEST_F(KafkaConnectorTest, PublishUsesTheRecordKeyHeaderAndForwardsTheOthers) {
  TestBroker broker({"in"});
  auto cfg = config(broker.bootstrap(), "in");
  KafkaConnector connector("k", cfg);
  auto m = std::make_shared<Message>();
  m->content = "hello";
  m->headers = {{"X-Kafka-Record-Key", "key-1"}, {"x-trace", "t1"}};
  auto ec = asio::co_spawn(
                io_,
                [&]() -> asio::awaitable<boost::system::error_code> {
                  auto [e] = co_await async_publish(connector, m, Qos::auto_, asio::as_tuple(asio::use_awaitable));
                  co_return e;
                },
                asio::use_future)
                .get();
  EXPECT_FALSE(ec) << ec.message();

  std::string error;
  auto consumer = Consumer::create(*cfg, {}, io_.get_executor(), &error);
  ASSERT_TRUE(consumer) << error;
  ASSERT_FALSE(consumer->start(std::chrono::seconds(10)));
  auto batch = asio::co_spawn(io_, consumer->next(1), asio::use_future).get();
  ASSERT_EQ(batch.records.size(), 1u);
  const auto& r = batch.records.front();
  EXPECT_EQ(r.value, "hello");
  EXPECT_EQ(r.key, "key-1");
  EXPECT_EQ(r.headers, (Headers{{"x-trace", "t1"}}));
  connector.stop();
}

TEST_F(KafkaConnectorTest, AtLeastOnceCommitsOnlyUpToTheLowestUnacknowledgedOffset) {
  TestBroker broker({"jobs"});
  auto cfg = config(broker.bootstrap(), "jobs");
  std::string error;
  {
    auto producer = Producer::create(*cfg, &error);
    ASSERT_TRUE(producer) << error;
    for (int i = 0; i < 3; ++i) ASSERT_FALSE(producer->send({"jobs", std::nullopt, "job-" + std::to_string(i), {}}));
  }  // flushed

  KafkaConnector connector("k", cfg);
  CollectingSink sink;
  SubscribeRequest request;
  request.qos = Qos::at_least_once;
  request.subscriber_id = "worker";
  request.api_id = "api";
  request.executor = io_.get_executor();
  auto subscription = on_io([&] { return connector.subscribe(request, sink); });
  ASSERT_TRUE(subscription);
  ASSERT_EQ(sink.wait_for(3), 3u);
  EXPECT_EQ(sink.got[2].first->content, "job-2");
  EXPECT_EQ(sink.got[2].first->id, "jobs@0#2");
  // job-1 never acknowledged: the group may only move up to it, whatever came after.
  on_io([&] {
    subscription->ack(sink.got[0].second);
    subscription->ack(sink.got[2].second);
    subscription.reset();  // closing commits what was stored
    return 0;
  });

  EXPECT_EQ(committed_offset(*cfg, "gantry-api-worker", "jobs", 1), 1);
  connector.stop();
}

TEST_F(KafkaConnectorTest, AtLeastOnceReadsANackedRecordAgainAndCommitsOnlyWhatWasAcknowledged) {
  TestBroker broker({"redo"});
  auto cfg = config(broker.bootstrap(), "redo");
  std::string error;
  {
    auto producer = Producer::create(*cfg, &error);
    ASSERT_TRUE(producer) << error;
    for (int i = 0; i < 4; ++i) ASSERT_FALSE(producer->send({"redo", std::nullopt, "job-" + std::to_string(i), {}}));
  }  // flushed

  KafkaConnector connector("k", cfg);
  CollectingSink sink;
  SubscribeRequest request;
  request.qos = Qos::at_least_once;
  request.subscriber_id = "redo-worker";
  request.api_id = "api";
  request.executor = io_.get_executor();
  auto subscription = on_io([&] { return connector.subscribe(request, sink); });
  ASSERT_TRUE(subscription);
  ASSERT_EQ(sink.wait_for(4), 4u);
  // job-0 delivered; job-1 could not be: it and everything after it in the partition come again.
  on_io([&] {
    subscription->ack(sink.got[0].second);
    subscription->nack(sink.got[1].second);
    subscription->ack(sink.got[2].second);  // dropped by the rewind: comes again, acknowledged then
    return 0;
  });
  ASSERT_EQ(sink.wait_for(7), 7u);
  std::vector<std::string> again;
  for (std::size_t i = 4; i < 7; ++i) again.push_back(sink.got[i].first->content);
  EXPECT_EQ(again, (std::vector<std::string>{"job-1", "job-2", "job-3"}));
  EXPECT_EQ(sink.got[4].first->id, "redo@0#1");
  // job-1 and job-3 acknowledged, job-2 not: the group may move up to job-2 only.
  on_io([&] {
    subscription->ack(sink.got[4].second);
    subscription->ack(sink.got[6].second);
    subscription.reset();  // closing commits what was stored
    return 0;
  });

  EXPECT_EQ(committed_offset(*cfg, "gantry-api-redo-worker", "redo", 2), 2);
  connector.stop();
}

}  // namespace
}  // namespace gantry::kafka
