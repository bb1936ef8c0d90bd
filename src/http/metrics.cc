#include "http/metrics.h"

#include <fmt/format.h>

#include "core/install/operations.h"

namespace tillit::http {
namespace {

// Prometheus label values escape backslash, double quote and newline.
std::string Label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

void Metrics::RecordRequest(const std::string& route, int status, double seconds) {
  MutexLock lock(mu_);
  RouteStats& s = routes_[route];
  ++s.by_status[status];
  ++s.count;
  s.sum += seconds;
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++s.buckets[i];
  }
}

void Metrics::AddCounter(const std::string& name, const std::string& help, uint64_t delta) {
  MutexLock lock(mu_);
  Counter& c = counters_[name];
  if (c.help.empty()) c.help = help;
  c.value += delta;
}

std::string Metrics::Render() const {
  // The operations gauges (outbox, dead webhooks, overdue requests) read the store: outside the lock.
  const std::string gauges = core::RenderOperationsGauges();
  MutexLock lock(mu_);
  std::string out;
  out += "# HELP tillit_http_requests_total HTTP requests answered, by route and status.\n";
  out += "# TYPE tillit_http_requests_total counter\n";
  for (const auto& [route, s] : routes_) {
    for (const auto& [status, n] : s.by_status) {
      out += fmt::format("tillit_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", Label(route), status, n);
    }
  }
  out += "# HELP tillit_http_request_duration_seconds Time from request to response, by route.\n";
  out += "# TYPE tillit_http_request_duration_seconds histogram\n";
  for (const auto& [route, s] : routes_) {
    const std::string l = Label(route);
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      out += fmt::format("tillit_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", l, kBuckets[i],
                         s.buckets[i]);
    }
    out += fmt::format("tillit_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", l, s.count);
    out += fmt::format("tillit_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", l, s.sum);
    out += fmt::format("tillit_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", l, s.count);
  }
  for (const auto& [name, c] : counters_) {
    out +=
        fmt::format("# HELP tillit_{} {}\n# TYPE tillit_{} counter\ntillit_{} {}\n", name, c.help, name, name, c.value);
  }
  out += gauges;
  return out;
}

}  // namespace tillit::http
