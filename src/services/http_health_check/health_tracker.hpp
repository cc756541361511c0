// An endpoint's health as the checks see it: it turns unhealthy after N consecutive failed checks and healthy
// again after M consecutive successful ones (Gravitee's failureThreshold / successThreshold).
#pragma once

#include <atomic>
#include <mutex>

namespace gantry {

class HealthTracker {
 public:
  // Thresholds below 1 count as 1. An endpoint starts healthy: traffic flows until checks say otherwise.
  HealthTracker(int success_threshold, int failure_threshold);

  // Records one check's outcome; true when it flipped the healthy state.
  bool record(bool success);
  // Read on the request path by any thread.
  bool healthy() const { return healthy_.load(std::memory_order_acquire); }

 private:
  const int success_threshold_;
  const int failure_threshold_;
  std::atomic<bool> healthy_{true};
  std::mutex mutex_;  // record() may run from overlapping checks
  int streak_ = 0;    // consecutive outcomes that disagree with the current state
};

}  // namespace gantry
