// assign-attributes: sets #context.attributes entries (EL templates) for the policies and flows that follow; on
// the publish and subscribe phases it sets the message's attributes (#message.attributes) instead.
#pragma once

#include "core/el/expression.hpp"
#include "core/registry/registry.hpp"
#include "gateway/flows/policy.hpp"

#include <memory>
#include <string>
#include <vector>

namespace gantry {

class AssignAttributes final : public Policy {
 public:
  struct Attribute {
    std::string name;
    el::TemplatePtr value;
  };
  std::vector<Attribute> attributes;

  // Evaluates every value and stores it (typed: a single {expr} keeps its type) in `out`; false on an EL error.
  bool assign(const el::Context& ctx, el::Map& out, std::string& error) const;
  Verdict on_request(PolicyContext& ctx) const override;
  Verdict on_response(PolicyContext& ctx) const override;
  MessageVerdict on_message(MessagePolicyContext& ctx) const override;
};

// Gravitee's plugin id is "policy-assign-attributes"; its own definitions also say "assign-attributes".
std::unique_ptr<PolicyFactory> make_assign_attributes_factory(std::string_view type = "policy-assign-attributes");

}  // namespace gantry
