// The failover circuit breaker: every transition, driven by injected time points.
#include "endpoints/http_proxy/circuit_breaker.hpp"

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

}  // namespace
}  // namespace gantry
