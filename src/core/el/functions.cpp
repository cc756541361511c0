// #jsonPath(object, '$.a.b') over JSON text or EL maps/lists, and #xpath(xml, '/a/b') through pugixml.
#include "core/el/functions.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <pugixml.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace gantry::el {
namespace {

Value from_json(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null: return {};
    case boost::json::kind::bool_: return v.get_bool();
    case boost::json::kind::int64: return v.get_int64();
    case boost::json::kind::uint64: return static_cast<double>(v.get_uint64());
    case boost::json::kind::double_: return v.get_double();
    case boost::json::kind::string: return std::string_view(v.get_string());
    case boost::json::kind::array: {
      List l;
      for (const auto& e : v.get_array()) l.push_back(from_json(e));
      return l;
    }
    case boost::json::kind::object: {
      Map m;
      for (const auto& [k, e] : v.get_object()) m.emplace(std::string(k), from_json(e));
      return m;
    }
  }
  return {};
}

// One step of a path: a member name, an index, or '*' (every element).
struct PathStep {
  std::string name;
  std::int64_t index = -1;
  bool wildcard = false;
};

bool parse_json_path(std::string_view path, std::vector<PathStep>& steps, std::string& error) {
  if (path.empty() || path[0] != '$') {
    error = "JSON path must start with '$': " + std::string(path);
    return false;
  }
  std::size_t i = 1;
  while (i < path.size()) {
    if (path[i] == '.') {
      std::size_t start = ++i;
      while (i < path.size() && path[i] != '.' && path[i] != '[') ++i;
      if (i == start) {
        error = "JSON path: empty member name at " + std::to_string(start) + " (recursive '..' is not supported)";
        return false;
      }
      auto name = path.substr(start, i - start);
      steps.push_back(name == "*" ? PathStep{"", -1, true} : PathStep{std::string(name)});
    } else if (path[i] == '[') {
      auto close = path.find(']', i);
      if (close == std::string_view::npos) {
        error = "JSON path: '[' without ']'";
        return false;
      }
      auto inner = path.substr(i + 1, close - i - 1);
      if (inner == "*") steps.push_back({"", -1, true});
      else if (inner.size() >= 2 && (inner[0] == '\'' || inner[0] == '"') && inner.back() == inner[0])
        steps.push_back({std::string(inner.substr(1, inner.size() - 2))});
      else if (!inner.empty() && std::all_of(inner.begin(), inner.end(), [](char c) { return std::isdigit((unsigned char)c); })) {
        std::int64_t index = 0;
        auto [end, ec] = std::from_chars(inner.data(), inner.data() + inner.size(), index);
        if (ec != std::errc{}) {  // found by the fuzzer: an index beyond int64
          error = "JSON path: index out of range [" + std::string(inner) + "]";
          return false;
        }
        steps.push_back({"", index});
      } else {
        error = "JSON path: unsupported selector [" + std::string(inner) + "]";
        return false;
      }
      i = close + 1;
    } else {
      error = "JSON path: unexpected '" + std::string(1, path[i]) + "' at " + std::to_string(i);
      return false;
    }
  }
  return true;
}

void walk(const Value& at, std::span<const PathStep> steps, List& out, bool& many) {
  if (steps.empty()) {
    out.push_back(at);
    return;
  }
  const PathStep& step = steps.front();
  if (step.wildcard) {
    many = true;
    if (at.is_list())
      for (const auto& e : at.as_list()) walk(e, steps.subspan(1), out, many);
    else if (at.is_map())
      for (const auto& [k, e] : at.as_map()) walk(e, steps.subspan(1), out, many);
    return;
  }
  if (step.index >= 0) {
    if (at.is_list() && step.index < std::int64_t(at.as_list().size())) walk(at.as_list()[step.index], steps.subspan(1), out, many);
    return;
  }
  if (at.is_map() || at.is_object()) {
    Value next = member(at, step.name);
    if (!next.is_null() || (at.is_map() && at.as_map().count(step.name))) walk(next, steps.subspan(1), out, many);
  }
}

Value json_path(std::span<const Value> args, std::string& error) {
  if (args.size() != 2 || !args[1].is_string()) {
    error = "#jsonPath(object, path) takes an object (or JSON text) and a path string";
    return {};
  }
  std::vector<PathStep> steps;
  if (!parse_json_path(args[1].as_string(), steps, error)) return {};
  Value root = args[0];
  if (root.is_string()) {
    root = from_json_text(root.as_string(), error);
    if (!error.empty()) return {};
  }
  List found;
  bool many = false;
  walk(root, steps, found, many);
  if (many) return found;
  return found.empty() ? Value{} : found.front();
}

Value xpath(std::span<const Value> args, std::string& error) {
  if (args.size() != 2 || !args[0].is_string() || !args[1].is_string()) {
    error = "#xpath(xml, expression) takes two strings";
    return {};
  }
  pugi::xml_document doc;
  const auto& xml = args[0].as_string();
  if (auto parsed = doc.load_buffer(xml.data(), xml.size()); !parsed) {
    error = std::string("#xpath: invalid XML: ") + parsed.description();
    return {};
  }
  try {
    pugi::xpath_query query(args[1].as_string().c_str());
    return query.evaluate_string(doc);
  } catch (const pugi::xpath_exception& e) {
    error = std::string("#xpath: ") + e.what();
    return {};
  }
}

}  // namespace

Value from_json_text(std::string_view text, std::string& error) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec) {
    error = "invalid JSON: " + ec.message();
    return {};
  }
  return from_json(v);
}

bool is_function(std::string_view name) { return name == "jsonPath" || name == "xpath"; }
std::string function_names() { return "jsonPath, xpath"; }

Value call_function(std::string_view name, std::span<const Value> args, std::string& error) {
  if (name == "jsonPath") return json_path(args, error);
  if (name == "xpath") return xpath(args, error);
  error = "unknown function '#" + std::string(name) + "'";
  return {};
}

}  // namespace gantry::el
