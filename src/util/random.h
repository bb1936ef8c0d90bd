// Random: where tillit gets random bytes (ids, keys, one-time codes). The real source is libsodium's CSPRNG; tests
// may inject a deterministic one so ids are reproducible.
//
// Thread safety: implementations are safe to call from any thread.
#ifndef TILLIT_UTIL_RANDOM_H_
#define TILLIT_UTIL_RANDOM_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "util/mutex.h"

namespace tillit {

class Random {
 public:
  virtual ~Random() = default;
  virtual void Fill(std::span<uint8_t> out) = 0;
  // The process-wide cryptographically secure source.
  static Random& Secure();

  // An opaque, unguessable id: `prefix` + 26 lowercase base32 characters (128 bits).
  std::string NewId(std::string_view prefix);

 protected:
  // The bytes of an id. Ids are not secrets once issued, so a source may hand them out of a buffer it fills in
  // larger steps; keys always come from Fill.
  virtual void FillId(std::span<uint8_t> out) { Fill(out); }
};

// Deterministic bytes from a seed, for tests only. Not secure.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(uint64_t seed) : state_(seed) {}
  void Fill(std::span<uint8_t> out) override;

 private:
  Mutex mu_;
  uint64_t state_ TILLIT_GUARDED_BY(mu_);
};

}  // namespace tillit

#endif  // TILLIT_UTIL_RANDOM_H_
