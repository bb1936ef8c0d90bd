// Sealing: how a profile field or a record payload is encrypted at rest under its subject's data key (or legal-hold
// key). A sealed value is version(1 byte, 0x01) || nonce(24) || XChaCha20-Poly1305-IETF ciphertext || tag(16); the
// nonce is random per seal, and the associated data — the version byte followed by SealAad(subject id, field or record
// id) — binds the ciphertext to its row, so a value copied to another subject, field or record does not open.
//
// Thread safety: free functions over their arguments; safe from any thread.
#ifndef TILLIT_CRYPTO_SEALING_H_
#define TILLIT_CRYPTO_SEALING_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/secure_key.h"
#include "util/random.h"
#include "util/status.h"

namespace tillit::crypto {

inline constexpr uint8_t kSealVersion = 0x01;
// Bytes a sealed value adds to its plaintext: version, nonce and tag.
inline constexpr size_t kSealOverhead = 1 + 24 + 16;

// The associated data for a value of `subject_id` stored as `field_or_record_id` (e.g. "contact.email" or a record
// id). Length-prefixed, so ("ab", "c") and ("a", "bc") differ. Binary; not for display.
std::string SealAad(std::string_view subject_id, std::string_view field_or_record_id);

// Encrypts `plaintext` under `key`, bound to `aad` (normally SealAad(...)). The result is plaintext.size() +
// kSealOverhead bytes. REQUIRES: `key` is a real key, not a default-constructed or moved-from one.
std::vector<uint8_t> Seal(const SecretKey& key, std::string_view aad, std::string_view plaintext, Random& random);

// The plaintext of `sealed`. FailedPrecondition "seal_open_failed" if it was sealed under another key or other
// associated data, was altered or truncated, or has an unknown version; never reads outside `sealed`.
Result<std::string> Open(const SecretKey& key, std::string_view aad, std::span<const uint8_t> sealed);

}  // namespace tillit::crypto

#endif  // TILLIT_CRYPTO_SEALING_H_
