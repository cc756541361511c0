// A subscription's consumerConfiguration: checked against the API's webhook entrypoint when it has one.
#pragma once

#include <boost/json/object.hpp>

#include <string>

namespace gantry::management {

// The consumerConfiguration of a create-subscription body, serialised for storage ("{}" when absent). When the
// API's definition has a webhook entrypoint it is required and its entrypointConfiguration must be valid;
// otherwise throws ApiError 400 with every problem at its JSON path.
std::string consumer_configuration(const boost::json::object& body, const std::string& api_definition);

}  // namespace gantry::management
