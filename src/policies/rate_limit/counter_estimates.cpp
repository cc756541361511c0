#include "policies/rate_limit/counter_estimates.hpp"

#include <algorithm>

namespace gantry {

CounterValue CounterEstimates::hit(std::string_view key, std::int64_t now_ms, std::int64_t window_ms) {
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    sweep(now_ms);
    it = entries_.emplace(std::string(key), Entry{0, 0, now_ms + window_ms}).first;
  } else if (now_ms >= it->second.reset_ms) {
    it->second = {0, it->second.pending, now_ms + window_ms};
  }
  Entry& e = it->second;
  ++e.pending;
  return {e.known + e.pending, e.reset_ms};
}

void CounterEstimates::answered(std::string_view key, const std::optional<CounterValue>& value) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return;  // swept meanwhile
  Entry& e = it->second;
  e.pending = std::max<std::int64_t>(0, e.pending - 1);
  if (!value) {
    ++e.known;  // the hit still counts here, though the store never saw it
    return;
  }
  // The store's window is the truth: it started at the first hit of any gateway. Its count includes this hit and
  // every hit before it, ours and other gateways'; an older answer arriving late never lowers the estimate.
  if (value->reset_ms != e.reset_ms) {
    e.reset_ms = value->reset_ms;
    e.known = value->count;
  } else {
    e.known = std::max(e.known, value->count);
  }
}

void CounterEstimates::sweep(std::int64_t now_ms) {
  if (entries_.size() < sweep_at_) return;
  std::erase_if(entries_, [&](const auto& entry) { return now_ms >= entry.second.reset_ms && !entry.second.pending; });
  sweep_at_ = std::max<std::size_t>(1024, entries_.size() * 2);
}

CounterEstimates& this_thread_estimates() {
  thread_local CounterEstimates estimates;
  return estimates;
}

}  // namespace gantry
