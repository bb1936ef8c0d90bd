#include "util/clock.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace tillit {
namespace {

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override {
    return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
  }
};

}  // namespace

Clock& Clock::System() {
  static SystemClock clock;
  return clock;
}

std::string FormatRfc3339(TimePoint t) {
  auto secs = std::chrono::time_point_cast<std::chrono::seconds>(t);
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", secs);
}

}  // namespace tillit
