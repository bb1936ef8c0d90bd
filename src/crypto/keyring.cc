#include "crypto/keyring.h"

#include <sodium.h>

#include <string>

#include "crypto/aad.h"

namespace tillit::crypto {
namespace {

constexpr size_t kNonceSize = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTagSize = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr size_t kWrappedSize = kNonceSize + SecretKey::kSize + kTagSize;
static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == SecretKey::kSize);

std::string DataKeyAad(std::string_view subject_id, KeyKind kind) {
  std::string aad;
  AppendLengthPrefixed(aad, "tillit-dek-v1");
  const char kind_byte = static_cast<char>(kind);
  AppendLengthPrefixed(aad, std::string_view(&kind_byte, 1));
  AppendLengthPrefixed(aad, subject_id);
  return aad;
}

std::string SecretAad(std::string_view label) {
  std::string aad;
  AppendLengthPrefixed(aad, "tillit-secret-v1");
  AppendLengthPrefixed(aad, label);
  return aad;
}

Status UnwrapFailed() {
  return Status::FailedPrecondition(
      "a wrapped key does not open: it belongs to another subject or key kind, or was altered", "key_unwrap_failed");
}

}  // namespace

Result<std::pair<SecretKey, WrappedKey>> Keyring::NewDataKey(std::string_view subject_id, KeyKind kind,
                                                             Random& random) const {
  SecretKey key = SecretKey::Random(random);
  TILLIT_ASSIGN_OR_RETURN(WrappedKey wrapped, Wrap(DataKeyAad(subject_id, kind), key, random));
  return std::pair<SecretKey, WrappedKey>(std::move(key), std::move(wrapped));
}

Result<SecretKey> Keyring::Unwrap(std::string_view subject_id, KeyKind kind, const WrappedKey& wrapped) const {
  return Open(DataKeyAad(subject_id, kind), wrapped);
}

Result<WrappedKey> Keyring::Rewrap(std::string_view subject_id, KeyKind kind, const WrappedKey& wrapped,
                                   Random& random) const {
  const std::string aad = DataKeyAad(subject_id, kind);
  TILLIT_ASSIGN_OR_RETURN(SecretKey key, Open(aad, wrapped));
  return Wrap(aad, key, random);
}

Result<WrappedKey> Keyring::WrapSecret(std::string_view label, const SecretKey& secret, Random& random) const {
  return Wrap(SecretAad(label), secret, random);
}

Result<SecretKey> Keyring::UnwrapSecret(std::string_view label, const WrappedKey& wrapped) const {
  return Open(SecretAad(label), wrapped);
}

Result<WrappedKey> Keyring::RewrapSecret(std::string_view label, const WrappedKey& wrapped, Random& random) const {
  const std::string aad = SecretAad(label);
  TILLIT_ASSIGN_OR_RETURN(SecretKey key, Open(aad, wrapped));
  return Wrap(aad, key, random);
}

Result<WrappedKey> Keyring::Wrap(std::string_view aad, const SecretKey& key, Random& random) const {
  const uint32_t version = master_.current_version();
  const Key256* kek = master_.Find(version);
  if (kek == nullptr) return Status::Internal("the current master key version is not in the master key file");
  WrappedKey out{version, std::vector<uint8_t>(kWrappedSize)};
  uint8_t* nonce = out.wrapped.data();
  random.Fill(std::span<uint8_t>(nonce, kNonceSize));
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + kNonceSize, &written, key.data(), SecretKey::kSize,
                                             reinterpret_cast<const unsigned char*>(aad.data()), aad.size(), nullptr,
                                             nonce, kek->data());
  if (written != SecretKey::kSize + kTagSize) return Status::Internal("key wrapping produced an unexpected size");
  return out;
}

Result<SecretKey> Keyring::Open(std::string_view aad, const WrappedKey& wrapped) const {
  const Key256* kek = master_.Find(wrapped.kek_version);
  if (kek == nullptr) {
    return Status::FailedPrecondition(
        "master key version " + std::to_string(wrapped.kek_version) + " is not in master.key",
        "master_key_version_missing");
  }
  if (wrapped.wrapped.size() != kWrappedSize) return UnwrapFailed();
  const uint8_t* nonce = wrapped.wrapped.data();
  SecretKey key;
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          key.data(), &written, nullptr, nonce + kNonceSize, SecretKey::kSize + kTagSize,
          reinterpret_cast<const unsigned char*>(aad.data()), aad.size(), nonce, kek->data()) != 0 ||
      written != SecretKey::kSize) {
    return UnwrapFailed();  // `key` is wiped on the way out
  }
  return key;
}

}  // namespace tillit::crypto
