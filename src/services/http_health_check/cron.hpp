// A Spring-style cron schedule (what Gravitee's health check `schedule` holds): when does the next run fall?
#pragma once

#include <bitset>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace gantry {

// Six fields "sec min hour day-of-month month day-of-week", or five without the seconds (then second 0).
// Each field: *, ?, a number, a name (JAN-DEC, SUN-SAT; day-of-week 0 and 7 are Sunday), a range a-b, a step
// */n, a-b/n or a/n, or a comma-separated list of those. Macros: @yearly @annually @monthly @weekly @daily
// @midnight @hourly. As in Spring, a restricted day-of-month and a restricted day-of-week must BOTH match.
// Not supported (refused with a message): L, W, #.
class CronSchedule {
 public:
  using time_point = std::chrono::system_clock::time_point;

  // On failure sets `error`, e.g. "invalid cron expression '* * *': expected 6 fields (second minute hour
  // day-of-month month day-of-week) or 5 (without seconds), found 3".
  static std::optional<CronSchedule> parse(std::string_view expression, std::string* error);

  // The first whole second strictly after `after` (UTC) that matches; time_point::max() when none does within
  // the next 28 years, which only happens for impossible dates such as "0 0 0 30 2 *".
  time_point next_after(time_point after) const;

  const std::string& expression() const { return expression_; }

 private:
  std::string expression_;
  std::bitset<60> seconds_, minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_of_month_;  // 1..31
  std::bitset<13> months_;         // 1..12
  std::bitset<7> days_of_week_;    // 0 = Sunday

  bool matches_day(std::chrono::sys_days day) const;
  // The first matching second of `day` at or after `from` (seconds since midnight), or -1.
  long first_second_in_day(long from) const;
};

}  // namespace gantry
