// The `async: true` mode of rate-limit, quota and spike-arrest on a shared store (Redis): a request is decided on
// this io thread's estimate of the shared counter and never waits for the store; its hit is counted in the store
// in the background, and each answer corrects the estimate. Gateways sharing a limit then agree within the hits
// still in flight, as with Gravitee's asynchronous rate limiting.
#pragma once

#include "gateway/ratelimit/counter_store.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace gantry {

class CounterEstimates {
 public:
  struct Hit {
    CounterValue estimate;
    std::uint64_t sequence;  // hand it back with the store's answer to this hit
  };
  // Counts a hit on this thread's estimate of `key`: what the store had answered last, plus the hits sent after
  // the latest one it answered. A window that ended starts again at zero.
  Hit hit(std::string_view key, std::int64_t now_ms, std::int64_t window_ms);
  // The store's answer to hit `sequence` (nullopt: the store could not be reached; the hit stays counted here).
  // Answers may come back out of order (each hit goes on whichever store connection is free): the store's count
  // for a hit includes the hits sent before it, so those stop counting as unanswered too.
  void answered(std::string_view key, std::uint64_t sequence, const std::optional<CounterValue>& value);

  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::int64_t known = 0;           // the store's count, as last answered in this window
    std::uint64_t sent = 0;           // the sequence of the latest hit sent to the store
    std::uint64_t answered_upto = 0;  // the latest hit the store answered; hits up to it are in `known`
    std::int64_t reset_ms = 0;
    std::int64_t window_ms = 0;
    bool synced = false;  // the store answered in this window, and its end of the window replaced ours
  };
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  void sweep(std::int64_t now_ms);

  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries_;
  std::size_t sweep_at_ = 1024;
};

// This io thread's estimates (each io thread decides on its own; no lock on the request path).
CounterEstimates& this_thread_estimates();

}  // namespace gantry
