#include "crypto/signing.h"

#include <sodium.h>

#include <cstdlib>

namespace tillit::crypto {
namespace {

static_assert(crypto_sign_SEEDBYTES == SecretKey::kSize);
static_assert(crypto_sign_BYTES == kSignatureBytes);
static_assert(crypto_sign_PUBLICKEYBYTES == kPublicKeyBytes);

// sodium_init is idempotent and thread-safe; it returns -1 only when the system has no entropy source.
void EnsureSodium() {
  if (sodium_init() < 0) std::abort();
}

}  // namespace

Signer::Signer(const SecretKey& seed) : public_key_(kPublicKeyBytes) {
  static_assert(crypto_sign_SECRETKEYBYTES == kSecretKeyBytes);
  EnsureSodium();
  crypto_sign_seed_keypair(public_key_.data(), secret_key_.data(), seed.data());
}

Signer::~Signer() { sodium_memzero(secret_key_.data(), secret_key_.size()); }

std::vector<uint8_t> Signer::Sign(std::string_view message) const {
  std::vector<uint8_t> signature(kSignatureBytes);
  crypto_sign_detached(signature.data(), nullptr, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size(), secret_key_.data());
  return signature;
}

bool VerifySignature(std::span<const uint8_t> public_key, std::string_view message,
                     std::span<const uint8_t> signature) {
  if (public_key.size() != kPublicKeyBytes || signature.size() != kSignatureBytes) return false;
  EnsureSodium();
  return crypto_sign_verify_detached(signature.data(), reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), public_key.data()) == 0;
}

}  // namespace tillit::crypto
