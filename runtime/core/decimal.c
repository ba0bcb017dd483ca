/* Exact decimal digits of doubles (a small base-10^9 bignum) and the number texts printf would
 * give for them, so the core's number output needs no printf float support. */
#include <float.h>
#include <stdint.h>
#include <string.h>

#include "decimal.h"
#include "number_parse.h"

#define LIMB_BASE 1000000000u
/* The largest expansion is a subnormal's: m * 5^1074 < 10^767, 86 limbs of 9 digits. */
#define MAX_LIMBS 88
#define POW5_13 1220703125u

typedef struct {
	uint32_t limb[MAX_LIMBS]; /* little-endian, base 10^9 */
	int n;
} bignum;

static void big_mul(bignum *b, uint32_t f)
{
	uint64_t carry = 0;
	for (int i = 0; i < b->n; i++) {
		uint64_t t = (uint64_t)b->limb[i] * f + carry;
		b->limb[i] = (uint32_t)(t % LIMB_BASE);
		carry = t / LIMB_BASE;
	}
	while (carry) {
		b->limb[b->n++] = (uint32_t)(carry % LIMB_BASE);
		carry /= LIMB_BASE;
	}
}

/* The 9 (or, for the top limb, as many as it has) digits of one limb into out; returns how
 * many. */
