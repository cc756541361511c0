// The Java String/List/Map methods Gravitee's documentation uses on EL values.
#include "core/el/functions.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>

namespace gantry::el {
namespace {

bool arity(std::span<const Value> args, std::size_t n, std::string_view name, std::string& error) {
  if (args.size() == n) return true;
  error = "method " + std::string(name) + "() takes " + std::to_string(n) + " argument" + (n == 1 ? "" : "s") +
          ", got " + std::to_string(args.size());
  return false;
}

bool string_arg(const Value& v, std::string_view name, std::string& error) {
  if (v.is_string()) return true;
  error = "method " + std::string(name) + "() expects a string argument, got " + std::string(type_name(v));
  return false;
}

bool int_arg(const Value& v, std::string_view name, std::string& error) {
  if (v.is_int()) return true;
  error = "method " + std::string(name) + "() expects an integer argument, got " + std::string(type_name(v));
  return false;
}

std::string mapped(std::string s, int (*f)(int)) {
  for (auto& c : s) c = static_cast<char>(f(static_cast<unsigned char>(c)));
  return s;
}

Value split(const std::string& s, const std::string& pattern, std::string& error) {
  RE2 re(pattern, RE2::Quiet);
  if (!re.ok()) {
    error = "invalid regular expression: " + re.error();
    return {};
  }
  List parts;
  re2::StringPiece match;
  std::size_t start = 0;
  while (start <= s.size()) {
    if (!re.Match(s, start, s.size(), RE2::UNANCHORED, &match, 1) || match.empty()) break;
    const std::size_t at = match.data() - s.data();
    parts.emplace_back(s.substr(start, at - start));
    start = at + match.size();
  }
  parts.emplace_back(s.substr(std::min(start, s.size())));
  while (!parts.empty() && parts.back().as_string().empty()) parts.pop_back();  // Java drops trailing empties
  return parts;
}

Value string_method(const std::string& s, std::string_view name, std::span<const Value> args, std::string& error) {
  auto one_string = [&](auto f) -> Value {
    if (!arity(args, 1, name, error) || !string_arg(args[0], name, error)) return {};
    return f(args[0].as_string());
  };
  if (name == "length") return arity(args, 0, name, error) ? Value(std::int64_t(s.size())) : Value{};
  if (name == "isEmpty") return arity(args, 0, name, error) ? Value(s.empty()) : Value{};
  if (name == "isBlank")
    return arity(args, 0, name, error)
               ? Value(std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); }))
               : Value{};
  if (name == "toUpperCase") return arity(args, 0, name, error) ? Value(mapped(s, ::toupper)) : Value{};
  if (name == "toLowerCase") return arity(args, 0, name, error) ? Value(mapped(s, ::tolower)) : Value{};
  if (name == "trim" || name == "strip") {
    if (!arity(args, 0, name, error)) return {};
    auto b = s.find_first_not_of(" \t\r\n\f\v");
    if (b == std::string::npos) return std::string();
    return s.substr(b, s.find_last_not_of(" \t\r\n\f\v") - b + 1);
  }
  if (name == "startsWith") return one_string([&](const std::string& a) { return Value(s.starts_with(a)); });
  if (name == "endsWith") return one_string([&](const std::string& a) { return Value(s.ends_with(a)); });
  if (name == "contains") return one_string([&](const std::string& a) { return Value(s.find(a) != std::string::npos); });
  if (name == "equals") return arity(args, 1, name, error) ? Value(args[0].is_string() && args[0].as_string() == s) : Value{};
  if (name == "equalsIgnoreCase")
    return one_string([&](const std::string& a) { return Value(mapped(a, ::tolower) == mapped(s, ::tolower)); });
  if (name == "indexOf")
    return one_string([&](const std::string& a) {
      auto i = s.find(a);
      return Value(i == std::string::npos ? std::int64_t{-1} : std::int64_t(i));
    });
  if (name == "matches")
    return one_string([&](const std::string& a) -> Value {
      RE2 re(a, RE2::Quiet);
      if (!re.ok()) {
        error = "invalid regular expression: " + re.error();
        return {};
      }
      return RE2::FullMatch(s, re);
    });
  if (name == "split") return one_string([&](const std::string& a) { return split(s, a, error); });
  if (name == "concat") return one_string([&](const std::string& a) { return Value(s + a); });
  if (name == "replace") {
    if (!arity(args, 2, name, error) || !string_arg(args[0], name, error) || !string_arg(args[1], name, error)) return {};
    const auto& from = args[0].as_string();
    if (from.empty()) return s;
    std::string out;
    std::size_t i = 0;
    for (auto at = s.find(from); at != std::string::npos; at = s.find(from, i)) {
      out.append(s, i, at - i).append(args[1].as_string());
      i = at + from.size();
    }
    return out.append(s, i);
  }
  if (name == "substring") {
    if (args.empty() || args.size() > 2) return arity(args, 1, name, error), Value{};
    for (const auto& a : args)
      if (!int_arg(a, name, error)) return {};
    const auto begin = args[0].as_int();
    const auto end = args.size() == 2 ? args[1].as_int() : std::int64_t(s.size());
    if (begin < 0 || end > std::int64_t(s.size()) || begin > end) {
      error = "substring(" + std::to_string(begin) + ", " + std::to_string(end) + ") out of range for length " +
              std::to_string(s.size());
      return {};
    }
    return s.substr(begin, end - begin);
  }
  if (name == "charAt") {
    if (!arity(args, 1, name, error) || !int_arg(args[0], name, error)) return {};
    const auto i = args[0].as_int();
    if (i < 0 || i >= std::int64_t(s.size())) {
      error = "charAt(" + std::to_string(i) + ") out of range for length " + std::to_string(s.size());
      return {};
    }
    return std::string(1, s[i]);
  }
  if (name == "toString") return arity(args, 0, name, error) ? Value(s) : Value{};
  error = "unknown method '" + std::string(name) + "' on a string";
  return {};
}

