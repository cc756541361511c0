#include "management/views.hpp"

#include "management/json_body.hpp"
#include "management/v2_spellings.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>

namespace gantry::management {

namespace json = boost::json;

namespace {

void put_time(json::object& o, const char* field, storage::Millis millis) {
  if (millis != 0) o[field] = iso_time(millis);
}

// Stored JSON text (always written by us, so valid) as an object; anything else reads as {}.
json::object object_of(const std::string& text) {
  boost::system::error_code ec;
  auto value = json::parse(text, ec);
  if (ec || !value.is_object()) return {};
  return std::move(value.as_object());
}

json::object ref(const std::string& id) { return {{"id", id}}; }

}  // namespace

// Gravitee's v2 responses spell the type in upper case ("PROXY", "MESSAGE"; v4 beta's "async" is MESSAGE).
std::string api_type(const json::object& o) {
  const auto* type = o.if_contains("type");
  if (!type || !type->is_string()) return "PROXY";
  std::string out(type->as_string());
  for (auto& ch : out) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (out == "ASYNC") return "MESSAGE";
  if (out == "SYNC") return "PROXY";
  return out;
}

json::object api_view(const storage::ApiRecord& api) {
  // The definition as sent, with the values Gravitee's v2 API shows for the fields it normalises; the export
  // (_export/definition) keeps the text exactly as sent.
  json::object o = object_of(api.definition);
  to_v2_spellings(o);
  o["id"] = api.id;
  o["definitionVersion"] = "V4";
  o["type"] = api_type(o);
  if (!o.contains("visibility")) o["visibility"] = "PRIVATE";
  o["definitionContext"] = json::object{{"origin", "MANAGEMENT"}, {"mode", "FULLY_MANAGED"}, {"syncFrom", "MANAGEMENT"}};
  o["state"] = api.state;
  o["lifecycleState"] = api.lifecycle_state;
  o["deploymentState"] = api.need_redeploy ? "NEED_REDEPLOY" : "DEPLOYED";
  put_time(o, "createdAt", api.created_at);
  put_time(o, "updatedAt", api.updated_at);
  put_time(o, "deployedAt", api.deployed_at);
  return o;
}

json::object deployment_view(const storage::DeploymentRecord& d, bool current) {
  json::object o{{"id", d.id}, {"apiId", d.api_id}, {"number", d.number}, {"current", current}};
  if (!d.label.empty()) o["deploymentLabel"] = d.label;
  put_time(o, "createdAt", d.created_at);
  return o;
}

json::object plan_view(const storage::PlanRecord& p) {
  json::object o = object_of(p.extra);
  if (auto* flows = o.if_contains("flows"); flows && flows->is_array()) flows_to_v2_spellings(flows->get_array());
  o["id"] = p.id;
  o["apiId"] = p.api_id;
  o["definitionVersion"] = "V4";
  o["name"] = p.name;
  o["description"] = p.description;
  if (!p.security_type.empty())
    o["security"] = json::object{{"type", p.security_type}, {"configuration", object_of(p.security_configuration)}};
  o["validation"] = p.validation;
  o["mode"] = p.mode;
  o["status"] = p.status;
  o["type"] = "API";
  o["order"] = p.order;
  put_time(o, "createdAt", p.created_at);
  put_time(o, "updatedAt", p.updated_at);
  put_time(o, "publishedAt", p.published_at);
  put_time(o, "closedAt", p.closed_at);
  return o;
}

json::object application_view(const storage::ApplicationRecord& a) {
  json::object o = object_of(a.extra);
  o["id"] = a.id;
  o["name"] = a.name;
  o["description"] = a.description;
  o["status"] = a.status;
  o["apiKeyMode"] = a.api_key_mode;
  put_time(o, "createdAt", a.created_at);
  put_time(o, "updatedAt", a.updated_at);
  return o;
}

json::object subscription_view(const storage::SubscriptionRecord& s) {
  json::object o{{"id", s.id},
                 {"api", ref(s.api_id)},
                 {"plan", ref(s.plan_id)},
                 {"application", ref(s.application_id)},
                 {"status", s.status},
                 {"consumerStatus", "STARTED"},
                 {"metadata", object_of(s.metadata)},
                 {"origin", "MANAGEMENT"}};
  if (!s.consumer_message.empty()) o["consumerMessage"] = s.consumer_message;
  if (!s.publisher_message.empty()) o["publisherMessage"] = s.publisher_message;
  if (s.consumer_configuration != "{}") o["consumerConfiguration"] = object_of(s.consumer_configuration);
  put_time(o, "createdAt", s.created_at);
  put_time(o, "updatedAt", s.updated_at);
  put_time(o, "processedAt", s.processed_at);
  put_time(o, "startingAt", s.starting_at);
  put_time(o, "endingAt", s.ending_at);
  put_time(o, "pausedAt", s.paused_at);
  put_time(o, "closedAt", s.closed_at);
  return o;
}

json::object api_key_view(const storage::ApiKeyRecord& k, storage::Millis now) {
  json::object o{{"id", k.id},
                 {"key", k.key},
                 {"application", ref(k.application_id)},
                 {"subscriptions", json::array{ref(k.subscription_id)}},
                 {"revoked", k.revoked},
                 {"paused", k.paused},
                 {"expired", k.expired(now)}};
  put_time(o, "expireAt", k.expire_at);
  put_time(o, "createdAt", k.created_at);
  put_time(o, "updatedAt", k.updated_at);
  put_time(o, "revokedAt", k.revoked_at);
  return o;
}

std::string page_body(json::array items, const std::map<std::string, std::string>& query) {
  auto number = [&](const char* name, std::int64_t fallback) {
    auto it = query.find(name);
    if (it == query.end()) return fallback;
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), value);
    return ec == std::errc{} && end == it->second.data() + it->second.size() && value > 0 ? value : fallback;
  };
  const auto total = static_cast<std::int64_t>(items.size());
  const auto per_page = number("perPage", std::max<std::int64_t>(total, 1));
  const auto page = number("page", 1);
  const auto first = std::min(total, (page - 1) * per_page);
  const auto last = std::min(total, first + per_page);
  json::array data(items.begin() + first, items.begin() + last);
  json::object pagination{{"page", page},
                          {"perPage", per_page},
                          {"pageCount", (total + per_page - 1) / per_page},
                          {"pageItemsCount", last - first},
                          {"totalCount", total}};
  return json::serialize(json::object{{"data", std::move(data)}, {"pagination", std::move(pagination)}});
}

}  // namespace gantry::management