static int limb_digits(uint32_t v, int top, char out[9])
{
	char tmp[9];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (top ? v != 0 : n < 9);
	for (int i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

int asl__decimal_digits(double d, char *digits, int max, int *exp10, int *more)
{
	uint64_t bits;
	memcpy(&bits, &d, sizeof bits);
	int biased = (int)(bits >> 52 & 0x7ff);
	uint64_t m = bits & ((UINT64_C(1) << 52) - 1);
	int e = -1074;
	if (biased) {
		m |= UINT64_C(1) << 52;
		e = biased - 1075;
	}
	while (e < 0 && !(m & 1)) { /* fewer powers of 5 to multiply by */
		m >>= 1;
		e++;
	}
	/* d = m * 2^e = N * 10^-k: for e < 0, N = m * 5^-e and k = -e */
	bignum b;
	b.limb[0] = (uint32_t)(m % LIMB_BASE);
	b.limb[1] = (uint32_t)(m / LIMB_BASE); /* m < 2^53 < 10^18 */
	b.n = b.limb[1] ? 2 : 1;
	int k = 0;
	if (e >= 0) {
		for (; e >= 31; e -= 31)
			big_mul(&b, UINT32_C(1) << 31);
		if (e)
			big_mul(&b, UINT32_C(1) << e);
	} else {
		k = -e;
		int r = k;
		for (; r >= 13; r -= 13)
			big_mul(&b, POW5_13);
		uint32_t p = 1;
		while (r--)
			p *= 5;
		if (p > 1)
			big_mul(&b, p);
	}
	char chunk[9];
	int top = limb_digits(b.limb[b.n - 1], 1, chunk);
	*exp10 = top + 9 * (b.n - 1) - 1 - k;
	*more = 0;
	int n = 0;
	for (int i = b.n - 1; i >= 0; i--) {
		int c = i == b.n - 1 ? top : limb_digits(b.limb[i], 0, chunk);
		int take = c < max - n ? c : max - n;
		memcpy(digits + n, chunk, (size_t)take);
		n += take;
		if (take < c) { /* the rest only says whether anything nonzero follows */
			for (int j = take; j < c && !*more; j++)
				*more = chunk[j] != '0';
			for (int j = i - 1; j >= 0 && !*more; j--)
				*more = b.limb[j] != 0;
			break;
		}
	}
	while (n > 1 && digits[n - 1] == '0')
		n--;
	return n;
}

/* Rounds n digits (trailing zeros trimmed; *more: nonzero digits follow) to prec significant
 * digits, half to even on the exact value as glibc's printf does; a carry out of the first digit
 * raises *exp10. Returns the digits kept, trailing zeros trimmed. */
static int round_digits(char *dig, int n, int prec, int more, int *exp10)
{
	if (n <= prec)
		return n;
	int rest = more;
	for (int i = prec + 1; i < n && !rest; i++)
		rest = dig[i] != '0';
	char next = dig[prec];
	int up = next > '5' || (next == '5' && (rest || ((dig[prec - 1] - '0') & 1)));
	n = prec;
	if (up) {
		int i = prec - 1;
		while (i >= 0 && dig[i] == '9')
			i--;
		if (i < 0) {
			dig[0] = '1';
			n = 1;
			(*exp10)++;
		} else {
			dig[i]++;
			n = i + 1;
		}
	}
	while (n > 1 && dig[n - 1] == '0')
		n--;
	return n;
}

/* The text of %.<prec>g (no '#': trailing zeros dropped) of the digits dig[0..n) with decimal
 * exponent x into out (at least n + 32 bytes); json_exponent writes "e-7"/"e300" instead of
 * printf's "e-07"/"e+300". Returns its length. */
static int layout_g(char *out, int neg, const char *dig, int n, int x, int prec, int json_exponent)
{
	char *p = out;
	if (neg)
		*p++ = '-';
	if (x < -4 || x >= prec) {
		*p++ = dig[0];
		if (n > 1) {
			*p++ = '.';
			memcpy(p, dig + 1, (size_t)n - 1);
			p += n - 1;
		}
		*p++ = 'e';
		int ax = x < 0 ? -x : x;
		if (x < 0)
			*p++ = '-';
		else if (!json_exponent)
			*p++ = '+';
		char tmp[8];
		int t = 0;
		do {
			tmp[t++] = (char)('0' + ax % 10);
			ax /= 10;
		} while (ax);
		if (t < 2 && !json_exponent)
			tmp[t++] = '0';
		while (t)
			*p++ = tmp[--t];
	} else if (x >= 0) {
		for (int i = 0; i <= x; i++)
			*p++ = i < n ? dig[i] : '0';
		if (n > x + 1) {
			*p++ = '.';
			memcpy(p, dig + x + 1, (size_t)(n - x - 1));
			p += n - x - 1;
		}
	} else {
		*p++ = '0';
		*p++ = '.';
		for (int i = -1; i > x; i--)
			*p++ = '0';
		memcpy(p, dig, (size_t)n);
		p += n;
	}
	return (int)(p - out);
}

int asl__copy_truncated(char *out, size_t size, const char *text, size_t len)
{
	if (size) {
		size_t k = len < size - 1 ? len : size - 1;
		memcpy(out, text, k);
		out[k] = '\0';
	}
	return (int)len;
}

static int sign_bit(double d)
{
	uint64_t bits;
	memcpy(&bits, &d, sizeof bits);
	return (int)(bits >> 63);
}

#define G_MAX_PREC 40 /* more than any caller asks for; larger precisions are clamped */

int asl__format_g(char *out, size_t size, double d, int prec)
{
	int neg = sign_bit(d);
	double a = neg ? -d : d;
	if (a != a)
		return asl__copy_truncated(out, size, neg ? "-nan" : "nan", neg ? 4u : 3u);
	if (a > DBL_MAX)
		return asl__copy_truncated(out, size, neg ? "-inf" : "inf", neg ? 4u : 3u);
	if (a == 0)
		return asl__copy_truncated(out, size, neg ? "-0" : "0", neg ? 2u : 1u);
	if (prec < 1)
		prec = 1;
	if (prec > G_MAX_PREC)
		prec = G_MAX_PREC;
	char dig[G_MAX_PREC + 1], text[G_MAX_PREC + 40];
	int x, more;
	int n = asl__decimal_digits(a, dig, prec + 1, &x, &more);
	n = round_digits(dig, n, prec, more, &x);
	int len = layout_g(text, neg, dig, n, x, prec, 0);
	return asl__copy_truncated(out, size, text, (size_t)len);
}

int asl__format_integer(char *out, size_t size, double d)
{
	int neg = sign_bit(d);
	double a = neg ? -d : d;
	char text[DBL_MAX_10_EXP + 4];
	char *p = text;
	if (neg)
		*p++ = '-';
	if (a < 18446744073709551616.0) { /* 2^64: exact in a uint64_t */
		uint64_t u = (uint64_t)a;
		char tmp[20];
		int t = 0;
		do {
			tmp[t++] = (char)('0' + u % 10);
			u /= 10;
		} while (u);
		while (t)
			*p++ = tmp[--t];
	} else {
		int x, more;
		int n = asl__decimal_digits(a, p, DBL_MAX_10_EXP + 1, &x, &more);
		memset(p + n, '0', (size_t)(x + 1 - n));
		p += x + 1;
	}
	return asl__copy_truncated(out, size, text, (size_t)(p - text));
}

#define F_MAX_PREC 40 /* as G_MAX_PREC */

/* The digit at place 10^(x - i) of dig[0..n) (zeros outside it). */
static char digit_at(const char *dig, int n, int i)
{
	return i >= 0 && i < n ? dig[i] : '0';
}

/* %f: the digits of a (> 0) down to 10^-prec, rounded; *x the exponent of the first. */
static int fixed_digits(double a, int prec, char *dig, int *x)
{
	int more = 0;
	int n = asl__decimal_digits(a, dig, 1, x, &more); /* x: where the digits start */
	int keep = *x + 1 + prec;
	if (keep > 0) {
		n = asl__decimal_digits(a, dig, keep + 1, x, &more);
		return round_digits(dig, n, keep, more, x);
	}
	if (keep == 0 && (dig[0] > '5' || (dig[0] == '5' && (n > 1 || more)))) {
		dig[0] = '1', (*x)++; /* more than half of 10^-prec: rounds up to it */
		return 1;
	}
	return 0; /* less than half of 10^-prec (or exactly half: to the even 0) */
}

/* %.<prec>f or (exponent) %.<prec>e of d. */
static int format_fixed_or_exponent(char *out, size_t size, double d, int prec, int exponent)
{
	int neg = sign_bit(d);
	double a = neg ? -d : d;
	if (a != a || a > DBL_MAX)
		return asl__format_g(out, size, d, 1);
	if (prec < 0)
		prec = 0;
	if (prec > F_MAX_PREC)
		prec = F_MAX_PREC;
	char dig[DBL_MAX_10_EXP + F_MAX_PREC + 3], text[DBL_MAX_10_EXP + F_MAX_PREC + 16];
	int x = 0, n = 0, more = 0;
	if (a != 0 && !exponent) {
		n = fixed_digits(a, prec, dig, &x);
	} else if (a != 0) {
		n = asl__decimal_digits(a, dig, prec + 2, &x, &more);
		n = round_digits(dig, n, prec + 1, more, &x);
	}
	char *p = text;
	if (neg)
		*p++ = '-';
	if (exponent)
		*p++ = n ? dig[0] : '0';
	else if (n == 0 || x < 0)
		*p++ = '0';
	else
		for (int i = 0; i <= x; i++)
			*p++ = digit_at(dig, n, i);
	if (prec)
		*p++ = '.';
	for (int j = 1; j <= prec; j++) /* the digit at 10^-j, or the j-th after the first */
		*p++ = digit_at(dig, n, exponent ? j : x + j);
	if (exponent) {
		*p++ = 'e';
		*p++ = x < 0 ? '-' : '+';
		int ax = x < 0 ? -x : x;
		if (ax >= 100)
			*p++ = (char)('0' + ax / 100);
		*p++ = (char)('0' + ax / 10 % 10);
		*p++ = (char)('0' + ax % 10);
	}
	return asl__copy_truncated(out, size, text, (size_t)(p - text));
}

int asl__format_fixed(char *out, size_t size, double d, int prec)
{
	return format_fixed_or_exponent(out, size, d, prec, 0);
}

int asl__format_exponent(char *out, size_t size, double d, int prec)
{
	return format_fixed_or_exponent(out, size, d, prec, 1);
}

/* Whether the decimal dig[0..n) * 10^(x-n+1) reads back as a: exact arithmetic when the digits
 * and the power of ten are both exact doubles (one correctly rounded operation, as strtod's
 * result is), else the core's own correctly rounded parse. */
static int reads_back(const char *dig, int n, int x, double a)
{
	int s = x - n + 1;
#if FLT_EVAL_METHOD == 0
	static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
				       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
				       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
	if (n <= 15 && s >= -22 && s <= 22) {
		uint64_t c = 0;
		for (int i = 0; i < n; i++)
			c = c * 10 + (uint64_t)(dig[i] - '0');
		double v = (double)c;
		return (s >= 0 ? v * pow10[s] : v / pow10[-s]) == a;
	}
#endif
	char text[40];
	memcpy(text, dig, (size_t)n);
	char *p = text + n;
	*p++ = 'e';
	if (s < 0) {
		*p++ = '-';
		s = -s;
	}
	char tmp[8];
	int t = 0;
	do {
		tmp[t++] = (char)('0' + s % 10);
		s /= 10;
	} while (s);
	while (t)
		*p++ = tmp[--t];
	*p = '\0';
	return asl__parse_number(text, (size_t)(p - text)) == a;
}

int asl__format_shortest(char *out, size_t size, double d)
{
	int neg = d < 0;
	double a = neg ? -d : d;
	char dig[18], work[18], text[64];
	int x, more;
	int n = asl__decimal_digits(a, dig, 18, &x, &more);
	int prec, wn, wx;
	for (prec = 1;; prec++) {
		memcpy(work, dig, (size_t)n);
		wx = x;
		wn = round_digits(work, n, prec, more, &wx);
		if (prec == 17 || reads_back(work, wn, wx, a))
			break;
	}
	int len = layout_g(text, neg, work, wn, wx, prec, 1);
	return asl__copy_truncated(out, size, text, (size_t)len);
}
