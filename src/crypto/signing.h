// Signing: Ed25519 signatures (libsodium's crypto_sign_*), for statements tillit makes that others must be able to
// check without holding a secret. A Signer derives its key pair deterministically from a 32-byte seed, so the seed
// is what is stored (wrapped, like any other secret) and the same seed always gives the same public key. Anyone
// holding the 32-byte public key can check a 64-byte signature with VerifySignature.
//
// Thread safety: a constructed Signer is immutable; Sign and public_key may be called from any thread.
// VerifySignature is a pure function, safe from any thread.
#ifndef TILLIT_CRYPTO_SIGNING_H_
#define TILLIT_CRYPTO_SIGNING_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "crypto/secure_key.h"

namespace tillit::crypto {

inline constexpr size_t kSignatureBytes = 64;
inline constexpr size_t kPublicKeyBytes = 32;

// Signs with an Ed25519 key derived from a 32-byte seed. The secret key is wiped on destruction.
class Signer {
 public:
  // Derives the key pair from `seed` (crypto_sign_seed_keypair); `seed` is not kept and may be destroyed afterwards.
  // REQUIRES: `seed` is 32 bytes (SecretKey::kSize always is) and is a real key, not a default-constructed or
  // moved-from one.
  explicit Signer(const SecretKey& seed);

  Signer(const Signer&) = delete;
  Signer& operator=(const Signer&) = delete;
  ~Signer();

  // The kSignatureBytes-byte detached Ed25519 signature of `message`. Deterministic: the same key and message give
  // the same signature.
  std::vector<uint8_t> Sign(std::string_view message) const;

  // kPublicKeyBytes bytes.
  const std::vector<uint8_t>& public_key() const { return public_key_; }

 private:
  static constexpr size_t kSecretKeyBytes = 64;  // libsodium's Ed25519 secret key: seed || public key

  std::array<uint8_t, kSecretKeyBytes> secret_key_;  // wiped by ~Signer
  std::vector<uint8_t> public_key_;
};

// True iff `signature` is a valid Ed25519 signature of `message` under `public_key`. False, without reading either
// span, when `public_key` is not kPublicKeyBytes or `signature` is not kSignatureBytes long.
bool VerifySignature(std::span<const uint8_t> public_key, std::string_view message, std::span<const uint8_t> signature);

}  // namespace tillit::crypto

#endif  // TILLIT_CRYPTO_SIGNING_H_
