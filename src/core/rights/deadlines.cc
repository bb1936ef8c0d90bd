#include "core/rights/deadlines.h"

#include <unicode/timezone.h>
#include <unicode/unistr.h>

namespace tillit::core {
namespace {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::weekday;

Date Plus(Date d, int n) { return Date(sys_days(d) + days(n)); }

bool Is(Date d, unsigned month, unsigned day) {
  return static_cast<unsigned>(d.month()) == month && static_cast<unsigned>(d.day()) == day;
}

// True iff `d` is a `wd` within the seven days from month/first of its year: the Swedish and Finnish feasts that
// fall on a set weekday.
bool InWindow(Date d, weekday wd, unsigned month, unsigned first) {
  if (weekday(sys_days(d)) != wd) return false;
  const Date start(d.year(), std::chrono::month(month), std::chrono::day(first));
  const auto offset = (sys_days(d) - sys_days(start)).count();
  return offset >= 0 && offset <= 6;
}

}  // namespace

Date EasterSunday(int year) {
  const int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4;
  const int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7, m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
  return Date(std::chrono::year(year), std::chrono::month(month), std::chrono::day(day));
}

bool IsPublicHoliday(std::string_view country, Date date) {
  const bool no = country == "NO", se = country == "SE", fi = country == "FI";
  if (!no && !se && !fi) return false;
  const Date easter = EasterSunday(static_cast<int>(date.year()));
  const auto from_easter = (sys_days(date) - sys_days(easter)).count();
  // Movable feasts, by days from Easter Sunday.
  if (no && from_easter == -3) return true;                                    // Maundy Thursday (skjærtorsdag)
  if (from_easter == -2 || from_easter == 0 || from_easter == 1) return true;  // Good Friday, Easter Sunday, Monday
  if (from_easter == 39 || from_easter == 49) return true;                     // Ascension Day, Whit Sunday
  if (no && from_easter == 50) return true;                                    // Whit Monday (2. pinsedag)
  // Fixed feasts.
  if (Is(date, 1, 1) || Is(date, 5, 1) || Is(date, 12, 25) || Is(date, 12, 26)) return true;
  if (no && Is(date, 5, 17)) return true;           // Constitution Day
  if ((se || fi) && Is(date, 1, 6)) return true;    // Epiphany
  if (se && Is(date, 6, 6)) return true;            // National Day of Sweden
  if (fi && Is(date, 12, 6)) return true;           // Independence Day
  if ((se || fi) && Is(date, 12, 24)) return true;  // Christmas Eve
  if (se && Is(date, 12, 31)) return true;          // New Year's Eve (counts as a holiday for deadlines)
  if (se || fi) {
    if (InWindow(date, std::chrono::Friday, 6, 19)) return true;     // Midsummer Eve
    if (InWindow(date, std::chrono::Saturday, 6, 20)) return true;   // Midsummer Day
    if (InWindow(date, std::chrono::Saturday, 10, 31)) return true;  // All Saints' Day: Saturday Oct 31 – Nov 6
  }
  return false;
}

bool IsWorkingDay(std::string_view country, Date date) {
  const weekday wd{sys_days(date)};
  if (wd == std::chrono::Saturday || wd == std::chrono::Sunday) return false;
  return !IsPublicHoliday(country, date);
}

Date AddMonths(Date date, int months) {
  const std::chrono::year_month ym = std::chrono::year_month(date.year(), date.month()) + std::chrono::months(months);
  const Date last(std::chrono::year_month_day_last(ym.year(), std::chrono::month_day_last(ym.month())));
  return date.day() > last.day() ? last : Date(ym.year(), ym.month(), date.day());
}

Date NextWorkingDay(std::string_view country, Date date) {
  while (!IsWorkingDay(country, date)) date = Plus(date, 1);
  return date;
}

Result<Deadlines> Deadlines::Create(std::string country, std::string time_zone) {
  std::shared_ptr<icu::TimeZone> zone(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(time_zone)));
  if (zone == nullptr || (*zone == icu::TimeZone::getUnknown() && time_zone != "Etc/Unknown")) {
    return Status::InvalidArgument("unknown time zone '" + time_zone + "'; use an IANA name such as Europe/Oslo",
                                   "invalid_time_zone");
  }
  return Deadlines(std::move(country),
                   std::static_pointer_cast<const void>(std::shared_ptr<const icu::TimeZone>(zone)));
}

std::chrono::seconds Deadlines::OffsetAt(TimePoint t) const {
  const auto* zone = static_cast<const icu::TimeZone*>(zone_.get());
  int32_t raw = 0, dst = 0;
  UErrorCode status = U_ZERO_ERROR;
  const double ms = static_cast<double>(ToMicros(t) / 1000);
  zone->getOffset(ms, false, raw, dst, status);
  if (U_FAILURE(status)) return std::chrono::seconds(0);
  return std::chrono::seconds((raw + dst) / 1000);
}

Date Deadlines::LocalDate(TimePoint t) const { return Date(std::chrono::floor<days>(t + OffsetAt(t))); }

TimePoint Deadlines::EndOfDay(Date date) const {
  // Local midnight after `date`, found with the offset that holds around it (DST changes happen at night, never
  // at midnight in the countries tillit knows), less one second.
  const TimePoint next_local_midnight = TimePoint(sys_days(Plus(date, 1)).time_since_epoch());
  const TimePoint guess = next_local_midnight - OffsetAt(next_local_midnight);
  return next_local_midnight - OffsetAt(guess) - std::chrono::seconds(1);
}

TimePoint Deadlines::DueAt(TimePoint received, int months) const {
  return EndOfDay(NextWorkingDay(country_, AddMonths(LocalDate(received), months)));
}

}  // namespace tillit::core
