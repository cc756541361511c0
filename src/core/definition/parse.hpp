// Reading and validating a v4 API definition: every problem is reported with its JSON path, none stops the rest.
#pragma once

#include "core/definition/model.hpp"
#include "core/json/diagnostics.hpp"

#include <boost/json/value.hpp>

#include <memory>
#include <string_view>

namespace gantry {

class Registry;

// Problems (errors and warnings) are appended to `diag`. Returns nullptr when this definition has any error.
std::shared_ptr<const ApiDefinition> load_definition(std::string_view json_text, const Registry& registry,
                                                     Diagnostics& diag);
std::shared_ptr<const ApiDefinition> load_definition(const boost::json::value& definition, const Registry& registry,
                                                     Diagnostics& diag);
// A string literal converts to both string_view and json::value; it is JSON text.
inline std::shared_ptr<const ApiDefinition> load_definition(const char* json_text, const Registry& registry,
                                                            Diagnostics& diag) {
  return load_definition(std::string_view(json_text), registry, diag);
}

}  // namespace gantry
