// Duration: a calendar period from the configuration ("6 months", "10 years", "30 days"), kept as months and days
// because a month is not a fixed number of days: retention and deadlines add them in the controller's calendar.
#ifndef TILLIT_CONFIG_DURATION_H_
#define TILLIT_CONFIG_DURATION_H_

#include <optional>
#include <string>
#include <string_view>

#include "util/clock.h"

namespace tillit::config {

struct Duration {
  int months = 0;
  int days = 0;

  // Months, counting a year as 12; days ignored. For comparing against statutory minimums.
  double ApproxMonths() const { return months + days / 30.44; }
  std::string ToString() const;  // "10 years", "6 months", "30 days", "1 year 2 months"
  bool operator==(const Duration&) const = default;
};

// Parses "N unit" where unit is day(s), week(s), month(s), year(s); several parts may follow each other
// ("1 year 6 months"). N is a non-negative integer. nullopt when the text does not have that form.
std::optional<Duration> ParseDuration(std::string_view text);

// `t` plus `d` on the UTC calendar: months first (the 31st plus one month is the last day of the next month), then
// days; the time of day is kept.
TimePoint AddDuration(TimePoint t, const Duration& d);

}  // namespace tillit::config

#endif  // TILLIT_CONFIG_DURATION_H_
