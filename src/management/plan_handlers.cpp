// /apis/{id}/plans: STAGING -> PUBLISHED -> DEPRECATED, and CLOSED from any of them (closing ends subscriptions).
#include "management/api_error.hpp"
#include "management/handlers.hpp"
#include "management/json_body.hpp"
#include "management/views.hpp"

#include "gateway/ids.hpp"

#include <boost/json.hpp>

namespace gantry::management {

namespace json = boost::json;

namespace {

// Fields kept as sent, shown back as they are; the gateway's plan enforcement reads them later.
const char* const kExtraFields[] = {"characteristics", "commentRequired", "commentMessage", "generalConditions",
                                    "tags", "flows", "excludedGroups", "selectionRule", "crossId"};

void read_editable(const json::object& body, storage::PlanRecord& plan) {
  if (auto v = string_field(body, "description")) plan.description = *v;
  if (auto v = enum_field(body, "validation", {"AUTO", "MANUAL"})) plan.validation = *v;
  if (auto v = int_field(body, "order")) plan.order = *v;
  auto extra = json::parse(plan.extra).as_object();
  for (const char* field : kExtraFields)
    if (const auto* v = body.if_contains(field)) extra[field] = *v;
  plan.extra = json::serialize(extra);
  if (const auto* security = object_field(body, "security"))
    if (const auto* configuration = security->if_contains("configuration")) {
      if (!configuration->is_object())
        throw bad_request("Invalid request body", "request.body.invalid",
                          {{"$.security.configuration", "expected an object"}});
      plan.security_configuration = json::serialize(*configuration);
    }
}

storage::PlanRecord new_plan(const std::string& api_id, const json::object& body) {
  storage::PlanRecord plan;
  plan.id = new_uuid();
  plan.api_id = api_id;
  plan.name = required_string(body, "name");
  plan.mode = enum_field(body, "mode", {"STANDARD", "PUSH"}).value_or("STANDARD");
  const auto* security = object_field(body, "security");
  if (security) {
    auto type = enum_field(*security, "type", {"KEY_LESS", "API_KEY", "OAUTH2", "JWT", "MTLS"});
    if (!type)
      throw bad_request("Invalid request body", "request.body.invalid", {{"$.security.type", "is required"}});
    plan.security_type = *type;
  } else if (plan.mode == "STANDARD") {
    throw bad_request("Invalid request body", "request.body.invalid",
                      {{"$.security", "is required for a STANDARD plan (type KEY_LESS, API_KEY, OAUTH2, JWT or MTLS)"}});
  }
  read_editable(body, plan);
  plan.created_at = plan.updated_at = storage::now_millis();
  return plan;
}

storage::PlanRecord require_plan(const Context& ctx, const storage::ApiRecord& api, const std::string& id) {
  auto plan = ctx.repository.find_plan(id);
  if (!plan || plan->api_id != api.id) throw not_found("Plan", id);
  return *plan;
}

ApiError closed(const storage::PlanRecord& plan, const char* action) {
  return bad_request("Plan [" + plan.id + "] is closed: it cannot be " + action, "plan.closed");
}

Response transition(const Context& ctx, storage::PlanRecord plan, const std::string& action) {
  const auto now = storage::now_millis();
  if (action == "_publish") {
    if (plan.status == "CLOSED") throw closed(plan, "published");
    if (plan.status != "STAGING")
      throw bad_request("Plan [" + plan.id + "] is already published", "plan.alreadyPublished");
    plan.status = "PUBLISHED";
    plan.published_at = now;
  } else if (action == "_deprecate") {
    if (plan.status == "CLOSED") throw closed(plan, "deprecated");
    if (plan.status != "PUBLISHED")
      throw bad_request("Plan [" + plan.id + "] is " + plan.status + ": only a published plan can be deprecated",
                        "plan.notPublished");
    plan.status = "DEPRECATED";
  } else if (action == "_close") {
    if (plan.status == "CLOSED") throw bad_request("Plan [" + plan.id + "] is already closed", "plan.alreadyClosed");
    plan.status = "CLOSED";
    plan.closed_at = now;
  } else {
    throw not_found("Resource", action);
  }
  plan.updated_at = now;
  ctx.repository.transaction([&] {
    ctx.repository.save_plan(plan);
    if (plan.status != "CLOSED") return;
    for (auto& sub : ctx.repository.list_subscriptions(plan.api_id))
      if (sub.plan_id == plan.id) close_subscription(ctx, sub, now);
  });
  return json_response(200, json::serialize(plan_view(plan)));
}

Response delete_plan(const Context& ctx, const storage::PlanRecord& plan) {
  for (const auto& sub : ctx.repository.list_subscriptions(plan.api_id))
    if (sub.plan_id == plan.id && (sub.status == "ACCEPTED" || sub.status == "PAUSED" || sub.status == "PENDING"))
      throw bad_request("Plan [" + plan.id + "] still has subscriptions: close the plan first", "plan.hasSubscriptions");
  ctx.repository.delete_plan(plan.id);
  return no_content();
}

bool wanted(const Request& req, const std::string& status) {
  auto it = req.query.find("statuses");
  if (it == req.query.end() || it->second.empty()) return true;
  return ("," + it->second + ",").find("," + status + ",") != std::string::npos;
}

}  // namespace

void import_plan(const Context& ctx, const std::string& api_id, const json::object& body) {
  auto plan = new_plan(api_id, body);
  if (auto id = string_field(body, "id")) plan.id = *id;
  if (auto status = enum_field(body, "status", {"STAGING", "PUBLISHED", "DEPRECATED", "CLOSED"})) plan.status = *status;
  if (ctx.repository.find_plan(plan.id)) plan.id = new_uuid();  // the id belongs to another API's plan
  ctx.repository.save_plan(plan);
}

Response handle_plans(const Context& ctx, const Request& req, const storage::ApiRecord& api) {
  const auto& s = req.segments;
  if (s.size() == 3) {
    if (req.method == "POST") {
      auto plan = new_plan(api.id, parse_object_body(req.body));
      ctx.repository.save_plan(plan);
      return json_response(201, json::serialize(plan_view(plan)));
    }
    if (req.method != "GET") method_not_allowed(req);
    json::array items;
    for (const auto& plan : ctx.repository.list_plans(api.id))
      if (wanted(req, plan.status)) items.push_back(plan_view(plan));
    return json_response(200, page_body(std::move(items), req.query));
  }
  auto plan = require_plan(ctx, api, s[3]);
  if (s.size() == 4) {
    if (req.method == "GET") return json_response(200, json::serialize(plan_view(plan)));
    if (req.method == "DELETE") return delete_plan(ctx, plan);
    if (req.method != "PUT") method_not_allowed(req);
    if (plan.status == "CLOSED") throw closed(plan, "updated");
    const auto body = parse_object_body(req.body);
    if (auto name = string_field(body, "name")) plan.name = required_string(body, "name");
    read_editable(body, plan);
    plan.updated_at = storage::now_millis();
    ctx.repository.save_plan(plan);
    return json_response(200, json::serialize(plan_view(plan)));
  }
  if (s.size() != 5 || req.method != "POST") throw not_found("Resource", s.back());
  return transition(ctx, plan, s[4]);
}

}  // namespace gantry::management
