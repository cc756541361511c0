#include "core/message/dynamic_config.hpp"

#include "core/el/diagnose.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <algorithm>
#include <charconv>

namespace gantry {

namespace json = boost::json;

namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

json::array split_list(std::string_view text) {
  json::array out;
  for (auto& item : split_attribute_list(text)) out.emplace_back(json::string(item));
  return out;
}

// The attribute's text as the JSON value of a field of `kind`; "" and `error` set when it cannot be one.
json::value convert(std::string_view text, DynamicConfig::Kind kind, std::string& error) {
  switch (kind) {
    case DynamicConfig::Kind::text: return json::string(text);
    case DynamicConfig::Kind::list: return split_list(text);
    case DynamicConfig::Kind::boolean: {
      const auto t = trim(text);
      if (t == "true" || t == "TRUE" || t == "True") return true;
      if (t == "false" || t == "FALSE" || t == "False") return false;
      error = "expected true or false, got '" + std::string(text) + "'";
      return nullptr;
    }
    case DynamicConfig::Kind::integer: {
      const auto t = trim(text);
      std::int64_t n = 0;
      auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
      if (t.empty() || ec != std::errc() || ptr != t.data() + t.size()) {
        error = "expected an integer, got '" + std::string(text) + "'";
        return nullptr;
      }
      return n;
    }
  }
  return nullptr;
}

DynamicConfig::Kind kind_of_value(const json::value& v) {
  if (v.is_bool()) return DynamicConfig::Kind::boolean;
  if (v.is_int64() || v.is_uint64()) return DynamicConfig::Kind::integer;
  if (v.is_array()) return DynamicConfig::Kind::list;
  return DynamicConfig::Kind::text;
}

// The field `dotted` names under `root` (created, with the objects leading to it, when absent). A key that itself
// holds dots ("linger.ms" under "properties") is found when present. Null with `error` when a step is no object.
json::value* locate(json::value& root, std::string_view dotted, std::string& error) {
  if (root.is_null()) root = json::object();
  json::value* at = &root;
  for (;;) {
    if (!at->is_object()) {
      error = "cannot override a field inside a value that is not an object";
      return nullptr;
    }
    auto& object = at->as_object();
    if (auto* whole = object.if_contains(dotted)) return whole;
    const auto dot = dotted.find('.');
    const auto head = dotted.substr(0, dot);
    if (head.empty()) {
      error = "empty segment in the attribute's path";
      return nullptr;
    }
    if (dot == std::string_view::npos) return &object[head];
    json::value& child = object[head];
    if (child.is_null()) child = json::object();
    at = &child;
    dotted.remove_prefix(dot + 1);
  }
}

// The value a site points at in `root`, or null when an override replaced something on its way.
json::value* follow(json::value& root, const std::vector<DynamicConfig::Step>& steps, json::value** parent) {
  json::value* at = &root;
  *parent = nullptr;
  for (const auto& step : steps) {
    *parent = at;
    if (step.is_index()) {
      auto* array = at->if_array();
      if (!array || step.index >= array->size()) return nullptr;
      at = &(*array)[step.index];
    } else {
      auto* object = at->if_object();
      if (!object) return nullptr;
      at = object->if_contains(step.key);
      if (!at) return nullptr;
    }
  }
  return at;
}

}  // namespace

bool holds_expression(std::string_view text) { return text.find("{#") != std::string_view::npos; }

