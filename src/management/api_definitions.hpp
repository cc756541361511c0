// Checks a v4 definition sent to the management API before it is stored: every problem of the definition with
// its JSON path, and context paths already claimed by another API (stored, or deployed from apis.dir).
#pragma once

#include "management/context.hpp"

#include <optional>
#include <string>
#include <vector>

namespace gantry::management {

struct CheckedDefinition {
  std::string id;
  std::string name;
  std::string text;                // what to store: the text as sent, with "id" added when it had none
  std::vector<std::string> paths;  // "host path" claimed by its HTTP listeners
};

// `text` is the definition as sent. `id`: the id it must carry (replace), or nullopt to take the body's id or
// generate one (create, import). Throws ApiError 400 with every problem in details.
CheckedDefinition check_definition(const Context& ctx, const std::string& text, const std::optional<std::string>& id);

}  // namespace gantry::management
