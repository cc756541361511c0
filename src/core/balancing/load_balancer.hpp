// Picks which endpoint of a group serves the next request (Gravitee's four strategies), lock-free and safe to
// call concurrently from every io thread.
#pragma once

#include "core/definition/model.hpp"

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace gantry {

class LoadBalancer {
 public:
  // `weights[i]` is member i's weight; only the weighted strategies read them, and a weight below 1 counts as 1
  // (Gravitee's default weight). The member count is weights.size().
  static std::unique_ptr<LoadBalancer> create(LoadBalancerType type, std::vector<int> weights);
  virtual ~LoadBalancer();

  // The index of the member to use among those for which `available(i)` is true; nullopt when none is.
  // `available` must be cheap: it is called for every member. With members down, a rotation carries on over the
  // others in the same relative order, and the random strategies redraw among them, so the proportions between
  // the remaining members stay those of their weights.
  virtual std::optional<std::size_t> next(const std::function<bool(std::size_t)>& available) = 0;

  // The member a failover retry goes to once `previous` failed, among those for which `available(i)` holds. A
  // rotation takes the first member after `previous` in its order (round robin: 1 failed -> 2 -> 3, as Gravitee),
  // coming back to `previous` only when no other is available; it does not advance the shared rotation. The
  // random strategies draw again, as next() does.
  virtual std::optional<std::size_t> after(std::size_t previous, const std::function<bool(std::size_t)>& available);
};

// The smooth weighted round-robin order (nginx's algorithm) over one full cycle: weights {3, 1} -> 0 0 1 0,
// {5, 1, 1} -> 0 0 1 0 2 0 0. Its length is the sum of the weights divided by their greatest common divisor; past
// 1024 the weights are scaled down proportionally (each member keeps at least one turn per cycle).
std::vector<std::size_t> smooth_weighted_sequence(const std::vector<int>& weights);

}  // namespace gantry
