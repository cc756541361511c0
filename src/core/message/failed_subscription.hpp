// A subscription that cannot work (its endpoint's configuration is unusable): it tells its sink the failure, with
// Gravitee's key, as soon as the subscriber's executor runs it, and never delivers anything.
#pragma once

#include "core/message/endpoint_connector.hpp"

#include <memory>
#include <string>

namespace gantry {

std::unique_ptr<Subscription> failed_subscription(const SubscribeRequest& request, MessageSink& sink, std::string key,
                                                  std::string error);

}  // namespace gantry
