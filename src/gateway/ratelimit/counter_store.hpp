// Fixed-window counters for rate-limit, quota and spike-arrest: in this process (default) or in Redis, so that
// several gateways share one limit (`ratelimit.type: redis`).
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace gantry {

struct RateLimitConfig;

struct CounterValue {
  std::int64_t count = 0;     // after this increment
  std::int64_t reset_ms = 0;  // epoch milliseconds at which the window ends
};

class CounterStore {
 public:
  virtual ~CounterStore() = default;
  // True when increment_now always answers (no I/O): policies then stay synchronous.
  virtual bool synchronous() const = 0;
  // Counts one hit on `key` in a window of `window_ms` starting at the first hit.
  virtual std::optional<CounterValue> increment_now(std::string_view key, std::int64_t now_ms, std::int64_t window_ms) {
    return std::nullopt;
  }
  // The same through I/O; nullopt when the store could not be reached (the policy's errorStrategy decides).
  virtual boost::asio::awaitable<std::optional<CounterValue>> increment(std::string key, std::int64_t now_ms,
                                                                        std::int64_t window_ms, std::size_t worker);
};

std::unique_ptr<CounterStore> make_memory_counter_store();
// `uri` is redis://host:port[/db]; one small connection pool per io thread. Null (and `error`) on a bad URI.
std::unique_ptr<CounterStore> make_redis_counter_store(const std::string& uri, std::size_t workers, std::string& error);
// What the process configuration asks for.
std::unique_ptr<CounterStore> make_counter_store(const RateLimitConfig& config, std::size_t workers, std::string& error);

}  // namespace gantry
