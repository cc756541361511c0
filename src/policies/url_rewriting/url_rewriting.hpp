// url-rewriting: rewrites the backend's URLs in the response headers (Location, Content-Location, Link...) and
// body, like Apache's ProxyPassReverse: every match of `fromRegex` is replaced by the `toReplacement` template,
// which sees the match's groups as #group[i] and its named groups as #groupName['name'].
#pragma once

#include "core/el/expression.hpp"
#include "core/registry/registry.hpp"
#include "gateway/flows/policy.hpp"

#include <re2/re2.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace gantry {

class UrlRewriting final : public Policy {
 public:
  bool rewrite_headers = true, rewrite_body = true;
  std::unique_ptr<RE2> from;  // compiled at deploy time
  el::TemplatePtr to;
  Verdict on_response(PolicyContext& ctx) const override;
  bool needs_content() const override { return rewrite_body; }

  // `value` with every match replaced; nullopt with `error` set when the replacement fails to evaluate.
  std::optional<std::string> rewrite(std::string_view value, const el::Context& ctx, std::string& error) const;
};

// Java's named group syntax `(?<name>...)` in RE2's spelling `(?P<name>...)` (lookbehinds are left alone; RE2
// rejects them with its own message).
std::string to_re2_syntax(std::string_view java_regex);

std::unique_ptr<PolicyFactory> make_url_rewriting_factory();

}  // namespace gantry
