#include "core/definition/model.hpp"

namespace gantry {

// The spellings Gravitee writes in v4 definitions, so that messages and exports read like the input.

std::string_view to_string(ApiType type) {
  switch (type) {
    case ApiType::proxy: return "proxy";
    case ApiType::message: return "message";
    case ApiType::native: return "native";
  }
  return "?";
}

std::string_view to_string(Qos qos) {
  switch (qos) {
    case Qos::none: return "none";
    case Qos::auto_: return "auto";
    case Qos::at_most_once: return "at-most-once";
    case Qos::at_least_once: return "at-least-once";
  }
  return "?";
}

std::string_view to_string(LoadBalancerType type) {
  switch (type) {
    case LoadBalancerType::round_robin: return "round-robin";
    case LoadBalancerType::random: return "random";
    case LoadBalancerType::weighted_round_robin: return "weighted-round-robin";
    case LoadBalancerType::weighted_random: return "weighted-random";
  }
  return "?";
}

std::string_view to_string(ListenerType type) {
  switch (type) {
    case ListenerType::http: return "http";
    case ListenerType::subscription: return "subscription";
    case ListenerType::tcp: return "tcp";
    case ListenerType::kafka: return "kafka";
  }
  return "?";
}

std::string_view to_string(PathOperator op) {
  switch (op) {
    case PathOperator::starts_with: return "STARTS_WITH";
    case PathOperator::equals: return "EQUALS";
  }
  return "?";
}

std::string_view to_string(FlowMode mode) {
  switch (mode) {
    case FlowMode::default_: return "default";
    case FlowMode::best_match: return "best-match";
  }
  return "?";
}

}  // namespace gantry
