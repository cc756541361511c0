#include "policies/url_rewriting/url_rewriting.hpp"

#include "core/el/diagnose.hpp"
#include "core/json/object_reader.hpp"
#include "policies/common/policy_factory.hpp"

#include <boost/json.hpp>

#include <vector>

namespace gantry {
namespace {

// The exchange's roots plus #group and #groupName for one match.
class MatchContext final : public el::Context {
 public:
  MatchContext(const el::Context& base, el::Value groups, el::Value names)
      : base_(base), groups_(std::move(groups)), names_(std::move(names)) {}
  el::Value variable(std::string_view name) const override {
    if (name == "group") return groups_;
    if (name == "groupName") return names_;
    return base_.variable(name);
  }

 private:
  const el::Context& base_;
  el::Value groups_, names_;
};

PluginConfigPtr parse(const boost::json::value& configuration, const std::string& path, Diagnostics& diag) {
  ObjectReader r(configuration, path, diag);
  if (!r.valid()) return nullptr;
  auto policy = std::make_shared<UrlRewriting>();
  r.read("rewriteResponseHeaders", policy->rewrite_headers);
  r.read("rewriteResponseBody", policy->rewrite_body);
  auto from = r.string("fromRegex", true);
  auto to = r.string("toReplacement", true);
  if (from) {
    if (from->empty()) {
      diag.error(r.path_of("fromRegex"), "the pattern cannot be empty");
    } else {
      RE2::Options options;
      options.set_log_errors(false);
      auto re = std::make_unique<RE2>(to_re2_syntax(*from), options);
      if (re->ok()) policy->from = std::move(re);
      else diag.error(r.path_of("fromRegex"), "invalid regular expression: " + re->error());
    }
  }
  if (to) policy->to = el::compile_template(*to, r.path_of("toReplacement"), diag);
  if (!policy->from || !policy->to) return nullptr;
  return policy;
}

}  // namespace

std::string to_re2_syntax(std::string_view java_regex) {
  std::string out;
  out.reserve(java_regex.size() + 4);
  for (std::size_t i = 0; i < java_regex.size(); ++i) {
    const char c = java_regex[i];
    out += c;
    if (c == '\\' && i + 1 < java_regex.size()) {
      out += java_regex[++i];
      continue;
    }
    const bool named = c == '(' && java_regex.substr(i + 1, 2) == "?<" && i + 3 < java_regex.size() &&
                       java_regex[i + 3] != '=' && java_regex[i + 3] != '!';
    if (named) {
      out += "?P<";
      i += 2;
    }
  }
  return out;
}

std::optional<std::string> UrlRewriting::rewrite(std::string_view value, const el::Context& ctx,
                                                 std::string& error) const {
  const int groups = from->NumberOfCapturingGroups();
  std::vector<re2::StringPiece> match(static_cast<std::size_t>(groups) + 1);
  std::string out;
  std::size_t start = 0;
  while (start <= value.size() &&
         from->Match(value, start, value.size(), RE2::UNANCHORED, match.data(), static_cast<int>(match.size()))) {
    const std::size_t begin = static_cast<std::size_t>(match[0].data() - value.data());
    const std::size_t end = begin + match[0].size();
    out.append(value.substr(start, begin - start));
    el::List list;
    for (int g = 1; g <= groups; ++g)
      list.emplace_back(match[g].data() ? el::Value(std::string_view(match[g].data(), match[g].size())) : el::Value{});
    el::Map names;
    for (const auto& [name, index] : from->NamedCapturingGroups()) names.emplace(name, list[index - 1]);
    MatchContext match_ctx(ctx, std::move(list), std::move(names));
    auto r = to->render(match_ctx);
    if (!r.ok()) {
      error = r.error;
      return std::nullopt;
    }
    out += r.value.as_string();
    if (end == begin) {  // an empty match: keep the next character and move on
      if (end < value.size()) out += value[end];
      start = end + 1;
    } else {
      start = end;
    }
  }
  if (start < value.size()) out.append(value.substr(start));
  return out;
}

Verdict UrlRewriting::on_response(PolicyContext& ctx) const {
  std::string error;
  auto fail = [&] {
    ctx.direct = DirectResponse{500, "URL_REWRITING_ERROR", "Unable to rewrite URLs: " + error, {}, {}};
    return Verdict::respond;
  };
  if (rewrite_headers && ctx.response) {
    std::vector<std::pair<std::string, std::string>> rewritten;
    for (const auto& field : *ctx.response) {
      auto value = rewrite(field.value(), ctx.el, error);
      if (!value) return fail();
      rewritten.emplace_back(field.name_string(), std::move(*value));
    }
    ctx.response->clear();
    for (auto& [name, value] : rewritten) ctx.response->insert(name, value);
  }
  if (rewrite_body && ctx.response_body) {
    auto body = rewrite(*ctx.response_body, ctx.el, error);
    if (!body) return fail();
    *ctx.response_body = std::move(*body);
  }
  return Verdict::next;
}

std::unique_ptr<PolicyFactory> make_url_rewriting_factory() {
  return make_policy_factory("url-rewriting", phase_response, parse);
}

}  // namespace gantry
