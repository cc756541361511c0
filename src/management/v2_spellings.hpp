// A v4 definition as Gravitee's v2 management API shows it: enumerated values in its spelling, selector fields
// under their v2 names. Definitions written for the gateway say "http", "best-match", "channel-operator"; the v2
// API says "HTTP", "BEST_MATCH", "channelOperator". Both are accepted on input; responses use the v2 one.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace gantry::management {

// The API's listeners, entrypoint QoS, load balancers, flow execution mode, flows and the "gravitee" version key
// (shown as definitionVersion instead). Anything it does not recognise stays as it is.
void to_v2_spellings(boost::json::object& api);

// Flow selectors (an API's or a plan's "flows"): type, pathOperator, channelOperator, operations.
void flows_to_v2_spellings(boost::json::array& flows);

}  // namespace gantry::management
