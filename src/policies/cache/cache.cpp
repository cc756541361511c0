#include "policies/cache/cache.hpp"

#include "core/definition/model.hpp"
#include "core/el/diagnose.hpp"
#include "core/json/object_reader.hpp"
#include "policies/cache/response_cache.hpp"
#include "policies/common/policy_factory.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/json.hpp>
#include <boost/url/decode_view.hpp>
#include <boost/url/parse_query.hpp>

#include <algorithm>
#include <charconv>

namespace gantry {
namespace {

constexpr std::string_view action_header = "X-Gravitee-Cache";

// #upstreamResponse (Gravitee's name in responseCondition) is the response.
class ConditionContext final : public el::Context {
 public:
  explicit ConditionContext(const el::Context& base) : base_(base) {}
  el::Value variable(std::string_view name) const override {
    return base_.variable(name == "upstreamResponse" ? "response" : name);
  }

 private:
  const el::Context& base_;
};

// BY_PASS / REFRESH from the X-Gravitee-Cache header (removed, it is for the gateway) or the `cache` parameter.
std::string action_of(PolicyContext& ctx) {
  auto& req = ctx.request();
  std::string action(req[action_header]);
  req.erase(action_header);
  if (action.empty()) {
    if (auto query = boost::urls::parse_query(ctx.ex.query)) {
      for (auto param : *query) {
        std::string key;
        for (char c : *param.key) key += c;
        if (key != "cache" || !param.has_value) continue;
        action.clear();
        for (char c : *param.value) action += c;
      }
    }
  }
  for (auto& c : action) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return action;
}

const Resource* cache_resource(const ApiDefinition* api, const std::string& name) {
  if (!api) return nullptr;
  for (const auto& r : api->resources)
    if (r.enabled && r.name == name) return &r;
  return nullptr;
}

ResponseCache::Limits limits_of(const Resource& resource) {
  ResponseCache::Limits limits;
  if (const auto* c = resource.configuration.if_object()) {
    if (const auto* v = c->if_contains("maxEntriesLocalHeap"); v && v->is_int64() && v->get_int64() >= 0)
      limits.max_entries = static_cast<std::size_t>(v->get_int64());
    if (const auto* v = c->if_contains("timeToLiveSeconds"); v && v->is_int64() && v->get_int64() > 0)
      limits.ttl = std::chrono::seconds(v->get_int64());
  }
  return limits;
}

std::string named_cache(const PolicyContext& ctx, const std::string& cache_name) {
  return (ctx.ex.api ? ctx.ex.api->id : std::string()) + "\n" + cache_name;
}

bool is_per_exchange(boost::beast::string_view name) {
  for (std::string_view skip : {"X-Gravitee-Transaction-Id", "X-Gravitee-Request-Id", "Content-Length",
                                "Transfer-Encoding", "Connection", "Keep-Alive"})
    if (boost::beast::iequals(name, skip)) return true;
  return false;
}

PluginConfigPtr parse(const boost::json::value& configuration, const std::string& path, Diagnostics& diag) {
  ObjectReader r(configuration, path, diag);
  if (!r.valid()) return nullptr;
  const auto errors = diag.error_count();
  auto policy = std::make_shared<Cache>();
  if (auto name = r.string("cacheName", true)) {
    if (name->empty()) diag.error(r.path_of("cacheName"), "the cache resource name cannot be empty");
    policy->cache_name = *name;
  }
  if (auto key = r.string("key"); key && !key->empty())
    policy->key = el::compile_template(*key, r.path_of("key"), diag);
  std::int64_t ttl = policy->ttl.count();
  r.read("timeToLiveSeconds", ttl, 1);
  policy->ttl = std::chrono::seconds(ttl);
  r.read("useResponseCacheHeaders", policy->use_response_cache_headers);
  r.read("scope", policy->scope);
  if (policy->scope != "API" && policy->scope != "APPLICATION")
    diag.error(r.path_of("scope"), "expected API or APPLICATION (got '" + policy->scope + "')");
  r.read("methods", policy->methods);
  for (auto& m : policy->methods)
    for (auto& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (auto condition = r.string("responseCondition"); condition && !condition->empty())
    policy->response_condition = el::compile_condition(*condition, r.path_of("responseCondition"), diag);
  r.accept({"serializationMode"});  // how Gravitee stores entries in external caches; irrelevant in memory
  if (diag.error_count() != errors) return nullptr;
  return policy;
}

}  // namespace

std::int64_t ttl_from_cache_control(std::string_view cc) {
  std::int64_t max_age = -1, s_maxage = -1;
  while (!cc.empty()) {
    auto comma = cc.find(',');
    auto item = cc.substr(0, comma);
    cc = comma == std::string_view::npos ? std::string_view{} : cc.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    auto eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    auto name = item.substr(0, eq);
    auto value = item.substr(eq + 1);
    std::int64_t n = -1;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc()) continue;
    if (boost::beast::iequals(name, "s-maxage")) s_maxage = n;
    else if (boost::beast::iequals(name, "max-age")) max_age = n;
  }
  return s_maxage >= 0 ? s_maxage : max_age;
}

Verdict Cache::on_request(PolicyContext& ctx) const {
  const std::string action = action_of(ctx);
  if (action == "BY_PASS") return Verdict::next;
  const std::string method(ctx.request().method_string());
  const bool cached_method = methods.empty() ? method == "GET" || method == "OPTIONS" || method == "HEAD"
                                             : std::find(methods.begin(), methods.end(), method) != methods.end();
  if (!cached_method) return Verdict::next;
  if (!cache_resource(ctx.ex.api, cache_name)) {
    ctx.direct = DirectResponse{500, "CACHE_ERROR", "No cache has been defined with name " + cache_name, {}, {}};
    return Verdict::respond;
  }
  std::string entry_key = method + " " + ctx.ex.path;
  if (key) {
    auto r = key->render(ctx.el);
    if (!r.ok()) {
      ctx.direct = DirectResponse{500, "CACHE_ERROR", "Unable to compute the cache key: " + r.error, {}, {}};
      return Verdict::respond;
    }
    entry_key += "\n" + r.value.as_string();
  }
  if (action != "REFRESH" && ctx.services.cache) {
    auto hit = ctx.services.cache->get(named_cache(ctx, cache_name), entry_key, ResponseCache::Clock::now());
    if (hit) {
      ctx.direct = DirectResponse{hit->status, "", "", std::move(hit->headers), std::move(hit->body)};
      return Verdict::respond;
    }
  }
  ctx.hold_response = true;
  ctx.on_complete.emplace_back(this, std::move(entry_key));
  return Verdict::next;
}

void Cache::on_response_complete(PolicyContext& ctx, const std::string& entry_key, unsigned status,
                                 const http::fields& headers, const std::string& body) const {
  if (!ctx.services.cache) return;
  if (response_condition) {
    auto r = response_condition->evaluate(ConditionContext(ctx.el));
    if (!r.ok() || !el::is_true(r.value)) return;
  } else if (status < 200 || status >= 300) {
    return;
  }
  std::chrono::seconds time_to_live = ttl;
  if (use_response_cache_headers) {
    const auto asked = ttl_from_cache_control(headers[http::field::cache_control]);
    if (asked >= 0 && asked < ttl.count()) time_to_live = std::chrono::seconds(asked);
  }
  const Resource* resource = cache_resource(ctx.ex.api, cache_name);
  if (!resource) return;
  CachedResponse response;
  response.status = status;
  for (const auto& f : headers)
    if (!is_per_exchange(f.name_string())) response.headers.emplace_back(f.name_string(), f.value());
  response.body = body;
  ctx.services.cache->put(named_cache(ctx, cache_name), limits_of(*resource), entry_key, std::move(response),
                          time_to_live, ResponseCache::Clock::now());
}

std::unique_ptr<PolicyFactory> make_cache_factory() { return make_policy_factory("cache", phase_request, parse); }

}  // namespace gantry
