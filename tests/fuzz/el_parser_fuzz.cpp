// libFuzzer target: any text given to the EL compiler (as a template and as a condition) must either compile or
// report a syntax error, and whatever compiles must evaluate without crashing, hanging or recursing unboundedly.
#include "core/el/expression.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const gantry::el::EmptyContext ctx;
  if (auto t = gantry::el::compile_template(text); t.template_) (void)t.template_->render(ctx);
  if (auto c = gantry::el::compile_condition(text); c.expression) (void)c.expression->evaluate(ctx);
  return 0;
}
