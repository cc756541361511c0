// A circuit breaker for Gravitee's failover {maxFailures, openStateDuration}: stop calling the backend after
// consecutive failed requests, then let a single trial request through once the open period is over. Which
// requests share one is BreakerRegistry's business.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>

namespace gantry {

class CircuitBreaker {
 public:
  using clock = std::chrono::steady_clock;
  enum class State { closed, open, half_open };

  // max_failures below 1 counts as 1.
  CircuitBreaker(int max_failures, std::chrono::milliseconds open_duration);

  // May a call go to the endpoint now? Closed: yes. Open: no, until open_duration has elapsed; then exactly one
  // caller gets the half-open trial and every other caller is refused until that trial reports its outcome.
  bool try_acquire(clock::time_point now);
  // Report the outcome of a call that try_acquire allowed. While a trial is in flight, the next outcome reported
  // is taken as the trial's (the breaker hands out no tokens), which at worst reopens it early.
  void on_success(clock::time_point now);
  void on_failure(clock::time_point now);

  // Open reads as half_open once open_duration has elapsed, even before anyone calls try_acquire.
  State state(clock::time_point now) const;

 private:
  const int max_failures_;
  const std::chrono::milliseconds open_duration_;
  // The fast path: while closed_ holds, try_acquire, state and a success after a success touch nothing else.
  std::atomic<bool> closed_{true};
  std::atomic<int> consecutive_failures_{0};
  mutable std::mutex mutex_;  // guards the fields below and every transition
  State state_ = State::closed;
  clock::time_point opened_at_{};
  bool trial_in_flight_ = false;

  void open(clock::time_point now);  // with mutex_ held
};

}  // namespace gantry
