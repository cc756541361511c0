#include "gateway/response_template_body.hpp"

#include "core/el/expression.hpp"

#include <spdlog/spdlog.h>

#include <unordered_map>
#include <utility>

namespace gantry {
namespace {

class ErrorContext final : public el::Context {
 public:
  explicit ErrorContext(const ErrorFacts& facts)
      : error_(el::Map{{"key", el::Value(facts.key)},
                       {"statusCode", el::Value(static_cast<std::int64_t>(facts.status))},
                       {"message", facts.message.empty() ? el::Value() : el::Value(facts.message)},
                       {"cause", facts.cause.empty() ? el::Value() : el::Value(facts.cause)},
                       {"parameters", el::Value(el::Map{})}}) {}
  el::Value variable(std::string_view name) const override { return name == "error" ? error_ : el::Value(); }

 private:
  el::Value error_;
};

// Templates are compiled once per deployed template and thread (error paths can be hot too: a backend down under
// load). A cache entry is keyed by the template's address and checked against its text, so a redeployed API whose
// template landed at the same address never reuses the old one.
const el::Template* compiled(const ResponseTemplate& t) {
  struct Entry {
    std::string body;
    el::TemplatePtr compiled;
  };
  thread_local std::unordered_map<const ResponseTemplate*, Entry> cache;
  auto it = cache.find(&t);
  if (it != cache.end() && it->second.body == t.body) return it->second.compiled.get();
  if (cache.size() >= 256) cache.clear();
  auto result = el::compile_template(t.body);
  if (!result.template_) spdlog::warn("response template body is not a valid EL template; it is sent as written");
  auto& entry = cache[&t];
  entry = Entry{t.body, std::move(result.template_)};
  return entry.compiled.get();
}

}  // namespace

std::string render_template_body(const ResponseTemplate& t, const ErrorFacts& error) {
  if (t.body.find("{#") == std::string::npos) return t.body;
  const el::Template* tpl = compiled(t);
  if (!tpl) return t.body;
  const ErrorContext ctx(error);
  auto r = tpl->render(ctx);
  return r.ok() ? el::to_string(r.value) : t.body;
}

}  // namespace gantry
