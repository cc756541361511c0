// retry (proxy APIs): calls the backend again when the call fails (connection error, no response header within
// `timeout`) or when `condition` holds on its response, up to `maxRetries` more times, `delay` apart; then 502,
// or the last response with `lastResponse`. The request body is held so that it can be sent again.
#pragma once

#include "core/registry/registry.hpp"
#include "gateway/flows/policy.hpp"

#include <memory>

namespace gantry {

class Retry final : public Policy {
 public:
  BackendRetry settings;
  Verdict on_request(PolicyContext& ctx) const override {
    ctx.retry = &settings;
    return Verdict::next;
  }
};

std::unique_ptr<PolicyFactory> make_retry_factory();

}  // namespace gantry
