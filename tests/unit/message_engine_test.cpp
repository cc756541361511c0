// Engine pieces with a real io_context and no timing assertions: the mock endpoint's generation (count, resume,
// limit, pause/resume, at-least-once redelivery) and the registry of live streams that a stopped API ends.
#include "endpoints/mock/mock_connector.hpp"
#include "gateway/message/live_streams.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace gantry::test {
namespace {

struct RecordingSink final : MessageSink {
  std::vector<std::string> ids, contents;
  std::vector<std::uint64_t> ack_ids;
  int ends = 0;
  std::function<void(RecordingSink&)> after_message;
  void on_message(MessagePtr m, std::uint64_t ack_id) override {
    ids.push_back(m->id);
    contents.push_back(m->content);
    ack_ids.push_back(ack_id);
    if (after_message) after_message(*this);
  }
  void on_end(std::string) override { ++ends; }
};

std::shared_ptr<mock::MockConfig> fast_mock(std::uint64_t count) {
  auto c = std::make_shared<mock::MockConfig>();
  c->interval = std::chrono::microseconds(10);
  c->count = count;
  return c;
}

SubscribeRequest request(boost::asio::io_context& ioc, std::string resume = {}, std::uint64_t limit = 0,
                         Qos qos = Qos::auto_) {
  SubscribeRequest r;
  r.executor = ioc.get_executor();
  r.resume_after = std::move(resume);
  r.limit = limit;
  r.qos = qos;
  return r;
}

TEST(MockEndpoint, GeneratesCountMessagesThenEnds) {
  boost::asio::io_context ioc;
  mock::MockConnector mock("m", fast_mock(3));
  RecordingSink sink;
  auto sub = mock.subscribe(request(ioc), sink);
  ioc.run();
  EXPECT_EQ(sink.ids, (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(sink.contents, (std::vector<std::string>{"mock message", "mock message", "mock message"}));
  EXPECT_EQ(sink.ends, 1);
}

TEST(MockEndpoint, ResumesAfterAnIdAndHonoursTheLimit) {
  boost::asio::io_context ioc;
  mock::MockConnector mock("m", fast_mock(10));
  RecordingSink resumed, limited;
  auto a = mock.subscribe(request(ioc, "6"), resumed);
  auto b = mock.subscribe(request(ioc, "not-a-number", 2), limited);
  ioc.run();
  EXPECT_EQ(resumed.ids, (std::vector<std::string>{"7", "8", "9"}));
  EXPECT_EQ(limited.ids, (std::vector<std::string>{"0", "1"}));
}

TEST(MockEndpoint, PausedSubscriptionWaitsForResume) {
  boost::asio::io_context ioc;
  mock::MockConnector mock("m", fast_mock(4));
  RecordingSink sink;
  std::unique_ptr<Subscription> sub;
  sink.after_message = [&](RecordingSink& s) {
    if (s.ids.size() == 2) {
      sub->pause();
      boost::asio::post(ioc, [&] {
        EXPECT_EQ(s.ids.size(), 2u);  // nothing while paused
        sub->resume();
      });
    }
  };
  sub = mock.subscribe(request(ioc), sink);
  ioc.run();
  EXPECT_EQ(sink.ids, (std::vector<std::string>{"0", "1", "2", "3"}));
}

TEST(MockEndpoint, AtLeastOnceRedeliversFromANack) {
  boost::asio::io_context ioc;
  mock::MockConnector mock("m", fast_mock(4));
  RecordingSink sink;
  std::unique_ptr<Subscription> sub;
  bool nacked = false;
  sink.after_message = [&](RecordingSink& s) {
    if (!nacked && s.ids.size() == 3) {
      nacked = true;
      sub->nack(1);  // the subscriber could not take message 1: produce it again
    }
  };
  sub = mock.subscribe(request(ioc, {}, 0, Qos::at_least_once), sink);
  ioc.run();
  EXPECT_EQ(sink.ids, (std::vector<std::string>{"0", "1", "2", "1", "2", "3"}));
}

TEST(MockEndpoint, DestroyingTheSubscriptionStopsDeliveryAtOnce) {
  boost::asio::io_context ioc;
  mock::MockConnector mock("m", fast_mock(1000));
  RecordingSink sink;
  std::unique_ptr<Subscription> sub;
  sink.after_message = [&](RecordingSink& s) {
    if (s.ids.size() == 5) boost::asio::post(ioc, [&] { sub.reset(); });
  };
  sub = mock.subscribe(request(ioc), sink);
  ioc.run();  // returns: nothing left scheduled once the subscription is gone
  EXPECT_LE(sink.ids.size(), 5u + 256u);  // at most the burst in progress
  EXPECT_EQ(sink.ends, 0);
}

TEST(LiveStreams, StopAllRunsEachCallbackOnItsExecutorAndRefusesNewStreams) {
  boost::asio::io_context ioc;
  LiveStreams streams;
  int stopped_a = 0, stopped_b = 0;
  auto a = streams.enter(ioc.get_executor(), [&] { ++stopped_a; });
  auto b = streams.enter(ioc.get_executor(), [&] { ++stopped_b; });
  ASSERT_TRUE(a && b);
  EXPECT_EQ(streams.size(), 2u);
  b.reset();  // ended before the stop: its callback must not run
  EXPECT_EQ(streams.size(), 1u);
  streams.stop_all();
  EXPECT_EQ(stopped_a, 0);  // posted, not run inline
  ioc.run();
  EXPECT_EQ(stopped_a, 1);
  EXPECT_EQ(stopped_b, 0);
  EXPECT_FALSE(streams.enter(ioc.get_executor(), [] {}));
}

TEST(LiveStreams, AStreamEndingAfterTheStopWasPostedIsNotCalled) {
  boost::asio::io_context ioc;
  LiveStreams streams;
  int stopped = 0;
  auto a = streams.enter(ioc.get_executor(), [&] { ++stopped; });
  streams.stop_all();
  a.reset();  // the stream ends on its own before its thread runs the posted stop
  ioc.run();
  EXPECT_EQ(stopped, 0);
}

}  // namespace
}  // namespace gantry::test
