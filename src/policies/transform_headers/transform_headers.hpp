// transform-headers: remove, keep only (whitelist), append and set headers of the request, the response or a
// message, depending on the phase its step is in. Values are EL templates.
#pragma once

#include "core/el/expression.hpp"
#include "core/registry/registry.hpp"
#include "gateway/flows/policy.hpp"

#include <memory>
#include <string>
#include <vector>

namespace gantry {

class TransformHeaders final : public Policy {
 public:
  struct Header {
    std::string name;
    el::TemplatePtr value;
  };
  std::vector<std::string> remove, whitelist;
  std::vector<Header> append, set;

  Verdict on_request(PolicyContext& ctx) const override;
  Verdict on_response(PolicyContext& ctx) const override;

  // Applies the transformation to any header map with erase/insert/set (Beast fields; message headers). A value
  // whose expression fails is reported in `error` and the transformation stops there.
  template <class Fields>
  bool apply(Fields& fields, const el::Context& ctx, std::string& error) const;
  // The same on a message's headers (publish and subscribe phases).
  bool apply(MessageFields& headers, const el::Context& ctx, std::string& error) const;
  MessageVerdict on_message(MessagePolicyContext& ctx) const override;

 private:
  bool render(const el::Context& ctx, std::vector<std::string>& values, std::string& error) const;
};

std::unique_ptr<PolicyFactory> make_transform_headers_factory();

}  // namespace gantry
