// JSON text to a value; a syntax error becomes one problem at "$" naming its line and column (from 1).
#pragma once

#include "core/json/diagnostics.hpp"

#include <boost/json/value.hpp>

#include <optional>
#include <string_view>

namespace gantry {

// On malformed input reports `malformed JSON at line L, column C: <reason>` at "$" and returns nothing. Columns
// count characters, not bytes, so that they agree with what editors (and Python's json module) show.
std::optional<boost::json::value> parse_json_text(std::string_view text, Diagnostics& diag);

}  // namespace gantry
