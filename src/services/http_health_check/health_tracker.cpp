#include "services/http_health_check/health_tracker.hpp"

#include <algorithm>

namespace gantry {

HealthTracker::HealthTracker(int success_threshold, int failure_threshold)
    : success_threshold_(std::max(success_threshold, 1)), failure_threshold_(std::max(failure_threshold, 1)) {}

bool HealthTracker::record(bool success) {
  std::lock_guard lock(mutex_);
  bool healthy = healthy_.load(std::memory_order_relaxed);
  if (success == healthy) {  // agrees with the current state: any streak towards a change is broken
    streak_ = 0;
    return false;
  }
  if (++streak_ < (healthy ? failure_threshold_ : success_threshold_)) return false;
  streak_ = 0;
  healthy_.store(!healthy, std::memory_order_release);
  return true;
}

}  // namespace gantry
