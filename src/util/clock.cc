#include "util/clock.h"

#include <fmt/format.h>

#include <charconv>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>

#include "util/mutex.h"

namespace tillit {
namespace {

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override {
    return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
  }
};

// Exactly `width` ASCII digits at `pos` in `text`, as a number; nullopt otherwise (also when `text` is too short).
std::optional<unsigned> ReadDigits(std::string_view text, size_t pos, size_t width) {
  if (pos > text.size() || text.size() - pos < width) return std::nullopt;
  const char* first = text.data() + pos;
  const char* last = first + width;
  unsigned value = 0;
  // For an unsigned type from_chars accepts neither a sign nor leading spaces, so only digits can fill the width.
  const auto [end, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || end != last) return std::nullopt;
  return value;
}

bool HasCharAt(std::string_view text, size_t pos, char c) { return pos < text.size() && text[pos] == c; }

bool InSupportedYears(std::chrono::year y) { return y >= std::chrono::year(1970) && y <= std::chrono::year(9999); }

Status InvalidTime(std::string_view what) {
  return Status::InvalidArgument(
      "not an RFC 3339 time (YYYY-MM-DDThh:mm:ss[.ffffff] then Z, +hh:mm or -hh:mm): " + std::string(what),
      "invalid_time");
}

// The time written in a file, re-read on every call, so an integration test can move a running server's time
// (deadlines, code expiry, retention) by rewriting the file. Used only when TILLIT_TEST_CLOCK_FILE names the file.
// A file that cannot be read or parsed keeps the last good time (the real time before the first good read), so a
// half-written file never sends time backwards to the epoch.
class FileClock final : public Clock {
 public:
  explicit FileClock(std::string path) : path_(std::move(path)) {}

  TimePoint Now() const override {
    std::ifstream in(path_);
    std::string text;
    std::getline(in, text);
    MutexLock lock(mu_);
    if (auto parsed = ParseRfc3339(text); parsed.ok()) last_ = *parsed;
    if (!last_) last_ = real_.Now();
    return *last_;
  }

 private:
  const std::string path_;
  SystemClock real_;
  mutable Mutex mu_;
  mutable std::optional<TimePoint> last_ TILLIT_GUARDED_BY(mu_);
};

Clock& MakeSystemClock() {
  if (const char* path = std::getenv("TILLIT_TEST_CLOCK_FILE"); path != nullptr && *path != '\0') {
    std::fprintf(stderr, "tillit: the time comes from %s (TILLIT_TEST_CLOCK_FILE); for tests only\n", path);
    static FileClock file_clock{std::string(path)};
    return file_clock;
  }
  static SystemClock clock;
  return clock;
}

}  // namespace

Clock& Clock::System() {
  static Clock& clock = MakeSystemClock();
  return clock;
}

std::string FormatRfc3339(TimePoint t) {
  // Through calendar types rather than fmt's %Y...: fmt converts to the nanosecond system_clock, which overflows after
  // 2262-04-11.
  const auto day_start = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day date(day_start);
  const std::chrono::hh_mm_ss time(std::chrono::floor<std::chrono::seconds>(t - day_start));
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()), time.hours().count(),
                     time.minutes().count(), time.seconds().count());
}

Result<TimePoint> ParseRfc3339(std::string_view text) {
  using std::chrono::day;
  using std::chrono::days;
  using std::chrono::hours;
  using std::chrono::microseconds;
  using std::chrono::minutes;
  using std::chrono::month;
  using std::chrono::seconds;
  using std::chrono::sys_days;
  using std::chrono::year;
  using std::chrono::year_month_day;
  // "YYYY-MM-DDThh:mm:ss" is 19 characters; the fraction and the zone follow.
  const auto year_n = ReadDigits(text, 0, 4);
  const auto month_n = ReadDigits(text, 5, 2);
  const auto day_n = ReadDigits(text, 8, 2);
  if (!year_n || !month_n || !day_n || !HasCharAt(text, 4, '-') || !HasCharAt(text, 7, '-')) {
    return InvalidTime("the date is not YYYY-MM-DD");
  }
  if (!HasCharAt(text, 10, 'T') && !HasCharAt(text, 10, 't')) return InvalidTime("the date is not followed by T");
  const auto hour_n = ReadDigits(text, 11, 2);
  const auto minute_n = ReadDigits(text, 14, 2);
  const auto second_n = ReadDigits(text, 17, 2);
  if (!hour_n || !minute_n || !second_n || !HasCharAt(text, 13, ':') || !HasCharAt(text, 16, ':')) {
    return InvalidTime("the time of day is not hh:mm:ss");
  }

  const year_month_day date{year(static_cast<int>(*year_n)), month(*month_n), day(*day_n)};
  if (!date.ok()) return InvalidTime("the date does not exist");
  if (!InSupportedYears(date.year())) return InvalidTime("the year is outside 1970..9999");
  if (*hour_n > 23 || *minute_n > 59 || *second_n > 59) return InvalidTime("the time of day does not exist");

  size_t pos = 19;
  microseconds fraction{0};
  if (HasCharAt(text, pos, '.')) {
    ++pos;
    size_t digits = 0;
    int64_t micros = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (++digits > 6) return InvalidTime("the fraction of a second has more than 6 digits");
      micros = micros * 10 + (text[pos] - '0');
      ++pos;
    }
    if (digits == 0) return InvalidTime("the fraction of a second has no digits");
    for (size_t i = digits; i < 6; ++i) micros *= 10;
    fraction = microseconds(micros);
  }

  minutes offset{0};
  if (HasCharAt(text, pos, 'Z') || HasCharAt(text, pos, 'z')) {
    ++pos;
  } else if (HasCharAt(text, pos, '+') || HasCharAt(text, pos, '-')) {
    const bool negative = text[pos] == '-';
    const auto offset_hours = ReadDigits(text, pos + 1, 2);
    const auto offset_minutes = ReadDigits(text, pos + 4, 2);
    if (!offset_hours || !offset_minutes || !HasCharAt(text, pos + 3, ':') || *offset_hours > 23 ||
        *offset_minutes > 59) {
      return InvalidTime("the UTC offset is not +hh:mm or -hh:mm");
    }
    offset = hours(*offset_hours) + minutes(*offset_minutes);
    if (negative) offset = -offset;
    pos += 6;
  } else {
    return InvalidTime("the time zone is missing (Z or an offset such as +02:00)");
  }
  if (pos != text.size()) return InvalidTime("there are characters after the time zone");

  // Local time minus the offset is UTC: 12:00+02:00 is 10:00Z.
  const TimePoint utc = sys_days(date) + hours(*hour_n) + minutes(*minute_n) + seconds(*second_n) + fraction - offset;
  if (!InSupportedYears(year_month_day(std::chrono::floor<days>(utc)).year())) {
    return InvalidTime("the year in UTC is outside 1970..9999");
  }
  return utc;
}

}  // namespace tillit
