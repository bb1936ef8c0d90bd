// Deadlines of rights requests (GDPR Art. 12(3)): one calendar month from receipt, counted in the controller's time
// zone, where a month from 31 January is the last day of February; a last day that falls on a Saturday, a Sunday or
// a public holiday of the controller's country moves to the next working day (Regulation 1182/71 Art. 3(4)). An
// extension adds up to two further months to the month, moved by the same rule.
//
// Holiday calendars are computed, not listed: Easter Sunday by the Gregorian computus, the movable feasts from it,
// and the Swedish and Finnish Saturday feasts (Midsummer, All Saints) by their date windows. Norway, Sweden and
// Finland are known; other countries move only off weekends.
//
// Thread safety: free functions are pure; a Deadlines is immutable after construction.
#ifndef TILLIT_CORE_RIGHTS_DEADLINES_H_
#define TILLIT_CORE_RIGHTS_DEADLINES_H_

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "util/clock.h"
#include "util/status.h"

namespace tillit::core {

using Date = std::chrono::year_month_day;

// Easter Sunday of `year` in the Gregorian calendar (anonymous Gregorian algorithm).
Date EasterSunday(int year);

// True iff `date` is a public holiday in `country` ("NO", "SE", "FI"; false for every other country). Sundays count
// only where they are holidays by name (Easter Sunday, Whit Sunday).
bool IsPublicHoliday(std::string_view country, Date date);

// True iff `date` is neither a Saturday, a Sunday nor a public holiday of `country`.
bool IsWorkingDay(std::string_view country, Date date);

// `date` plus `months` calendar months; a day the target month lacks becomes its last day (31 January + 1 month is
// 28 or 29 February).
Date AddMonths(Date date, int months);

// `date` itself when it is a working day of `country`, else the next working day.
Date NextWorkingDay(std::string_view country, Date date);

// Due dates in one controller's country and time zone.
class Deadlines {
 public:
  // `time_zone` is an IANA name ("Europe/Oslo"); InvalidArgument "invalid_time_zone" if unknown.
  static Result<Deadlines> Create(std::string country, std::string time_zone);

  // The local calendar date of `t`.
  Date LocalDate(TimePoint t) const;
  // The last instant (23:59:59 local time) of the due day for a request received at `received`, `months` months
  // later (1 for the ordinary deadline, 2 or 3 with an extension), moved off weekends and holidays.
  TimePoint DueAt(TimePoint received, int months) const;
  // The end of the local day `date`, as an instant.
  TimePoint EndOfDay(Date date) const;

  const std::string& country() const { return country_; }

 private:
  Deadlines(std::string country, std::shared_ptr<const void> zone) : country_(std::move(country)), zone_(zone) {}
  // The offset of local time from UTC at `t`.
  std::chrono::seconds OffsetAt(TimePoint t) const;

  std::string country_;
  std::shared_ptr<const void> zone_;  // an icu::TimeZone; kept opaque so ICU stays out of this header
};

}  // namespace tillit::core

#endif  // TILLIT_CORE_RIGHTS_DEADLINES_H_