std::vector<std::string> split_attribute_list(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    auto item = trim(text.substr(0, comma));
    if (!item.empty()) out.push_back(std::move(item));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

std::shared_ptr<const DynamicConfig> DynamicConfig::build(const json::value& configuration,
                                                          std::string configuration_path, const json::value& shared,
                                                          std::string shared_path, Options options,
                                                          Diagnostics& diag) {
  auto out = std::make_shared<DynamicConfig>();
  out->documents_[0] = {configuration, std::move(configuration_path)};
  out->documents_[1] = {shared, std::move(shared_path)};
  out->prefix_ = "gravitee.attributes.endpoint." + options.type + ".";
  out->options_ = std::move(options);
  for (int d = 0; d < 2; ++d) {
    std::vector<Step> steps;
    out->collect(d, out->documents_[d].value, steps, out->documents_[d].path, diag);
  }
  return out;
}

void DynamicConfig::collect(int document, const json::value& v, std::vector<Step>& steps, const std::string& path,
                            Diagnostics& diag) {
  if (v.is_string()) {
    const auto& text = v.get_string();
    if (!holds_expression(text)) return;
    if (auto compiled = el::compile_template(text, path, diag)) {
      std::string dotted;
      for (const auto& step : steps)
        if (!step.is_index()) dotted += (dotted.empty() ? "" : ".") + step.key;
      sites_.push_back(Site{document, steps, std::move(compiled), path, std::move(dotted)});
    }
  } else if (v.is_object()) {
    for (const auto& [key, child] : v.get_object()) {
      steps.push_back(Step{std::string(key), 0});
      collect(document, child, steps, path_field(path, key), diag);
      steps.pop_back();
    }
  } else if (v.is_array()) {
    const auto& array = v.get_array();
    for (std::size_t i = 0; i < array.size(); ++i) {
      steps.push_back(Step{"", i});
      collect(document, array[i], steps, path_index(path, i), diag);
      steps.pop_back();
    }
  }
}

DynamicConfig::Kind DynamicConfig::kind_of(std::string_view dotted) const {
  for (const auto& [path, kind] : options_.kinds)
    if (path == dotted) return kind;
  return Kind::text;
}

DynamicConfig::Evaluation DynamicConfig::evaluate(const el::Context& el, const MessageFields& attributes) const {
  Evaluation result;
  json::value docs[2] = {documents_[0].value, documents_[1].value};
  // Overrides, in attribute order (a later one for the same field wins).
  std::vector<std::pair<int, std::string>> overridden;  // (document, dotted path): their expressions are not run
  for (const auto& [name, text] : attributes) {
    if (!name.starts_with(prefix_) || name.size() == prefix_.size()) continue;
    const std::string_view dotted = std::string_view(name).substr(prefix_.size());
    const std::string_view head = dotted.substr(0, dotted.find('.'));
    std::vector<int> targets;
    for (int d = 0; d < 2; ++d)
      if (docs[d].is_object() && docs[d].as_object().contains(head)) targets.push_back(d);
    if (targets.empty()) {
      const auto& own = options_.configuration_fields;
      targets.push_back(std::find(own.begin(), own.end(), head) != own.end() ? 0 : 1);
    }
    for (int d : targets) {
      std::string error;
      json::value* field = locate(docs[d], dotted, error);
      if (field) {
        const Kind kind = field->is_null() ? kind_of(dotted) : kind_of_value(*field);
        if (field->is_object()) error = "is an object: override its fields one by one";
        else *field = convert(text, kind, error);
      }
      if (!error.empty()) {
        result.problems.push_back({Problem::Severity::error, name, error});
        continue;
      }
      overridden.emplace_back(d, std::string(dotted));
    }
  }
  // Expressions, last first: a null result removes an array element without moving the earlier sites.
  for (auto it = sites_.rbegin(); it != sites_.rend(); ++it) {
    const Site& site = *it;
    const std::string& dotted = site.dotted;
    const bool replaced = std::any_of(overridden.begin(), overridden.end(), [&](const auto& o) {
      return o.first == site.document &&
             (dotted == o.second || dotted.starts_with(o.second + ".") || o.second.starts_with(dotted + "."));
    });
    if (replaced) continue;
    json::value* parent = nullptr;
    json::value* field = follow(docs[site.document], site.steps, &parent);
    if (!field || !field->is_string()) continue;
    auto r = site.text->evaluate(el);
    if (!r.ok()) {
      result.problems.push_back({Problem::Severity::error, site.path, "cannot evaluate '" +
                                                                          std::string(field->get_string()) +
                                                                          "': " + r.error});
      continue;
    }
    if (r.value.is_null() && parent) {  // the field is left out: its default applies
      const auto& last = site.steps.back();
      if (last.is_index()) {
        auto& array = parent->as_array();
        array.erase(array.begin() + static_cast<std::ptrdiff_t>(last.index));
      } else {
        parent->as_object().erase(last.key);
      }
      continue;
    }
    *field = json::string(el::to_string(r.value));
  }
  if (!result.problems.empty()) return result;
  Diagnostics diag;
  auto config = options_.parse(docs[0], docs[1], diag);
  for (const auto& p : diag.problems())
    if (p.severity == Problem::Severity::error) result.problems.push_back(p);
  if (result.problems.empty()) result.config = std::move(config);
  return result;
}

std::string DynamicConfig::Evaluation::describe() const {
  std::string out;
  for (const auto& p : problems) {
    if (!out.empty()) out += "; ";
    out += p.path + ": " + p.message;
  }
  return out;
}

}  // namespace gantry
