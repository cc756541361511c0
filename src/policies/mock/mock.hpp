// mock: answers the request itself with a status, headers and an EL template body; the backend is not called.
#pragma once

#include "core/el/expression.hpp"
#include "core/registry/registry.hpp"
#include "gateway/flows/policy.hpp"

#include <memory>

namespace gantry {

class Mock final : public Policy {
 public:
  unsigned status = 200;
  std::vector<std::pair<std::string, el::TemplatePtr>> headers;
  el::TemplatePtr content;  // null: empty body
  Verdict on_request(PolicyContext& ctx) const override;
};

std::unique_ptr<PolicyFactory> make_mock_factory();

}  // namespace gantry
