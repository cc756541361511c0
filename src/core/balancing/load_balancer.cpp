#include "core/balancing/load_balancer.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <numeric>
#include <random>

namespace gantry {

LoadBalancer::~LoadBalancer() = default;

std::optional<std::size_t> LoadBalancer::after(std::size_t, const std::function<bool(std::size_t)>& available) {
  return next(available);
}

namespace {

using Counter = std::atomic<std::uint64_t>;

// A cycle is precomputed, so its length is bounded: weights whose sum (after dividing by their gcd) exceeds this
// are scaled down proportionally, keeping every member at least once per cycle.
constexpr std::int64_t kMaxCycle = 1024;

std::vector<int> normalised(std::vector<int> weights) {
  for (int& w : weights) w = std::max(w, 1);
  return weights;
}

// A snapshot of which members are up; no allocation for groups of up to 64 members (the usual case).
class Availability {
 public:
  Availability(std::size_t size, const std::function<bool(std::size_t)>& available) {
    if (size > 64) large_.resize(size);
    for (std::size_t i = 0; i < size; ++i) {
      bool up = available(i);
      count_ += up;
      if (size > 64) large_[i] = up;
      else if (up) small_ |= std::uint64_t(1) << i;
    }
  }
  std::size_t count() const { return count_; }
  bool operator[](std::size_t i) const { return large_.empty() ? (small_ >> i) & 1 : large_[i] != 0; }

 private:
  std::uint64_t small_ = 0;
  std::vector<char> large_;
  std::size_t count_ = 0;
};

// The `nth` (0-based) entry of `order` whose member is up. With members down, the rotation continues over the
// others in the same order, so they share the load exactly as the full rotation would have shared it.
std::size_t nth_available(const std::vector<std::size_t>& order, const Availability& up, std::uint64_t nth) {
  for (std::size_t member : order)
    if (up[member] && nth-- == 0) return member;
  return order.front();  // unreachable: callers pass nth below the number of available entries
}

// Round robin and weighted round robin: one rotation `order`, advanced by one shared atomic counter. Plain round
// robin's order is 0..n-1; the weighted one's is the smooth interleaving of smooth_weighted_sequence().
class Rotation final : public LoadBalancer {
 public:
  Rotation(std::vector<std::size_t> order, std::vector<std::uint64_t> weights)
      : order_(std::move(order)), weights_(std::move(weights)), first_position_(weights_.size(), 0) {
    for (std::size_t i = order_.size(); i-- > 0;) first_position_[order_[i]] = i;
  }

  std::optional<std::size_t> next(const std::function<bool(std::size_t)>& available) override {
    if (order_.empty()) return std::nullopt;
    auto turn = counter_.fetch_add(1, std::memory_order_relaxed);
    Availability up(weights_.size(), available);
    if (up.count() == weights_.size()) return order_[turn % order_.size()];
    if (up.count() == 0) return std::nullopt;
    std::uint64_t entries = 0;  // how many entries of the rotation belong to available members
    for (std::size_t i = 0; i < weights_.size(); ++i)
      if (up[i]) entries += weights_[i];
    return nth_available(order_, up, turn % entries);
  }

  std::optional<std::size_t> after(std::size_t previous, const std::function<bool(std::size_t)>& available) override {
    if (previous >= first_position_.size()) return next(available);
    // Counting from the member's own position (not from the shared turn, which other requests move on and which
    // indexes only the members not yet tried) keeps the retries in the rotation's order.
    const std::size_t start = first_position_[previous];
    for (std::size_t step = 1; step <= order_.size(); ++step) {
      const std::size_t member = order_[(start + step) % order_.size()];
      if (member != previous && available(member)) return member;
    }
    if (available(previous)) return previous;
    return std::nullopt;
  }

