// The grade of a number written as ASCII digits only, read from libphonenumber's metadata without its parse.
#ifndef PROMPTGATE_DIGIT_GRADER_H
#define PROMPTGATE_DIGIT_GRADER_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace promptgate {

// The grade libphonenumber gives `digits` (ASCII digits only, at least three; written after a '+' when `plus`) in
// `region`: 2 when Parse succeeds and IsValidNumber holds, 1 when it is not valid but IsPossibleNumber holds, 0
// otherwise. Computed by the library's own steps over its own metadata, without the steps that only read punctuation,
// letters and extensions, which such a number never has. -1 when the reading needs a part of the library this does not
// repeat (a national prefix transform rule, an unknown region): the caller asks the library.
int gradeDigits(const std::string &digits, bool plus, const std::string &region);

// The metadata's patterns as `gradeDigits` reads them, numbered, for the tests that compare the automata with ICU.
size_t patternCount();
// Whether pattern `index` matches all of `digits` (`whole`) or a prefix of it, as `gradeDigits` reads it or (`icu`)
// as ICU does; -1 when there is no such pattern.
int patternMatches(size_t index, const std::string &digits, bool whole, bool icu);
// Whether pattern `index` is read by a position automaton (not plain digits, and in the syntax it reads).
bool patternHasAutomaton(size_t index);
// A random text of pattern `index`'s language, at most `limit` digits; empty when it has no automaton.
std::string patternSample(size_t index, uint64_t seed, size_t limit);

}  // namespace promptgate

#endif
