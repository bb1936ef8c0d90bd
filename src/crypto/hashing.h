// Hashes for secrets tillit must recognise but never store: API keys (random 256-bit, so an unkeyed BLAKE2b-256 is
// enough) and content ids such as the configuration snapshot id. Comparison of secrets is constant-time.
#ifndef TILLIT_CRYPTO_HASHING_H_
#define TILLIT_CRYPTO_HASHING_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tillit::crypto {

// BLAKE2b with a 32-byte digest.
std::vector<uint8_t> Hash256(std::string_view data);
// Constant-time equality; false when sizes differ.
bool ConstantTimeEquals(std::span<const uint8_t> a, std::span<const uint8_t> b);

}  // namespace tillit::crypto

#endif  // TILLIT_CRYPTO_HASHING_H_
