#include "policies/retry/retry.hpp"

#include "core/el/diagnose.hpp"
#include "core/json/object_reader.hpp"
#include "policies/common/policy_factory.hpp"

#include <boost/json.hpp>

namespace gantry {
namespace {

// Gravitee reads 0 as "not set" for both.
constexpr int default_max_retries = 1;
constexpr std::int64_t default_timeout_ms = 1000;
constexpr std::int64_t max_retries_limit = 100;

PluginConfigPtr parse(const boost::json::value& configuration, const std::string& path, Diagnostics& diag) {
  ObjectReader r(configuration, path, diag);
  if (!r.valid()) return nullptr;
  auto policy = std::make_shared<Retry>();
  BackendRetry& s = policy->settings;
  const auto errors = diag.error_count();
  if (auto condition = r.string("condition", true))
    s.condition = el::compile_condition(*condition, r.path_of("condition"), diag);
  std::int64_t retries = default_max_retries, delay = 0, timeout = default_timeout_ms;
  r.read("maxRetries", retries, 0);
  r.read("delay", delay, 0);
  r.read("timeout", timeout, 0);
  r.read("lastResponse", s.last_response);
  if (retries > max_retries_limit)
    diag.error(r.path_of("maxRetries"), "must be at most " + std::to_string(max_retries_limit) + " (got " +
                                            std::to_string(retries) + ")");
  s.max_retries = retries == 0 ? default_max_retries : static_cast<int>(retries);
  s.delay = std::chrono::milliseconds(delay);
  s.timeout = std::chrono::milliseconds(timeout == 0 ? default_timeout_ms : timeout);
  if (diag.error_count() != errors) return nullptr;
  return policy;
}

}  // namespace

std::unique_ptr<PolicyFactory> make_retry_factory() { return make_policy_factory("retry", phase_request, parse); }

}  // namespace gantry
