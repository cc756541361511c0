// Gravitee's expression language (a Spring EL subset): compile once at deploy time, evaluate many times.
// Expressions (`#request.headers['x'][0] == 'y'`), templates mixing text and `{#...}`, and conditions (either).
#pragma once

#include "core/el/ast.hpp"
#include "core/el/value.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace gantry::el {

// What an expression can see: the roots #request, #response, #message, #context, #api, #subscription,
// #properties. Each evaluation site (proxy exchange, message, management) provides its own, lazily.
class Context {
 public:
  virtual ~Context() = default;
  // The value of `#name`, or null when this context has no such root.
  virtual Value variable(std::string_view name) const = 0;
};

// A context with no roots (every #name is null), for constant expressions and tests.
class EmptyContext final : public Context {
 public:
  Value variable(std::string_view) const override { return {}; }
};

struct SyntaxError {
  std::size_t column = 0;  // 1-based, in the whole text given to compile_*
  std::string message;
  // "syntax error at column 5: expected ']'"
  std::string describe() const;
};

// An evaluation's outcome: the value, or what went wrong ("cannot index into null at column 18").
struct Result {
  Value value;
  std::string error;
  bool ok() const { return error.empty(); }
};

// Deepest tree the compiler accepts; it bounds the evaluator's recursion (EL has no loops, so work is bounded
// by the size of the tree, and text is at most max_expression_length).
constexpr std::size_t max_depth = 100;
constexpr std::size_t max_expression_length = 16 * 1024;

class Expression {
 public:
  explicit Expression(Node root) : root_(std::move(root)) {}
  Result evaluate(const Context& ctx) const;
  const Node& root() const { return root_; }

 private:
  Node root_;
};
using ExpressionPtr = std::shared_ptr<const Expression>;

// Text with `{expr}` parts, e.g. "Bearer {#request.headers['token'][0]}"; text without braces is constant.
class Template {
 public:
  struct Part {
    std::string text;
    std::shared_ptr<const Expression> expression;  // null for a text part
  };
  explicit Template(std::vector<Part> parts) : parts_(std::move(parts)) {}
  // The rendered text, or the first evaluation error.
  Result render(const Context& ctx) const;
  // The value of a template that is exactly one `{expr}` (kept typed), else the rendered string.
  Result evaluate(const Context& ctx) const;
  bool constant() const;
  const std::vector<Part>& parts() const { return parts_; }

 private:
  std::vector<Part> parts_;
};
using TemplatePtr = std::shared_ptr<const Template>;

struct Compiled {
  ExpressionPtr expression;
  std::optional<SyntaxError> error;
};
struct CompiledTemplate {
  TemplatePtr template_;
  std::optional<SyntaxError> error;
};

// A bare expression: `#request.method == 'GET'`.
Compiled compile_expression(std::string_view text);
// A template: "text {#expr} text".
CompiledTemplate compile_template(std::string_view text);
// A condition as Gravitee writes them: "{#expr}" or a bare "#expr"; true when it evaluates to true (or "true").
Compiled compile_condition(std::string_view text);

// Truthiness of a condition result: true, or the string "true" (what a rendered template yields).
bool is_true(const Value& v);

}  // namespace gantry::el
