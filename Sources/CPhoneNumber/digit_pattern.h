// A regular expression of libphonenumber's metadata, matched against ASCII digits without a regex engine.
#ifndef PROMPTGATE_DIGIT_PATTERN_H
#define PROMPTGATE_DIGIT_PATTERN_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace promptgate {

// The language of a pattern written with the syntax the metadata's number patterns use: digits, `\d`, classes of
// digits and digit ranges (`[2-68]`, `[^0]`), non-capturing groups `(?:…)`, alternation, and the quantifiers `?`,
// `{n}` and `{n,m}` (greedy or lazy, which name the same language). It is built as a position automaton (Glushkov):
// one state per digit class written, so matching reads each digit once, without backtracking. Whether a text is in
// the language (or has a prefix in it) does not depend on how an engine searches, so the answers are ICU's.
class DigitPattern {
public:
    // The pattern's automaton, or null when the pattern uses any other syntax (the caller keeps ICU for it).
    static std::unique_ptr<DigitPattern> compile(const std::string &pattern);

    // Whether all of `digits` (ASCII digits only) is in the language: RegExp::FullMatch.
    bool matches(const char *digits, size_t length) const;
    // Whether some prefix of `digits`, the empty one included, is in the language: RegExp::Consume's success.
    bool matchesPrefix(const char *digits, size_t length) const;
    // A random text of the language, at most `limit` digits (for tests); empty when none was reached.
    std::string sample(std::mt19937_64 &random, size_t limit) const;

private:
    DigitPattern() = default;

    // The positions a text can start with that accept `digit`, into `state`. Returns whether any does.
    bool start(int digit, uint64_t *state) const;
    // Reads one step: the positions reachable from `state` by the digit `digit`, into `next`. Returns whether any is.
    bool step(const uint64_t *state, int digit, uint64_t *next) const;

    size_t positions_ = 0;
    size_t words_ = 0;
    bool nullable_ = false;
    std::vector<uint64_t> first_;    // words_: the positions a text can start with
    std::vector<uint64_t> last_;     // words_: the positions a text can end with
    std::vector<uint64_t> follow_;   // positions_ * words_: the positions that can come after each
    std::vector<uint64_t> byDigit_;  // 10 * words_: the positions that accept each digit
    std::vector<uint16_t> accepts_;  // positions_: the digits each position accepts, one bit per digit

    friend class DigitPatternBuilder;
};

}  // namespace promptgate

#endif
