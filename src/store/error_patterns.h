// Error-text normalisation for /api/stats/errors: two tool errors that differ only in their
// numbers, paths, ids or quoted values get the same key, so they are counted as one pattern.
//
// Contract: pure functions, thread-safe, linear in the input. Only the first kMaxNormalisedInput
// bytes of a text are looked at. Rules, applied in one left-to-right pass:
//   - a quoted string ("...", '...', `...` on one line; a ' only opens a quote when it does not
//     follow a letter or digit, so "doesn't" stays a word) becomes "…" (with double quotes);
//   - a whitespace-separated token that is a path (contains '/' and is not only slashes, or
//     starts with "~/", "./", "../" or a drive like "C:\") becomes <path>, keeping trailing
//     punctuation such as ':' or ',' ;
//   - a run of 8 or more hex digits and dashes that holds a digit (uuids, hashes, request ids),
//     or a 0x-prefixed hex number, becomes <id>;
//   - any other run of digits (with '.' or ',' between digits) becomes N;
//   - whitespace runs become one space; leading and trailing whitespace is dropped.
// The result is cut to kMaxPatternKeyBytes (on a UTF-8 boundary).
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace cs {

inline constexpr std::size_t kMaxNormalisedInput = 2000;
inline constexpr std::size_t kMaxPatternKeyBytes = 300;

std::string NormaliseErrorText(std::string_view text);

// The first `max_chars` Unicode characters of `s` (cut on a UTF-8 boundary), with surrounding
// whitespace removed.
std::string ErrorExample(std::string_view s, std::size_t max_chars = 200);

}  // namespace cs
