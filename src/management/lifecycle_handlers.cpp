// /apis/{id}/deployments, _start, _stop, _rollback: what the gateways serve, and when.
#include "management/api_definitions.hpp"
#include "management/api_error.hpp"
#include "management/handlers.hpp"
#include "management/json_body.hpp"
#include "management/views.hpp"

#include "gateway/ids.hpp"

#include <boost/json.hpp>

namespace gantry::management {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxLabel = 32;  // as in Gravitee

storage::DeploymentRecord deploy(const Context& ctx, storage::ApiRecord& api, std::string label) {
  storage::DeploymentRecord d;
  d.id = new_uuid();
  d.api_id = api.id;
  d.label = std::move(label);
  d.definition = api.definition;
  d.created_at = storage::now_millis();
  ctx.repository.transaction([&] {
    d = ctx.repository.add_deployment(d);
    api.need_redeploy = false;
    api.deployed_at = d.created_at;
    api.updated_at = d.created_at;
    ctx.repository.update_api(api);
  });
  ctx.make_live();
  return d;
}

Response create_deployment(const Context& ctx, storage::ApiRecord api, const Request& req) {
  const auto body = parse_object_body(req.body, true);
  auto label = string_field(body, "deploymentLabel").value_or("");
  if (label.size() > kMaxLabel)
    throw bad_request("Invalid request body", "request.body.invalid",
                      {{"$.deploymentLabel", "must be at most 32 characters"}});
  auto d = deploy(ctx, api, std::move(label));
  return json_response(202, json::serialize(deployment_view(d, true)));
}

void redeploy(const Context& ctx, storage::ApiRecord api, const std::string& deployment_id);

Response deployments(const Context& ctx, const storage::ApiRecord& api, const Request& req) {
  const auto& s = req.segments;
  if (s.size() == 3) {
    if (req.method == "POST") return create_deployment(ctx, api, req);
    if (req.method != "GET") method_not_allowed(req);
    json::array items;
    bool first = true;
    for (const auto& d : ctx.repository.list_deployments(api.id)) items.push_back(deployment_view(d, std::exchange(first, false)));
    return json_response(200, page_body(std::move(items), req.query));
  }
  if (s.size() == 5 && s[4] == "_redeploy") {  // POST .../deployments/{id}/_redeploy: the same as _rollback
    if (req.method != "POST") method_not_allowed(req);
    redeploy(ctx, api, s[3]);
    return no_content();
  }
  if (s.size() != 4) throw not_found("Resource", s.back());
  if (req.method != "GET") method_not_allowed(req);
  const auto all = ctx.repository.list_deployments(api.id);
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (s[3] != all[i].id && !(s[3] == "current" && i == 0)) continue;
    auto view = deployment_view(all[i], i == 0);
    view["definition"] = json::parse(all[i].definition);
    return json_response(200, json::serialize(view));
  }
  throw not_found("Deployment", s[3]);
}

Response start(const Context& ctx, storage::ApiRecord api) {
  if (api.state == "STARTED") throw bad_request("API [" + api.id + "] is already started", "api.alreadyStarted");
  // An API never deployed starts with its current definition: there is nothing else to serve.
  if (api.deployed_at == 0) deploy(ctx, api, "Deployed when first started");
  api.state = "STARTED";
  api.updated_at = storage::now_millis();
  ctx.repository.update_api(api);
  ctx.make_live();
  return no_content();
}

Response stop(const Context& ctx, storage::ApiRecord api) {
  if (api.state != "STARTED") throw bad_request("API [" + api.id + "] is already stopped", "api.alreadyStopped");
  api.state = "STOPPED";
  api.updated_at = storage::now_millis();
  ctx.repository.update_api(api);
  ctx.make_live();
  return no_content();
}

// Gravitee's rollback: the API takes an earlier deployment's definition back, and that is deployed again.
void redeploy(const Context& ctx, storage::ApiRecord api, const std::string& deployment_id) {
  auto earlier = ctx.repository.find_deployment(api.id, deployment_id);
  if (!earlier) throw not_found("Deployment", deployment_id);
  auto checked = check_definition(ctx, earlier->definition, api.id);  // paths may have been taken since
  api.definition = checked.text;
  api.name = checked.name;
  api.paths = checked.paths;
  deploy(ctx, api, "Rollback to #" + std::to_string(earlier->number));
}

Response rollback(const Context& ctx, storage::ApiRecord api, const Request& req) {
  const auto body = parse_object_body(req.body);
  auto target = string_field(body, "eventId");
  if (!target) target = string_field(body, "deploymentId");
  if (!target)
    throw bad_request("Invalid request body", "request.body.invalid",
                      {{"$.eventId", "is required: the id of the deployment to roll back to"}});
  redeploy(ctx, std::move(api), *target);
  return no_content();
}

}  // namespace

Response handle_api_lifecycle(const Context& ctx, const Request& req, storage::ApiRecord api) {
  const auto& s = req.segments;
  const auto& action = s[2];
  if (action == "deployments") return deployments(ctx, api, req);
  if (s.size() != 3) throw not_found("Resource", s.back());
  if (req.method != "POST") method_not_allowed(req);
  if (action == "_start") return start(ctx, std::move(api));
  if (action == "_stop") return stop(ctx, std::move(api));
  if (action == "_rollback") return rollback(ctx, std::move(api), req);
  throw not_found("Resource", action);
}

}  // namespace gantry::management
