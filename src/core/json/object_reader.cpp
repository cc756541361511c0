#include "core/json/object_reader.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace gantry {

namespace json = boost::json;

std::optional<std::string> json_string(const json::value& v, const std::string& path, Diagnostics& diag) {
  if (!v.is_string()) {
    diag.error(path, "expected a string");
    return std::nullopt;
  }
  return std::string(v.get_string());
}

std::optional<bool> json_bool(const json::value& v, const std::string& path, Diagnostics& diag) {
  if (!v.is_bool()) {
    diag.error(path, "expected a boolean");
    return std::nullopt;
  }
  return v.get_bool();
}

std::optional<std::int64_t> json_integer(const json::value& v, const std::string& path, Diagnostics& diag) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
    return static_cast<std::int64_t>(v.get_uint64());
  // 3000.0 is what some tools write for 3000.
  if (v.is_double() && std::trunc(v.get_double()) == v.get_double() && std::abs(v.get_double()) < 9e18)
    return static_cast<std::int64_t>(v.get_double());
  // Gravitee reads definitions with Jackson, which accepts "2000" for 2000; its own test definitions rely on it.
  if (v.is_string()) {
    const auto& s = v.get_string();
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (!s.empty() && ec == std::errc() && end == s.data() + s.size()) return n;
  }
  diag.error(path, "expected an integer");
  return std::nullopt;
}

const json::array* json_array(const json::value& v, const std::string& path, Diagnostics& diag) {
  if (!v.is_array()) {
    diag.error(path, "expected an array");
    return nullptr;
  }
  return &v.get_array();
}

const json::object* json_object(const json::value& v, const std::string& path, Diagnostics& diag) {
  if (!v.is_object()) {
    diag.error(path, "expected an object");
    return nullptr;
  }
  return &v.get_object();
}

std::optional<std::vector<std::string>> json_strings(const json::value& v, const std::string& path,
                                                     Diagnostics& diag) {
  const auto* array = json_array(v, path, diag);
  if (!array) return std::nullopt;
  std::vector<std::string> out;
  for (std::size_t i = 0; i < array->size(); ++i) {
    if (auto s = json_string((*array)[i], path_index(path, i), diag)) out.push_back(std::move(*s));
  }
  return out;
}

ObjectReader::ObjectReader(const json::value& value, std::string path, Diagnostics& diag)
    : path_(std::move(path)), diag_(diag) {
  object_ = json_object(value, path_, diag_);
}

ObjectReader::~ObjectReader() {
  if (!object_) return;
  for (const auto& [key, value] : *object_) {
    if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
    std::string message = "unknown field '" + std::string(key) + "'";
    if (auto suggestion = did_you_mean(key, known_); !suggestion.empty())
      message += " (did you mean '" + suggestion + "'?)";
    diag_.warning(path_of(key), std::move(message));
  }
}

const json::value* ObjectReader::lookup(std::string_view key, bool required) {
  if (std::find(known_.begin(), known_.end(), key) == known_.end()) known_.emplace_back(key);
  if (!object_) return nullptr;
  const json::value* v = object_->if_contains(key);
  if (v && v->is_null()) v = nullptr;
  if (!v && required) diag_.error(path_, "missing required field '" + std::string(key) + "'");
  return v;
}

const json::value* ObjectReader::get(std::string_view key) { return lookup(key, false); }

const json::value* ObjectReader::require(std::string_view key) { return lookup(key, true); }

std::string_view ObjectReader::which(std::initializer_list<std::string_view> spellings) {
  std::string_view found = *spellings.begin();
  bool seen = false;
  for (auto spelling : spellings) {
    if (get(spelling) && !seen) {
      found = spelling;
      seen = true;
    }
  }
  return found;
}

std::optional<std::string> ObjectReader::string(std::string_view key, bool required) {
  const auto* v = lookup(key, required);
  return v ? json_string(*v, path_of(key), diag_) : std::nullopt;
}

std::optional<bool> ObjectReader::boolean(std::string_view key, bool required) {
  const auto* v = lookup(key, required);
  return v ? json_bool(*v, path_of(key), diag_) : std::nullopt;
}

std::optional<std::int64_t> ObjectReader::integer(std::string_view key, bool required) {
  const auto* v = lookup(key, required);
  return v ? json_integer(*v, path_of(key), diag_) : std::nullopt;
}

std::optional<std::vector<std::string>> ObjectReader::strings(std::string_view key, bool required) {
  const auto* v = lookup(key, required);
  return v ? json_strings(*v, path_of(key), diag_) : std::nullopt;
}

const json::array* ObjectReader::array(std::string_view key, bool required) {
  const auto* v = lookup(key, required);
  return v ? json_array(*v, path_of(key), diag_) : nullptr;
}

const json::object* ObjectReader::object(std::string_view key, bool required) {
  const auto* v = lookup(key, required);
  return v ? json_object(*v, path_of(key), diag_) : nullptr;
}

void ObjectReader::read(std::string_view key, std::string& out) {
  if (auto v = string(key)) out = std::move(*v);
}

void ObjectReader::read(std::string_view key, bool& out) {
  if (auto v = boolean(key)) out = *v;
}

void ObjectReader::read(std::string_view key, std::vector<std::string>& out) {
  if (auto v = strings(key)) out = std::move(*v);
}

void ObjectReader::read_raw(std::string_view key, json::value& out) {
  if (const auto* v = get(key)) out = *v;
}

void ObjectReader::read(std::string_view key, std::int64_t& out, std::int64_t min) {
  auto v = integer(key);
  if (!v) return;
  if (*v < min) {
    diag_.error(path_of(key), "must be at least " + std::to_string(min) + " (got " + std::to_string(*v) + ")");
    return;
  }
  out = *v;
}

void ObjectReader::read(std::string_view key, int& out, std::int64_t min) {
  std::int64_t wide = out;
  auto before = diag_.error_count();
  read(key, wide, min);
  if (diag_.error_count() != before) return;
  if (wide > INT32_MAX) {
    diag_.error(path_of(key), "must be at most " + std::to_string(INT32_MAX) + " (got " + std::to_string(wide) + ")");
    return;
  }
  out = static_cast<int>(wide);
}

void ObjectReader::accept(std::initializer_list<std::string_view> keys) {
  for (auto key : keys) lookup(key, false);
}

}  // namespace gantry
