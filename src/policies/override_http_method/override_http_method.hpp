// policy-override-request-method: the backend is called with another HTTP method than the client's.
#pragma once

#include "core/registry/registry.hpp"
#include "gateway/flows/policy.hpp"

#include <memory>

namespace gantry {

class OverrideHttpMethod final : public Policy {
 public:
  http::verb method = http::verb::get;
  Verdict on_request(PolicyContext& ctx) const override;
};

std::unique_ptr<PolicyFactory> make_override_http_method_factory();

}  // namespace gantry
