#include "policies/override_http_method/override_http_method.hpp"

#include "core/json/object_reader.hpp"
#include "policies/common/policy_factory.hpp"

#include <boost/json.hpp>

namespace gantry {

Verdict OverrideHttpMethod::on_request(PolicyContext& ctx) const {
  ctx.request().method(method);
  return Verdict::next;
}

namespace {

PluginConfigPtr parse(const boost::json::value& configuration, const std::string& path, Diagnostics& diag) {
  ObjectReader r(configuration, path, diag);
  if (!r.valid()) return nullptr;
  auto name = r.string("method", true);
  if (!name) return nullptr;
  static const std::vector<std::string> methods = {"CONNECT", "DELETE", "GET",  "HEAD",  "OPTIONS",
                                                   "PATCH",   "POST",   "PUT",  "TRACE"};
  if (std::find(methods.begin(), methods.end(), *name) == methods.end()) {
    diag.error(r.path_of("method"), unknown_name_message("HTTP method", *name, methods));
    return nullptr;
  }
  auto policy = std::make_shared<OverrideHttpMethod>();
  policy->method = http::string_to_verb(*name);
  return policy;
}

}  // namespace

std::unique_ptr<PolicyFactory> make_override_http_method_factory() {
  return make_policy_factory("policy-override-request-method", phase_request, parse);
}

}  // namespace gantry
