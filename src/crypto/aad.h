// Associated data for tillit's AEAD constructions (key wrapping in keyring.cc, sealing in sealing.cc) is a list of
// fields, each written with its length in front, so that no two different field lists encode to the same bytes:
// ("ab", "c") and ("a", "bc") differ. The encoding is part of every wrapped key and sealed value already stored and
// must never change, or they stop opening.
//
// Thread safety: a pure function over its arguments.
#ifndef TILLIT_CRYPTO_AAD_H_
#define TILLIT_CRYPTO_AAD_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace tillit::crypto {

// Appends `field` to `out` with its length in front as 4 bytes, big-endian. REQUIRES: field.size() < 2^32.
inline void AppendLengthPrefixed(std::string& out, std::string_view field) {
  const auto n = static_cast<uint32_t>(field.size());
  out.push_back(static_cast<char>(n >> 24));
  out.push_back(static_cast<char>(n >> 16));
  out.push_back(static_cast<char>(n >> 8));
  out.push_back(static_cast<char>(n));
  out.append(field);
}

}  // namespace tillit::crypto

#endif  // TILLIT_CRYPTO_AAD_H_
