#include "policies/assign_content/assign_content.hpp"

#include "core/el/diagnose.hpp"
#include "core/json/object_reader.hpp"
#include "policies/common/policy_factory.hpp"

#include <boost/json.hpp>

namespace gantry {
namespace {

Verdict assign(const AssignContent& self, PolicyContext& ctx, std::string* body) {
  if (!body) return Verdict::next;  // nothing to replace (a HEAD response, a 204)
  auto r = self.body->render(ctx.el);
  if (!r.ok()) {
    ctx.direct = DirectResponse{500, "ASSIGN_CONTENT_ERROR", "Unable to assign body content: " + r.error, {}, {}};
    return Verdict::respond;
  }
  *body = r.value.as_string();
  return Verdict::next;
}

PluginConfigPtr parse(const boost::json::value& configuration, const std::string& path, Diagnostics& diag) {
  ObjectReader r(configuration, path, diag);
  if (!r.valid()) return nullptr;
  r.accept({"scope"});  // v2's phase selector; in v4 the step's phase decides
  auto text = r.string("body", true);
  if (!text) return nullptr;
  auto policy = std::make_shared<AssignContent>();
  policy->body = el::compile_template(*text, r.path_of("body"), diag);
  return policy->body ? policy : nullptr;
}

}  // namespace

Verdict AssignContent::on_request(PolicyContext& ctx) const { return assign(*this, ctx, ctx.request_body); }
Verdict AssignContent::on_response(PolicyContext& ctx) const { return assign(*this, ctx, ctx.response_body); }

MessageVerdict AssignContent::on_message(MessagePolicyContext& ctx) const {
  auto r = body->render(ctx.el);
  if (!r.ok()) {
    ctx.error = "Unable to assign body content: " + r.error;
    return MessageVerdict::fail;
  }
  ctx.message.edit().content = r.value.as_string();
  return MessageVerdict::next;
}

std::unique_ptr<PolicyFactory> make_assign_content_factory(std::string_view type) {
  return make_policy_factory(type, phase_request | phase_response | phase_publish | phase_subscribe, parse);
}

}  // namespace gantry
