// /applications: the consumers that subscribe to plans. Deleting one closes its subscriptions (keys revoked) and
// archives it, so its subscriptions' history keeps pointing at something.
#include "management/api_error.hpp"
#include "management/handlers.hpp"
#include "management/json_body.hpp"
#include "management/views.hpp"

#include "gateway/ids.hpp"

#include <boost/json.hpp>

namespace gantry::management {

namespace json = boost::json;

namespace {

const char* const kExtraFields[] = {"settings", "domain", "groups", "type", "picture", "background", "clientId"};

void read_fields(const json::object& body, storage::ApplicationRecord& app) {
  app.name = required_string(body, "name");
  app.description = string_field(body, "description").value_or("");
  if (auto mode = enum_field(body, "apiKeyMode", {"UNSPECIFIED", "SHARED", "EXCLUSIVE"})) app.api_key_mode = *mode;
  json::object extra;
  for (const char* field : kExtraFields)
    if (const auto* v = body.if_contains(field)) extra[field] = *v;
  app.extra = json::serialize(extra);
}

storage::ApplicationRecord require_application(const Context& ctx, const std::string& id) {
  auto app = ctx.repository.find_application(id);
  if (!app || app->status != "ACTIVE") throw not_found("Application", id);
  return *app;
}

}  // namespace

Response handle_applications(const Context& ctx, const Request& req) {
  const auto& s = req.segments;
  const auto now = storage::now_millis();
  if (s.size() == 1) {
    if (req.method == "POST") {
      storage::ApplicationRecord app;
      app.id = new_uuid();
      read_fields(parse_object_body(req.body), app);
      app.created_at = app.updated_at = now;
      ctx.repository.save_application(app);
      return json_response(201, json::serialize(application_view(app)));
    }
    if (req.method != "GET") method_not_allowed(req);
    json::array items;
    for (const auto& app : ctx.repository.list_applications())
      if (app.status == "ACTIVE") items.push_back(application_view(app));
    return json_response(200, page_body(std::move(items), req.query));
  }
  if (s.size() != 2) throw not_found("Resource", s.back());
  auto app = require_application(ctx, s[1]);
  if (req.method == "GET") return json_response(200, json::serialize(application_view(app)));
  if (req.method == "PUT") {
    read_fields(parse_object_body(req.body), app);
    app.updated_at = now;
    ctx.repository.save_application(app);
    return json_response(200, json::serialize(application_view(app)));
  }
  if (req.method != "DELETE") method_not_allowed(req);
  ctx.repository.transaction([&] {
    for (auto& sub : ctx.repository.list_application_subscriptions(app.id)) close_subscription(ctx, sub, now);
    app.status = "ARCHIVED";
    app.updated_at = now;
    ctx.repository.save_application(app);
  });
  return no_content();
}

}  // namespace gantry::management
