// A message API's endpoint group (GroupConnector) over real mock endpoints with injected connection failures and a
// real io_context: where subscriptions and publishes go (round robin, secondaries), how failover moves them, and
// the circuit breaker. No timing assertions: the slow cases use latencies far beyond slowCallDuration.
#include "core/balancing/tiered_pick.hpp"
#include "endpoints/mock/mock_connector.hpp"
#include "gateway/message/group_connector.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace gantry::test {
namespace {

struct Sink final : MessageSink {
  std::vector<std::string> contents;
  std::vector<std::string> failures;
  int connected = 0, ends = 0;
  void on_message(MessagePtr m, std::uint64_t) override { contents.push_back(m->content); }
  void on_end(std::string) override { ++ends; }
  void on_connected() override { ++connected; }
  void on_connect_failed(std::string why) override { failures.push_back(std::move(why)); }
};

// A mock endpoint sending `count` messages "<name>", failing its first `errors` connection attempts and taking
// `latency` to connect on the ones listed.
struct Endpoint {
  std::string name;
  std::size_t errors = 0;
  std::vector<std::chrono::milliseconds> latencies;
  bool secondary = false;
};

std::shared_ptr<mock::MockConnector> make_mock(const Endpoint& e) {
  auto c = std::make_shared<mock::MockConfig>();
  c->interval = std::chrono::microseconds(10);
  c->count = 1;
  c->content = e.name;
  for (std::size_t i = 0; i < e.errors; ++i) c->connection_errors.push_back({true, e.name + " refused"});
  c->connection_latencies = e.latencies;
  return std::make_shared<mock::MockConnector>(e.name, c);
}

struct Group {
  std::vector<std::shared_ptr<mock::MockConnector>> mocks;
  std::unique_ptr<GroupConnector> connector;

  Group(std::vector<Endpoint> endpoints, Failover failover = {},
        LoadBalancerType type = LoadBalancerType::round_robin) {
    std::vector<GroupConnector::Member> members;
    for (const auto& e : endpoints) {
      mocks.push_back(make_mock(e));
      members.push_back({e.name, mocks.back(), e.secondary, 1});
    }
    connector = std::make_unique<GroupConnector>(std::move(members), type, failover);
  }

  // One subscription run to its end: what it received.
  Sink subscribe_once() {
    boost::asio::io_context ioc;
    SubscribeRequest request;
    request.executor = ioc.get_executor();
    Sink sink;
    auto subscription = connector->subscribe(request, sink);
    EXPECT_TRUE(subscription);
    ioc.run();
    return sink;
  }

  // One publish: its outcome, and which endpoints stored the message.
  boost::system::error_code publish_once() {
    boost::asio::io_context ioc;
    boost::system::error_code outcome = boost::asio::error::would_block;
    auto message = std::make_shared<Message>();
    message->content = "m";
    async_publish(*connector, message, Qos::auto_,
                  boost::asio::bind_executor(ioc, [&](boost::system::error_code ec) {
                    outcome = ec;
                    ioc.stop();  // a slow endpoint's late confirmation is not waited for
                  }));
    ioc.run();
    return outcome;
  }

