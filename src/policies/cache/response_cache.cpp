#include "policies/cache/response_cache.hpp"

namespace gantry {

void ResponseCache::Named::erase(std::list<Entry>::iterator it) {
  bytes -= it->bytes;
  index.erase(it->key);
  lru.erase(it);
}

std::optional<CachedResponse> ResponseCache::get(const std::string& cache, const std::string& key,
                                                 Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto named = caches_.find(cache);
  if (named == caches_.end()) return std::nullopt;
  auto& n = named->second;
  auto it = n.index.find(key);
  if (it == n.index.end()) return std::nullopt;
  if (it->second->expires <= now) {
    n.erase(it->second);
    return std::nullopt;
  }
  n.lru.splice(n.lru.begin(), n.lru, it->second);
  return it->second->response;
}

void ResponseCache::put(const std::string& cache, const Limits& limits, const std::string& key,
                        CachedResponse response, std::chrono::seconds ttl, Clock::time_point now) {
  if (ttl.count() <= 0) return;  // e.g. Cache-Control: max-age=0
  if (limits.ttl.count() > 0 && limits.ttl < ttl) ttl = limits.ttl;
  std::size_t bytes = key.size() + response.body.size();
  for (const auto& [name, value] : response.headers) bytes += name.size() + value.size();
  if (bytes > limits.max_bytes || limits.max_entries == 0) return;
  std::lock_guard lock(mutex_);
  auto& n = caches_.try_emplace(cache).first->second;
  n.limits = limits;
  if (auto it = n.index.find(key); it != n.index.end()) n.erase(it->second);
  while (!n.lru.empty() && (n.lru.size() >= n.limits.max_entries || n.bytes + bytes > n.limits.max_bytes))
    n.erase(std::prev(n.lru.end()));
  n.lru.push_front(Entry{key, std::move(response), now + ttl, bytes});
  n.index.emplace(key, n.lru.begin());
  n.bytes += bytes;
}

void ResponseCache::drop(const std::string& prefix) {
  std::lock_guard lock(mutex_);
  for (auto it = caches_.lower_bound(prefix); it != caches_.end() && it->first.starts_with(prefix);)
    it = caches_.erase(it);
}

}  // namespace gantry
