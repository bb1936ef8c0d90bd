// Metrics: counters and a latency histogram per route, rendered in the Prometheus text format at /metrics.
// Every metric name starts with `tillit_`.
//
// Thread safety: Record and Render may be called from any thread.
#ifndef TILLIT_HTTP_METRICS_H_
#define TILLIT_HTTP_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "util/mutex.h"

namespace tillit::http {

class Metrics {
 public:
  // Upper bounds of the latency buckets, in seconds.
  static constexpr std::array<double, 12> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                      0.01,   0.025,   0.05,   0.1,   0.5,    2.5};

  // `route` is the route's pattern name ("GET /v1/config"), never the concrete path.
  void RecordRequest(const std::string& route, int status, double seconds);
  // Adds to a named counter (without the prefix), e.g. "decisions_total".
  void AddCounter(const std::string& name, const std::string& help, uint64_t delta = 1);
  std::string Render() const;

 private:
  struct RouteStats {
    std::map<int, uint64_t> by_status;
    std::array<uint64_t, kBuckets.size()> buckets{};
    uint64_t count = 0;
    double sum = 0;
  };
  struct Counter {
    std::string help;
    uint64_t value = 0;
  };

  mutable Mutex mu_;
  std::map<std::string, RouteStats> routes_ TILLIT_GUARDED_BY(mu_);
  std::map<std::string, Counter> counters_ TILLIT_GUARDED_BY(mu_);
};

}  // namespace tillit::http

#endif  // TILLIT_HTTP_METRICS_H_