  std::vector<std::uint64_t> received() const {
    std::vector<std::uint64_t> out;
    for (const auto& m : mocks) out.push_back(m->received());
    return out;
  }
};

Failover failover(int max_retries = 2, int max_failures = 5) {
  Failover f;
  f.enabled = true;
  f.max_retries = max_retries;
  f.slow_call_duration = std::chrono::milliseconds(50);
  f.open_state_duration = std::chrono::hours(1);
  f.max_failures = max_failures;
  f.per_subscription = false;
  return f;
}

using Strings = std::vector<std::string>;
constexpr auto slow = std::chrono::milliseconds(60000);

TEST(GroupConnector, RoundRobinSpreadsSubscriptionsAndPublishes) {
  Group g({{"a"}, {"b"}});
  EXPECT_EQ(g.subscribe_once().contents, Strings{"a"});
  EXPECT_EQ(g.subscribe_once().contents, Strings{"b"});
  EXPECT_EQ(g.subscribe_once().contents, Strings{"a"});
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(g.publish_once());
  EXPECT_EQ(g.received(), (std::vector<std::uint64_t>{2, 2}));
}

TEST(GroupConnector, SecondaryServesNothingWhilePrimariesWork) {
  Group g({{"a"}, {"s", 0, {}, true}, {"b"}}, failover());
  for (int i = 0; i < 4; ++i) EXPECT_NE(g.subscribe_once().contents, Strings{"s"});
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(g.publish_once());
  EXPECT_EQ(g.received(), (std::vector<std::uint64_t>{2, 0, 2}));  // a, s, b
}

TEST(GroupConnector, SubscriptionMovesToTheNextEndpointWhenOneCannotConnect) {
  Group g({{"a", 1}, {"b"}}, failover());
  Sink sink = g.subscribe_once();
  EXPECT_EQ(sink.contents, Strings{"b"});
  EXPECT_EQ(sink.connected, 1);  // told once the second endpoint connected
  EXPECT_TRUE(sink.failures.empty());
}

TEST(GroupConnector, SubscriptionMovesWhenNotConnectedWithinSlowCallDuration) {
  Group g({{"a", 0, {slow}}, {"b"}}, failover());
  EXPECT_EQ(g.subscribe_once().contents, Strings{"b"});
}

TEST(GroupConnector, SecondaryTakesOverOnceEveryPrimaryFailed) {
  Group g({{"a", 1}, {"s", 0, {}, true}, {"b", 1}}, failover());
  EXPECT_EQ(g.subscribe_once().contents, Strings{"s"});
}

TEST(GroupConnector, SpentFailoverIsAConnectionFailure) {
  Group g({{"a", 3}}, failover(2));
  Sink sink = g.subscribe_once();
  EXPECT_TRUE(sink.contents.empty());
  ASSERT_EQ(sink.failures.size(), 1u);
  EXPECT_EQ(sink.failures.front(), "a refused");
  // The three attempts used up the injected errors: the next subscription connects on its first.
  EXPECT_EQ(g.subscribe_once().contents, Strings{"a"});
}

TEST(GroupConnector, WithoutFailoverAFailedEndpointIsReportedAsIs) {
  Group g({{"a", 1}, {"b"}});
  Sink sink = g.subscribe_once();
  EXPECT_EQ(sink.failures, Strings{"a refused"});
  EXPECT_EQ(g.subscribe_once().contents, Strings{"b"});
}

TEST(GroupConnector, FailedPublishIsRetriedOnTheNextEndpoint) {
  Group g({{"a", 1}, {"b"}}, failover());
  EXPECT_FALSE(g.publish_once());
  EXPECT_EQ(g.received(), (std::vector<std::uint64_t>{0, 1}));
}

TEST(GroupConnector, UnconfirmedPublishIsRetriedAndMayBeStoredTwice) {
  // The first endpoint stores the message but does not confirm it in time: the retry stores it again (the
  // duplicate docs/qos.md warns about), and the client hears of the second one's confirmation.
  Group g({{"a", 0, {slow}}, {"b"}}, failover());
  EXPECT_FALSE(g.publish_once());
  EXPECT_EQ(g.received(), (std::vector<std::uint64_t>{1, 1}));
}

TEST(GroupConnector, SpentPublishFailsAndOpensTheBreaker) {
  Group g({{"a", 4}}, failover(1, 2));
  EXPECT_TRUE(g.publish_once());  // attempts 1 and 2 fail
  EXPECT_TRUE(g.publish_once());  // attempts 3 and 4 fail: two failed publishes open the breaker
  EXPECT_TRUE(g.publish_once());  // refused by the open breaker: the endpoint is not called
  EXPECT_EQ(g.received(), (std::vector<std::uint64_t>{0}));
  Sink sink = g.subscribe_once();  // subscriptions share the API's breaker
  EXPECT_TRUE(sink.contents.empty());
  EXPECT_EQ(sink.failures.size(), 1u);
}

// -- the selection itself ------------------------------------------------------------------------------------------

struct Tiers {
  std::unique_ptr<LoadBalancer> primary, secondary;
  std::vector<bool> up;
  TieredGroup group;
  Tiers(std::size_t primaries, std::size_t secondaries)
      : primary(LoadBalancer::create(LoadBalancerType::round_robin, std::vector<int>(primaries, 1))),
        secondary(LoadBalancer::create(LoadBalancerType::round_robin, std::vector<int>(secondaries, 1))),
        up(primaries + secondaries, true) {
    group = TieredGroup{primary.get(), primaries, secondary.get(), secondaries, [this](std::size_t i) { return up[i]; }};
  }
  std::vector<std::size_t> attempts(std::size_t count, bool force_next = false) {
    std::vector<std::size_t> tried;
    for (std::size_t i = 0; i < count; ++i) {
      auto m = group.pick_retry(tried, force_next);
      if (!m) break;
      tried.push_back(*m);
    }
    return tried;
  }
};

using Members = std::vector<std::size_t>;

TEST(TieredPick, FirstCallsRotateOverPrimariesOnly) {
  Tiers t(2, 1);
  EXPECT_EQ(*t.group.pick(), 0u);
  EXPECT_EQ(*t.group.pick(), 1u);
  EXPECT_EQ(*t.group.pick(), 0u);
}

TEST(TieredPick, SecondariesServeWhenNoPrimaryIsUp) {
  Tiers t(2, 2);
  t.up[0] = t.up[1] = false;
  EXPECT_EQ(*t.group.pick(), 2u);
  EXPECT_EQ(*t.group.pick(), 3u);
  t.up[2] = t.up[3] = false;
  EXPECT_FALSE(t.group.pick());
}

TEST(TieredPick, RetriesTryEveryPrimaryThenTheSecondaries) {
  Tiers t(2, 2);
  EXPECT_EQ(t.attempts(5), (Members{0, 1, 2, 3, 1}));  // then round again, from the last one tried
}

TEST(TieredPick, ForceNextStaysInItsTier) {
  Tiers t(3, 1);
  EXPECT_EQ(t.attempts(4, true), (Members{0, 1, 2, 0}));
}

TEST(TieredPick, OneMemberIsRetriedItself) {
  Tiers t(1, 0);
  EXPECT_EQ(t.attempts(3), (Members{0, 0, 0}));
}

}  // namespace
}  // namespace gantry::test
