#include "policies/rate_limit/counter_estimates.hpp"

#include <gtest/gtest.h>

namespace gantry {
namespace {

TEST(CounterEstimates, CountsHitsNotYetAnsweredByTheStore) {
  CounterEstimates e;
  EXPECT_EQ(e.hit("k", 1000, 60'000).estimate.count, 1);
  EXPECT_EQ(e.hit("k", 1001, 60'000).estimate.count, 2);
  EXPECT_EQ(e.hit("k", 1002, 60'000).estimate.reset_ms, 61'000);
}

TEST(CounterEstimates, TheStoresAnswersBringInOtherGatewaysHits) {
  CounterEstimates e;
  const auto first = e.hit("k", 1000, 60'000);
  e.answered("k", first.sequence, CounterValue{7, 50'000});  // six hits elsewhere came first: the store is the truth
  const auto next = e.hit("k", 1001, 60'000);
  EXPECT_EQ(next.estimate.count, 8);
  EXPECT_EQ(next.estimate.reset_ms, 50'000);
}

TEST(CounterEstimates, AnAnswerCoversTheHitsSentBeforeIt) {
  // Two hits on two store connections; the second one's answer comes back first. Its count includes the first
  // hit, which must not be counted again as unanswered.
  CounterEstimates e;
  const auto first = e.hit("k", 1000, 60'000);
  const auto second = e.hit("k", 1000, 60'000);
  e.answered("k", second.sequence, CounterValue{2, 61'000});
  EXPECT_EQ(e.hit("k", 1001, 60'000).estimate.count, 3);
  e.answered("k", first.sequence, CounterValue{1, 61'000});  // late, and older: changes nothing
  EXPECT_EQ(e.hit("k", 1002, 60'000).estimate.count, 4);     // 2 answered + the 2 hits sent since
}

TEST(CounterEstimates, ALateOlderAnswerNeverLowersTheEstimate) {
  CounterEstimates e;
  const auto a = e.hit("k", 1000, 60'000);
  const auto b = e.hit("k", 1000, 60'000);
  e.answered("k", b.sequence, CounterValue{9, 50'000});
  e.answered("k", a.sequence, CounterValue{8, 50'001});  // the window's end, computed again a millisecond later
  EXPECT_EQ(e.hit("k", 1001, 60'000).estimate.count, 10);
}

TEST(CounterEstimates, AnUnreachableStoreLeavesTheHitCountedLocally) {
  CounterEstimates e;
  const auto first = e.hit("k", 1000, 60'000);
  e.answered("k", first.sequence, std::nullopt);
  EXPECT_EQ(e.hit("k", 1001, 60'000).estimate.count, 2);
}

TEST(CounterEstimates, AnEndedWindowStartsAgain) {
  CounterEstimates e;
  const auto first = e.hit("k", 1000, 10);
  e.answered("k", first.sequence, CounterValue{5, 1010});
  EXPECT_EQ(e.hit("k", 1010, 10).estimate.count, 1);
  EXPECT_EQ(e.hit("other", 1010, 10).estimate.count, 1);  // keys are counted apart
}

TEST(CounterEstimates, TheStoresNewWindowReplacesTheOldCount) {
  CounterEstimates e;
  const auto a = e.hit("k", 1000, 60'000);
  e.answered("k", a.sequence, CounterValue{40, 61'000});
  const auto b = e.hit("k", 2000, 60'000);
  e.answered("k", b.sequence, CounterValue{1, 62'000 + 60'000});  // the store's key expired and began again
  EXPECT_EQ(e.hit("k", 2001, 60'000).estimate.count, 2);
}

}  // namespace
}  // namespace gantry
