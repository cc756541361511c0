// Which endpoint of a group each failover attempt goes to: rotation order, forceNextEndpointOnFailure's loop,
// secondaries, and endpoints a health check took out.
#include "endpoints/http_proxy/proxy_api.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace gantry::http_proxy {
namespace {

struct Group {
  GroupRuntime runtime;
  std::vector<EndpointRuntime*> tried;

  // `primaries` and `secondaries` endpoints named p0.., s0..; `checked` ones have a health check (so they can be
  // taken down).
  Group(int primaries, int secondaries, LoadBalancerType type = LoadBalancerType::round_robin, bool checked = false) {
    auto check = checked ? std::make_shared<HealthCheckConfig>() : nullptr;
    auto add = [&](std::vector<std::unique_ptr<EndpointRuntime>>& tier, const std::string& name) {
      Endpoint def;
      def.name = name;
      tier.push_back(std::make_unique<EndpointRuntime>(def, std::make_shared<EndpointConfig>(), nullptr, 1, check));
    };
    for (int i = 0; i < primaries; ++i) add(runtime.primaries, "p" + std::to_string(i));
    for (int i = 0; i < secondaries; ++i) add(runtime.secondaries, "s" + std::to_string(i));
    runtime.primary_lb = LoadBalancer::create(type, std::vector<int>(std::size_t(primaries), 1));
    runtime.secondary_lb = LoadBalancer::create(type, std::vector<int>(std::size_t(secondaries), 1));
  }

  // The endpoints one request's `attempts` go to, as call_backend asks for them.
  std::vector<std::string> attempts(int count, bool force_next = false) {
    tried.clear();
    std::vector<std::string> names;
    for (int i = 0; i < count; ++i) {
      EndpointRuntime* e = runtime.pick_retry(tried, force_next);
      if (!e) break;
      tried.push_back(e);
      names.push_back(e->name());
    }
    return names;
  }

  void take_down(EndpointRuntime& e) {
    while (e.health()->healthy()) e.health()->record(false);
  }
};

using Names = std::vector<std::string>;

TEST(FailoverPick, RetriesGoRoundTheGroupInOrder) {
  Group g(3, 0);
  EXPECT_EQ(g.attempts(3), (Names{"p0", "p1", "p2"}));
  EXPECT_EQ(g.attempts(5), (Names{"p1", "p2", "p0", "p1", "p2"}));  // the next request's turn starts at p1
}

TEST(FailoverPick, ForceNextLoopsBackToTheFirst) {
  Group g(3, 0);
  EXPECT_EQ(g.attempts(5, true), (Names{"p0", "p1", "p2", "p0", "p1"}));
}

TEST(FailoverPick, ForceNextFollowsTheDeclarationOrderWhateverTheStrategy) {
  Group g(4, 0, LoadBalancerType::random);
  for (int i = 0; i < 20; ++i) {
    auto names = g.attempts(4, true);
    ASSERT_EQ(names.size(), 4u);
    for (std::size_t k = 1; k < names.size(); ++k)
      EXPECT_EQ(names[k].back() - '0', (names[k - 1].back() - '0' + 1) % 4) << names[k - 1] << " -> " << names[k];
  }
}

TEST(FailoverPick, RandomRetriesPreferEndpointsNotTriedYet) {
  Group g(3, 0, LoadBalancerType::random);
  for (int i = 0; i < 50; ++i) {
    auto names = g.attempts(3);
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (Names{"p0", "p1", "p2"}));
  }
}

TEST(FailoverPick, SecondariesServeOnceThePrimariesAreTried) {
  Group g(2, 1);
  // Every endpoint tried: round again, from the primaries' rotation.
  auto names = g.attempts(4);
  ASSERT_EQ(names.size(), 4u);
  EXPECT_EQ(Names(names.begin(), names.begin() + 3), (Names{"p0", "p1", "s0"}));
  EXPECT_EQ(names.at(3)[0], 'p');
  EXPECT_EQ(g.attempts(1).at(0)[0], 'p');  // a first call never goes to a secondary while a primary is up
}

TEST(FailoverPick, EndpointsThatAreDownAreSkipped) {
  Group g(3, 1, LoadBalancerType::round_robin, true);
  g.take_down(*g.runtime.primaries[1]);
  EXPECT_EQ(g.attempts(3), (Names{"p0", "p2", "s0"}));
  EXPECT_EQ(g.attempts(3, true), (Names{"p2", "p0", "p2"}));
  for (auto& p : g.runtime.primaries) g.take_down(*p);
  EXPECT_EQ(g.attempts(2), (Names{"s0", "s0"}));
  g.take_down(*g.runtime.secondaries[0]);
  EXPECT_EQ(g.attempts(1), Names{});
}

}  // namespace
}  // namespace gantry::http_proxy
