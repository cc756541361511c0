// Load balancers: exact rotations (round robin, smooth weighted round robin), skipping members that are down,
// and the distributions of the random strategies.
#include "core/balancing/load_balancer.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>

namespace gantry {
namespace {

using Picks = std::vector<std::size_t>;

auto all_up = [](std::size_t) { return true; };

Picks draw(LoadBalancer& lb, int n, const std::function<bool(std::size_t)>& available = all_up) {
  Picks out;
  for (int i = 0; i < n; ++i) {
    auto pick = lb.next(available);
    EXPECT_TRUE(pick.has_value());
    out.push_back(pick.value_or(999));
  }
  return out;
}

std::vector<int> counts(LoadBalancer& lb, int n, std::size_t members,
                        const std::function<bool(std::size_t)>& available = all_up) {
  std::vector<int> out(members, 0);
  for (int i = 0; i < n; ++i) ++out.at(lb.next(available).value());
  return out;
}

TEST(SmoothWeightedSequence, InterleavesLikeNginx) {
  EXPECT_EQ(smooth_weighted_sequence({3, 1}), (Picks{0, 0, 1, 0}));
  EXPECT_EQ(smooth_weighted_sequence({5, 1, 1}), (Picks{0, 0, 1, 0, 2, 0, 0}));
  EXPECT_EQ(smooth_weighted_sequence({1, 1, 1}), (Picks{0, 1, 2}));
  EXPECT_EQ(smooth_weighted_sequence({1, 2}), (Picks{1, 0, 1}));
  EXPECT_EQ(smooth_weighted_sequence({}), Picks{});
}

TEST(SmoothWeightedSequence, DividesByTheGreatestCommonDivisor) {
  EXPECT_EQ(smooth_weighted_sequence({30, 10}), (Picks{0, 0, 1, 0}));
  EXPECT_EQ(smooth_weighted_sequence({4, 4}), (Picks{0, 1}));
}

TEST(SmoothWeightedSequence, WeightsBelowOneCountAsOne) {
  EXPECT_EQ(smooth_weighted_sequence({0, -3}), (Picks{0, 1}));
}

TEST(SmoothWeightedSequence, LongCyclesAreScaledDownKeepingEveryMember) {
  auto seq = smooth_weighted_sequence({1, 100000});
  EXPECT_LE(seq.size(), 1024u + 2);
  EXPECT_EQ(std::count(seq.begin(), seq.end(), 0u), 1);
  auto even = smooth_weighted_sequence({3000, 1000});  // gcd first: no scaling needed
  EXPECT_EQ(even, (Picks{0, 0, 1, 0}));
}

TEST(RoundRobin, RotatesInOrder) {
  auto lb = LoadBalancer::create(LoadBalancerType::round_robin, {1, 1, 1});
  EXPECT_EQ(draw(*lb, 7), (Picks{0, 1, 2, 0, 1, 2, 0}));
}

TEST(RoundRobin, IgnoresWeights) {
  auto lb = LoadBalancer::create(LoadBalancerType::round_robin, {5, 1});
  EXPECT_EQ(draw(*lb, 4), (Picks{0, 1, 0, 1}));
}

TEST(RoundRobin, SharesEvenlyAmongTheMembersThatAreUp) {
  auto lb = LoadBalancer::create(LoadBalancerType::round_robin, {1, 1, 1});
  auto one_down = [](std::size_t i) { return i != 1; };
  EXPECT_EQ(draw(*lb, 6, one_down), (Picks{0, 2, 0, 2, 0, 2}));
  auto only_two = [](std::size_t i) { return i == 2; };
  EXPECT_EQ(draw(*lb, 3, only_two), (Picks{2, 2, 2}));
}

TEST(RoundRobin, NothingWhenAllAreDownOrEmpty) {
  auto lb = LoadBalancer::create(LoadBalancerType::round_robin, {1, 1});
  EXPECT_EQ(lb->next([](std::size_t) { return false; }), std::nullopt);
  auto empty = LoadBalancer::create(LoadBalancerType::round_robin, {});
  EXPECT_EQ(empty->next(all_up), std::nullopt);
  for (auto type : {LoadBalancerType::weighted_round_robin, LoadBalancerType::random,
                    LoadBalancerType::weighted_random}) {
    EXPECT_EQ(LoadBalancer::create(type, {})->next(all_up), std::nullopt);
    EXPECT_EQ(LoadBalancer::create(type, {1, 2})->next([](std::size_t) { return false; }), std::nullopt);
  }
}

TEST(WeightedRoundRobin, FollowsTheSmoothSequence) {
  auto lb = LoadBalancer::create(LoadBalancerType::weighted_round_robin, {3, 1});
  EXPECT_EQ(draw(*lb, 8), (Picks{0, 0, 1, 0, 0, 0, 1, 0}));
  auto three = LoadBalancer::create(LoadBalancerType::weighted_round_robin, {5, 1, 1});
  EXPECT_EQ(draw(*three, 7), (Picks{0, 0, 1, 0, 2, 0, 0}));
}

TEST(WeightedRoundRobin, MembersThatAreDownAreSkippedKeepingTheOthersProportions) {
  // {2, 1, 1} interleaves as 0 1 2 0; with member 1 down the rotation is 0 2 0, so 0 keeps twice 2's share.
  auto lb = LoadBalancer::create(LoadBalancerType::weighted_round_robin, {2, 1, 1});
  EXPECT_EQ(smooth_weighted_sequence({2, 1, 1}), (Picks{0, 1, 2, 0}));
  auto one_down = [](std::size_t i) { return i != 1; };
  EXPECT_EQ(draw(*lb, 6, one_down), (Picks{0, 2, 0, 0, 2, 0}));
  auto c = counts(*lb, 3000, 3, one_down);
  EXPECT_EQ(c, (std::vector<int>{2000, 0, 1000}));
}

TEST(WeightedRoundRobin, ARecoveredMemberGetsItsTurnsBack) {
  auto lb = LoadBalancer::create(LoadBalancerType::weighted_round_robin, {3, 1});
  bool second_up = false;
  auto available = [&](std::size_t i) { return i == 0 || second_up; };
  EXPECT_EQ(draw(*lb, 4, available), (Picks{0, 0, 0, 0}));
  second_up = true;
  EXPECT_EQ(draw(*lb, 4, available), (Picks{0, 0, 1, 0}));
}

TEST(WeightedRoundRobin, ConcurrentCallersShareOneRotation) {
  auto lb = LoadBalancer::create(LoadBalancerType::weighted_round_robin, {3, 1});
  std::vector<std::vector<int>> per_thread(4, std::vector<int>(2, 0));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i) ++per_thread[t][lb->next(all_up).value()];
    });
  for (auto& th : threads) th.join();
  int first = 0, second = 0;
  for (const auto& c : per_thread) first += c[0], second += c[1];
  // 40000 turns of a 4-turn cycle, whatever the interleaving of threads: exactly 3:1.
  EXPECT_EQ(first, 30000);
  EXPECT_EQ(second, 10000);
}

