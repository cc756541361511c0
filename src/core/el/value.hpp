// The values an EL expression computes with: null, boolean, integer, decimal, string, list, map, and borrowed
// views of gateway objects (a request, its headers) that are read lazily instead of being copied.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace gantry::el {

class Value;
using List = std::vector<Value>;
using Map = std::map<std::string, Value, std::less<>>;

// A gateway object seen from EL (#request, #request.headers, #context.attributes...). Implementations live as long
// as the evaluation that sees them (they belong to the evaluation Context), so Values only borrow them.
class Object {
 public:
  virtual ~Object() = default;
  // `obj.name` and `obj['name']`; null when absent.
  virtual Value get(std::string_view name) const = 0;
  // `obj[0]` on list-like objects; by default the index is read as a name.
  virtual Value at(std::int64_t index) const;
  // For `containsKey`, `size`, `keys`, string conversion. Objects that cannot list their members return {}.
  virtual std::vector<std::string> keys() const { return {}; }
  // Maps compare and print by their members; a request does not.
  virtual bool is_map() const { return true; }
};

class Value {
 public:
  using Storage = std::variant<std::monostate, bool, std::int64_t, double, std::string, std::shared_ptr<const List>,
                               std::shared_ptr<const Map>, const Object*>;
  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool b) : v_(b) {}
  Value(int i) : v_(std::int64_t{i}) {}
  Value(std::int64_t i) : v_(i) {}
  Value(double d) : v_(d) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(std::string_view s) : v_(std::string(s)) {}
  Value(const char* s) : v_(std::string(s)) {}
  Value(List l) : v_(std::make_shared<const List>(std::move(l))) {}
  Value(Map m) : v_(std::make_shared<const Map>(std::move(m))) {}
  Value(const Object* o) : v_(o) {}

  bool is_null() const { return v_.index() == 0; }
  bool is_bool() const { return v_.index() == 1; }
  bool is_int() const { return v_.index() == 2; }
  bool is_double() const { return v_.index() == 3; }
  bool is_number() const { return is_int() || is_double(); }
  bool is_string() const { return v_.index() == 4; }
  bool is_list() const { return v_.index() == 5; }
  bool is_map() const { return v_.index() == 6; }
  bool is_object() const { return v_.index() == 7; }

  bool as_bool() const { return std::get<bool>(v_); }
  std::int64_t as_int() const { return std::get<std::int64_t>(v_); }
  double as_double() const { return is_int() ? double(as_int()) : std::get<double>(v_); }
  const std::string& as_string() const { return std::get<std::string>(v_); }
  const List& as_list() const { return *std::get<5>(v_); }
  const Map& as_map() const { return *std::get<6>(v_); }
  const Object& as_object() const { return *std::get<7>(v_); }

  const Storage& storage() const { return v_; }

 private:
  Storage v_;
};

// Java-like rendering, as Spring's template engine would print it: null -> "", 1.5 -> "1.5", [a, b], {k=v}.
std::string to_string(const Value& v);
// Spring's equality: numbers by value (1 == 1.0), strings by content, lists and maps element-wise, null only to
// null. A one-element list equals its element, so `#request.headers.foo == 'x'` reads as users expect.
bool equals(const Value& a, const Value& b);
// Member lookup shared by `.name` and `['name']` on maps, objects and (for a few names) other values.
Value member(const Value& target, std::string_view name);
// The name of the value's type, for error messages: "string", "number", "list"...
std::string_view type_name(const Value& v);

}  // namespace gantry::el
