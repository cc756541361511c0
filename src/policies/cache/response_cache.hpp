// The gateway's in-process response cache: named caches (one per API and cache resource) of complete responses,
// each bounded in entries and bytes, least recently used out first, entries expiring after their time to live.
// Shared by every io thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace gantry {

struct CachedResponse {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

class ResponseCache {
 public:
  using Clock = std::chrono::steady_clock;
  struct Limits {
    std::size_t max_entries = 1000;          // Gravitee's cache resource maxEntriesLocalHeap default
    std::size_t max_bytes = 64 * 1024 * 1024;
    std::chrono::seconds ttl{0};             // the resource's timeToLiveSeconds; 0 = only the policy's applies
  };

  // The entry, unless absent or expired.
  std::optional<CachedResponse> get(const std::string& cache, const std::string& key, Clock::time_point now);
  // Stores (or replaces) an entry in the named cache, created with `limits` on first use.
  void put(const std::string& cache, const Limits& limits, const std::string& key, CachedResponse response,
           std::chrono::seconds ttl, Clock::time_point now);
  // Drops every named cache whose name starts with `prefix` (an API's, when it is redeployed or retired).
  void drop(const std::string& prefix);

 private:
  struct Entry {
    std::string key;
    CachedResponse response;
    Clock::time_point expires;
    std::size_t bytes = 0;
  };
  struct Named {
    Limits limits;
    std::list<Entry> lru;  // most recent first
    std::unordered_map<std::string, std::list<Entry>::iterator> index;
    std::size_t bytes = 0;
    void erase(std::list<Entry>::iterator it);
  };
  std::mutex mutex_;
  std::map<std::string, Named, std::less<>> caches_;
};

}  // namespace gantry
