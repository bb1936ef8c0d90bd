// A mutex and a scoped lock that clang's thread-safety analysis understands (-Wthread-safety), so that "guarded by"
// is checked by the compiler and not only written in a comment. Members a mutex guards are declared
// TILLIT_GUARDED_BY(mu_); functions that must be called with it held, TILLIT_REQUIRES(mu_). Other compilers see plain
// std::mutex and std::shared_mutex.
//
// Condition variables: std::condition_variable_any waits on the Mutex itself (`cv_.wait(mu_, pred)`) while a
// MutexLock holds it.
#ifndef TILLIT_UTIL_MUTEX_H_
#define TILLIT_UTIL_MUTEX_H_

#include <mutex>
#include <shared_mutex>

#if defined(__clang__)
#define TILLIT_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define TILLIT_THREAD_ANNOTATION(x)
#endif

#define TILLIT_CAPABILITY(x) TILLIT_THREAD_ANNOTATION(capability(x))
#define TILLIT_SCOPED_CAPABILITY TILLIT_THREAD_ANNOTATION(scoped_lockable)
#define TILLIT_GUARDED_BY(x) TILLIT_THREAD_ANNOTATION(guarded_by(x))
#define TILLIT_PT_GUARDED_BY(x) TILLIT_THREAD_ANNOTATION(pt_guarded_by(x))
#define TILLIT_REQUIRES(...) TILLIT_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define TILLIT_REQUIRES_SHARED(...) TILLIT_THREAD_ANNOTATION(requires_shared_capability(__VA_ARGS__))
#define TILLIT_ACQUIRE(...) TILLIT_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define TILLIT_ACQUIRE_SHARED(...) TILLIT_THREAD_ANNOTATION(acquire_shared_capability(__VA_ARGS__))
#define TILLIT_RELEASE(...) TILLIT_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define TILLIT_RELEASE_SHARED(...) TILLIT_THREAD_ANNOTATION(release_shared_capability(__VA_ARGS__))
#define TILLIT_RELEASE_GENERIC(...) TILLIT_THREAD_ANNOTATION(release_generic_capability(__VA_ARGS__))
#define TILLIT_EXCLUDES(...) TILLIT_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#define TILLIT_NO_THREAD_SAFETY_ANALYSIS TILLIT_THREAD_ANNOTATION(no_thread_safety_analysis)

namespace tillit {

class TILLIT_CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void lock() TILLIT_ACQUIRE() { mu_.lock(); }
  void unlock() TILLIT_RELEASE() { mu_.unlock(); }

 private:
  std::mutex mu_;
};

// Holds a Mutex for its scope.
class TILLIT_SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mu) TILLIT_ACQUIRE(mu) : mu_(mu) { mu_.lock(); }
  ~MutexLock() TILLIT_RELEASE() { mu_.unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex& mu_;
};

// A reader-writer mutex: many readers or one writer.
class TILLIT_CAPABILITY("mutex") SharedMutex {
 public:
  SharedMutex() = default;
  SharedMutex(const SharedMutex&) = delete;
  SharedMutex& operator=(const SharedMutex&) = delete;

  void lock() TILLIT_ACQUIRE() { mu_.lock(); }
  void unlock() TILLIT_RELEASE() { mu_.unlock(); }
  void lock_shared() TILLIT_ACQUIRE_SHARED() { mu_.lock_shared(); }
  void unlock_shared() TILLIT_RELEASE_SHARED() { mu_.unlock_shared(); }

 private:
  std::shared_mutex mu_;
};

// Holds a SharedMutex exclusively for its scope.
class TILLIT_SCOPED_CAPABILITY WriterLock {
 public:
  explicit WriterLock(SharedMutex& mu) TILLIT_ACQUIRE(mu) : mu_(mu) { mu_.lock(); }
  ~WriterLock() TILLIT_RELEASE() { mu_.unlock(); }
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;

 private:
  SharedMutex& mu_;
};

// Holds a SharedMutex shared for its scope.
class TILLIT_SCOPED_CAPABILITY ReaderLock {
 public:
  explicit ReaderLock(SharedMutex& mu) TILLIT_ACQUIRE_SHARED(mu) : mu_(mu) { mu_.lock_shared(); }
  ~ReaderLock() TILLIT_RELEASE_GENERIC() { mu_.unlock_shared(); }
  ReaderLock(const ReaderLock&) = delete;
  ReaderLock& operator=(const ReaderLock&) = delete;

 private:
  SharedMutex& mu_;
};

}  // namespace tillit

#endif  // TILLIT_UTIL_MUTEX_H_
