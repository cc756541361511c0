// Which QoS levels an entrypoint x endpoint pair can honour, derived from the two connectors' capabilities.
// There is no compatibility table in the product: the seed's matrix is what these rules produce (unit-tested).
#pragma once

#include "core/registry/registry.hpp"

#include <string>
#include <vector>

namespace gantry {

// The levels the pair honours, in the order none, auto, at-most-once, at-least-once. A level is allowed when
//  * the entrypoint and the endpoint both honour it in a direction they share (publish or subscribe), or the
//    entrypoint lets `auto` follow whatever the endpoint honours when subscribing (pull entrypoints), and
//  * it does not need a resumable endpoint, or the endpoint can resume from a position.
std::vector<Qos> compatible_qos(const ConnectorCapabilities& entrypoint, const ConnectorCapabilities& endpoint);

// "at-least-once, at-most-once" (or "nothing" when the list is empty).
std::string qos_list(const std::vector<Qos>& levels);

// Every QoS level, in the order above.
const std::vector<Qos>& all_qos_levels();

}  // namespace gantry
