#include "services/http_health_check/cron.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <vector>

namespace gantry {

namespace {

using Mask = std::uint64_t;

struct Field {
  std::string_view name;
  int min, max;
  std::vector<std::string_view> names;  // names[i] stands for min_name + i
  int first_name_value = 0;
};

const std::array<Field, 6> kFields = {{
    {"second", 0, 59, {}},
    {"minute", 0, 59, {}},
    {"hour", 0, 23, {}},
    {"day-of-month", 1, 31, {}},
    {"month", 1, 12, {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}, 1},
    {"day-of-week", 0, 7, {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}, 0},
}};

std::string_view macro(std::string_view expression) {
  if (expression == "@yearly" || expression == "@annually") return "0 0 0 1 1 *";
  if (expression == "@monthly") return "0 0 0 1 * *";
  if (expression == "@weekly") return "0 0 0 * * 0";
  if (expression == "@daily" || expression == "@midnight") return "0 0 0 * * *";
  if (expression == "@hourly") return "0 0 * * * *";
  return expression;
}

std::vector<std::string_view> split(std::string_view text, char separator, bool skip_empty) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(separator, start);
    if (end == std::string_view::npos) end = text.size();
    if (!skip_empty || end > start) parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

std::vector<std::string_view> split_whitespace(std::string_view text) {
  std::vector<std::string_view> parts;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
    if (i > start) parts.push_back(text.substr(start, i - start));
  }
  return parts;
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(a[i])) != b[i]) return false;
  return true;
}

// Parses one field of one expression, reporting problems as "<field> ...".
class FieldParser {
 public:
  FieldParser(const Field& field, std::string* error) : field_(field), error_(*error) {}

  std::optional<Mask> parse(std::string_view token) {
    Mask mask = 0;
    for (auto element : split(token, ',', false)) {
      if (element.empty()) return fail("has an empty list element in '" + std::string(token) + "'");
      auto bits = parse_element(element);
      if (!bits) return std::nullopt;
      mask |= *bits;
    }
    return mask;
  }

 private:
  const Field& field_;
  std::string& error_;

  std::nullopt_t fail(const std::string& message) {
    error_ = std::string(field_.name) + " " + message;
    return std::nullopt;
  }

  bool is_day_field() const { return field_.name == "day-of-month" || field_.name == "day-of-week"; }

  std::optional<Mask> parse_element(std::string_view element) {
    int low = field_.min, high = field_.max, step = 1;
    auto slash = element.find('/');
    std::string_view base = element.substr(0, slash);
    if (slash != std::string_view::npos) {
      auto s = number(element.substr(slash + 1));
      if (!s) return fail("step '" + std::string(element.substr(slash + 1)) + "' is not a number");
      if (*s < 1) return fail("step '" + std::string(element.substr(slash + 1)) + "' must be 1 or more");
      step = *s;
    }
    if (base == "*" || (base == "?" && is_day_field())) {
      if (field_.name == "day-of-week") high = 6;  // 7 is Sunday again
    } else if (auto dash = base.find('-'); dash != std::string_view::npos) {
      auto a = value(base.substr(0, dash)), b = value(base.substr(dash + 1));
      if (!a || !b) return std::nullopt;
      if (*a > *b) return fail("range '" + std::string(base) + "' goes backwards");
      low = *a, high = *b;
    } else {
      auto a = value(base);
      if (!a) return std::nullopt;
      low = *a;
      high = slash == std::string_view::npos ? *a : field_.max;  // "a/n" runs from a to the end
    }
    Mask mask = 0;
    for (int v = low; v <= high; v += step) mask |= Mask(1) << (field_.name == "day-of-week" && v == 7 ? 0 : v);
    return mask;
  }

  static std::optional<int> number(std::string_view text) {
    int n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return n;
  }

  std::optional<int> value(std::string_view text) {
    auto n = number(text);
    if (!n) {
      for (std::size_t i = 0; i < field_.names.size(); ++i)
        if (equals_ignore_case(text, field_.names[i])) return field_.first_name_value + int(i);
      if (is_day_field() && text.find_first_of("LW#") != std::string_view::npos)
        return fail("value '" + std::string(text) + "' uses L, W or #, which are not supported");
      return fail("value '" + std::string(text) + "' is not a number");
    }
    if (*n < field_.min || *n > field_.max)
      return fail("value '" + std::string(text) + "' is out of range " + std::to_string(field_.min) + "-" +
                  std::to_string(field_.max));
    return n;
  }
};

}  // namespace

std::optional<CronSchedule> CronSchedule::parse(std::string_view expression, std::string* error) {
  std::string ignored;
  if (!error) error = &ignored;
  auto fail = [&](const std::string& detail) -> std::optional<CronSchedule> {
    *error = "invalid cron expression '" + std::string(expression) + "': " + detail;
    return std::nullopt;
  };
  auto tokens = split_whitespace(macro(expression));
  if (tokens.size() == 5) tokens.insert(tokens.begin(), "0");
  if (tokens.size() != 6)
    return fail("expected 6 fields (second minute hour day-of-month month day-of-week) or 5 (without seconds), "
                "found " + std::to_string(split_whitespace(expression).size()));

  std::array<Mask, 6> masks{};
  for (std::size_t i = 0; i < 6; ++i) {
    std::string detail;
    auto mask = FieldParser(kFields[i], &detail).parse(tokens[i]);
    if (!mask) return fail(detail);
    masks[i] = *mask;
  }
  CronSchedule schedule;
  schedule.expression_ = std::string(expression);
  schedule.seconds_ = masks[0];
  schedule.minutes_ = masks[1];
  schedule.hours_ = masks[2];
  schedule.days_of_month_ = masks[3];
  schedule.months_ = masks[4];
  schedule.days_of_week_ = masks[5];
  return schedule;
}

bool CronSchedule::matches_day(std::chrono::sys_days day) const {
  std::chrono::year_month_day date{day};
  return months_[unsigned(date.month())] && days_of_month_[unsigned(date.day())] &&
         days_of_week_[std::chrono::weekday{day}.c_encoding()];
}

long CronSchedule::first_second_in_day(long from) const {
  long h0 = from / 3600, m0 = from / 60 % 60, s0 = from % 60;
  for (long h = h0; h < 24; ++h) {
    if (!hours_[h]) continue;
    for (long m = h == h0 ? m0 : 0; m < 60; ++m) {
      if (!minutes_[m]) continue;
      for (long s = h == h0 && m == m0 ? s0 : 0; s < 60; ++s)
        if (seconds_[s]) return h * 3600 + m * 60 + s;
    }
  }
  return -1;
}

CronSchedule::time_point CronSchedule::next_after(time_point after) const {
  using namespace std::chrono;
  auto t = floor<seconds>(after) + seconds(1);
  auto day = floor<days>(t);
  long from = long((t - day).count());
  // Every (leap year, weekday of 1 January) pair recurs within 28 years: a date that matches nothing in that
  // window (say 30 February) never will.
  for (int i = 0; i <= 28 * 366; ++i, day += days(1), from = 0) {
    if (!matches_day(day)) continue;
    if (long s = first_second_in_day(from); s >= 0) return time_point(day + seconds(s));
  }
  return time_point::max();
}

}  // namespace gantry
