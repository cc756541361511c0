// Typed reading of one JSON object's fields that reports wrong types and, at the end, unknown keys (as warnings).
#pragma once

#include "core/json/diagnostics.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gantry {

// Type checks on a single value: report "expected a string" (etc.) at `path` and return nothing when wrong.
std::optional<std::string> json_string(const boost::json::value& v, const std::string& path, Diagnostics& diag);
std::optional<bool> json_bool(const boost::json::value& v, const std::string& path, Diagnostics& diag);
std::optional<std::int64_t> json_integer(const boost::json::value& v, const std::string& path, Diagnostics& diag);
const boost::json::array* json_array(const boost::json::value& v, const std::string& path, Diagnostics& diag);
const boost::json::object* json_object(const boost::json::value& v, const std::string& path, Diagnostics& diag);
// An array of strings; wrong elements are reported one by one and skipped.
std::optional<std::vector<std::string>> json_strings(const boost::json::value& v, const std::string& path,
                                                     Diagnostics& diag);

// Every key asked for (present or not) becomes "known"; when the reader is destroyed, each key of the object that
// nobody asked for is reported as `unknown field 'x' (did you mean 'y'?)`, a warning, so that definitions exported
// by newer versions still load. A null field reads as absent, as Gravitee's own (Jackson) reader treats it.
class ObjectReader {
 public:
  // When `value` is not an object, reports "expected an object" at `path`; every read then returns nothing.
  ObjectReader(const boost::json::value& value, std::string path, Diagnostics& diag);
  ObjectReader(const ObjectReader&) = delete;
  ObjectReader& operator=(const ObjectReader&) = delete;
  ~ObjectReader();

  bool valid() const { return object_ != nullptr; }
  const std::string& path() const { return path_; }
  std::string path_of(std::string_view key) const { return path_field(path_, key); }
  Diagnostics& diag() const { return diag_; }

  // The value, or nullptr when absent or null.
  const boost::json::value* get(std::string_view key);
  // As get(), but reports "missing required field 'key'" at this object's path when absent.
  const boost::json::value* require(std::string_view key);
  // Of several spellings of one field ("channelOperator", "channel-operator"), the one present, else the first.
  std::string_view which(std::initializer_list<std::string_view> spellings);

  std::optional<std::string> string(std::string_view key, bool required = false);
  std::optional<bool> boolean(std::string_view key, bool required = false);
  std::optional<std::int64_t> integer(std::string_view key, bool required = false);
  std::optional<std::vector<std::string>> strings(std::string_view key, bool required = false);
  const boost::json::array* array(std::string_view key, bool required = false);
  const boost::json::object* object(std::string_view key, bool required = false);

  // Assign to `out` when the field is present and well typed; leave it alone otherwise.
  void read(std::string_view key, std::string& out);
  void read(std::string_view key, bool& out);
  void read(std::string_view key, std::vector<std::string>& out);
  void read_raw(std::string_view key, boost::json::value& out);
  // An integer that must be at least `min`: "must be at least 1 (got 0)".
  void read(std::string_view key, int& out, std::int64_t min);
  void read(std::string_view key, std::int64_t& out, std::int64_t min);

  // Keys that are accepted without being read (kept in ApiDefinition::raw only).
  void accept(std::initializer_list<std::string_view> keys);

 private:
  const boost::json::value* lookup(std::string_view key, bool required);

  const boost::json::object* object_ = nullptr;
  std::string path_;
  Diagnostics& diag_;
  std::vector<std::string> known_;
};

}  // namespace gantry
