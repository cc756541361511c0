// In-process counters: a few mutex-guarded shards so io threads rarely contend; expired windows are swept when a
// shard grows, so memory stays proportional to the keys active in the current windows.
#include "core/config/config.hpp"
#include "gateway/ratelimit/counter_store.hpp"

#include <array>
#include <functional>
#include <mutex>
#include <unordered_map>

namespace gantry {
namespace {

class MemoryCounterStore final : public CounterStore {
 public:
  bool synchronous() const override { return true; }

  std::optional<CounterValue> increment_now(std::string_view key, std::int64_t now_ms, std::int64_t window_ms) override {
    Shard& shard = shards_[std::hash<std::string_view>{}(key) % shards_.size()];
    std::lock_guard lock(shard.mutex);
    auto it = shard.counters.find(key);  // heterogeneous lookup: no key copy on the hot path
    if (it == shard.counters.end()) {
      sweep(shard, now_ms);
      it = shard.counters.emplace(std::string(key), CounterValue{0, now_ms + window_ms}).first;
    } else if (now_ms >= it->second.reset_ms) {
      it->second = {0, now_ms + window_ms};
    }
    ++it->second.count;
    return it->second;
  }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, CounterValue, Hash, std::equal_to<>> counters;
    std::size_t sweep_at = 1024;
  };

  static void sweep(Shard& shard, std::int64_t now_ms) {
    if (shard.counters.size() < shard.sweep_at) return;
    std::erase_if(shard.counters, [&](const auto& entry) { return now_ms >= entry.second.reset_ms; });
    shard.sweep_at = std::max<std::size_t>(1024, shard.counters.size() * 2);
  }

  std::array<Shard, 16> shards_;
};

}  // namespace

boost::asio::awaitable<std::optional<CounterValue>> CounterStore::increment(std::string key, std::int64_t now_ms,
                                                                            std::int64_t window_ms, std::size_t) {
  co_return increment_now(key, now_ms, window_ms);
}

std::unique_ptr<CounterStore> make_memory_counter_store() { return std::make_unique<MemoryCounterStore>(); }

std::unique_ptr<CounterStore> make_counter_store(const RateLimitConfig& config, std::size_t workers, std::string& error) {
  if (config.type == "redis") return make_redis_counter_store(config.uri, workers, error);
  return make_memory_counter_store();
}

}  // namespace gantry
