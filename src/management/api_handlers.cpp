// /apis: create (also the seed's older v4 path), list, read, replace, delete, import and export.
#include "management/api_definitions.hpp"
#include "management/api_error.hpp"
#include "management/handlers.hpp"
#include "management/json_body.hpp"
#include "management/views.hpp"
#include "core/json/diagnostics.hpp"

#include <boost/json.hpp>

namespace gantry::management {

namespace json = boost::json;

namespace {

Response create_api(const Context& ctx, const std::string& text) {
  auto checked = check_definition(ctx, text, std::nullopt);
  if (ctx.repository.find_api(checked.id))
    throw bad_request("An API with id '" + checked.id + "' already exists", "api.alreadyExists",
                      {{"$.id", "is already the id of another API"}});
  storage::ApiRecord api;
  api.id = checked.id;
  api.name = checked.name;
  api.definition = checked.text;
  api.paths = checked.paths;
  api.created_at = api.updated_at = storage::now_millis();
  ctx.repository.insert_api(api);
  return json_response(201, json::serialize(api_view(api)));
}

Response replace_api(const Context& ctx, storage::ApiRecord api, const std::string& text) {
  auto checked = check_definition(ctx, text, api.id);
  api.name = checked.name;
  api.definition = checked.text;
  api.paths = checked.paths;
  api.need_redeploy = true;
  api.updated_at = storage::now_millis();
  ctx.repository.update_api(api);
  return json_response(200, json::serialize(api_view(api)));
}

Response delete_api(const Context& ctx, const storage::ApiRecord& api) {
  if (api.state == "STARTED")
    throw bad_request("API [" + api.id + "] is still running: stop it (POST .../_stop) before deleting it",
                      "api.running");
  ctx.repository.delete_api(api.id);
  return no_content();
}

// {"api": {...definition...}, "plans": [...]} as Gravitee exports it; a bare definition is accepted too.
Response import_definition(const Context& ctx, const std::string& text) {
  auto body = parse_object_body(text);
  const auto* api = body.if_contains("api");
  if (!api) return create_api(ctx, text);
  if (!api->is_object())
    throw bad_request("Invalid import", "import.invalid", {{"$.api", "expected an object (a v4 API definition)"}});
  auto created = create_api(ctx, json::serialize(*api));
  const auto id = std::string(json::parse(created.body).as_object().at("id").as_string());
  if (const auto* plans = body.if_contains("plans"); plans && plans->is_array()) {
    for (std::size_t i = 0; i < plans->as_array().size(); ++i) {
      const auto& plan = plans->as_array()[i];
      try {
        if (!plan.is_object())
          throw bad_request("Invalid import", "import.invalid", {{path_index("$.plans", i), "expected an object"}});
        import_plan(ctx, id, plan.as_object());
      } catch (const ApiError&) {
        ctx.repository.delete_api(id);  // all or nothing
        throw;
      }
    }
  }
  return created;
}

Response export_definition(const Context& ctx, const storage::ApiRecord& api) {
  json::array plans;
  for (const auto& plan : ctx.repository.list_plans(api.id)) plans.push_back(plan_view(plan));
  // The definition goes out as the text stored, so an export is exactly what was sent.
  return json_response(200, "{\"api\":" + api.definition + ",\"plans\":" + json::serialize(plans) + "}");
}

}  // namespace

void method_not_allowed(const Request& req) {
  throw ApiError(405, "Method " + req.method + " is not allowed here", "method.notAllowed");
}

storage::ApiRecord require_api(const Context& ctx, const std::string& id) {
  if (auto api = ctx.repository.find_api(id)) return *api;
  throw not_found("Api", id);
}

Response handle_apis(const Context& ctx, const Request& req) {
  const auto& s = req.segments;
  if (s.size() == 1) {
    if (req.method == "POST") return create_api(ctx, req.body);
    if (req.method != "GET") method_not_allowed(req);
    json::array items;
    for (const auto& api : ctx.repository.list_apis()) items.push_back(api_view(api));
    return json_response(200, page_body(std::move(items), req.query));
  }
  if (s[1] == "_import" && s.size() == 3 && s[2] == "definition") {
    if (req.method != "POST") method_not_allowed(req);
    return import_definition(ctx, req.body);
  }
  auto api = ctx.repository.find_api(s[1]);
  if (!api) {
    const bool acts = s.size() > 2 && req.method == "POST";
    if (acts && ctx.repository.api_was_deleted(s[1]))
      throw bad_request("API [" + s[1] + "] has been deleted: it cannot be deployed, started or changed",
                        "api.deleted");
    throw not_found("Api", s[1]);
  }
  if (s.size() == 2) {
    if (req.method == "GET") return json_response(200, json::serialize(api_view(*api)));
    if (req.method == "PUT") return replace_api(ctx, *api, req.body);
    if (req.method == "DELETE") return delete_api(ctx, *api);
    method_not_allowed(req);
  }
  if (s[2] == "_export" && s.size() == 4 && s[3] == "definition") {
    if (req.method != "GET") method_not_allowed(req);
    return export_definition(ctx, *api);
  }
  if (s[2] == "plans") return handle_plans(ctx, req, *api);
  if (s[2] == "subscriptions") return handle_subscriptions(ctx, req, *api);
  return handle_api_lifecycle(ctx, req, *api);
}

}  // namespace gantry::management
