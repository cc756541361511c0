#include "policies/rate_limit/limiter.hpp"

#include "core/el/diagnose.hpp"
#include "core/json/object_reader.hpp"
#include "policies/common/policy_factory.hpp"
#include "policies/rate_limit/counter_estimates.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>

namespace gantry {

const LimiterKind rate_limit_kind{"rate-limit", "rate", "rl", "X-Rate-Limit-Limit", "X-Rate-Limit-Remaining",
                                  "X-Rate-Limit-Reset", "RATE_LIMIT_TOO_MANY_REQUESTS",
                                  "RATE_LIMIT_BLOCK_ON_INTERNAL_ERROR", "Rate limit exceeded", "SECONDS"};
const LimiterKind quota_kind{"quota", "quota", "q", "X-Quota-Limit", "X-Quota-Remaining", "X-Quota-Reset",
                             "QUOTA_TOO_MANY_REQUESTS", "QUOTA_BLOCK_ON_INTERNAL_ERROR", "Quota exceeded", "HOURS"};
const LimiterKind spike_arrest_kind{"spike-arrest", "spike", "sa", "X-Spike-Arrest-Limit",
                                    "X-Spike-Arrest-Slice-Period", "X-Spike-Arrest-Reset",
                                    "SPIKE_ARREST_TOO_MANY_REQUESTS", "SPIKE_ARREST_BLOCK_ON_INTERNAL_ERROR",
                                    "Spike limit exceeded", "SECONDS", true};

namespace {

struct Unit {
  std::string_view name;
  std::int64_t ms;
};
constexpr Unit units[] = {{"MILLISECONDS", 1},        {"SECONDS", 1000},          {"MINUTES", 60'000},
                          {"HOURS", 3'600'000},       {"DAYS", 86'400'000},       {"WEEKS", 7 * 86'400'000LL},
                          {"MONTHS", 30 * 86'400'000LL}};

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

bool Limiter::prepare(PolicyContext& ctx, Window& w) const {
  w.now_ms = now_ms();
  w.limit = limit;
  if (dynamic_limit) {
    auto r = dynamic_limit->render(ctx.el);
    char* end = nullptr;
    const std::string text = r.ok() ? r.value.as_string() : "";
    const long long parsed = std::strtoll(text.c_str(), &end, 10);
    w.limit = (r.ok() && end && *end == '\0' && !text.empty()) ? std::max(0LL, parsed) : 0;
  }
  w.window_ms = period_ms;
  if (kind->spike && w.limit > 0) {  // one slice of the period at a time, each allowing its share
    w.window_ms = std::max<std::int64_t>(1, period_ms / w.limit);
    w.limit = std::max<std::int64_t>(1, w.limit * w.window_ms / period_ms);
  }
  std::string user_key;
  if (key) {
    auto r = key->render(ctx.el);
    if (r.ok()) user_key = r.value.as_string();
  }
  w.key.clear();
  w.key += "gantry:";
  w.key += kind->key_type;
  w.key += ':';
  if (use_key_only && !user_key.empty()) {
    w.key += user_key;
  } else {
    w.key += ctx.step_key;
    if (!user_key.empty()) w.key += ':' + user_key;
  }
  return true;
}

Verdict Limiter::decide(PolicyContext& ctx, const Window& w, const std::optional<CounterValue>& value) const {
  if (!value) {  // the counters could not be reached: Gravitee's errorStrategy
    if (block_on_error) {
      ctx.direct = DirectResponse{429, std::string(kind->blocked_key),
                                  std::string(kind->exceeded.substr(0, kind->exceeded.rfind(" exceeded"))) +
                                      " blocked the query due to internal error", {}, {}};
      return Verdict::respond;
    }
    if (add_headers) {
      ctx.response_headers.emplace_back(kind->limit_header, std::to_string(w.limit));
      ctx.response_headers.emplace_back(kind->remaining_header,
                                        kind->spike ? std::to_string(w.window_ms) + "ms" : std::to_string(w.limit));
      ctx.response_headers.emplace_back(kind->reset_header, "-1");
    }
    return Verdict::next;
  }
  if (add_headers) {
    ctx.response_headers.emplace_back(kind->limit_header, std::to_string(w.limit));
    ctx.response_headers.emplace_back(kind->remaining_header,
                                      kind->spike ? std::to_string(w.window_ms) + "ms"
                                                  : std::to_string(std::max<std::int64_t>(0, w.limit - value->count)));
    ctx.response_headers.emplace_back(kind->reset_header, std::to_string(value->reset_ms));
  }
  if (value->count <= w.limit) return Verdict::next;
  std::string message =
      kind->spike ? fmt::format("{}! You reached the limit of {} requests per {} ms", kind->exceeded, w.limit, w.window_ms)
                  : fmt::format("{}! You reached the limit of {} requests per {} {}", kind->exceeded, w.limit,
                                period_time, period_unit);
  ctx.direct = DirectResponse{429, std::string(kind->error_key), std::move(message), {}, {}};
  return Verdict::respond;
}

namespace {

// The store's answer corrects the estimate of the thread that counted the hit (the coroutine runs on it).
boost::asio::awaitable<void> count_in_store(CounterStore& counters, std::string key, std::int64_t now_ms,
                                            std::int64_t window_ms, std::size_t worker, std::uint64_t sequence) {
  auto value = co_await counters.increment(key, now_ms, window_ms, worker);
  this_thread_estimates().answered(key, sequence, value);
}

}  // namespace

Verdict Limiter::decide_on_estimate(PolicyContext& ctx, CounterStore& counters) const {
  thread_local Window w;
  prepare(ctx, w);
  const auto hit = this_thread_estimates().hit(w.key, w.now_ms, w.window_ms);
  boost::asio::co_spawn(ctx.ex.client.get_executor(),
                        count_in_store(counters, w.key, w.now_ms, w.window_ms, ctx.ex.worker, hit.sequence),
                        boost::asio::detached);
  return decide(ctx, w, hit.estimate);
}

Verdict Limiter::on_request(PolicyContext& ctx) const {
  CounterStore* counters = ctx.services.counters;
  if (counters && !counters->synchronous()) return async ? decide_on_estimate(ctx, *counters) : Verdict::wait;
  thread_local Window w;  // its key's buffer is reused: no allocation per request once warm
  prepare(ctx, w);
  // Without a store (an API built outside a Deployer) the counters are unreachable: errorStrategy decides.
  return decide(ctx, w, counters ? counters->increment_now(w.key, w.now_ms, w.window_ms) : std::nullopt);
}

boost::asio::awaitable<Verdict> Limiter::on_request_async(PolicyContext& ctx) const {
  Window w;
  prepare(ctx, w);
  auto value = co_await ctx.services.counters->increment(w.key, w.now_ms, w.window_ms, ctx.ex.worker);
  co_return decide(ctx, w, value);
}

PluginConfigPtr parse_limiter(const LimiterKind& kind, const boost::json::value& configuration,
                              const std::string& path, Diagnostics& diag) {
  auto policy = std::make_shared<Limiter>();
  policy->kind = &kind;
  const std::size_t errors_before = diag.error_count();
  ObjectReader r(configuration, path, diag);
  if (!r.valid()) return nullptr;
  r.read("addHeaders", policy->add_headers);
  r.read("async", policy->async);
  if (auto strategy = r.string("errorStrategy")) {
    if (*strategy == "BLOCK_ON_INTERNAL_ERROR") policy->block_on_error = true;
    else if (*strategy != "FALLBACK_PASS_TROUGH" && *strategy != "FALLBACK_PASS_THROUGH")
      diag.error(r.path_of("errorStrategy"),
                 unknown_name_message("error strategy", *strategy,
                                      std::vector<std::string>{"BLOCK_ON_INTERNAL_ERROR", "FALLBACK_PASS_TROUGH"}));
  }
  r.accept({"redisConnectionName"});
  const auto* section = r.require(kind.section);
  if (!section) return nullptr;
  ObjectReader s(*section, r.path_of(kind.section), diag);
  if (!s.valid()) return nullptr;
  s.read("useKeyOnly", policy->use_key_only);
  if (auto k = s.string("key"); k && !k->empty()) policy->key = el::compile_template(*k, s.path_of("key"), diag);
  bool dynamic = false;
  if (auto d = s.string("dynamicLimit"); d && !d->empty()) {
    dynamic = true;
    policy->dynamic_limit = el::compile_template(*d, s.path_of("dynamicLimit"), diag);
  }
  s.read("limit", policy->limit, 0);
  if (policy->limit == 0 && !dynamic)
    diag.error(s.path_of("limit"), "a limit of at least 1 (or a 'dynamicLimit' expression) is required");
  s.read("periodTime", policy->period_time, 1);
  std::string unit_name(kind.default_unit);
  s.read("periodTimeUnit", unit_name);
  const Unit* unit = nullptr;
  for (const auto& u : units)
    if (u.name == unit_name) unit = &u;
  if (!unit) {
    std::vector<std::string> names;
    for (const auto& u : units) names.emplace_back(u.name);
    diag.error(s.path_of("periodTimeUnit"), unknown_name_message("period time unit", unit_name, names));
    return nullptr;
  }
  s.accept({"dynamicPeriodTime"});
  policy->period_ms = policy->period_time * unit->ms;
  policy->period_unit = lower(unit->name);
  if (diag.error_count() > errors_before) return nullptr;
  return policy;
}

std::unique_ptr<PolicyFactory> make_rate_limit_factory() {
  return make_policy_factory("rate-limit", phase_request, [](const boost::json::value& c, const std::string& p,
                                                             Diagnostics& d) { return parse_limiter(rate_limit_kind, c, p, d); });
}

std::unique_ptr<PolicyFactory> make_quota_factory() {
  return make_policy_factory("quota", phase_request, [](const boost::json::value& c, const std::string& p,
                                                        Diagnostics& d) { return parse_limiter(quota_kind, c, p, d); });
}

std::unique_ptr<PolicyFactory> make_spike_arrest_factory() {
  return make_policy_factory("spike-arrest", phase_request, [](const boost::json::value& c, const std::string& p,
                                                               Diagnostics& d) { return parse_limiter(spike_arrest_kind, c, p, d); });
}

}  // namespace gantry
