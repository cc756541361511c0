// cache (proxy APIs): answers from the gateway's in-process cache when it holds a response for the request's key,
// otherwise lets the request through and stores the complete response (2xx by default, or when
// `responseCondition` holds) for `timeToLiveSeconds`. `cacheName` names the API's cache resource, whose
// maxEntriesLocalHeap / timeToLiveSeconds bound the cache. X-Gravitee-Cache (or ?cache=) BY_PASS / REFRESH.
#pragma once

#include "core/el/expression.hpp"
#include "core/registry/registry.hpp"
#include "gateway/flows/policy.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace gantry {

class Cache final : public Policy {
 public:
  std::string cache_name;
  el::TemplatePtr key;                 // null: the path alone
  std::chrono::seconds ttl{600};
  bool use_response_cache_headers = false;
  std::string scope = "APPLICATION";   // API or APPLICATION: applications are not told apart yet
  std::vector<std::string> methods;    // upper case; empty = GET, OPTIONS, HEAD
  el::ExpressionPtr response_condition;  // on #response (or #upstreamResponse); null = 2xx

  Verdict on_request(PolicyContext& ctx) const override;
  void on_response_complete(PolicyContext& ctx, const std::string& key, unsigned status,
                            const http::fields& headers, const std::string& body) const override;
};

// The time to live a response asks for (Cache-Control s-maxage, then max-age); -1 when it says nothing.
std::int64_t ttl_from_cache_control(std::string_view cache_control);

std::unique_ptr<PolicyFactory> make_cache_factory();

}  // namespace gantry
