// A C face for Google's libphonenumber (C++): how valid a written phone number is in a set of regions.
// Swift calls these; the C++ stays in shim.cpp.
#ifndef PROMPTGATE_CPHONENUMBER_H
#define PROMPTGATE_CPHONENUMBER_H

#include <stddef.h>

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
/// separators ' ', '.', '-', '/', '(' and ')' only is parsed as its digits, which the library reads the same way at
/// less cost; `as_written` non-zero parses the text as written (for the tests that compare the two). Digits that
/// start with "00" and another digit are parsed once for all the regions whose international prefix is "00": the
/// library reads them as the same international number in each.
int pg_phone_grade(const char *text, size_t length, const char *regions, size_t count, int enough, int as_written);

#ifdef __cplusplus
}
#endif

#endif
