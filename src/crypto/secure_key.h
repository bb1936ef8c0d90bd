// SecretKey: 32 bytes of symmetric key material (a subject's data key, a legal-hold key, the blind-index root or a
// key derived from one). It can be moved but not copied, so a key exists in exactly one place, and its bytes are
// wiped with sodium_memzero when it is destroyed and when it is moved from. A default-constructed or moved-from key
// is all zeros and must not be used to seal anything.
//
// Thread safety: a const SecretKey may be read from any thread; moving or writing needs exclusive access.
#ifndef TILLIT_CRYPTO_SECURE_KEY_H_
#define TILLIT_CRYPTO_SECURE_KEY_H_

#include <sodium.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "util/random.h"

namespace tillit::crypto {

class SecretKey {
 public:
  static constexpr size_t kSize = 32;

  // All zeros; for filling through data().
  SecretKey() { bytes_.fill(0); }
  ~SecretKey() { Wipe(); }

  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;
  SecretKey(SecretKey&& other) noexcept {
    std::memcpy(bytes_.data(), other.bytes_.data(), kSize);
    other.Wipe();
  }
  SecretKey& operator=(SecretKey&& other) noexcept {
    if (this != &other) {
      std::memcpy(bytes_.data(), other.bytes_.data(), kSize);
      other.Wipe();
    }
    return *this;
  }

  // A fresh key from `random` (Random::Secure() outside tests).
  static SecretKey Random(tillit::Random& random) {
    SecretKey key;
    random.Fill(key.bytes_);
    return key;
  }
  // A copy of `bytes`; the caller still wipes its own copy.
  static SecretKey FromBytes(std::span<const uint8_t, kSize> bytes) {
    SecretKey key;
    std::memcpy(key.bytes_.data(), bytes.data(), kSize);
    return key;
  }

  const uint8_t* data() const { return bytes_.data(); }
  uint8_t* data() { return bytes_.data(); }
  std::span<const uint8_t, kSize> span() const { return bytes_; }

 private:
  void Wipe() { sodium_memzero(bytes_.data(), kSize); }

  std::array<uint8_t, kSize> bytes_;
};

}  // namespace tillit::crypto

#endif  // TILLIT_CRYPTO_SECURE_KEY_H_
