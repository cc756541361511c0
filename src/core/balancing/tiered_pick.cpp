#include "core/balancing/tiered_pick.hpp"

#include <algorithm>

namespace gantry {

namespace {

struct Tier {
  LoadBalancer* lb;
  std::size_t first;  // member number of the tier's first member
  std::size_t size;
  bool holds(std::size_t member) const { return member >= first && member < first + size; }
};

}  // namespace

std::optional<std::size_t> TieredGroup::pick() const {
  const Tier tiers[] = {{primary_lb, 0, primaries}, {secondary_lb, primaries, secondaries}};
  for (const Tier& tier : tiers) {
    if (tier.size == 0 || !tier.lb) continue;
    if (auto index = tier.lb->next([&](std::size_t i) { return up(tier.first + i); })) return tier.first + *index;
  }
  return std::nullopt;
}

std::optional<std::size_t> TieredGroup::pick_retry(std::span<const std::size_t> tried, bool force_next) const {
  if (tried.empty()) return pick();
  const std::size_t previous = tried.back();
  const Tier tiers[] = {{primary_lb, 0, primaries}, {secondary_lb, primaries, secondaries}};
  if (force_next) {
    for (const Tier& tier : tiers) {
      if (!tier.holds(previous)) continue;
      const std::size_t at = previous - tier.first;
      for (std::size_t step = 1; step <= tier.size; ++step) {
        const std::size_t member = tier.first + (at + step) % tier.size;
        if (up(member)) return member;
      }
    }
    return pick();  // its tier has nothing available any more
  }
  auto untried = [&](std::size_t member) { return std::find(tried.begin(), tried.end(), member) == tried.end(); };
  // First pass skips members this call already tried; the second takes any available one.
  for (bool skip_tried : {true, false}) {
    for (const Tier& tier : tiers) {
      if (tier.size == 0 || !tier.lb) continue;
      auto usable = [&](std::size_t i) { return up(tier.first + i) && (!skip_tried || untried(tier.first + i)); };
      auto index = tier.holds(previous) ? tier.lb->after(previous - tier.first, usable) : tier.lb->next(usable);
      if (index) return tier.first + *index;
    }
  }
  return std::nullopt;
}

}  // namespace gantry
