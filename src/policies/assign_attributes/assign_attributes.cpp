#include "policies/assign_attributes/assign_attributes.hpp"

#include "core/el/diagnose.hpp"
#include "core/json/object_reader.hpp"
#include "policies/common/policy_factory.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace gantry {

bool AssignAttributes::assign(const el::Context& ctx, el::Map& out, std::string& error) const {
  for (const auto& a : attributes) {
    auto r = a.value->evaluate(ctx);
    if (!r.ok()) {
      error = "attribute '" + a.name + "': " + r.error;
      return false;
    }
    if (r.value.is_object()) r.value = el::to_string(r.value);  // a borrowed view must not outlive its evaluation
    out.insert_or_assign(a.name, std::move(r.value));
  }
  return true;
}

namespace {

Verdict run(const AssignAttributes& self, PolicyContext& ctx) {
  std::string error;
  if (self.assign(ctx.el, ctx.attributes, error)) return Verdict::next;
  ctx.direct = DirectResponse{500, "ASSIGN_ATTRIBUTES_ERROR", "Unable to assign attributes: " + error, {}, {}};
  return Verdict::respond;
}

PluginConfigPtr parse(const boost::json::value& configuration, const std::string& path, Diagnostics& diag) {
  ObjectReader r(configuration, path, diag);
  if (!r.valid()) return nullptr;
  auto policy = std::make_shared<AssignAttributes>();
  r.accept({"scope"});
  const auto* list = r.array("attributes", true);
  if (!list) return nullptr;
  for (std::size_t i = 0; i < list->size(); ++i) {
    ObjectReader a((*list)[i], path_index(r.path_of("attributes"), i), diag);
    if (!a.valid()) continue;
    auto name = a.string("name", true);
    auto value = a.string("value");
    if (!name) continue;
    if (name->empty()) {
      diag.error(a.path_of("name"), "an attribute name cannot be empty");
      continue;
    }
    if (auto t = el::compile_template(value.value_or(""), a.path_of("value"), diag))
      policy->attributes.push_back({*name, t});
  }
  return policy;
}

}  // namespace

Verdict AssignAttributes::on_request(PolicyContext& ctx) const { return run(*this, ctx); }

MessageVerdict AssignAttributes::on_message(MessagePolicyContext& ctx) const {
  for (const auto& a : attributes) {
    auto r = a.value->evaluate(ctx.el);
    if (!r.ok()) {
      ctx.error = "Unable to assign attributes: attribute '" + a.name + "': " + r.error;
      return MessageVerdict::fail;
    }
    std::string value = el::to_string(r.value);  // message attributes are text
    auto& fields = ctx.message.edit().attributes;
    auto it = std::find_if(fields.begin(), fields.end(), [&](const auto& f) { return f.first == a.name; });
    if (it != fields.end()) it->second = std::move(value);
    else fields.emplace_back(a.name, std::move(value));
  }
  return MessageVerdict::next;
}
Verdict AssignAttributes::on_response(PolicyContext& ctx) const { return run(*this, ctx); }

std::unique_ptr<PolicyFactory> make_assign_attributes_factory(std::string_view type) {
  return make_policy_factory(type, phase_request | phase_response | phase_publish | phase_subscribe, parse);
}

}  // namespace gantry
