#include "core/registry/qos_compatibility.hpp"

#include <algorithm>

namespace gantry {

namespace {

bool has(const std::vector<Qos>& levels, Qos level) {
  return std::find(levels.begin(), levels.end(), level) != levels.end();
}

bool honoured_in_a_shared_direction(const ConnectorCapabilities& entrypoint, const ConnectorCapabilities& endpoint,
                                    Qos level) {
  if (has(entrypoint.publish_qos, level) && has(endpoint.publish_qos, level)) return true;
  if (has(entrypoint.subscribe_qos, level) && has(endpoint.subscribe_qos, level)) return true;
  return level == Qos::auto_ && entrypoint.auto_follows_endpoint && has(entrypoint.subscribe_qos, Qos::auto_) &&
         !endpoint.subscribe_qos.empty();
}

}  // namespace

const std::vector<Qos>& all_qos_levels() {
  static const std::vector<Qos> levels = {Qos::none, Qos::auto_, Qos::at_most_once, Qos::at_least_once};
  return levels;
}

std::vector<Qos> compatible_qos(const ConnectorCapabilities& entrypoint, const ConnectorCapabilities& endpoint) {
  std::vector<Qos> allowed;
  for (Qos level : all_qos_levels()) {
    if (!honoured_in_a_shared_direction(entrypoint, endpoint, level)) continue;
    if (has(entrypoint.qos_needing_resume, level) && !endpoint.resumable) continue;
    allowed.push_back(level);
  }
  return allowed;
}

std::string qos_list(const std::vector<Qos>& levels) {
  if (levels.empty()) return "nothing";
  std::string out;
  for (Qos level : levels) {
    if (!out.empty()) out += ", ";
    out += to_string(level);
  }
  return out;
}

}  // namespace gantry
