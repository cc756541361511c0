// What every management handler works with: the repository, the plugin registry (to validate definitions) and
// the gateway (to check paths against APIs deployed from apis.dir, and to wait until a change is live).
#pragma once

#include "storage/repository.hpp"

#include <functional>

namespace gantry {
class Registry;
class Deployer;
}  // namespace gantry

namespace gantry::management {

struct Context {
  storage::Repository& repository;
  const Registry& registry;
  const Deployer& deployer;
  // Returns once the gateway serves what the repository now says (or after a bounded wait).
  std::function<void()> make_live;
};

}  // namespace gantry::management
