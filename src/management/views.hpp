// Records as the management API shows them: Gravitee v2 field names and enums, times in ISO-8601.
#pragma once

#include "storage/records.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <map>
#include <string>

namespace gantry::management {

boost::json::object api_view(const storage::ApiRecord& api);
boost::json::object deployment_view(const storage::DeploymentRecord& deployment, bool current);
boost::json::object plan_view(const storage::PlanRecord& plan);
boost::json::object application_view(const storage::ApplicationRecord& app);
boost::json::object subscription_view(const storage::SubscriptionRecord& sub);
boost::json::object api_key_view(const storage::ApiKeyRecord& key, storage::Millis now);

// {"data": [...], "pagination": {...}}: the page the query's `page` (from 1) and `perPage` ask for; all items
// on one page when they are absent or not numbers.
std::string page_body(boost::json::array items, const std::map<std::string, std::string>& query);

}  // namespace gantry::management
