// A deliberate violation for tests/lint/thread_safety.py --expect-failure: a member guarded by a mutex is written
// without holding it. The thread-safety check must refuse this file; it is never built.
#include "util/mutex.h"

namespace tillit {

class Counter {
 public:
  void Add() { ++count_; }  // no MutexLock: the analysis must report it

 private:
  Mutex mu_;
  int count_ TILLIT_GUARDED_BY(mu_) = 0;
};

void Use() {
  Counter c;
  c.Add();
}

}  // namespace tillit
