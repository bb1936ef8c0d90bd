// Small text helpers shared across layers.
#ifndef TILLIT_UTIL_TEXT_H_
#define TILLIT_UTIL_TEXT_H_

#include <string>
#include <string_view>
#include <vector>

namespace tillit {

// True iff `s` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view s);

// Levenshtein distance, for "did you mean" suggestions.
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word` when it is close enough to be a likely typo, else "".
std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates);

// `s` without leading and trailing white space (spaces, tabs, CR, LF).
std::string Trim(std::string_view s);

// Splits "a,b,,c" into {"a","b","c"} (empty parts dropped, spaces trimmed).
std::vector<std::string> SplitList(std::string_view s, char sep = ',');

}  // namespace tillit

#endif  // TILLIT_UTIL_TEXT_H_
