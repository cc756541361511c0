// The failover circuit breaker: every transition, driven by injected time points; and which requests share one.
#include "core/balancing/breaker_registry.hpp"
#include "core/balancing/circuit_breaker.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace gantry {
namespace {

using State = CircuitBreaker::State;
using std::chrono::milliseconds;

const CircuitBreaker::clock::time_point t0{std::chrono::hours(1)};

TEST(CircuitBreaker, StartsClosedAndLetsCallsThrough) {
  CircuitBreaker b(3, milliseconds(1000));
  EXPECT_EQ(b.state(t0), State::closed);
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(b.try_acquire(t0));
}

TEST(CircuitBreaker, OpensAfterMaxConsecutiveFailures) {
  CircuitBreaker b(3, milliseconds(1000));
  b.on_failure(t0);
  b.on_failure(t0);
  EXPECT_EQ(b.state(t0), State::closed);
  EXPECT_TRUE(b.try_acquire(t0));
  b.on_failure(t0);
  EXPECT_EQ(b.state(t0), State::open);
  EXPECT_FALSE(b.try_acquire(t0));
}

TEST(CircuitBreaker, ASuccessResetsTheFailureCount) {
  CircuitBreaker b(3, milliseconds(1000));
  b.on_failure(t0);
  b.on_failure(t0);
  b.on_success(t0);
  b.on_failure(t0);
  b.on_failure(t0);
  EXPECT_EQ(b.state(t0), State::closed);
  b.on_failure(t0);
  EXPECT_EQ(b.state(t0), State::open);
}

TEST(CircuitBreaker, StaysOpenForTheOpenDuration) {
  CircuitBreaker b(1, milliseconds(1000));
  b.on_failure(t0);
  EXPECT_FALSE(b.try_acquire(t0 + milliseconds(999)));
  EXPECT_EQ(b.state(t0 + milliseconds(999)), State::open);
  EXPECT_EQ(b.state(t0 + milliseconds(1000)), State::half_open);  // reads half-open before anyone asks
}

TEST(CircuitBreaker, HalfOpenLetsExactlyOneTrialThrough) {
  CircuitBreaker b(1, milliseconds(1000));
  b.on_failure(t0);
  auto later = t0 + milliseconds(1000);
  EXPECT_TRUE(b.try_acquire(later));
  EXPECT_EQ(b.state(later), State::half_open);
  EXPECT_FALSE(b.try_acquire(later));
  EXPECT_FALSE(b.try_acquire(later + milliseconds(5000)));  // however long the trial takes
}

TEST(CircuitBreaker, ASuccessfulTrialClosesTheBreaker) {
  CircuitBreaker b(2, milliseconds(1000));
  b.on_failure(t0);
  b.on_failure(t0);
  auto later = t0 + milliseconds(1500);
  ASSERT_TRUE(b.try_acquire(later));
  b.on_success(later);
  EXPECT_EQ(b.state(later), State::closed);
  EXPECT_TRUE(b.try_acquire(later));
  EXPECT_TRUE(b.try_acquire(later));
  b.on_failure(later);  // the count restarted from zero: one failure is not enough to open
  EXPECT_EQ(b.state(later), State::closed);
  b.on_failure(later);
  EXPECT_EQ(b.state(later), State::open);
}

TEST(CircuitBreaker, AFailedTrialReopensForAnotherFullPeriod) {
  CircuitBreaker b(1, milliseconds(1000));
  b.on_failure(t0);
  auto trial = t0 + milliseconds(1200);
  ASSERT_TRUE(b.try_acquire(trial));
  b.on_failure(trial + milliseconds(100));
  auto reopened = trial + milliseconds(100);
  EXPECT_EQ(b.state(reopened), State::open);
  EXPECT_FALSE(b.try_acquire(reopened + milliseconds(999)));
  EXPECT_TRUE(b.try_acquire(reopened + milliseconds(1000)));  // the next trial
  EXPECT_FALSE(b.try_acquire(reopened + milliseconds(1000)));
}

TEST(CircuitBreaker, LateOutcomesWhileOpenChangeNothing) {
  CircuitBreaker b(1, milliseconds(1000));
  b.on_failure(t0);
  b.on_success(t0 + milliseconds(10));  // a call that started before the breaker opened
  EXPECT_EQ(b.state(t0 + milliseconds(10)), State::open);
  b.on_failure(t0 + milliseconds(900));  // does not extend the open period
  EXPECT_TRUE(b.try_acquire(t0 + milliseconds(1000)));
}

TEST(CircuitBreaker, MaxFailuresBelowOneCountsAsOne) {
  CircuitBreaker b(0, milliseconds(10));
  EXPECT_TRUE(b.try_acquire(t0));
  b.on_failure(t0);
  EXPECT_EQ(b.state(t0), State::open);
}

TEST(CircuitBreaker, ConcurrentCallersGetOneTrial) {
  CircuitBreaker b(1, milliseconds(1000));
  b.on_failure(t0);
  auto later = t0 + milliseconds(1000);
  std::atomic<int> granted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i)
        if (b.try_acquire(later)) ++granted;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(granted.load(), 1);
}

// -- BreakerRegistry: which requests share a breaker ----------------------------------------------------------------

Failover failover(bool per_subscription) {
  Failover f;
  f.enabled = true;
  f.max_failures = 2;
  f.open_state_duration = milliseconds(1000);
  f.per_subscription = per_subscription;
  return f;
}

TEST(BreakerRegistry, OneBreakerPerSubscription) {
  BreakerRegistry registry(failover(true));
  auto& first = registry.for_subscription("sub-1");
  EXPECT_EQ(&registry.for_subscription("sub-1"), &first);
  auto& second = registry.for_subscription("sub-2");
  EXPECT_NE(&second, &first);
  EXPECT_EQ(registry.subscriptions(), 2u);
  // Two failed requests open the first subscription's breaker only.
  first.on_failure(t0);
  first.on_failure(t0);
  EXPECT_FALSE(registry.for_subscription("sub-1").try_acquire(t0));
  EXPECT_TRUE(registry.for_subscription("sub-2").try_acquire(t0));
  EXPECT_TRUE(registry.for_subscription("").try_acquire(t0));
}

TEST(BreakerRegistry, KeylessRequestsShareOneBreaker) {
  BreakerRegistry registry(failover(true));
  EXPECT_EQ(&registry.for_subscription(""), &registry.for_subscription(""));
  EXPECT_EQ(registry.subscriptions(), 0u);
}

TEST(BreakerRegistry, WithoutPerSubscriptionEveryRequestSharesOneBreaker) {
  BreakerRegistry registry(failover(false));
  auto& shared = registry.for_subscription("");
  EXPECT_EQ(&registry.for_subscription("sub-1"), &shared);
  EXPECT_EQ(&registry.for_subscription("sub-2"), &shared);
  EXPECT_EQ(registry.subscriptions(), 0u);
}

TEST(BreakerRegistry, SubscriptionsPastTheCapShareTheKeylessBreaker) {
  BreakerRegistry registry(failover(true));
  for (std::size_t i = 0; i < BreakerRegistry::max_subscriptions; ++i)
    registry.for_subscription("sub-" + std::to_string(i));
  EXPECT_EQ(&registry.for_subscription("one-more"), &registry.for_subscription(""));
  EXPECT_NE(&registry.for_subscription("sub-0"), &registry.for_subscription(""));
  EXPECT_EQ(registry.subscriptions(), BreakerRegistry::max_subscriptions);
}

}  // namespace
}  // namespace gantry
