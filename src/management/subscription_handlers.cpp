// /apis/{id}/subscriptions and their API keys. AUTO plans accept at once; MANUAL ones wait for _accept/_reject.
// PENDING -> ACCEPTED | REJECTED;  ACCEPTED <-> PAUSED;  PENDING | ACCEPTED | PAUSED -> CLOSED.
#include "management/api_error.hpp"
#include "management/api_keys.hpp"
#include "management/consumer_configuration.hpp"
#include "management/handlers.hpp"
#include "management/json_body.hpp"
#include "management/views.hpp"

#include "gateway/ids.hpp"

#include <boost/json.hpp>

namespace gantry::management {

namespace json = boost::json;

namespace {

bool open_status(const std::string& status) {
  return status == "PENDING" || status == "ACCEPTED" || status == "PAUSED";
}

// Applies `change` to every key of the subscription and stores them.
template <class Change>
void update_keys(const Context& ctx, const std::string& subscription_id, storage::Millis now, Change change) {
  for (auto& key : ctx.repository.list_api_keys(subscription_id)) {
    change(key);
    key.updated_at = now;
    ctx.repository.save_api_key(key);
  }
}

void revoke(storage::ApiKeyRecord& key, storage::Millis now) {
  if (key.revoked) return;
  key.revoked = true;
  key.revoked_at = now;
}

Response create(const Context& ctx, const storage::ApiRecord& api, const Request& req) {
  const auto body = parse_object_body(req.body);
  const auto plan_id = required_string(body, "planId");
  const auto app_id = required_string(body, "applicationId");
  auto plan = ctx.repository.find_plan(plan_id);
  if (!plan || plan->api_id != api.id) throw not_found("Plan", plan_id);
  if (plan->status != "PUBLISHED")
    throw bad_request("Plan [" + plan_id + "] is " + plan->status + ": only a published plan can be subscribed to",
                      "plan.notPublished");
  if (plan->security_type == "KEY_LESS")
    throw bad_request("Plan [" + plan_id + "] is a keyless plan: it needs no subscription", "plan.keyless");
  auto app = ctx.repository.find_application(app_id);
  if (!app || app->status != "ACTIVE") throw not_found("Application", app_id);
  for (const auto& other : ctx.repository.list_application_subscriptions(app_id))
    if (other.plan_id == plan_id && open_status(other.status))
      throw bad_request("Application [" + app_id + "] already has a subscription to plan [" + plan_id + "]",
                        "subscription.alreadyExists");
  auto custom = string_field(body, "customApiKey");
  if (custom && plan->security_type != "API_KEY")
    throw bad_request("Invalid request body", "request.body.invalid",
                      {{"$.customApiKey", "only a subscription to an API_KEY plan has an API key"}});

  const auto now = storage::now_millis();
  storage::SubscriptionRecord sub;
  sub.id = new_uuid();
  sub.api_id = api.id;
  sub.plan_id = plan_id;
  sub.application_id = app_id;
  sub.consumer_message = string_field(body, "consumerMessage").value_or("");
  if (const auto* metadata = object_field(body, "metadata")) sub.metadata = json::serialize(*metadata);
  sub.consumer_configuration = consumer_configuration(body, api.definition);
  sub.created_at = sub.updated_at = now;
  if (plan->validation == "AUTO") {
    sub.status = "ACCEPTED";
    sub.processed_at = sub.starting_at = now;
  }
  ctx.repository.transaction([&] {
    ctx.repository.save_subscription(sub);
    if (plan->security_type == "API_KEY") issue_api_key(ctx, sub, custom, "$.customApiKey");
  });
  return json_response(201, json::serialize(subscription_view(sub)));
}

Response transition(const Context& ctx, storage::SubscriptionRecord sub, const Request& req, const std::string& action) {
  const auto now = storage::now_millis();
  auto refuse = [&](const std::string& wanted) {
    return bad_request("Subscription [" + sub.id + "] is " + sub.status + ": " + action.substr(1) + " needs " + wanted,
                       "subscription.invalidStatus");
  };
  if (action == "_accept" || action == "_reject") {
    if (sub.status != "PENDING") throw refuse("a PENDING subscription");
    const auto body = parse_object_body(req.body, true);
    sub.publisher_message = string_field(body, "reason").value_or("");
    sub.processed_at = now;
    if (action == "_reject") {
      sub.status = "REJECTED";
      update_keys(ctx, sub.id, now, [&](storage::ApiKeyRecord& k) { revoke(k, now); });
    } else {
      sub.status = "ACCEPTED";
      sub.starting_at = time_field(body, "startingAt").value_or(now);
      sub.ending_at = time_field(body, "endingAt").value_or(0);
      if (sub.ending_at != 0 && sub.ending_at <= sub.starting_at)
        throw bad_request("Invalid request body", "request.body.invalid", {{"$.endingAt", "must be after startingAt"}});
      update_keys(ctx, sub.id, now, [&](storage::ApiKeyRecord& k) {
        k.paused = false;
        k.expire_at = sub.ending_at;
      });
    }
  } else if (action == "_pause") {
    if (sub.status != "ACCEPTED") throw refuse("an ACCEPTED subscription");
    sub.status = "PAUSED";
    sub.paused_at = now;
    update_keys(ctx, sub.id, now, [](storage::ApiKeyRecord& k) { k.paused = true; });
  } else if (action == "_resume") {
    if (sub.status != "PAUSED") throw refuse("a PAUSED subscription");
    sub.status = "ACCEPTED";
    sub.paused_at = 0;
    update_keys(ctx, sub.id, now, [](storage::ApiKeyRecord& k) { k.paused = false; });
  } else if (action == "_close") {
    if (!open_status(sub.status)) throw refuse("a PENDING, ACCEPTED or PAUSED subscription");
    close_subscription(ctx, sub, now);
    return json_response(200, json::serialize(subscription_view(sub)));
  } else {
    throw not_found("Resource", action);
  }
  sub.updated_at = now;
  ctx.repository.save_subscription(sub);
  return json_response(200, json::serialize(subscription_view(sub)));
}

Response api_keys(const Context& ctx, const storage::SubscriptionRecord& sub, const Request& req) {
  const auto& s = req.segments;  // apis {id} subscriptions {sid} api-keys ...
  const auto now = storage::now_millis();
  if (s.size() == 5) {
    if (req.method != "GET") method_not_allowed(req);
    json::array items;
    for (const auto& key : ctx.repository.list_api_keys(sub.id)) items.push_back(api_key_view(key, now));
    return json_response(200, page_body(std::move(items), req.query));
  }
  if (s.size() == 6 && s[5] == "_renew") {
    if (req.method != "POST") method_not_allowed(req);
    if (sub.status != "ACCEPTED" && sub.status != "PAUSED")
      throw bad_request("Subscription [" + sub.id + "] is " + sub.status + ": its API key cannot be renewed",
                        "subscription.invalidStatus");
    if (ctx.repository.list_api_keys(sub.id).empty())
      throw bad_request("Subscription [" + sub.id + "] has no API key: its plan is not an API_KEY plan",
                        "subscription.noApiKey");
    const auto body = parse_object_body(req.body, true);
    storage::ApiKeyRecord fresh;
    ctx.repository.transaction([&] {
      // The previous keys stay valid for a grace period so that clients can switch over.
      const auto grace_end = now + kRenewalGraceMillis;
      update_keys(ctx, sub.id, now, [&](storage::ApiKeyRecord& k) {
        if (!k.revoked && (k.expire_at == 0 || k.expire_at > grace_end)) k.expire_at = grace_end;
      });
      fresh = issue_api_key(ctx, sub, string_field(body, "customApiKey"), "$.customApiKey");
    });
    return json_response(200, json::serialize(api_key_view(fresh, now)));  // as Gravitee: 200, not 201
  }
  auto key = ctx.repository.find_api_key_by_id(s[5]);
  if (!key || key->subscription_id != sub.id) throw not_found("Api key", s[5]);
  if (s.size() == 6) {
    if (req.method == "GET") return json_response(200, json::serialize(api_key_view(*key, now)));
    if (req.method != "PUT") method_not_allowed(req);
    if (key->revoked) throw bad_request("API key [" + key->id + "] is revoked", "apiKey.revoked");
    key->expire_at = time_field(parse_object_body(req.body, true), "expireAt").value_or(0);
  } else if (s.size() == 7 && s[6] == "_revoke") {
    if (req.method != "POST") method_not_allowed(req);
    if (key->revoked) throw bad_request("API key [" + key->id + "] is already revoked", "apiKey.alreadyRevoked");
    revoke(*key, now);
  } else {
    throw not_found("Resource", s.back());
  }
  key->updated_at = now;
  ctx.repository.save_api_key(*key);
  return json_response(200, json::serialize(api_key_view(*key, now)));
}

bool wanted(const Request& req, const char* filter, const std::string& value) {
  auto it = req.query.find(filter);
  if (it == req.query.end() || it->second.empty()) return true;
  return ("," + it->second + ",").find("," + value + ",") != std::string::npos;
}

}  // namespace

void close_subscription(const Context& ctx, storage::SubscriptionRecord& sub, storage::Millis now) {
  if (!open_status(sub.status)) return;
  sub.status = "CLOSED";
  sub.closed_at = sub.updated_at = now;
  ctx.repository.save_subscription(sub);
  update_keys(ctx, sub.id, now, [&](storage::ApiKeyRecord& k) { revoke(k, now); });
}

namespace {

Response handle(const Context& ctx, const Request& req, const storage::ApiRecord& api) {
  const auto& s = req.segments;
  if (s.size() == 3) {
    if (req.method == "POST") return create(ctx, api, req);
    if (req.method != "GET") method_not_allowed(req);
    json::array items;
    for (const auto& sub : ctx.repository.list_subscriptions(api.id))
      if (wanted(req, "statuses", sub.status) && wanted(req, "applicationIds", sub.application_id) &&
          wanted(req, "planIds", sub.plan_id))
        items.push_back(subscription_view(sub));
    return json_response(200, page_body(std::move(items), req.query));
  }
  auto sub = ctx.repository.find_subscription(s[3]);
  if (!sub || sub->api_id != api.id) throw not_found("Subscription", s[3]);
  if (s.size() == 4) {
    if (req.method != "GET") method_not_allowed(req);
    return json_response(200, json::serialize(subscription_view(*sub)));
  }
  if (s[4] == "api-keys") return api_keys(ctx, *sub, req);
  if (s.size() != 5 || req.method != "POST") throw not_found("Resource", s.back());
  std::optional<Response> response;
  ctx.repository.transaction([&] { response = transition(ctx, *sub, req, s[4]); });
  return *response;
}

}  // namespace

Response handle_subscriptions(const Context& ctx, const Request& req, const storage::ApiRecord& api) {
  auto response = handle(ctx, req, api);
  // Keys and subscription metadata are read by the gateway (#subscription): a change is live when we answer.
  if (req.method != "GET") ctx.make_live();
  return response;
}

}  // namespace gantry::management
