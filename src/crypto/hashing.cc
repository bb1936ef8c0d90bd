#include "crypto/hashing.h"

#include <sodium.h>

namespace tillit::crypto {

std::vector<uint8_t> Hash256(std::string_view data) {
  std::vector<uint8_t> out(32);
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(data.data()), data.size(), nullptr,
                     0);
  return out;
}

bool ConstantTimeEquals(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace tillit::crypto
