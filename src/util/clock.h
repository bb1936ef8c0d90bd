// Clock: where tillit learns the time. Services take a Clock& so tests (deadlines, retention, expiry) can move time
// forward without sleeping.
//
// Thread safety: implementations are safe to call from any thread.
#ifndef TILLIT_UTIL_CLOCK_H_
#define TILLIT_UTIL_CLOCK_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "util/status.h"

namespace tillit {

using TimePoint = std::chrono::sys_time<std::chrono::microseconds>;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
  // The process-wide clock: the real time, or, when the environment variable TILLIT_TEST_CLOCK_FILE names a file, the
  // RFC 3339 time written on that file's first line, re-read on every call (integration tests move a running
  // server's time by rewriting the file). tillit announces the test clock on stderr when it starts.
  static Clock& System();
};

// A clock that stands still until told to move. For tests.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start) : now_us_(start.time_since_epoch().count()) {}
  TimePoint Now() const override { return TimePoint(std::chrono::microseconds(now_us_.load())); }
  void Advance(std::chrono::microseconds d) { now_us_ += d.count(); }
  void Set(TimePoint t) { now_us_ = t.time_since_epoch().count(); }

 private:
  std::atomic<int64_t> now_us_;
};

// Microseconds since the Unix epoch, the form times are stored in.
inline int64_t ToMicros(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint FromMicros(int64_t us) { return TimePoint(std::chrono::microseconds(us)); }

// RFC 3339 in UTC with second precision: "2026-11-23T13:22:05Z".
std::string FormatRfc3339(TimePoint t);

// The instant an RFC 3339 date-time names: "2026-11-23T10:00:00Z", "2026-11-23t10:00:00.123456z",
// "2026-11-23T12:00:00+02:00". The time zone is required ("Z" or a "+hh:mm" / "-hh:mm" offset, which is subtracted to
// reach UTC); the fraction of a second has 1 to 6 digits. InvalidArgument "invalid_time", with a message that does not
// repeat `text`, for anything else: a missing or malformed zone, a date that does not exist (2026-02-30), hour 24, a
// leap second (:60), more than 6 fractional digits, trailing characters, or a year — as written or in UTC — outside
// 1970..9999. FormatRfc3339(*ParseRfc3339(s)) == s for every accepted "YYYY-MM-DDThh:mm:ssZ" s.
Result<TimePoint> ParseRfc3339(std::string_view text);

}  // namespace tillit

#endif  // TILLIT_UTIL_CLOCK_H_
