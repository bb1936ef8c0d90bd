#include "core/rights/deadlines.h"

#include <gtest/gtest.h>

#include <string>

namespace tillit::core {
namespace {

Date D(int y, unsigned m, unsigned d) { return Date(std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)); }

TEST(Deadlines, EasterByComputus) {
  EXPECT_EQ(EasterSunday(2024), D(2024, 3, 31));
  EXPECT_EQ(EasterSunday(2025), D(2025, 4, 20));
  EXPECT_EQ(EasterSunday(2026), D(2026, 4, 5));
  EXPECT_EQ(EasterSunday(2027), D(2027, 3, 28));
  EXPECT_EQ(EasterSunday(2038), D(2038, 4, 25));  // the latest possible date
  EXPECT_EQ(EasterSunday(2285), D(2285, 3, 22));  // the earliest possible date
}

struct HolidayCase {
  const char* country;
  Date date;
  bool holiday;
  const char* what;
};

TEST(Deadlines, HolidayCalendars) {
  const HolidayCase cases[] = {
      {"NO", D(2025, 4, 17), true, "Maundy Thursday"},
      {"SE", D(2025, 4, 17), false, "Maundy Thursday is not a Swedish holiday"},
      {"FI", D(2025, 4, 17), false, "nor a Finnish one"},
      {"NO", D(2025, 4, 18), true, "Good Friday"},
      {"SE", D(2026, 4, 3), true, "Good Friday"},
      {"FI", D(2027, 3, 26), true, "Good Friday"},
      {"NO", D(2024, 4, 1), true, "Easter Monday"},
      {"SE", D(2026, 4, 6), true, "Easter Monday"},
      {"FI", D(2027, 3, 29), true, "Easter Monday"},
      {"NO", D(2024, 5, 9), true, "Ascension Day"},
      {"SE", D(2025, 5, 29), true, "Ascension Day"},
      {"FI", D(2026, 5, 14), true, "Ascension Day"},
      {"FI", D(2027, 5, 6), true, "Ascension Day"},
      {"NO", D(2026, 5, 25), true, "Whit Monday"},
      {"SE", D(2026, 5, 25), false, "Whit Monday is no longer a Swedish holiday"},
      {"NO", D(2025, 5, 1), true, "May Day"},
      {"FI", D(2024, 5, 1), true, "May Day"},
      {"NO", D(2024, 5, 17), true, "Constitution Day"},
      {"SE", D(2024, 5, 17), false, "Constitution Day is Norwegian"},
      {"SE", D(2025, 6, 6), true, "National Day of Sweden"},
      {"FI", D(2025, 12, 6), true, "Independence Day"},
      {"SE", D(2024, 6, 21), true, "Midsummer Eve"},
      {"SE", D(2025, 6, 20), true, "Midsummer Eve"},
      {"FI", D(2026, 6, 19), true, "Midsummer Eve"},
      {"FI", D(2027, 6, 25), true, "Midsummer Eve"},
      {"NO", D(2027, 6, 25), false, "Midsummer Eve is no Norwegian holiday"},
      {"SE", D(2024, 6, 20), false, "the day before Midsummer Eve"},
      {"SE", D(2025, 6, 21), true, "Midsummer Day"},
      {"SE", D(2024, 11, 2), true, "All Saints' Day"},
      {"FI", D(2025, 11, 1), true, "All Saints' Day"},
      {"SE", D(2026, 10, 31), true, "All Saints' Day on 31 October"},
      {"FI", D(2027, 11, 6), true, "All Saints' Day on 6 November"},
      {"SE", D(2027, 10, 30), false, "the Saturday before the window"},
      {"SE", D(2024, 1, 6), true, "Epiphany"},
      {"FI", D(2027, 1, 6), true, "Epiphany"},
      {"NO", D(2027, 1, 6), false, "Epiphany is no Norwegian holiday"},
      {"SE", D(2025, 12, 24), true, "Christmas Eve"},
      {"FI", D(2026, 12, 24), true, "Christmas Eve"},
      {"NO", D(2025, 12, 24), false, "Christmas Eve is a working day in Norway"},
      {"NO", D(2025, 12, 25), true, "Christmas Day"},
      {"FI", D(2025, 12, 26), true, "Boxing Day"},
      {"NO", D(2026, 1, 1), true, "New Year's Day"},
      {"SE", D(2026, 3, 2), false, "an ordinary Monday"},
      {"DE", D(2025, 12, 25), false, "no calendar for other countries"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(IsPublicHoliday(c.country, c.date), c.holiday) << c.country << " " << c.what;
  }
}

TEST(Deadlines, AddMonthsClampsToTheMonthEnd) {
  EXPECT_EQ(AddMonths(D(2025, 1, 31), 1), D(2025, 2, 28));
  EXPECT_EQ(AddMonths(D(2024, 1, 31), 1), D(2024, 2, 29));
  EXPECT_EQ(AddMonths(D(2025, 3, 31), 1), D(2025, 4, 30));
  EXPECT_EQ(AddMonths(D(2025, 12, 15), 1), D(2026, 1, 15));
  EXPECT_EQ(AddMonths(D(2025, 1, 31), 3), D(2025, 4, 30));
  EXPECT_EQ(AddMonths(D(2025, 11, 30), 3), D(2026, 2, 28));
}

struct DueCase {
  const char* country;
  const char* zone;
  const char* received;
  int months;
  const char* due;
  const char* why;
};

TEST(Deadlines, DueDatesMoveToTheNextWorkingDay) {
  const DueCase cases[] = {
      {"NO", "Europe/Oslo", "2025-01-31T10:00:00Z", 1, "2025-02-28T22:59:59Z", "31 Jan → 28 Feb, a Friday"},
      {"NO", "Europe/Oslo", "2024-01-31T10:00:00Z", 1, "2024-02-29T22:59:59Z", "leap year"},
      {"NO", "Europe/Oslo", "2025-01-31T23:30:00Z", 1, "2025-03-03T22:59:59Z",
       "already 1 Feb in Oslo: 1 Mar is a Saturday"},
      {"NO", "Europe/Oslo", "2025-03-17T09:00:00Z", 1, "2025-04-22T21:59:59Z",
       "Maundy Thursday to Easter Monday, summer time"},
      {"SE", "Europe/Stockholm", "2026-05-19T09:00:00Z", 1, "2026-06-22T21:59:59Z", "Midsummer Eve"},
      {"SE", "Europe/Stockholm", "2025-11-24T09:00:00Z", 1, "2025-12-29T22:59:59Z", "Christmas"},
      {"FI", "Europe/Helsinki", "2025-11-06T09:00:00Z", 1, "2025-12-08T21:59:59Z", "Independence Day on a Saturday"},
      {"FI", "Europe/Helsinki", "2026-05-14T09:00:00Z", 1, "2026-06-15T20:59:59Z", "a Sunday"},
      {"NO", "Europe/Oslo", "2025-01-31T10:00:00Z", 3, "2025-04-30T21:59:59Z", "extended by two months"},
      {"NO", "Europe/Oslo", "2027-04-17T10:00:00Z", 1, "2027-05-18T21:59:59Z", "17 May, then a working Tuesday"},
  };
  for (const auto& c : cases) {
    auto deadlines = Deadlines::Create(c.country, c.zone);
    ASSERT_TRUE(deadlines.ok());
    auto received = ParseRfc3339(c.received);
    ASSERT_TRUE(received.ok());
    EXPECT_EQ(FormatRfc3339(deadlines->DueAt(*received, c.months)), c.due) << c.why;
  }
}

TEST(Deadlines, RejectsAnUnknownTimeZone) {
  auto d = Deadlines::Create("NO", "Europe/Atlantis");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().reason(), "invalid_time_zone");
}

}  // namespace
}  // namespace tillit::core
