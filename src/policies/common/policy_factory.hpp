// The registry entry of a built-in policy: its name, the phases it runs in, and the parser of its configuration
// (which returns the immutable runtime, a gantry::Policy, or reports problems and returns null).
#pragma once

#include "core/registry/registry.hpp"

#include <memory>
#include <string_view>

namespace gantry {

using PolicyParser = PluginConfigPtr (*)(const boost::json::value& configuration, const std::string& path,
                                         Diagnostics& diag);

std::unique_ptr<PolicyFactory> make_policy_factory(std::string_view type, unsigned phases, PolicyParser parse);

}  // namespace gantry
