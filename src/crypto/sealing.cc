#include "crypto/sealing.h"

#include <sodium.h>

#include <string>

#include "crypto/aad.h"

namespace tillit::crypto {
namespace {

constexpr size_t kNonceSize = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTagSize = crypto_aead_xchacha20poly1305_ietf_ABYTES;
static_assert(kSealOverhead == 1 + kNonceSize + kTagSize);
static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == SecretKey::kSize);

// The AEAD's associated data: the version byte, then the caller's, so the version cannot be changed either.
std::string FullAad(std::string_view aad) {
  std::string full;
  full.reserve(1 + aad.size());
  full.push_back(static_cast<char>(kSealVersion));
  full.append(aad);
  return full;
}

Status OpenFailed() {
  return Status::FailedPrecondition(
      "a sealed value does not open: it belongs to another subject, field or key, or was altered or truncated",
      "seal_open_failed");
}

}  // namespace

std::string SealAad(std::string_view subject_id, std::string_view field_or_record_id) {
  std::string aad;
  aad.reserve(8 + subject_id.size() + field_or_record_id.size());
  AppendLengthPrefixed(aad, subject_id);
  AppendLengthPrefixed(aad, field_or_record_id);
  return aad;
}

std::vector<uint8_t> Seal(const SecretKey& key, std::string_view aad, std::string_view plaintext, Random& random) {
  const std::string full_aad = FullAad(aad);
  std::vector<uint8_t> sealed(kSealOverhead + plaintext.size());
  sealed[0] = kSealVersion;
  uint8_t* nonce = sealed.data() + 1;
  random.Fill(std::span<uint8_t>(nonce, kNonceSize));
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      nonce + kNonceSize, nullptr, reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
      reinterpret_cast<const unsigned char*>(full_aad.data()), full_aad.size(), nullptr, nonce, key.data());
  return sealed;
}

Result<std::string> Open(const SecretKey& key, std::string_view aad, std::span<const uint8_t> sealed) {
  if (sealed.size() < kSealOverhead || sealed[0] != kSealVersion) return OpenFailed();
  const std::string full_aad = FullAad(aad);
  const uint8_t* nonce = sealed.data() + 1;
  const uint8_t* ciphertext = nonce + kNonceSize;
  const size_t ciphertext_size = sealed.size() - 1 - kNonceSize;
  std::string plaintext(ciphertext_size - kTagSize, '\0');
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plaintext.data()), &written, nullptr, ciphertext, ciphertext_size,
          reinterpret_cast<const unsigned char*>(full_aad.data()), full_aad.size(), nonce, key.data()) != 0) {
    sodium_memzero(plaintext.data(), plaintext.size());
    return OpenFailed();
  }
  plaintext.resize(written);
  return plaintext;
}

}  // namespace tillit::crypto
