// The stop flag of a background thread that wakes up on a schedule: the thread sleeps in WaitFor between runs, and
// Stop wakes it at once. Shared by the outbox sender, the webhook dispatcher, the decision-feed follower, the
// retention sweeper and the audit witness.
//
// Thread safety: every method may be called from any thread.
#ifndef TILLIT_UTIL_STOP_SIGNAL_H_
#define TILLIT_UTIL_STOP_SIGNAL_H_

#include <chrono>
#include <condition_variable>

#include "util/mutex.h"

namespace tillit {

class StopSignal {
 public:
  // Sleeps until `interval` has passed or Stop was called; true iff stopped.
  template <typename Rep, typename Period>
  bool WaitFor(std::chrono::duration<Rep, Period> interval) TILLIT_EXCLUDES(mu_) {
    const auto deadline = std::chrono::steady_clock::now() + interval;
    MutexLock lock(mu_);
    while (!stopped_) {
      if (cv_.wait_until(mu_, deadline) == std::cv_status::timeout) break;
    }
    return stopped_;
  }

  bool stopped() TILLIT_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    return stopped_;
  }

  void Stop() TILLIT_EXCLUDES(mu_) {
    {
      MutexLock lock(mu_);
      stopped_ = true;
    }
    cv_.notify_all();
  }

  // For a thread started again after a Stop.
  void Reset() TILLIT_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    stopped_ = false;
  }

 private:
  Mutex mu_;
  std::condition_variable_any cv_;
  bool stopped_ TILLIT_GUARDED_BY(mu_) = false;
};

}  // namespace tillit

#endif  // TILLIT_UTIL_STOP_SIGNAL_H_
