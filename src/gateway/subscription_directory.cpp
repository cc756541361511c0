#include "gateway/subscription_directory.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace gantry {
namespace {

std::string index_key(std::string_view api_id, std::string_view key) {
  std::string out;
  out.reserve(api_id.size() + 1 + key.size());
  out += api_id;
  out += '\n';
  out += key;
  return out;
}

// Metadata is stored as a JSON object of strings; other scalars are kept as their JSON text.
el::Map metadata_of(const storage::SubscriptionRecord& sub) {
  el::Map out;
  boost::system::error_code ec;
  auto value = boost::json::parse(sub.metadata, ec);
  if (ec || !value.is_object()) {
    if (!sub.metadata.empty() && sub.metadata != "{}")
      spdlog::warn("subscription {}: metadata is not a JSON object; policies see none", sub.id);
    return out;
  }
  for (const auto& [name, v] : value.get_object())
    out.insert_or_assign(std::string(name), v.is_string() ? el::Value(std::string(v.get_string()))
                                                          : el::Value(boost::json::serialize(v)));
  return out;
}

}  // namespace

std::shared_ptr<const SubscriptionInfo> subscription_info(const storage::SubscriptionRecord& record) {
  return std::make_shared<const SubscriptionInfo>(
      SubscriptionInfo{record.id, record.plan_id, record.application_id, metadata_of(record)});
}

std::shared_ptr<const SubscriptionInfo> SubscriptionSnapshot::find(std::string_view api_id, std::string_view key,
                                                                   std::int64_t now_ms) const {
  if (key.empty() || by_key_.empty()) return nullptr;
  auto it = by_key_.find(index_key(api_id, key));
  if (it == by_key_.end()) return nullptr;
  const Entry& e = it->second;
  if (now_ms < e.not_before_ms || (e.not_after_ms != 0 && now_ms >= e.not_after_ms)) return nullptr;
  return e.info;
}

void SubscriptionSnapshot::add(std::string_view api_id, std::string_view key,
                               std::shared_ptr<const SubscriptionInfo> info, std::int64_t not_before_ms,
                               std::int64_t not_after_ms) {
  by_key_.insert_or_assign(index_key(api_id, key), Entry{std::move(info), not_before_ms, not_after_ms});
}

std::shared_ptr<const SubscriptionSnapshot> SubscriptionSnapshot::load(storage::Repository& repository,
                                                                       const std::vector<std::string>& api_ids) {
  auto snapshot = std::make_shared<SubscriptionSnapshot>();
  for (const auto& api_id : api_ids) {
    for (const auto& sub : repository.list_subscriptions(api_id)) {
      if (sub.status != "ACCEPTED") continue;  // paused, closed, pending: their keys do not identify anyone
      std::shared_ptr<const SubscriptionInfo> info;
      for (const auto& key : repository.list_api_keys(sub.id)) {
        if (key.revoked || key.paused) continue;
        if (!info)
          info = std::make_shared<const SubscriptionInfo>(
              SubscriptionInfo{sub.id, sub.plan_id, sub.application_id, metadata_of(sub)});
        std::int64_t end = sub.ending_at;
        if (key.expire_at != 0) end = end == 0 ? key.expire_at : std::min(end, key.expire_at);
        snapshot->add(api_id, key.key, info, sub.starting_at, end);
      }
    }
  }
  return snapshot;
}

}  // namespace gantry
