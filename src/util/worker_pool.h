// WorkerPool: a few threads for work too long for the HTTP server's I/O threads (building an archive or a report,
// exporting an audience), so that /healthz and decisions keep answering while it runs. Tasks run in the order
// posted, each on one of the pool's threads; a task answers its caller itself.
//
// Thread safety: Post may be called from any thread; Stop from the owning thread, once.
#ifndef TILLIT_UTIL_WORKER_POOL_H_
#define TILLIT_UTIL_WORKER_POOL_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "util/mutex.h"

namespace tillit {

class WorkerPool {
 public:
  explicit WorkerPool(size_t threads);
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  ~WorkerPool();  // Stop()

  // Queues `task`. After Stop, runs it on the calling thread instead, so nothing posted is lost.
  void Post(std::function<void()> task);
  // Runs what is queued, then joins the threads.
  void Stop();

 private:
  void Run();

  Mutex mu_;
  std::condition_variable_any cv_;
  std::deque<std::function<void()>> tasks_ TILLIT_GUARDED_BY(mu_);
  bool stopping_ TILLIT_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace tillit

#endif  // TILLIT_UTIL_WORKER_POOL_H_
