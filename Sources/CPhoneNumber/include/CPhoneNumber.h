// A C face for Google's libphonenumber (C++): how valid a written phone number is in a set of regions.
// Swift calls these; the C++ stays in shim.cpp.
#ifndef PROMPTGATE_CPHONENUMBER_H
#define PROMPTGATE_CPHONENUMBER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The best grade libphonenumber gives `text` (UTF-8, `length` bytes, as written: spaces, dots, dashes, brackets, a
/// `+` or `00` prefix) in any of `count` regions, given as `2 * count` bytes of ISO 3166 alpha-2 codes one after the
/// other ("DEITGB"). A number written with `+` or an international prefix is read in the region its country code
/// names; a national number (trunk `0`, or none) in the region asked. A region's grade is 2 when the text is a valid
/// number there, 1 when it is not valid but has a length a number of the region can have (libphonenumber's
/// "possible number": a new or unlisted range), 0 otherwise (or when it does not parse as a number).
///
/// The regions are tried in order until one gives `enough` (2: valid, 1: possible) or more: the answer is `enough` or
/// more exactly when some region's grade is, and below it the best of all, whatever the order. Text of digits and the
/// separators ' ', '.', '-', '/', '(' and ')' only, after at most one '+' first, is read as its digits (and the '+'),
/// which the library reads the same way at less cost: the library's steps for a region are repeated over its metadata
/// without its parse, whose other steps read only what such text does not have; `as_written` non-zero parses the text as written with the library itself (for
/// the tests that compare the two). Digits that start with "00" and another digit are graded once for all the regions
/// whose international prefix is "00": the library reads them as the same international number in each.
int pg_phone_grade(const char *text, size_t length, const char *regions, size_t count, int enough, int as_written);

/// Every region libphonenumber knows, as two-letter codes one after the other, written to `codes` when `capacity`
/// bytes hold them; returns their length in bytes. For the tests that compare the two readings in every region.
size_t pg_phone_regions(char *codes, size_t capacity);

/// Digit strings worth grading in `region` (two bytes), one per line, written to `out` when `capacity` bytes hold
/// them; returns their length in bytes. Built from the region's metadata: each type's example number, alone and with
/// the trunk prefix, the country calling code and international prefixes, and near misses of each (a digit less, a
/// digit more, the first or last digit changed). For the tests that compare the two readings.
size_t pg_phone_samples(const char *region, char *out, size_t capacity);

/// How many distinct patterns of the metadata the digit reading matches (number patterns, leading digits, prefixes).
size_t pg_phone_pattern_count(void);

/// Whether pattern `index` matches all of `digits` (`whole` non-zero) or some prefix of it, as the digit reading
/// matches it (`icu` zero: a position automaton where only whether it matches counts) or as ICU does (`icu`
/// non-zero); -1 for an index out of range or text other than ASCII digits. For the tests that compare the two.
int pg_phone_pattern_match(size_t index, const char *digits, size_t length, int whole, int icu);

/// 1 when pattern `index` is matched by a position automaton (not plain digits, in the syntax the automaton reads).
int pg_phone_pattern_automaton(size_t index);

/// A random text of pattern `index`'s language (from `seed`), at most `capacity` digits, written to `out`; returns
/// its length (0 when the pattern has no automaton).
size_t pg_phone_pattern_sample(size_t index, uint64_t seed, char *out, size_t capacity);

#ifdef __cplusplus
}
#endif

#endif
