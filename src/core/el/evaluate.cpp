// Walks a compiled tree. Errors are values (Result::error), never exceptions; recursion is bounded by the
// compiler's depth limit and there are no loops, so every evaluation ends after at most one visit per node.
#include "core/el/expression.hpp"
#include "core/el/functions.hpp"

#include <re2/re2.h>

#include <cmath>

namespace gantry::el {
namespace {

class Evaluator {
 public:
  explicit Evaluator(const Context& ctx) : ctx_(ctx) {}

  Value eval(const Node& n) {
    if (!error_.empty()) return {};
    switch (n.kind) {
      case NodeKind::literal: return n.value;
      case NodeKind::variable: return ctx_.variable(n.name);
      case NodeKind::property: return property(n);
      case NodeKind::index: return index(n);
      case NodeKind::method: return method(n);
      case NodeKind::function: return function(n);
      case NodeKind::list: {
        List l;
        for (const auto& k : n.kids) l.push_back(eval(k));
        return l;
      }
      case NodeKind::map: {
        Map m;
        for (std::size_t i = 0; i < n.kids.size(); ++i) m.insert_or_assign(n.names[i], eval(n.kids[i]));
        return m;
      }
      case NodeKind::negate: {
        Value v = eval(n.kids[0]);
        if (v.is_int()) return -v.as_int();
        if (v.is_double()) return -v.as_double();
        return fail(n, "cannot negate " + describe(v));
      }
      case NodeKind::logical_not: return !truth(eval(n.kids[0]));
      case NodeKind::logical_and: return truth(eval(n.kids[0])) && truth(eval(n.kids[1]));
      case NodeKind::logical_or: return truth(eval(n.kids[0])) || truth(eval(n.kids[1]));
      case NodeKind::compare: return compare(n, eval(n.kids[0]), eval(n.kids[1]));
      case NodeKind::arithmetic: return arithmetic(n, eval(n.kids[0]), eval(n.kids[1]));
      case NodeKind::matches: return matches(n);
      case NodeKind::ternary: return truth(eval(n.kids[0])) ? eval(n.kids[1]) : eval(n.kids[2]);
      case NodeKind::elvis: {
        Value v = eval(n.kids[0]);
        const bool empty = v.is_null() || (v.is_string() && v.as_string().empty());
        return empty ? eval(n.kids[1]) : v;
      }
    }
    return {};
  }

  std::string error_;

 private:
  Value fail(const Node& n, std::string message) {
    if (error_.empty()) error_ = message + " at column " + std::to_string(n.column);
    return {};
  }
  static std::string describe(const Value& v) {
    return v.is_null() ? "null" : "a " + std::string(type_name(v));
  }
  // Booleans as SpEL converts them; null (a missing header, say) is false rather than an error.
  static bool truth(const Value& v) { return is_true(v); }

  Value property(const Node& n) {
    Value target = eval(n.kids[0]);
    if (target.is_null()) return n.safe ? Value{} : fail(n, "cannot read property '" + n.name + "' of null");
    if (target.is_map() || target.is_object()) return member(target, n.name);
    return fail(n, "cannot read property '" + n.name + "' of " + describe(target));
  }

  Value index(const Node& n) {
    Value target = eval(n.kids[0]);
    Value key = eval(n.kids[1]);
    if (!error_.empty()) return {};
    if (target.is_null()) return fail(n, "cannot index into null");
    if (target.is_list()) {
      if (!key.is_int()) return fail(n, "a list index must be an integer, got " + describe(key));
      const auto& l = target.as_list();
      const auto i = key.as_int();
      if (i < 0 || i >= std::int64_t(l.size()))
        return fail(n, "index " + std::to_string(i) + " out of range for a list of " + std::to_string(l.size()));
      return l[i];
    }
    if (target.is_string()) {
      if (!key.is_int()) return fail(n, "a string index must be an integer, got " + describe(key));
      const auto& s = target.as_string();
      const auto i = key.as_int();
      if (i < 0 || i >= std::int64_t(s.size()))
        return fail(n, "index " + std::to_string(i) + " out of range for a string of " + std::to_string(s.size()));
      return std::string(1, s[i]);
    }
    if (target.is_object() && key.is_int()) return target.as_object().at(key.as_int());
    if (target.is_map() || target.is_object()) return member(target, to_string(key));
    return fail(n, "cannot index into " + describe(target));
  }

  std::vector<Value> arguments(const Node& n, std::size_t first) {
    std::vector<Value> args;
    args.reserve(n.kids.size() - first);
    for (std::size_t i = first; i < n.kids.size(); ++i) args.push_back(eval(n.kids[i]));
    return args;
  }

