// The immutable tree an expression compiles to at deploy time; the evaluator walks it per request or message.
#pragma once

#include "core/el/value.hpp"

#include <memory>
#include <string>
#include <vector>

namespace re2 {
class RE2;
}

namespace gantry::el {

enum class NodeKind {
  literal,        // value
  variable,       // #name
  property,       // kids[0].name  (safe: kids[0]?.name)
  index,          // kids[0][kids[1]]
  method,         // kids[0].name(kids[1..])
  function,       // #name(kids...)
  list,           // {kids...}
  map,            // {names[i]: kids[i]}
  negate,         // -kids[0]
  logical_not,    // !kids[0]
  logical_and,    // kids[0] && kids[1]
  logical_or,     // kids[0] || kids[1]
  compare,        // kids[0] <op> kids[1]
  arithmetic,     // kids[0] <op> kids[1]
  matches,        // kids[0] matches kids[1]; regex precompiled when kids[1] is a literal
  ternary,        // kids[0] ? kids[1] : kids[2]
  elvis,          // kids[0] ?: kids[1]
};

enum class Operator { eq, ne, lt, le, gt, ge, add, sub, mul, div, mod };

struct Node {
  NodeKind kind = NodeKind::literal;
  Operator op = Operator::eq;
  bool safe = false;                 // ?. navigation: null instead of an error on a null target
  std::size_t column = 0;            // 1-based, in the text the expression came from
  std::string name;                  // variable, property, method, function
  Value value;                       // literal
  std::vector<std::string> names;    // map literal keys
  std::vector<Node> kids;
  std::shared_ptr<const re2::RE2> regex;
};

}  // namespace gantry::el