 private:
  std::vector<std::size_t> order_;
  std::vector<std::uint64_t> weights_;  // occurrences of each member in order_
  std::vector<std::size_t> first_position_;  // where each member first appears in order_
  Counter counter_{0};  // wraps after 2^64 turns; only its value modulo the rotation matters
};

std::unique_ptr<LoadBalancer> make_rotation(std::vector<std::size_t> order, std::size_t members) {
  std::vector<std::uint64_t> occurrences(members, 0);
  for (std::size_t member : order) ++occurrences[member];
  return std::make_unique<Rotation>(std::move(order), std::move(occurrences));
}

std::mt19937_64& thread_rng() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng;
}

std::uint64_t uniform_below(std::uint64_t bound) {
  return std::uniform_int_distribution<std::uint64_t>(0, bound - 1)(thread_rng());
}

// Random and weighted random share one trick: draw over all members first (the common case, when everything is
// up, costs one draw and one availability check); if the drawn member is down, redraw over the available ones
// only. Each available member then ends up chosen with probability weight / available weight, exactly.
class WeightedRandom final : public LoadBalancer {
 public:
  explicit WeightedRandom(const std::vector<int>& weights) : weights_(weights) {
    std::uint64_t sum = 0;
    for (int w : weights_) cumulative_.push_back(sum += std::uint64_t(w));
  }

  std::optional<std::size_t> next(const std::function<bool(std::size_t)>& available) override {
    if (cumulative_.empty()) return std::nullopt;
    auto r = uniform_below(cumulative_.back());
    auto drawn = std::size_t(std::upper_bound(cumulative_.begin(), cumulative_.end(), r) - cumulative_.begin());
    if (available(drawn)) return drawn;
    return among_available(available);
  }

 private:
  // Two passes instead of a buffer: the hot path stays allocation-free even when members are down. Should
  // availability change between the passes, the last available member seen is used.
  std::optional<std::size_t> among_available(const std::function<bool(std::size_t)>& available) const {
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < weights_.size(); ++i)
      if (available(i)) total += std::uint64_t(weights_[i]);
    if (total == 0) return std::nullopt;
    auto r = uniform_below(total);
    std::optional<std::size_t> last;
    for (std::size_t i = 0; i < weights_.size(); ++i) {
      if (!available(i)) continue;
      if (r < std::uint64_t(weights_[i])) return i;
      r -= std::uint64_t(weights_[i]);
      last = i;
    }
    return last;
  }

  std::vector<int> weights_;
  std::vector<std::uint64_t> cumulative_;
};

}  // namespace

std::vector<std::size_t> smooth_weighted_sequence(const std::vector<int>& input) {
  auto weights = normalised(input);
  if (weights.empty()) return {};
  int divisor = 0;
  for (int w : weights) divisor = std::gcd(divisor, w);
  std::int64_t total = 0;
  for (int& w : weights) total += w /= divisor;
  if (total > kMaxCycle) {
    std::int64_t scaled = 0;
    for (int& w : weights) scaled += w = int(std::max<std::int64_t>(1, std::int64_t(w) * kMaxCycle / total));
    total = scaled;
  }

  std::vector<std::int64_t> current(weights.size(), 0);
  std::vector<std::size_t> sequence;
  sequence.reserve(std::size_t(total));
  for (std::int64_t turn = 0; turn < total; ++turn) {
    std::size_t best = 0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      current[i] += weights[i];
      if (current[i] > current[best]) best = i;
    }
    current[best] -= total;
    sequence.push_back(best);
  }
  return sequence;
}

std::unique_ptr<LoadBalancer> LoadBalancer::create(LoadBalancerType type, std::vector<int> weights) {
  switch (type) {
    case LoadBalancerType::round_robin: {
      std::vector<std::size_t> order(weights.size());
      std::iota(order.begin(), order.end(), std::size_t(0));
      return make_rotation(std::move(order), weights.size());
    }
    case LoadBalancerType::weighted_round_robin:
      return make_rotation(smooth_weighted_sequence(weights), weights.size());
    case LoadBalancerType::random:
      return std::make_unique<WeightedRandom>(std::vector<int>(weights.size(), 1));
    case LoadBalancerType::weighted_random:
      return std::make_unique<WeightedRandom>(normalised(std::move(weights)));
  }
  return nullptr;
}

}  // namespace gantry
