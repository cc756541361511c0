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
  // Counts a hit on this thread's estimate of `key`: what the store had answered last, plus the hits it has not
  // answered yet. A window that ended starts again at zero.
  CounterValue hit(std::string_view key, std::int64_t now_ms, std::int64_t window_ms);
  // The store's answer to one of those hits (nullopt: the store could not be reached; the estimate stays local).
  void answered(std::string_view key, const std::optional<CounterValue>& value);

  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::int64_t known = 0;    // the store's count, as last answered in this window
    std::int64_t pending = 0;  // hits sent to the store and not answered yet
    std::int64_t reset_ms = 0;
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
