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

#ifdef __cplusplus
}
#endif

#endif
