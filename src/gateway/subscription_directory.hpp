// What the gateway knows of subscriptions: which accepted subscription an API key belongs to, with its metadata
// (#subscription.metadata). Read from the repository on the control thread at every sync and swapped in whole;
// request threads only look keys up in the current immutable snapshot (no storage call on a worker thread).
#pragma once

#include "core/el/value.hpp"
#include "storage/repository.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gantry {

// The subscription a client came through, as policies see it.
struct SubscriptionInfo {
  std::string id, plan, application;
  el::Map metadata;  // the subscription's metadata (string values)
};

class SubscriptionSnapshot {
 public:
  // The subscription of `key` on `api_id` if it may be used at `now_ms` (accepted, in its period, key neither
  // revoked, paused nor expired); null otherwise.
  std::shared_ptr<const SubscriptionInfo> find(std::string_view api_id, std::string_view key,
                                               std::int64_t now_ms) const;

  // Usable keys of accepted subscriptions of every API the repository serves. Blocking: control thread only.
  static std::shared_ptr<const SubscriptionSnapshot> load(storage::Repository& repository,
                                                          const std::vector<std::string>& api_ids);

  void add(std::string_view api_id, std::string_view key, std::shared_ptr<const SubscriptionInfo> info,
           std::int64_t not_before_ms, std::int64_t not_after_ms);

 private:
  struct Entry {
    std::shared_ptr<const SubscriptionInfo> info;
    std::int64_t not_before_ms = 0;
    std::int64_t not_after_ms = 0;  // 0 = no end
  };
  std::unordered_map<std::string, Entry> by_key_;  // "<api id>\n<key>"
};

// What policies see of a subscription record (#subscription): its ids and metadata.
std::shared_ptr<const SubscriptionInfo> subscription_info(const storage::SubscriptionRecord& record);

// The current snapshot, shared by every API of the gateway.
class SubscriptionDirectory {
 public:
  SubscriptionDirectory() : current_(std::make_shared<const SubscriptionSnapshot>()) {}
  std::shared_ptr<const SubscriptionSnapshot> current() const { return current_.load(std::memory_order_acquire); }
  void publish(std::shared_ptr<const SubscriptionSnapshot> s) { current_.store(std::move(s), std::memory_order_release); }

 private:
  std::atomic<std::shared_ptr<const SubscriptionSnapshot>> current_;
};

}  // namespace gantry