  Value method(const Node& n) {
    Value target = eval(n.kids[0]);
    if (target.is_null() && n.safe) return {};
    auto args = arguments(n, 1);
    if (!error_.empty()) return {};
    std::string error;
    Value v = call_method(target, n.name, args, error);
    return error.empty() ? v : fail(n, error);
  }

  Value function(const Node& n) {
    auto args = arguments(n, 0);
    if (!error_.empty()) return {};
    std::string error;
    Value v = call_function(n.name, args, error);
    return error.empty() ? v : fail(n, error);
  }

  Value compare(const Node& n, const Value& a, const Value& b) {
    if (!error_.empty()) return {};
    if (n.op == Operator::eq) return equals(a, b);
    if (n.op == Operator::ne) return !equals(a, b);
    int order;
    if (a.is_number() && b.is_number()) {
      if (a.is_int() && b.is_int()) order = a.as_int() < b.as_int() ? -1 : a.as_int() > b.as_int();
      else order = a.as_double() < b.as_double() ? -1 : a.as_double() > b.as_double();
    } else if (a.is_string() && b.is_string()) {
      order = a.as_string().compare(b.as_string());
    } else {
      return fail(n, "cannot compare " + describe(a) + " with " + describe(b));
    }
    switch (n.op) {
      case Operator::lt: return order < 0;
      case Operator::le: return order <= 0;
      case Operator::gt: return order > 0;
      default: return order >= 0;
    }
  }

  static std::string concat_text(const Value& v) { return v.is_null() ? "null" : to_string(v); }

  Value arithmetic(const Node& n, const Value& a, const Value& b) {
    if (!error_.empty()) return {};
    if (n.op == Operator::add && (a.is_string() || b.is_string())) return concat_text(a) + concat_text(b);
    if (!a.is_number() || !b.is_number())
      return fail(n, "arithmetic on " + describe(a) + " and " + describe(b));
    if (a.is_int() && b.is_int()) {
      const auto x = a.as_int(), y = b.as_int();
      std::int64_t r;
      switch (n.op) {
        case Operator::add: if (!__builtin_add_overflow(x, y, &r)) return r; break;
        case Operator::sub: if (!__builtin_sub_overflow(x, y, &r)) return r; break;
        case Operator::mul: if (!__builtin_mul_overflow(x, y, &r)) return r; break;
        case Operator::div:
        case Operator::mod:
          if (y == 0) return fail(n, "division by zero");
          if (x == INT64_MIN && y == -1) break;
          return n.op == Operator::div ? x / y : x % y;
        default: break;
      }
      return fail(n, "integer overflow");
    }
    const double x = a.as_double(), y = b.as_double();
    switch (n.op) {
      case Operator::add: return x + y;
      case Operator::sub: return x - y;
      case Operator::mul: return x * y;
      case Operator::div: return x / y;
      case Operator::mod: return std::fmod(x, y);
      default: return {};
    }
  }

  Value matches(const Node& n) {
    Value subject = eval(n.kids[0]);
    if (n.regex) {
      if (!error_.empty()) return {};
      if (subject.is_null()) return false;
      return RE2::FullMatch(to_string(subject), *n.regex);
    }
    Value pattern = eval(n.kids[1]);
    if (!error_.empty()) return {};
    if (!pattern.is_string()) return fail(n, "the right side of 'matches' must be a string");
    RE2 re(pattern.as_string(), RE2::Quiet);
    if (!re.ok()) return fail(n, "invalid regular expression: " + re.error());
    if (subject.is_null()) return false;
    return RE2::FullMatch(to_string(subject), re);
  }

  const Context& ctx_;
};

}  // namespace

Result Expression::evaluate(const Context& ctx) const {
  Evaluator e(ctx);
  Value v = e.eval(root_);
  if (!e.error_.empty()) return {Value{}, std::move(e.error_)};
  return {std::move(v), {}};
}

Result Template::render(const Context& ctx) const {
  std::string out;
  for (const auto& part : parts_) {
    if (!part.expression) {
      out += part.text;
      continue;
    }
    auto r = part.expression->evaluate(ctx);
    if (!r.ok()) return r;
    out += to_string(r.value);
  }
  return {std::move(out), {}};
}

Result Template::evaluate(const Context& ctx) const {
  if (parts_.size() == 1 && parts_[0].expression) return parts_[0].expression->evaluate(ctx);
  return render(ctx);
}

}  // namespace gantry::el