TEST(Random, SpreadsEvenly) {
  auto lb = LoadBalancer::create(LoadBalancerType::random, {7, 1, 1, 1});  // weights are ignored
  auto c = counts(*lb, 100000, 4);
  for (int n : c) EXPECT_NEAR(n, 25000, 3000);
}

TEST(Random, OnlyPicksMembersThatAreUp) {
  auto lb = LoadBalancer::create(LoadBalancerType::random, {1, 1, 1, 1});
  auto two_down = [](std::size_t i) { return i == 1 || i == 3; };
  auto c = counts(*lb, 100000, 4, two_down);
  EXPECT_EQ(c[0], 0);
  EXPECT_EQ(c[2], 0);
  EXPECT_NEAR(c[1], 50000, 3000);
  EXPECT_NEAR(c[3], 50000, 3000);
}

TEST(WeightedRandom, FollowsTheWeights) {
  auto lb = LoadBalancer::create(LoadBalancerType::weighted_random, {3, 1});
  auto c = counts(*lb, 100000, 2);
  EXPECT_NEAR(c[0], 75000, 3000);
  EXPECT_NEAR(c[1], 25000, 3000);
}

TEST(WeightedRandom, KeepsTheProportionsOfTheMembersThatAreUp) {
  auto lb = LoadBalancer::create(LoadBalancerType::weighted_random, {3, 5, 1});
  auto middle_down = [](std::size_t i) { return i != 1; };
  auto c = counts(*lb, 100000, 3, middle_down);
  EXPECT_EQ(c[1], 0);
  EXPECT_NEAR(c[0], 75000, 3000);
  EXPECT_NEAR(c[2], 25000, 3000);
}

