#include "policies/rate_limit/counter_estimates.hpp"

#include <algorithm>

namespace gantry {

CounterEstimates::Hit CounterEstimates::hit(std::string_view key, std::int64_t now_ms, std::int64_t window_ms) {
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    sweep(now_ms);
    it = entries_.emplace(std::string(key), Entry{}).first;
    it->second.reset_ms = now_ms + window_ms;
  } else if (now_ms >= it->second.reset_ms) {
    it->second.known = 0;
    it->second.reset_ms = now_ms + window_ms;
    it->second.synced = false;
  }
  Entry& e = it->second;
  e.window_ms = window_ms;
  ++e.sent;
  return {{e.known + static_cast<std::int64_t>(e.sent - e.answered_upto), e.reset_ms}, e.sent};
}

void CounterEstimates::answered(std::string_view key, std::uint64_t sequence, const std::optional<CounterValue>& value) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return;  // swept meanwhile
  Entry& e = it->second;
  e.answered_upto = std::max(e.answered_upto, sequence);
  if (!value) {
    ++e.known;  // the hit still counts here, though the store never saw it
    return;
  }
  // The store's window is the truth: it started at the first hit of any gateway, and its count includes this hit
  // and every hit before it, ours and other gateways'. Each answer computes the window's end afresh (give or take
  // a millisecond), so only an end well past ours means the store started a new window; otherwise an older answer
  // arriving late never lowers the estimate.
  if (!e.synced || value->reset_ms > e.reset_ms + e.window_ms / 2) {
    e.reset_ms = value->reset_ms;
    e.known = value->count;
    e.synced = true;
  } else {
    e.known = std::max(e.known, value->count);
  }
}

void CounterEstimates::sweep(std::int64_t now_ms) {
  if (entries_.size() < sweep_at_) return;
  std::erase_if(entries_, [&](const auto& entry) { return now_ms >= entry.second.reset_ms && entry.second.sent == entry.second.answered_upto; });
  sweep_at_ = std::max<std::size_t>(1024, entries_.size() * 2);
}

CounterEstimates& this_thread_estimates() {
  thread_local CounterEstimates estimates;
  return estimates;
}

}  // namespace gantry
