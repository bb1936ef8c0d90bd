// Parsing JSON that comes from outside (request bodies, NDJSON lines, import files). nlohmann's parser itself is
// iterative, but what is done with a value afterwards (copies, comparisons, serialising, merge patches) recurses, so
// a value nested tens of thousands of levels deep would exhaust the stack. ParseUntrustedJson refuses, with a clear
// message, what tillit never needs and an attacker would send:
//   - nesting deeper than kMaxJsonDepth (64) levels;
//   - an object with the same key twice (which of the two counts would be a guess);
//   - a number that does not fit a double (1e999). An integer beyond 64 bits becomes a double, which every reader
//     that wants an integer refuses (is_number_integer).
//
// Thread safety: free functions.
#ifndef TILLIT_UTIL_JSON_H_
#define TILLIT_UTIL_JSON_H_

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string_view>

#include "util/status.h"

namespace tillit {

inline constexpr size_t kMaxJsonDepth = 64;

// InvalidArgument with reason "invalid_json" (not JSON), "json_too_deep", "duplicate_key" or "number_out_of_range";
// the message names the byte offset where it can.
Result<nlohmann::json> ParseUntrustedJson(std::string_view text, size_t max_depth = kMaxJsonDepth);

}  // namespace tillit

#endif  // TILLIT_UTIL_JSON_H_
