// Keyring: the per-subject data keys (DEKs) and the installation-wide secrets, wrapped by the master key (KEK). Each
// subject has a random 256-bit data key, and a second legal-hold key once records a law requires to be kept exist;
// erasing the subject destroys its data key (crypto-shredding) while the legal-hold key lives until the retention
// sweep. Keys are stored only wrapped: XChaCha20-Poly1305-IETF under the KEK of `kek_version`, with a random 24-byte
// nonce in front, and associated data that binds the wrapping to ("tillit-dek-v1", kind, subject id) — so a wrapped
// key copied to another subject, or a legal-hold key offered as a data key, does not unwrap. Installation-wide
// secrets (the blind-index root key) are wrapped the same way, bound to ("tillit-secret-v1", label). Rotation
// (`tillit keys rotate`) adds a KEK version to the master key file and calls Rewrap on every stored key.
//
// Thread safety: a Keyring is immutable; every method may be called from any thread while the MasterKey lives.
#ifndef TILLIT_CRYPTO_KEYRING_H_
#define TILLIT_CRYPTO_KEYRING_H_

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/master_key.h"
#include "crypto/secure_key.h"
#include "util/random.h"
#include "util/status.h"

namespace tillit::crypto {

// Which of a subject's keys. The values are part of the wrapping's associated data: never renumber.
enum class KeyKind : uint8_t {
  kData = 1,       // profile fields, identifiers and ordinary records; destroyed at erasure
  kLegalHold = 2,  // records a law requires to be kept after erasure (accounting)
};

// A key as stored: which KEK version wrapped it and nonce(24) || ciphertext(32) || tag(16).
struct WrappedKey {
  uint32_t kek_version = 0;
  std::vector<uint8_t> wrapped;
};

class Keyring {
 public:
  // REQUIRES: `master` outlives the Keyring.
  explicit Keyring(const MasterKey& master) : master_(master) {}

  Keyring(const Keyring&) = delete;
  Keyring& operator=(const Keyring&) = delete;

  // The KEK version new wrappings use (the highest in the master key file).
  uint32_t current_version() const { return master_.current_version(); }

  // A fresh random key of `kind` for `subject_id` and its wrapping under the current KEK version.
  Result<std::pair<SecretKey, WrappedKey>> NewDataKey(std::string_view subject_id, KeyKind kind, Random& random) const;

  // The key inside `wrapped`. FailedPrecondition "master_key_version_missing" if its KEK version is not in the master
  // key file; FailedPrecondition "key_unwrap_failed" if it was not wrapped for exactly (`subject_id`, `kind`) or was
  // altered.
  Result<SecretKey> Unwrap(std::string_view subject_id, KeyKind kind, const WrappedKey& wrapped) const;

  // `wrapped` unwrapped and wrapped again, with a fresh nonce, under the current KEK version; errors as Unwrap. Always
  // re-wraps, even when `wrapped` is already at current_version(): rotation skips those itself if it wants to.
  Result<WrappedKey> Rewrap(std::string_view subject_id, KeyKind kind, const WrappedKey& wrapped, Random& random) const;

  // Wraps an installation-wide secret under the current KEK version, bound to `label` (e.g. "blind-index-root").
  Result<WrappedKey> WrapSecret(std::string_view label, const SecretKey& secret, Random& random) const;
  // The secret inside `wrapped`; errors as Unwrap (a different `label` is "key_unwrap_failed").
  Result<SecretKey> UnwrapSecret(std::string_view label, const WrappedKey& wrapped) const;
  // RewrapSecret is to WrapSecret what Rewrap is to NewDataKey.
  Result<WrappedKey> RewrapSecret(std::string_view label, const WrappedKey& wrapped, Random& random) const;

 private:
  Result<WrappedKey> Wrap(std::string_view aad, const SecretKey& key, Random& random) const;
  Result<SecretKey> Open(std::string_view aad, const WrappedKey& wrapped) const;

  const MasterKey& master_;
};

}  // namespace tillit::crypto

#endif  // TILLIT_CRYPTO_KEYRING_H_
