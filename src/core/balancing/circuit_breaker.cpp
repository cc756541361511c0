#include "core/balancing/circuit_breaker.hpp"

#include <algorithm>

namespace gantry {

CircuitBreaker::CircuitBreaker(int max_failures, std::chrono::milliseconds open_duration)
    : max_failures_(std::max(max_failures, 1)), open_duration_(open_duration) {}

bool CircuitBreaker::try_acquire(clock::time_point now) {
  if (closed_.load(std::memory_order_acquire)) return true;
  std::lock_guard lock(mutex_);
  switch (state_) {
    case State::closed:
      return true;
    case State::open:
      if (now - opened_at_ < open_duration_) return false;
      state_ = State::half_open;
      trial_in_flight_ = true;
      return true;
    case State::half_open:
      if (trial_in_flight_) return false;
      trial_in_flight_ = true;
      return true;
  }
  return false;
}

void CircuitBreaker::on_success(clock::time_point) {
  if (closed_.load(std::memory_order_acquire)) {
    if (consecutive_failures_.load(std::memory_order_relaxed) != 0)
      consecutive_failures_.store(0, std::memory_order_relaxed);
    return;
  }
  std::lock_guard lock(mutex_);
  // A late success from a call made before the breaker opened says nothing about the endpoint now.
  if (state_ != State::half_open) return;
  state_ = State::closed;
  trial_in_flight_ = false;
  consecutive_failures_.store(0, std::memory_order_relaxed);
  closed_.store(true, std::memory_order_release);
}

void CircuitBreaker::on_failure(clock::time_point now) {
  std::lock_guard lock(mutex_);
  switch (state_) {
    case State::closed:
      if (consecutive_failures_.fetch_add(1, std::memory_order_relaxed) + 1 >= max_failures_) open(now);
      return;
    case State::open:
      return;  // a late failure from before the breaker opened: the open period is not extended
    case State::half_open:
      open(now);
      return;
  }
}

void CircuitBreaker::open(clock::time_point now) {
  state_ = State::open;
  opened_at_ = now;
  trial_in_flight_ = false;
  closed_.store(false, std::memory_order_release);
}

CircuitBreaker::State CircuitBreaker::state(clock::time_point now) const {
  if (closed_.load(std::memory_order_acquire)) return State::closed;
  std::lock_guard lock(mutex_);
  if (state_ == State::open && now - opened_at_ >= open_duration_) return State::half_open;
  return state_;
}

}  // namespace gantry
