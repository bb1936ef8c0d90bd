// Lowercase hexadecimal encoding of bytes.
#ifndef TILLIT_UTIL_HEX_H_
#define TILLIT_UTIL_HEX_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tillit {

std::string HexEncode(std::span<const uint8_t> bytes);
// nullopt when `hex` has odd length or a non-hex character.
std::optional<std::vector<uint8_t>> HexDecode(std::string_view hex);

}  // namespace tillit

#endif  // TILLIT_UTIL_HEX_H_
