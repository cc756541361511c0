// Cron schedules: parsing (with exact messages) and the next matching second, in UTC.
#include "services/http_health_check/cron.hpp"

#include <gtest/gtest.h>

namespace gantry {
namespace {

using namespace std::chrono;
using time_point = CronSchedule::time_point;

time_point at(int y, unsigned mo, unsigned d, int h, int mi, int s) {
  return time_point(sys_days(year(y) / month(mo) / day(d)) + hours(h) + minutes(mi) + seconds(s));
}

CronSchedule cron(std::string_view expression) {
  std::string error;
  auto schedule = CronSchedule::parse(expression, &error);
  EXPECT_TRUE(schedule.has_value()) << error;
  return schedule.value_or(CronSchedule{});
}

std::string error_of(std::string_view expression) {
  std::string error;
  EXPECT_FALSE(CronSchedule::parse(expression, &error).has_value()) << expression;
  return error;
}

TEST(Cron, EveryFiveSeconds) {
  auto c = cron("*/5 * * * * *");
  EXPECT_EQ(c.next_after(at(2024, 3, 1, 10, 0, 3)), at(2024, 3, 1, 10, 0, 5));
  EXPECT_EQ(c.next_after(at(2024, 3, 1, 10, 0, 5)), at(2024, 3, 1, 10, 0, 10));  // strictly after
  EXPECT_EQ(c.next_after(at(2024, 3, 1, 10, 0, 4) + milliseconds(999)), at(2024, 3, 1, 10, 0, 5));
  EXPECT_EQ(c.next_after(at(2024, 3, 1, 23, 59, 57)), at(2024, 3, 2, 0, 0, 0));
  EXPECT_EQ(c.expression(), "*/5 * * * * *");
}

TEST(Cron, EveryMinute) {
  auto c = cron("0 */1 * * * *");
  EXPECT_EQ(c.next_after(at(2024, 3, 1, 10, 0, 3)), at(2024, 3, 1, 10, 1, 0));
  EXPECT_EQ(c.next_after(at(2024, 3, 1, 10, 0, 0)), at(2024, 3, 1, 10, 1, 0));
  EXPECT_EQ(c.next_after(at(2024, 12, 31, 23, 59, 30)), at(2025, 1, 1, 0, 0, 0));
}

TEST(Cron, FiveFieldsHaveNoSeconds) {
  auto c = cron("*/15 * * * *");
  EXPECT_EQ(c.next_after(at(2024, 3, 1, 10, 0, 0)), at(2024, 3, 1, 10, 15, 0));
  EXPECT_EQ(c.next_after(at(2024, 3, 1, 10, 50, 10)), at(2024, 3, 1, 11, 0, 0));
}

TEST(Cron, WeekdaysAtNoon) {
  auto c = cron("0 0 12 * * MON-FRI");
  // 2024-03-01 is a Friday.
  EXPECT_EQ(c.next_after(at(2024, 3, 1, 11, 0, 0)), at(2024, 3, 1, 12, 0, 0));
  EXPECT_EQ(c.next_after(at(2024, 3, 1, 12, 0, 0)), at(2024, 3, 4, 12, 0, 0));
  EXPECT_EQ(cron("0 0 12 ? * mon-fri").next_after(at(2024, 3, 2, 0, 0, 0)), at(2024, 3, 4, 12, 0, 0));
}

TEST(Cron, SundayIsZeroOrSeven) {
  auto zero = cron("0 0 0 * * 0");
  auto seven = cron("0 0 0 * * 7");
  auto sun = cron("0 0 0 * * SUN");
  EXPECT_EQ(zero.next_after(at(2024, 3, 1, 0, 0, 0)), at(2024, 3, 3, 0, 0, 0));
  EXPECT_EQ(seven.next_after(at(2024, 3, 1, 0, 0, 0)), at(2024, 3, 3, 0, 0, 0));
  EXPECT_EQ(sun.next_after(at(2024, 3, 1, 0, 0, 0)), at(2024, 3, 3, 0, 0, 0));
  EXPECT_EQ(cron("0 0 0 * * 5-7").next_after(at(2024, 3, 2, 1, 0, 0)), at(2024, 3, 3, 0, 0, 0));
}

TEST(Cron, ListsRangesAndSteps) {
  auto c = cron("10,20 5-7/2 1 * * *");
  EXPECT_EQ(c.next_after(at(2024, 3, 1, 0, 0, 0)), at(2024, 3, 1, 1, 5, 10));
  EXPECT_EQ(c.next_after(at(2024, 3, 1, 1, 5, 10)), at(2024, 3, 1, 1, 5, 20));
  EXPECT_EQ(c.next_after(at(2024, 3, 1, 1, 5, 20)), at(2024, 3, 1, 1, 7, 10));
  EXPECT_EQ(c.next_after(at(2024, 3, 1, 1, 7, 20)), at(2024, 3, 2, 1, 5, 10));
  auto from = cron("30/10 * * * * *");  // 30, 40, 50
  EXPECT_EQ(from.next_after(at(2024, 3, 1, 0, 0, 0)), at(2024, 3, 1, 0, 0, 30));
  EXPECT_EQ(from.next_after(at(2024, 3, 1, 0, 0, 50)), at(2024, 3, 1, 0, 1, 30));
}

TEST(Cron, MonthsAndDaysOfMonth) {
  auto c = cron("0 0 0 31 * *");
  EXPECT_EQ(c.next_after(at(2024, 4, 1, 0, 0, 0)), at(2024, 5, 31, 0, 0, 0));  // April has 30 days
  auto leap = cron("0 0 0 29 FEB *");
  EXPECT_EQ(leap.next_after(at(2024, 3, 1, 0, 0, 0)), at(2028, 2, 29, 0, 0, 0));
  EXPECT_EQ(cron("0 0 6 1 jan-mar/2 *").next_after(at(2024, 1, 2, 0, 0, 0)), at(2024, 3, 1, 6, 0, 0));
}

TEST(Cron, DayOfMonthAndDayOfWeekMustBothMatch) {
  // As in Spring: the 13th that is a Friday. After 2024-03-01 the next is 2024-09-13.
  auto c = cron("0 0 0 13 * FRI");
  EXPECT_EQ(c.next_after(at(2024, 3, 1, 0, 0, 0)), at(2024, 9, 13, 0, 0, 0));
}

TEST(Cron, ImpossibleDatesNeverFire) {
  EXPECT_EQ(cron("0 0 0 30 2 *").next_after(at(2024, 1, 1, 0, 0, 0)), time_point::max());
}

TEST(Cron, Macros) {
  EXPECT_EQ(cron("@hourly").next_after(at(2024, 3, 1, 10, 0, 3)), at(2024, 3, 1, 11, 0, 0));
  EXPECT_EQ(cron("@daily").next_after(at(2024, 3, 1, 10, 0, 3)), at(2024, 3, 2, 0, 0, 0));
  EXPECT_EQ(cron("@midnight").next_after(at(2024, 3, 1, 10, 0, 3)), at(2024, 3, 2, 0, 0, 0));
  EXPECT_EQ(cron("@weekly").next_after(at(2024, 3, 1, 10, 0, 3)), at(2024, 3, 3, 0, 0, 0));
  EXPECT_EQ(cron("@monthly").next_after(at(2024, 3, 1, 10, 0, 3)), at(2024, 4, 1, 0, 0, 0));
  EXPECT_EQ(cron("@yearly").next_after(at(2024, 3, 1, 10, 0, 3)), at(2025, 1, 1, 0, 0, 0));
  EXPECT_EQ(cron("@annually").next_after(at(2024, 3, 1, 10, 0, 3)), at(2025, 1, 1, 0, 0, 0));
}

TEST(Cron, ExtraWhitespaceIsFine) {
  EXPECT_EQ(cron("  */5\t*  * * * * ").next_after(at(2024, 3, 1, 10, 0, 3)), at(2024, 3, 1, 10, 0, 5));
}

TEST(Cron, Errors) {
  EXPECT_EQ(error_of("* * *"), "invalid cron expression '* * *': expected 6 fields (second minute hour "
                               "day-of-month month day-of-week) or 5 (without seconds), found 3");
  EXPECT_EQ(error_of(""), "invalid cron expression '': expected 6 fields (second minute hour day-of-month month "
                          "day-of-week) or 5 (without seconds), found 0");
  EXPECT_EQ(error_of("@often"), "invalid cron expression '@often': expected 6 fields (second minute hour "
                                "day-of-month month day-of-week) or 5 (without seconds), found 1");
  EXPECT_EQ(error_of("61 * * * * *"), "invalid cron expression '61 * * * * *': second value '61' is out of range 0-59");
  EXPECT_EQ(error_of("* 60 * * * *"), "invalid cron expression '* 60 * * * *': minute value '60' is out of range 0-59");
  EXPECT_EQ(error_of("* * 24 * * *"), "invalid cron expression '* * 24 * * *': hour value '24' is out of range 0-23");
  EXPECT_EQ(error_of("* * * 0 * *"),
            "invalid cron expression '* * * 0 * *': day-of-month value '0' is out of range 1-31");
  EXPECT_EQ(error_of("* * * * 13 *"), "invalid cron expression '* * * * 13 *': month value '13' is out of range 1-12");
  EXPECT_EQ(error_of("* * * * * 8"),
            "invalid cron expression '* * * * * 8': day-of-week value '8' is out of range 0-7");
  EXPECT_EQ(error_of("*/0 * * * * *"), "invalid cron expression '*/0 * * * * *': second step '0' must be 1 or more");
  EXPECT_EQ(error_of("*/x * * * * *"), "invalid cron expression '*/x * * * * *': second step 'x' is not a number");
  EXPECT_EQ(error_of("* 30-10 * * * *"),
            "invalid cron expression '* 30-10 * * * *': minute range '30-10' goes backwards");
  EXPECT_EQ(error_of("abc * * * * *"), "invalid cron expression 'abc * * * * *': second value 'abc' is not a number");
  EXPECT_EQ(error_of("1,,2 * * * * *"),
            "invalid cron expression '1,,2 * * * * *': second has an empty list element in '1,,2'");
  EXPECT_EQ(error_of("? * * * * *"), "invalid cron expression '? * * * * *': second value '?' is not a number");
  EXPECT_EQ(error_of("0 0 0 L * *"),
            "invalid cron expression '0 0 0 L * *': day-of-month value 'L' uses L, W or #, which are not supported");
  EXPECT_EQ(error_of("0 0 0 * * 5#3"),
            "invalid cron expression '0 0 0 * * 5#3': day-of-week value '5#3' uses L, W or #, which are not supported");
  EXPECT_EQ(error_of("0 0 0 * JANUARY *"),
            "invalid cron expression '0 0 0 * JANUARY *': month value 'JANUARY' is not a number");
  EXPECT_EQ(error_of("0 0 0 * * MON-"),
            "invalid cron expression '0 0 0 * * MON-': day-of-week value '' is not a number");
  EXPECT_FALSE(CronSchedule::parse("nope", nullptr).has_value());  // the error is optional
}

}  // namespace
}  // namespace gantry