TEST(WeightedRandom, ReachesEveryMember) {
  auto lb = LoadBalancer::create(LoadBalancerType::weighted_random, {1, 1, 1, 1, 1});
  std::set<std::size_t> seen;
  for (int i = 0; i < 10000; ++i) seen.insert(lb->next(all_up).value());
  EXPECT_EQ(seen.size(), 5u);
}

// -- after(): where a failover retry goes once `previous` failed ------------------------------------------------------

// What a request's failover does: the first call takes the rotation's turn, each retry the member after the last
// one tried among those not tried yet.
Picks failover_order(LoadBalancer& lb, std::size_t members, std::size_t calls) {
  std::vector<bool> tried(members, false);
  Picks out{lb.next(all_up).value()};
  tried[out.back()] = true;
  while (out.size() < calls) {
    auto next = lb.after(out.back(), [&](std::size_t i) { return !tried[i]; });
    if (!next) next = lb.after(out.back(), all_up);  // every member tried: round again
    out.push_back(next.value());
    tried[out.back()] = true;
  }
  return out;
}

TEST(RoundRobin, FailoverRetriesTakeTheNextMembersInOrder) {
  auto lb = LoadBalancer::create(LoadBalancerType::round_robin, {1, 1, 1});
  EXPECT_EQ(failover_order(*lb, 3, 3), (Picks{0, 1, 2}));  // not 0, 2, 1: no member is skipped
  EXPECT_EQ(failover_order(*lb, 3, 5), (Picks{1, 2, 0, 1, 2}));
}

TEST(RoundRobin, FailoverRetriesDoNotMoveTheSharedRotation) {
  auto lb = LoadBalancer::create(LoadBalancerType::round_robin, {1, 1, 1});
  EXPECT_EQ(lb->next(all_up), 0u);
  EXPECT_EQ(lb->after(0, all_up), 1u);
  EXPECT_EQ(lb->after(1, all_up), 2u);
  EXPECT_EQ(lb->next(all_up), 1u);
}

TEST(RoundRobin, FailoverRetriesSkipMembersThatAreDown) {
  auto lb = LoadBalancer::create(LoadBalancerType::round_robin, {1, 1, 1, 1});
  auto second_down = [](std::size_t i) { return i != 1; };
  EXPECT_EQ(lb->after(0, second_down), 2u);
  EXPECT_EQ(lb->after(3, second_down), 0u);  // round to the first
  auto only_previous = [](std::size_t i) { return i == 2; };
  EXPECT_EQ(lb->after(2, only_previous), 2u);  // the failed member again, when it is the only one left
  EXPECT_EQ(lb->after(2, [](std::size_t) { return false; }), std::nullopt);
}

TEST(WeightedRoundRobin, FailoverRetriesGoToAnotherMember) {
  // The rotation of {3, 1} is 0 0 1 0: a retry after 0 goes to 1 although 0 comes next in the rotation.
  auto lb = LoadBalancer::create(LoadBalancerType::weighted_round_robin, {3, 1});
  EXPECT_EQ(lb->after(0, all_up), 1u);
  EXPECT_EQ(lb->after(1, all_up), 0u);
  EXPECT_EQ(failover_order(*lb, 2, 2), (Picks{0, 1}));
}

TEST(Random, FailoverRetriesDrawAmongTheMembersLeft) {
  auto lb = LoadBalancer::create(LoadBalancerType::random, {1, 1, 1});
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(lb->after(0, [](std::size_t m) { return m == 2; }), 2u);
  std::set<std::size_t> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(lb->after(0, [](std::size_t m) { return m != 0; }).value());
  EXPECT_EQ(seen, (std::set<std::size_t>{1, 2}));
}

}  // namespace
}  // namespace gantry
