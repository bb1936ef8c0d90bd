#include "config/duration.h"

#include <charconv>
#include <chrono>
#include <vector>

namespace tillit::config {

std::string Duration::ToString() const {
  std::vector<std::string> parts;
  const int years = months / 12;
  const int rest_months = months % 12;
  auto add = [&parts](int n, const char* unit) {
    if (n == 0) return;
    parts.push_back(std::to_string(n) + " " + unit + (n == 1 ? "" : "s"));
  };
  add(years, "year");
  add(rest_months, "month");
  if (days % 7 == 0 && days != 0) {
    add(days / 7, "week");
  } else {
    add(days, "day");
  }
  if (parts.empty()) return "0 days";
  std::string out = parts[0];
  for (size_t i = 1; i < parts.size(); ++i) out += " " + parts[i];
  return out;
}

std::optional<Duration> ParseDuration(std::string_view text) {
  Duration d;
  bool any = false;
  size_t i = 0;
  auto skip_spaces = [&] {
    while (i < text.size() && text[i] == ' ') ++i;
  };
  skip_spaces();
  while (i < text.size()) {
    int n = 0;
    auto [ptr, ec] = std::from_chars(text.data() + i, text.data() + text.size(), n);
    if (ec != std::errc() || n < 0) return std::nullopt;
    i = ptr - text.data();
    skip_spaces();
    size_t start = i;
    while (i < text.size() && text[i] >= 'a' && text[i] <= 'z') ++i;
    std::string_view unit = text.substr(start, i - start);
    if (unit == "day" || unit == "days") {
      d.days += n;
    } else if (unit == "week" || unit == "weeks") {
      d.days += 7 * n;
    } else if (unit == "month" || unit == "months") {
      d.months += n;
    } else if (unit == "year" || unit == "years") {
      d.months += 12 * n;
    } else {
      return std::nullopt;
    }
    any = true;
    skip_spaces();
  }
  if (!any) return std::nullopt;
  return d;
}

TimePoint AddDuration(TimePoint t, const Duration& d) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const auto time_of_day = t - day;
  year_month_day ymd{day};
  ymd = ymd + months{d.months};
  if (!ymd.ok()) ymd = ymd.year() / ymd.month() / last;
  return sys_days{ymd} + days{d.days} + time_of_day;
}

}  // namespace tillit::config
