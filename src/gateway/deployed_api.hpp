// What the gateway serves: immutable snapshots of deployed APIs and their routes, swapped atomically on deploy.
#pragma once

#include "core/definition/model.hpp"
#include "gateway/router.hpp"

#include <memory>
#include <string>
#include <vector>

namespace gantry {

namespace http_proxy {
class ProxyApi;
}
class MessageApi;

struct DeployedApi {
  std::shared_ptr<const ApiDefinition> definition;
  std::shared_ptr<http_proxy::ProxyApi> proxy;  // runtime of a proxy API
  std::shared_ptr<MessageApi> message;          // runtime of a message API (gateway/message/)
  std::string source;                           // where the definition came from (a file path)
};

struct GatewaySnapshot {
  RouteTable routes;
  std::vector<std::shared_ptr<const DeployedApi>> apis;  // in deployment order
};

}  // namespace gantry
