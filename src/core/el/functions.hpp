// EL built-in functions (#jsonPath, #xpath) and the methods callable on values ('abc'.startsWith('a')).
#pragma once

#include "core/el/value.hpp"

#include <span>
#include <string>
#include <string_view>

namespace gantry::el {

bool is_function(std::string_view name);
std::string function_names();  // "jsonPath, xpath"

// On failure, `error` is set and the returned value is null.
Value call_function(std::string_view name, std::span<const Value> args, std::string& error);
Value call_method(const Value& target, std::string_view name, std::span<const Value> args, std::string& error);

// Boost.JSON <-> EL values (objects become maps, arrays lists).
Value from_json_text(std::string_view text, std::string& error);

}  // namespace gantry::el