Value list_method(const List& l, std::string_view name, std::span<const Value> args, std::string& error) {
  if (name == "size") return arity(args, 0, name, error) ? Value(std::int64_t(l.size())) : Value{};
  if (name == "isEmpty") return arity(args, 0, name, error) ? Value(l.empty()) : Value{};
  if (name == "contains") {
    if (!arity(args, 1, name, error)) return {};
    return std::any_of(l.begin(), l.end(), [&](const Value& v) { return equals(v, args[0]); });
  }
  if (name == "get") {
    if (!arity(args, 1, name, error) || !int_arg(args[0], name, error)) return {};
    const auto i = args[0].as_int();
    if (i < 0 || i >= std::int64_t(l.size())) {
      error = "index " + std::to_string(i) + " out of range for a list of " + std::to_string(l.size());
      return {};
    }
    return l[i];
  }
  error = "unknown method '" + std::string(name) + "' on a list";
  return {};
}

Value map_method(const Value& m, std::string_view name, std::span<const Value> args, std::string& error) {
  std::vector<std::string> keys;
  if (m.is_map())
    for (const auto& [k, v] : m.as_map()) keys.push_back(k);
  else
    keys = m.as_object().keys();
  if (name == "get") return arity(args, 1, name, error) ? member(m, to_string(args[0])) : Value{};
  if (name == "containsKey") {
    if (!arity(args, 1, name, error)) return {};
    if (m.is_object() && keys.empty()) return !member(m, to_string(args[0])).is_null();
    return std::find(keys.begin(), keys.end(), to_string(args[0])) != keys.end();
  }
  if (name == "size") return arity(args, 0, name, error) ? Value(std::int64_t(keys.size())) : Value{};
  if (name == "isEmpty") return arity(args, 0, name, error) ? Value(keys.empty()) : Value{};
  if (name == "keySet") {
    if (!arity(args, 0, name, error)) return {};
    List out(keys.begin(), keys.end());
    return out;
  }
  error = "unknown method '" + std::string(name) + "' on a map";
  return {};
}

}  // namespace

Value call_method(const Value& target, std::string_view name, std::span<const Value> args, std::string& error) {
  if (target.is_string()) return string_method(target.as_string(), name, args, error);
  if (target.is_list()) return list_method(target.as_list(), name, args, error);
  if (target.is_map() || target.is_object()) return map_method(target, name, args, error);
  if (name == "toString" && args.empty()) return to_string(target);
  if (name == "equals" && args.size() == 1) return equals(target, args[0]);
  error = "cannot call method '" + std::string(name) + "' on " +
          (target.is_null() ? std::string("null") : "a " + std::string(type_name(target)));
  return {};
}

}  // namespace gantry::el
