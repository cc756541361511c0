#include "core/el/diagnose.hpp"

namespace gantry::el {

std::string describe_error(std::string_view text, const SyntaxError& error) {
  return "invalid expression '" + std::string(text) + "': " + error.describe();
}

ExpressionPtr compile_condition(std::string_view text, const std::string& path, Diagnostics& diag) {
  auto c = compile_condition(text);
  if (c.error) diag.error(path, describe_error(text, *c.error));
  return c.expression;
}

ExpressionPtr compile_expression(std::string_view text, const std::string& path, Diagnostics& diag) {
  auto c = compile_expression(text);
  if (c.error) diag.error(path, describe_error(text, *c.error));
  return c.expression;
}

TemplatePtr compile_template(std::string_view text, const std::string& path, Diagnostics& diag) {
  auto c = compile_template(text);
  if (c.error) diag.error(path, describe_error(text, *c.error));
  return c.template_;
}

}  // namespace gantry::el
