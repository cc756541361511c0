// The management API's OpenAPI 3 document (docs/management-openapi.yaml), compiled into the binary.
#pragma once

#include <string_view>

namespace gantry::management {

std::string_view openapi_document();

}  // namespace gantry::management
