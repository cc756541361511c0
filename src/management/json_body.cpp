#include "management/json_body.hpp"

#include "core/json/diagnostics.hpp"
#include "management/api_error.hpp"

#include <boost/json/parse.hpp>

#include <cctype>
#include <ctime>

namespace gantry::management {

namespace {

std::string at(std::string_view field) { return path_field("$", field); }

const boost::json::value* present(const boost::json::object& o, std::string_view field) {
  const auto* v = o.if_contains(field);
  return v && !v->is_null() ? v : nullptr;
}

ApiError wrong_type(std::string_view field, const char* expected) {
  return bad_request("Invalid request body", "request.body.invalid",
                     {{at(field), std::string("expected ") + expected}});
}

std::string canonical(std::string_view s) {
  std::string out;
  for (char ch : s) out += ch == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return out;
}

// Line and column of a byte offset, for malformed-JSON messages.
std::pair<std::size_t, std::size_t> line_column(std::string_view text, std::size_t offset) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') ++line, column = 1;
    else ++column;
  }
  return {line, column};
}

}  // namespace

boost::json::object parse_object_body(std::string_view body, bool allow_empty) {
  std::size_t blank = 0;
  while (blank < body.size() && std::isspace(static_cast<unsigned char>(body[blank]))) ++blank;
  if (blank == body.size()) {
    if (allow_empty) return {};
    throw bad_request("The request body is empty; a JSON object is expected", "request.body.empty");
  }
  boost::json::stream_parser parser;
  boost::system::error_code ec;
  const std::size_t used = parser.write_some(body.data(), body.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    auto [line, column] = line_column(body, used);
    throw bad_request("Malformed JSON at line " + std::to_string(line) + ", column " + std::to_string(column) + ": " +
                          ec.message(),
                      "request.body.malformed");
  }
  auto value = parser.release();
  if (!value.is_object()) throw bad_request("The request body must be a JSON object", "request.body.invalid");
  return std::move(value.as_object());
}

std::optional<std::string> string_field(const boost::json::object& o, std::string_view field) {
  const auto* v = present(o, field);
  if (!v) return std::nullopt;
  if (!v->is_string()) throw wrong_type(field, "a string");
  return std::string(v->as_string());
}

std::optional<bool> bool_field(const boost::json::object& o, std::string_view field) {
  const auto* v = present(o, field);
  if (!v) return std::nullopt;
  if (!v->is_bool()) throw wrong_type(field, "a boolean");
  return v->as_bool();
}

std::optional<std::int64_t> int_field(const boost::json::object& o, std::string_view field) {
  const auto* v = present(o, field);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) return static_cast<std::int64_t>(v->as_uint64());
  throw wrong_type(field, "an integer");
}

const boost::json::object* object_field(const boost::json::object& o, std::string_view field) {
  const auto* v = present(o, field);
  if (!v) return nullptr;
  if (!v->is_object()) throw wrong_type(field, "an object");
  return &v->as_object();
}

std::string required_string(const boost::json::object& o, std::string_view field) {
  auto value = string_field(o, field);
  bool blank = true;
  if (value)
    for (char ch : *value) blank = blank && std::isspace(static_cast<unsigned char>(ch));
  if (blank)
    throw bad_request("Invalid request body", "request.body.invalid", {{at(field), "is required and must not be blank"}});
  return *value;
}

std::optional<std::string> enum_field(const boost::json::object& o, std::string_view field,
                                      std::initializer_list<std::string_view> allowed) {
  auto value = string_field(o, field);
  if (!value) return std::nullopt;
  std::string known;
  for (auto candidate : allowed) {
    if (canonical(*value) == canonical(candidate)) return std::string(candidate);
    known += (known.empty() ? "" : ", ") + std::string(candidate);
  }
  throw bad_request("Invalid request body", "request.body.invalid",
                    {{at(field), "unknown value '" + *value + "' (known: " + known + ")"}});
}

std::optional<std::int64_t> time_field(const boost::json::object& o, std::string_view field) {
  const auto* v = present(o, field);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  std::optional<std::int64_t> millis;
  if (v->is_string()) millis = parse_iso_time(v->as_string());
  if (!millis) throw wrong_type(field, "an ISO-8601 date-time such as 2030-01-31T12:00:00Z");
  return millis;
}

std::string iso_time(std::int64_t millis) {
  const std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(millis % 1000));
  return buf;
}

std::optional<std::int64_t> parse_iso_time(std::string_view text) {
  std::tm tm{};
  int millis = 0;
  const std::string s(text);
  const char* rest = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!rest) return std::nullopt;
  if (*rest == '.') {
    ++rest;
    int digits = 0;
    while (std::isdigit(static_cast<unsigned char>(*rest))) {
      if (digits < 3) millis = millis * 10 + (*rest - '0');
      ++digits, ++rest;
    }
    for (; digits < 3; ++digits) millis *= 10;
  }
  long offset = 0;
  if (*rest == 'Z') {
    ++rest;
  } else if (*rest == '+' || *rest == '-') {
    int hh = 0, mm = 0;
    if (std::sscanf(rest + 1, "%2d:%2d", &hh, &mm) != 2) return std::nullopt;
    offset = (hh * 3600 + mm * 60) * (*rest == '+' ? 1 : -1);
    rest += 6;
  } else {
    return std::nullopt;
  }
  if (*rest) return std::nullopt;
  return (static_cast<std::int64_t>(timegm(&tm)) - offset) * 1000 + millis;
}

}  // namespace gantry::management
