/* Decimal text to double without the C library's strtod (internal): newlib's strtod can malloc
 * behind the host's back, and the core takes every byte from the host's allocator. */
#ifndef ASL_NUMBER_PARSE_H
#define ASL_NUMBER_PARSE_H

#include <stddef.h>

/* The double nearest the decimal s[0..n) (round half to even, ±inf past DBL_MAX, subnormals
 * and ±0 below), as glibc's strtod reads it. s is a JSON number: an optional '-', digits, an
 * optional fraction and an optional exponent; the caller has checked that grammar. */
double asl__parse_number(const char *s, size_t n);

/* strtod in the C locale, value and *end alike: leading white space, a sign, then a decimal,
 * a hexadecimal ("0x1.8p3"), "inf"/"infinity" or "nan"/"nan(chars)", any case; *end is s when
 * nothing was converted. */
double asl__strtod(const char *s, const char **end);

#endif
