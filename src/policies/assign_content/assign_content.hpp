// assign-content: replaces the body of the request or the response (the phase its step runs in) with an EL
// template, which may read the body it replaces through #request.content / #response.content.
#pragma once

#include "core/el/expression.hpp"
#include "core/registry/registry.hpp"
#include "gateway/flows/policy.hpp"

#include <memory>

namespace gantry {

class AssignContent final : public Policy {
 public:
  el::TemplatePtr body;
  Verdict on_request(PolicyContext& ctx) const override;
  Verdict on_response(PolicyContext& ctx) const override;
  MessageVerdict on_message(MessagePolicyContext& ctx) const override;  // #message.content is the old body
  bool needs_content() const override { return true; }
};

// Gravitee's plugin id is "policy-assign-content"; "assign-content" is accepted too.
std::unique_ptr<PolicyFactory> make_assign_content_factory(std::string_view type = "policy-assign-content");

}  // namespace gantry
