// Reading JSON request bodies: malformed JSON and fields of the wrong type are 400s that name the JSON path.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace gantry::management {

// The body as a JSON object; an empty body reads as {} when `allow_empty`. Throws ApiError 400.
boost::json::object parse_object_body(std::string_view body, bool allow_empty = false);

// Optional fields of a body object: absent or null -> nullopt; the wrong type -> ApiError 400 naming "$.<field>".
std::optional<std::string> string_field(const boost::json::object& o, std::string_view field);
std::optional<bool> bool_field(const boost::json::object& o, std::string_view field);
std::optional<std::int64_t> int_field(const boost::json::object& o, std::string_view field);
const boost::json::object* object_field(const boost::json::object& o, std::string_view field);
// A required, non-blank string.
std::string required_string(const boost::json::object& o, std::string_view field);
// One of `allowed` (compared case-insensitively, '-' and '_' alike); returns the allowed spelling.
std::optional<std::string> enum_field(const boost::json::object& o, std::string_view field,
                                      std::initializer_list<std::string_view> allowed);
// An ISO-8601 date-time field ("2024-05-18T12:40:46.184Z") as milliseconds since the epoch.
std::optional<std::int64_t> time_field(const boost::json::object& o, std::string_view field);

// Milliseconds since the epoch -> "2024-05-18T12:40:46.184Z".
std::string iso_time(std::int64_t millis);
std::optional<std::int64_t> parse_iso_time(std::string_view text);

}  // namespace gantry::management
