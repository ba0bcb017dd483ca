/* Exact decimal digits of doubles, and the number texts built from them (internal): what the
 * core prints numbers with instead of printf, whose float support newlib-nano leaves out. */
#ifndef ASL_DECIMAL_H
#define ASL_DECIMAL_H

#include <stddef.h>

/* The most significant digits of a finite d > 0, exactly: up to max of them ('0'..'9', no
 * NUL) into digits; *exp10 is the decimal exponent of the first one (d = 0.D * 10^(exp10+1)),
 * *more is 1 when nonzero digits follow the ones written. Trailing zeros are not written.
 * Returns the number of digits written (at least 1 when max >= 1). */
int asl__decimal_digits(double d, char *digits, int max, int *exp10, int *more);

/* printf's "%.<prec>g" of d (glibc's text, "inf"/"nan" included) into out of size bytes, with
 * snprintf's contract: returns the length of the whole text, NUL-terminates when size > 0. */
int asl__format_g(char *out, size_t size, double d, int prec);

/* printf's "%.0f" of an integral finite d (exact digits, "-0" for -0.0), same contract. */
int asl__format_integer(char *out, size_t size, double d);

/* printf's "%.<prec>f" and "%.<prec>e" of d (exact digits, half to even; "inf"/"nan" as
 * format_g; precisions over 40 are taken as 40), same contract. */
int asl__format_fixed(char *out, size_t size, double d, int prec);
int asl__format_exponent(char *out, size_t size, double d, int prec);

/* The shortest "%.<P>g" (P = 1..17) of a finite, nonzero d that strtod reads back as d, its
 * exponent written as JSON numbers are ("1e-7", "1e300"); same contract. */
int asl__format_shortest(char *out, size_t size, double d);

/* Copies len bytes of text into out of size bytes with snprintf's contract; returns len. */
int asl__copy_truncated(char *out, size_t size, const char *text, size_t len);

#endif
