// The bounded per-subscriber queue: drop-oldest with a count, pause/resume of the endpoint, the hard limit,
// draining to the end, aborting, and the writer waking when a message arrives.
#include "core/message/subscriber_queue.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include <optional>
#include <vector>

namespace gantry::test {
namespace {

struct RecordingFlow final : FlowControl {
  int pauses = 0, resumes = 0;
  std::vector<std::uint64_t> rejected_ids;
  void pause() override { ++pauses; }
  void resume() override { ++resumes; }
  void rejected(const Delivery& d) override { rejected_ids.push_back(d.ack_id); }
};

Delivery message(std::uint64_t id, std::size_t bytes = 1) {
  auto m = std::make_shared<Message>();
  m->id = std::to_string(id);
  m->content.assign(bytes, 'x');
  return Delivery{m, id};
}

std::vector<std::uint64_t> drain(SubscriberQueue& q) {
  std::vector<std::uint64_t> ids;
  while (auto d = q.try_pop()) ids.push_back(d->ack_id);
  return ids;
}

TEST(SubscriberQueue, DropOldestKeepsTheNewestAndCounts) {
  boost::asio::io_context ioc;
  RecordingFlow flow;
  SubscriberQueue q(ioc.get_executor(), QueueLimits{.max_messages = 3}, Overflow::drop_oldest, flow);
  for (std::uint64_t i = 0; i < 5; ++i) q.push(message(i));
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(q.dropped(), 2u);
  EXPECT_EQ(flow.rejected_ids, (std::vector<std::uint64_t>{0, 1}));
  EXPECT_EQ(flow.pauses, 0);
  EXPECT_EQ(drain(q), (std::vector<std::uint64_t>{2, 3, 4}));
}

TEST(SubscriberQueue, DropOldestAlsoBoundsBytes) {
  boost::asio::io_context ioc;
  RecordingFlow flow;
  SubscriberQueue q(ioc.get_executor(), QueueLimits{.max_messages = 100, .max_bytes = 10}, Overflow::drop_oldest,
                    flow);
  for (std::uint64_t i = 0; i < 4; ++i) q.push(message(i, 4));
  EXPECT_EQ(q.bytes(), 8u);
  EXPECT_EQ(drain(q), (std::vector<std::uint64_t>{2, 3}));
}

TEST(SubscriberQueue, PauseAtCapacityResumeAtHalfNothingLost) {
  boost::asio::io_context ioc;
  RecordingFlow flow;
  SubscriberQueue q(ioc.get_executor(), QueueLimits{.max_messages = 4}, Overflow::pause_endpoint, flow);
  for (std::uint64_t i = 0; i < 4; ++i) q.push(message(i));
  EXPECT_EQ(flow.pauses, 1);
  EXPECT_TRUE(q.paused());
  q.push(message(4));  // already in flight when paused: still accepted
  EXPECT_EQ(q.size(), 5u);
  EXPECT_EQ(flow.pauses, 1);
  q.try_pop();
  q.try_pop();
  EXPECT_EQ(flow.resumes, 0);  // 3 left: above half
  q.try_pop();
  EXPECT_EQ(flow.resumes, 1);  // 2 left: half
  EXPECT_FALSE(q.paused());
  EXPECT_EQ(q.dropped(), 0u);
  EXPECT_EQ(drain(q), (std::vector<std::uint64_t>{3, 4}));
}

TEST(SubscriberQueue, PausedQueueRefusesBeyondTheHardLimit) {
  boost::asio::io_context ioc;
  RecordingFlow flow;
  SubscriberQueue q(ioc.get_executor(), QueueLimits{.max_messages = 2}, Overflow::pause_endpoint, flow);
  for (std::uint64_t i = 0; i < 6; ++i) q.push(message(i));
  EXPECT_EQ(q.size(), 4u);
  EXPECT_EQ(flow.rejected_ids, (std::vector<std::uint64_t>{4, 5}));  // nacked: the endpoint redelivers them
}

TEST(SubscriberQueue, FinishDrainsFirstAbortDoesNot) {
  boost::asio::io_context ioc;
  RecordingFlow flow;
  SubscriberQueue q(ioc.get_executor(), QueueLimits{}, Overflow::drop_oldest, flow);
  q.push(message(1));
  q.finish("broker gone");
  EXPECT_FALSE(q.ended());
  EXPECT_EQ(drain(q), std::vector<std::uint64_t>{1});
  EXPECT_TRUE(q.ended());
  EXPECT_EQ(q.end_reason(), "broker gone");
  q.push(message(2));  // after the end: refused
  EXPECT_EQ(flow.rejected_ids, std::vector<std::uint64_t>{2});

  SubscriberQueue stopped(ioc.get_executor(), QueueLimits{}, Overflow::drop_oldest, flow);
  stopped.push(message(3));
  stopped.abort("API stopping");
  EXPECT_TRUE(stopped.ended());
  EXPECT_TRUE(stopped.aborted());
  EXPECT_FALSE(stopped.try_pop());
}

TEST(SubscriberQueue, WriterWakesOnPushAndSeesTheEnd) {
  boost::asio::io_context ioc;
  RecordingFlow flow;
  SubscriberQueue q(ioc.get_executor(), QueueLimits{}, Overflow::drop_oldest, flow);
  std::vector<SubscriberQueue::Event> events;
  std::vector<std::uint64_t> ids;
  boost::asio::co_spawn(
      ioc,
      [&]() -> boost::asio::awaitable<void> {
        for (;;) {
          auto next = co_await q.next(std::chrono::milliseconds(0));
          events.push_back(next.event);
          if (next.event != SubscriberQueue::Event::message) co_return;
          ids.push_back(next.delivery.ack_id);
        }
      },
      boost::asio::detached);
  boost::asio::post(ioc, [&] { q.push(message(7)); });
  boost::asio::post(ioc, [&] {
    q.push(message(8));
    q.finish();
  });
  ioc.run();
  EXPECT_EQ(ids, (std::vector<std::uint64_t>{7, 8}));
  EXPECT_EQ(events.back(), SubscriberQueue::Event::end);
}

}  // namespace
}  // namespace gantry::test
