// A C face for Google's libphonenumber (C++): whether a written phone number is a valid number of a region.
// Swift calls these; the C++ stays in shim.cpp.
#ifndef PROMPTGATE_CPHONENUMBER_H
#define PROMPTGATE_CPHONENUMBER_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Whether `text` (UTF-8, `length` bytes, as written: spaces, dots, dashes, brackets, a `+` or `00` prefix) is a
/// valid phone number. A number written with `+` or an international `00` prefix is checked against the region
/// its country code names; a national number (trunk `0`, or none) against `region` (ISO 3166 alpha-2, such as
/// "GB"). Returns 1 when valid, 0 when not (or when the text does not parse as a number).
int pg_phone_is_valid(const char *text, size_t length, const char *region);

/// 2 when `text` is a valid number (as for `pg_phone_is_valid`), 1 when it is not valid but has a length a number
/// of its region can have (libphonenumber's "possible number": a new or unlisted range), 0 otherwise.
int pg_phone_check(const char *text, size_t length, const char *region);

/// The best grade of `pg_phone_check` for `text` over `count` regions, given as `2 * count` bytes of two-letter
/// codes one after the other ("DEITGB"), tried in that order until one gives `enough` (2: valid, 1: possible) or
/// more: the answer is `enough` or more exactly when some region's grade is, and below it the best of all, whatever
/// the order. Text of digits and the separators ' ', '.', '-', '/', '(' and ')' only is parsed as its digits, which
/// the library reads the same way at less cost; `as_written` non-zero parses the text as written (for the tests
/// that compare the two). Digits that start with "00" and another digit are parsed once for all the regions whose
/// international prefix is "00": the library reads them as the same international number in each.
int pg_phone_grade(const char *text, size_t length, const char *regions, size_t count, int enough, int as_written);

#ifdef __cplusplus
}
#endif

#endif
