// The management API's resources. Each function serves the requests below its path and throws ApiError.
#pragma once

#include "management/context.hpp"
#include "management/http_types.hpp"

#include <boost/json/object.hpp>

namespace gantry::management {

Response handle_apis(const Context& ctx, const Request& req);                                   // /apis...
Response handle_api_lifecycle(const Context& ctx, const Request& req, storage::ApiRecord api);  // /apis/{id}/<action>
Response handle_plans(const Context& ctx, const Request& req, const storage::ApiRecord& api);   // /apis/{id}/plans...
Response handle_subscriptions(const Context& ctx, const Request& req, const storage::ApiRecord& api);
Response handle_applications(const Context& ctx, const Request& req);                           // /applications...

// Creates a plan as exported (keeping its id and status) under `api_id`.
void import_plan(const Context& ctx, const std::string& api_id, const boost::json::object& plan);

// Shared by the handlers.
[[noreturn]] void method_not_allowed(const Request& req);
storage::ApiRecord require_api(const Context& ctx, const std::string& id);
// Closes a subscription and revokes its keys (plan closed, application deleted, _close).
void close_subscription(const Context& ctx, storage::SubscriptionRecord& sub, storage::Millis now);

}  // namespace gantry::management
