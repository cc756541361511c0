#include "policies/transform_headers/transform_headers.hpp"

#include "core/el/diagnose.hpp"
#include "core/json/object_reader.hpp"
#include "policies/common/policy_factory.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/json.hpp>

namespace gantry {

// Every value is rendered before any header changes, so that a value may read a header the step removes or
// replaces (renaming x-a to x-b: add x-b from #...headers['x-a'], remove x-a). Appended values come first.
bool TransformHeaders::render(const el::Context& ctx, std::vector<std::string>& values, std::string& error) const {
  values.clear();
  values.reserve(append.size() + set.size());
  for (const auto* list : {&append, &set}) {
    for (const auto& h : *list) {
      auto r = h.value->render(ctx);
      if (!r.ok()) {
        error = "header '" + h.name + "': " + r.error;
        return false;
      }
      values.push_back(r.value.as_string());
    }
  }
  return true;
}

template <class Fields>
bool TransformHeaders::apply(Fields& fields, const el::Context& ctx, std::string& error) const {
  thread_local std::vector<std::string> values;  // apply never waits: one in use per thread, no allocation per request
  if (!render(ctx, values, error)) return false;
  for (const auto& name : remove) fields.erase(name);
  if (!whitelist.empty()) {
    std::vector<std::string> drop;
    for (const auto& f : fields) {
      bool keep = false;
      for (const auto& w : whitelist) keep = keep || boost::beast::iequals(w, f.name_string());
      if (!keep) drop.emplace_back(f.name_string());
    }
    for (const auto& name : drop) fields.erase(name);
  }
  for (std::size_t i = 0; i < append.size(); ++i) fields.insert(append[i].name, std::move(values[i]));
  for (std::size_t i = 0; i < set.size(); ++i) fields.set(set[i].name, std::move(values[append.size() + i]));
  return true;
}

namespace {

Verdict apply_or_fail(const TransformHeaders& self, http::fields& fields, PolicyContext& ctx) {
  std::string error;
  if (self.apply(fields, ctx.el, error)) return Verdict::next;
  ctx.direct = DirectResponse{500, "TRANSFORM_HEADERS_ERROR", "Unable to transform headers: " + error, {}, {}};
  return Verdict::respond;
}

std::vector<TransformHeaders::Header> read_headers(ObjectReader& r, std::string_view key) {
  std::vector<TransformHeaders::Header> out;
  const auto* array = r.array(key);
  if (!array) return out;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const std::string path = path_index(r.path_of(key), i);
    ObjectReader h((*array)[i], path, r.diag());
    if (!h.valid()) continue;
    auto name = h.string("name", true);
    auto value = h.string("value");
    if (!name) continue;
    if (name->empty()) {
      r.diag().error(h.path_of("name"), "a header name cannot be empty");
      continue;
    }
    if (auto t = el::compile_template(value.value_or(""), h.path_of("value"), r.diag())) out.push_back({*name, t});
  }
  return out;
}

PluginConfigPtr parse(const boost::json::value& configuration, const std::string& path, Diagnostics& diag) {
  auto policy = std::make_shared<TransformHeaders>();
  ObjectReader r(configuration, path, diag);
  if (!r.valid()) return nullptr;
  r.accept({"scope"});  // v2's phase selector; in v4 the step's phase decides
  r.read("removeHeaders", policy->remove);
  r.read("whitelistHeaders", policy->whitelist);
  policy->set = read_headers(r, "addHeaders");
  policy->append = read_headers(r, "appendHeaders");
  return policy;
}

}  // namespace

bool TransformHeaders::apply(MessageFields& headers, const el::Context& ctx, std::string& error) const {
  thread_local std::vector<std::string> values;
  if (!render(ctx, values, error)) return false;
  auto named = [](std::string_view name) {
    return [name](const auto& field) { return boost::beast::iequals(field.first, name); };
  };
  for (const auto& name : remove) std::erase_if(headers, named(name));
  if (!whitelist.empty())
    std::erase_if(headers, [&](const auto& field) {
      for (const auto& w : whitelist)
        if (boost::beast::iequals(w, field.first)) return false;
      return true;
    });
  for (std::size_t i = 0; i < append.size(); ++i) headers.emplace_back(append[i].name, std::move(values[i]));
  for (std::size_t i = 0; i < set.size(); ++i) set_field(headers, set[i].name, std::move(values[append.size() + i]));
  return true;
}

MessageVerdict TransformHeaders::on_message(MessagePolicyContext& ctx) const {
  std::string error;
  if (apply(ctx.message.edit().headers, ctx.el, error)) return MessageVerdict::next;
  ctx.error = "Unable to transform headers: " + error;
  return MessageVerdict::fail;
}

Verdict TransformHeaders::on_request(PolicyContext& ctx) const { return apply_or_fail(*this, ctx.request(), ctx); }

Verdict TransformHeaders::on_response(PolicyContext& ctx) const {
  return ctx.response ? apply_or_fail(*this, *ctx.response, ctx) : Verdict::next;
}

template bool TransformHeaders::apply<http::fields>(http::fields&, const el::Context&, std::string&) const;

std::unique_ptr<PolicyFactory> make_transform_headers_factory() {
  return make_policy_factory("transform-headers", phase_request | phase_response | phase_publish | phase_subscribe,
                             parse);
}

}  // namespace gantry
