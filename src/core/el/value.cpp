#include "core/el/value.hpp"

#include <cmath>
#include <cstdio>

namespace gantry::el {

Value Object::at(std::int64_t index) const { return get(std::to_string(index)); }

namespace {

std::string double_to_string(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == std::floor(d) && std::fabs(d) < 1e15) {  // Java prints whole doubles with ".0"
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", d);
    return buf;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  // The shortest form that reads back the same, as Java's Double.toString aims for.
  for (int precision = 1; precision <= 17; ++precision) {
    char shorter[32];
    std::snprintf(shorter, sizeof shorter, "%.*g", precision, d);
    if (std::strtod(shorter, nullptr) == d) return shorter;
  }
  return buf;
}

std::string object_to_string(const Object& o) {
  if (!o.is_map()) return "";
  std::string out = "{";
  bool first = true;
  for (const auto& key : o.keys()) {
    if (!first) out += ", ";
    first = false;
    out += key + "=" + to_string(o.get(key));
  }
  return out + "}";
}

}  // namespace

std::string to_string(const Value& v) {
  struct Visitor {
    std::string operator()(std::monostate) const { return ""; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return double_to_string(d); }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(const std::shared_ptr<const List>& l) const {
      std::string out = "[";
      for (std::size_t i = 0; i < l->size(); ++i) out += (i ? ", " : "") + to_string((*l)[i]);
      return out + "]";
    }
    std::string operator()(const std::shared_ptr<const Map>& m) const {
      std::string out = "{";
      bool first = true;
      for (const auto& [k, val] : *m) {
        out += (first ? "" : ", ") + k + "=" + to_string(val);
        first = false;
      }
      return out + "}";
    }
    std::string operator()(const Object* o) const { return object_to_string(*o); }
  };
  return std::visit(Visitor{}, v.storage());
}

bool equals(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return a.is_null() && b.is_null();
  if (a.is_number() && b.is_number()) {
    if (a.is_int() && b.is_int()) return a.as_int() == b.as_int();
    return a.as_double() == b.as_double();
  }
  if (a.is_list() && !b.is_list()) return a.as_list().size() == 1 && equals(a.as_list()[0], b);
  if (b.is_list() && !a.is_list()) return b.as_list().size() == 1 && equals(a, b.as_list()[0]);
  if (a.is_bool() && b.is_bool()) return a.as_bool() == b.as_bool();
  if (a.is_string() && b.is_string()) return a.as_string() == b.as_string();
  if (a.is_list() && b.is_list()) {
    const auto &x = a.as_list(), &y = b.as_list();
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (!equals(x[i], y[i])) return false;
    return true;
  }
  if (a.is_map() && b.is_map()) {
    const auto &x = a.as_map(), &y = b.as_map();
    if (x.size() != y.size()) return false;
    for (const auto& [k, v] : x) {
      auto it = y.find(k);
      if (it == y.end() || !equals(v, it->second)) return false;
    }
    return true;
  }
  if (a.is_object() && b.is_object()) return &a.as_object() == &b.as_object();
  return false;
}

Value member(const Value& target, std::string_view name) {
  if (target.is_map()) {
    const auto& m = target.as_map();
    auto it = m.find(name);
    return it == m.end() ? Value{} : it->second;
  }
  if (target.is_object()) return target.as_object().get(name);
  return {};
}

std::string_view type_name(const Value& v) {
  switch (v.storage().index()) {
    case 0: return "null";
    case 1: return "boolean";
    case 2:
    case 3: return "number";
    case 4: return "string";
    case 5: return "list";
    case 6: return "map";
    default: return "object";
  }
}

}  // namespace gantry::el
