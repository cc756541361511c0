// Compiling the EL fields of a definition at deploy time: a syntax error becomes a Diagnostics error at the
// field's JSON path, with the column inside the expression.
#pragma once

#include "core/el/expression.hpp"
#include "core/json/diagnostics.hpp"

#include <string>
#include <string_view>

namespace gantry::el {

// Null (and an error at `path`) when `text` does not compile.
ExpressionPtr compile_condition(std::string_view text, const std::string& path, Diagnostics& diag);
ExpressionPtr compile_expression(std::string_view text, const std::string& path, Diagnostics& diag);
TemplatePtr compile_template(std::string_view text, const std::string& path, Diagnostics& diag);

// "invalid expression '{#a[}': syntax error at column 5: ..."
std::string describe_error(std::string_view text, const SyntaxError& error);

}  // namespace gantry::el
