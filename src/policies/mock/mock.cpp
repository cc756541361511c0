#include "policies/mock/mock.hpp"

#include "core/el/diagnose.hpp"
#include "core/json/object_reader.hpp"
#include "policies/common/policy_factory.hpp"

#include <boost/json.hpp>

namespace gantry {

Verdict Mock::on_request(PolicyContext& ctx) const {
  DirectResponse out{status, "", "", {}, std::string()};
  for (const auto& [name, value] : headers) {
    auto r = value->render(ctx.el);
    if (!r.ok()) {
      ctx.direct = DirectResponse{500, "MOCK_ERROR", "Unable to build the mock response: " + r.error, {}, {}};
      return Verdict::respond;
    }
    out.headers.emplace_back(name, r.value.as_string());
  }
  if (content) {
    auto r = content->render(ctx.el);
    if (!r.ok()) {
      ctx.direct = DirectResponse{500, "MOCK_ERROR", "Unable to build the mock response: " + r.error, {}, {}};
      return Verdict::respond;
    }
    out.body = r.value.as_string();
  }
  ctx.direct = std::move(out);
  return Verdict::respond;
}

namespace {

PluginConfigPtr parse(const boost::json::value& configuration, const std::string& path, Diagnostics& diag) {
  ObjectReader r(configuration, path, diag);
  if (!r.valid()) return nullptr;
  auto policy = std::make_shared<Mock>();
  if (const auto* status = r.get("status")) {  // Gravitee writes it as a string ("200"); a number is fine too
    std::int64_t code = 0;
    if (status->is_string()) code = std::atoll(status->get_string().c_str());
    else if (status->is_int64()) code = status->get_int64();
    if (code < 100 || code > 599) diag.error(r.path_of("status"), "expected an HTTP status between 100 and 599");
    else policy->status = static_cast<unsigned>(code);
  }
  if (const auto* list = r.array("headers")) {
    for (std::size_t i = 0; i < list->size(); ++i) {
      ObjectReader h((*list)[i], path_index(r.path_of("headers"), i), diag);
      if (!h.valid()) continue;
      auto name = h.string("name", true);
      auto value = h.string("value");
      if (!name || name->empty()) continue;
      if (auto t = el::compile_template(value.value_or(""), h.path_of("value"), diag))
        policy->headers.emplace_back(*name, t);
    }
  }
  if (auto content = r.string("content"); content && !content->empty())
    policy->content = el::compile_template(*content, r.path_of("content"), diag);
  return policy;
}

}  // namespace

std::unique_ptr<PolicyFactory> make_mock_factory() { return make_policy_factory("mock", phase_request, parse); }

}  // namespace gantry
