#include "policies/rate_limit/counter_estimates.hpp"

#include <gtest/gtest.h>

namespace gantry {
namespace {

TEST(CounterEstimates, CountsHitsNotYetAnsweredByTheStore) {
  CounterEstimates e;
  EXPECT_EQ(e.hit("k", 1000, 60'000).count, 1);
  EXPECT_EQ(e.hit("k", 1001, 60'000).count, 2);
  EXPECT_EQ(e.hit("k", 1002, 60'000).reset_ms, 61'000);
}

TEST(CounterEstimates, TheStoresAnswersBringInOtherGatewaysHits) {
  CounterEstimates e;
  e.hit("k", 1000, 60'000);
  e.answered("k", CounterValue{7, 50'000});  // six hits elsewhere came first; the store's window is the truth
  const auto next = e.hit("k", 1001, 60'000);
  EXPECT_EQ(next.count, 8);
  EXPECT_EQ(next.reset_ms, 50'000);
}

TEST(CounterEstimates, ALateOlderAnswerNeverLowersTheEstimate) {
  CounterEstimates e;
  e.hit("k", 1000, 60'000);
  e.hit("k", 1000, 60'000);
  e.answered("k", CounterValue{9, 50'000});
  e.answered("k", CounterValue{8, 50'000});
  EXPECT_EQ(e.hit("k", 1001, 60'000).count, 10);
}

TEST(CounterEstimates, AnUnreachableStoreLeavesTheHitCountedLocally) {
  CounterEstimates e;
  e.hit("k", 1000, 60'000);
  e.answered("k", std::nullopt);
  EXPECT_EQ(e.hit("k", 1001, 60'000).count, 2);
}

TEST(CounterEstimates, AnEndedWindowStartsAgain) {
  CounterEstimates e;
  e.hit("k", 1000, 10);
  e.answered("k", CounterValue{5, 1010});
  EXPECT_EQ(e.hit("k", 1010, 10).count, 1);
  EXPECT_EQ(e.hit("other", 1010, 10).count, 1);  // keys are counted apart
}

}  // namespace
}  // namespace gantry
