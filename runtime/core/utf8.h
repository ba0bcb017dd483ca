/* The runtime's one UTF-8 decoder (internal). */
#ifndef ASL_UTF8_H
#define ASL_UTF8_H

#include <stddef.h>

#define ASL_UTF8_INVALID 0xFFFFFFFFu

/* The code point at *i of UTF-8 text of n bytes, advancing *i past it. A byte that does not
 * start a well-formed sequence (RFC 3629: no overlong forms, no surrogates, nothing above
 * U+10FFFF, no missing continuation bytes) gives ASL_UTF8_INVALID and advances *i by one. */
unsigned asl__utf8_next(const char *text, size_t n, size_t *i);
/* The offset of the first invalid sequence in text, or n when all of it is valid UTF-8. */
size_t asl__utf8_check(const char *text, size_t n);

#endif
