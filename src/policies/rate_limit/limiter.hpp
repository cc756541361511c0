// What rate-limit, quota and spike-arrest share: Gravitee's configuration ({async, addHeaders, errorStrategy,
// <rate|quota|spike>: {limit, dynamicLimit, periodTime, periodTimeUnit, key, useKeyOnly}}), a fixed window counted
// in the gateway's CounterStore, the X-*-Limit/-Remaining/-Reset headers and the 429 answer.
#pragma once

#include "core/el/expression.hpp"
#include "core/json/diagnostics.hpp"
#include "core/registry/registry.hpp"
#include "gateway/flows/policy.hpp"
#include "gateway/ratelimit/counter_store.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace gantry {

struct LimiterKind {
  std::string_view policy;        // "rate-limit"
  std::string_view section;       // "rate"
  std::string_view key_type;      // "rl": part of the counter key, so the three never share a counter
  std::string_view limit_header;     // "X-Rate-Limit-Limit"
  std::string_view remaining_header; // "X-Rate-Limit-Remaining" (spike-arrest: "X-Spike-Arrest-Slice-Period")
  std::string_view reset_header;     // "X-Rate-Limit-Reset"
  std::string_view error_key;     // "RATE_LIMIT_TOO_MANY_REQUESTS"
  std::string_view blocked_key;   // "RATE_LIMIT_BLOCK_ON_INTERNAL_ERROR"
  std::string_view exceeded;      // "Rate limit exceeded"
  std::string_view default_unit;  // "SECONDS"
  bool spike = false;             // spread the limit evenly over the period (one slice at a time)
};

extern const LimiterKind rate_limit_kind, quota_kind, spike_arrest_kind;

class Limiter final : public Policy {
 public:
  const LimiterKind* kind = nullptr;
  bool add_headers = true;
  bool async = false;  // on a shared store: decide on this thread's estimate, count in the background
  bool block_on_error = false;
  bool use_key_only = false;
  std::int64_t limit = 0;           // 0: dynamicLimit gives it per request
  el::TemplatePtr dynamic_limit;
  el::TemplatePtr key;              // null: no user key
  std::int64_t period_ms = 1000;
  std::int64_t period_time = 1;
  std::string period_unit = "seconds";

  Verdict on_request(PolicyContext& ctx) const override;
  boost::asio::awaitable<Verdict> on_request_async(PolicyContext& ctx) const override;

 private:
  struct Window {
    std::string key;
    std::int64_t limit = 0, window_ms = 0, now_ms = 0;
  };
  bool prepare(PolicyContext& ctx, Window& w) const;
  Verdict decide(PolicyContext& ctx, const Window& w, const std::optional<CounterValue>& value) const;
  Verdict decide_on_estimate(PolicyContext& ctx, CounterStore& counters) const;
};

// Parses the configuration of `kind` at `path`; null (with problems in `diag`) when invalid.
PluginConfigPtr parse_limiter(const LimiterKind& kind, const boost::json::value& configuration,
                              const std::string& path, Diagnostics& diag);

std::unique_ptr<PolicyFactory> make_rate_limit_factory();
std::unique_ptr<PolicyFactory> make_quota_factory();
std::unique_ptr<PolicyFactory> make_spike_arrest_factory();

}  // namespace gantry
