/* Number text to the nearest double without the C library's strtod: an exact fast path for short
 * decimals (Clinger's), else a close approximation corrected by exact comparisons with the
 * halfway points between doubles (a small binary bignum on the stack); strtod's hexadecimal,
 * "inf" and "nan" forms for the one caller that reads any text strtod would. */
#include <float.h>
#include <stdint.h>
#include <string.h>

#include "number_parse.h"

#define EXP_LIMIT 100000000 /* larger exponents saturate: the value is 0 or inf long before */
#define MAX_DIGITS 800 /* a halfway point between doubles has at most 767 digits */
#define FRAC_MASK ((UINT64_C(1) << 52) - 1)
#define INF_BITS UINT64_C(0x7ff0000000000000)
#define NAN_BITS UINT64_C(0x7ff8000000000000)

/* A scanned decimal: its value is D * 10^dexp, D the integer of its nsig significant digits. */
typedef struct {
	const char *first; /* the first significant digit; a '.' may follow among the digits */
	int64_t nsig; /* digits from the first nonzero one on, trailing zeros included */
	int64_t dexp;
	uint64_t w; /* the first min(nsig, 19) of them */
} decimal;

static double from_bits(uint64_t u)
{
	double d;
	memcpy(&d, &u, sizeof d);
	return d;
}

static uint64_t to_bits(double d)
{
	uint64_t u;
	memcpy(&u, &d, sizeof u);
	return u;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* An optional sign and digits at *p (before lim) as a saturated exponent; *p moves past them
 * only when there is at least one digit, as strtod leaves a bare "e" unread. */
static int64_t scan_exponent(const char **p, const char *lim)
{
	const char *q = *p;
	int neg = 0;
	if (q < lim && (*q == '+' || *q == '-'))
		neg = *q++ == '-';
	if (q >= lim || !is_digit(*q))
		return 0;
	int64_t e = 0;
	for (; q < lim && is_digit(*q); q++)
		if (e < EXP_LIMIT)
			e = e * 10 + (*q - '0');
	*p = q;
	return neg ? -e : e;
}

/* strtod's decimal form from p (before lim): digits with at most one '.', at least one digit,
 * then an optional exponent. Returns its end, p when there is no digit. */
static const char *scan_decimal(const char *p, const char *lim, decimal *dec)
{
	const char *q = p;
	int64_t frac = 0;
	int any = 0, point = 0;
	dec->first = NULL;
	dec->nsig = 0;
	dec->w = 0;
	for (; q < lim; q++) {
		if (*q == '.' && !point) {
			point = 1;
			continue;
		}
		if (!is_digit(*q))
			break;
		any = 1;
		frac += point;
		if (dec->nsig == 0 && *q == '0')
			continue; /* a leading zero: no significant digit yet */
		if (dec->nsig == 0)
			dec->first = q;
		if (dec->nsig < 19)
			dec->w = dec->w * 10 + (uint64_t)(*q - '0');
		dec->nsig++;
	}
	if (!any)
		return p;
	int64_t exp = 0;
	if (q < lim && (*q == 'e' || *q == 'E')) {
		const char *e = q + 1;
		exp = scan_exponent(&e, lim);
		if (e != q + 1)
			q = e;
	}
	dec->dexp = exp - frac;
	return q;
}

/* A non-negative integer of up to BIG_LIMBS 32-bit limbs, little-endian, no leading zero limb.
 * 96 limbs hold what compare() builds: D < 10^801 (2661 bits) on one side and, on the other, a
 * halfway point times at most 5^1125 (2666 bits), each shifted only up to the other's size. */
#define BIG_LIMBS 96
typedef struct {
	uint32_t limb[BIG_LIMBS];
	int n;
} big;

static void big_set(big *b, uint64_t v)
{
	b->n = 0;
	for (; v; v >>= 32)
		b->limb[b->n++] = (uint32_t)v;
}

static void big_muladd(big *b, uint32_t f, uint32_t add)
{
	uint64_t carry = add;
	for (int i = 0; i < b->n; i++) {
		uint64_t t = (uint64_t)b->limb[i] * f + carry;
		b->limb[i] = (uint32_t)t;
		carry = t >> 32;
	}
	if (carry && b->n < BIG_LIMBS)
		b->limb[b->n++] = (uint32_t)carry;
}

static void big_pow5(big *b, int64_t k)
{
	for (; k >= 13; k -= 13)
		big_muladd(b, 1220703125u, 0); /* 5^13 */
	uint32_t p = 1;
	while (k-- > 0)
		p *= 5;
	big_muladd(b, p, 0);
}

static void big_shl(big *b, int64_t k)
{
	if (b->n == 0 || k <= 0)
		return;
	int words = (int)(k / 32), bits = (int)(k % 32);
	if (b->n + words + 1 > BIG_LIMBS)
		words = BIG_LIMBS - 1 - b->n; /* cannot happen for the sizes above */
	b->limb[b->n + words] = 0;
	for (int i = b->n - 1; i >= 0; i--) {
		uint64_t v = (uint64_t)b->limb[i] << bits;
		b->limb[i + words + 1] |= (uint32_t)(v >> 32);
		b->limb[i + words] = (uint32_t)v;
	}
	memset(b->limb, 0, (size_t)words * sizeof b->limb[0]);
	b->n += words + 1;
	while (b->n && !b->limb[b->n - 1])
		b->n--;
}

static int big_cmp(const big *a, const big *b)
{
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	for (int i = a->n - 1; i >= 0; i--)
		if (a->limb[i] != b->limb[i])
			return a->limb[i] < b->limb[i] ? -1 : 1;
	return 0;
}

/* The first MAX_DIGITS significant digits of dec into b, and a final 1 when nonzero digits
 * follow them (no halfway point lies between the cut text and the whole one); returns the
 * power of ten b is to be multiplied by. */
static int64_t load_digits(big *b, const decimal *dec)
{
	const char *p = dec->first;
	int64_t take = dec->nsig < MAX_DIGITS ? dec->nsig : MAX_DIGITS;
	uint32_t chunk = 0, scale = 1;
	big_set(b, 0);
	for (int64_t i = 0; i < take; p++) {
		if (*p == '.')
			continue;
		chunk = chunk * 10 + (uint32_t)(*p - '0');
		scale *= 10;
		i++;
		if (scale == 1000000000u || i == take) {
			big_muladd(b, scale, chunk);
			chunk = 0;
			scale = 1;
		}
	}
	if (dec->nsig == take)
		return dec->dexp;
	for (int64_t i = take; i < dec->nsig; p++) {
		if (*p == '.')
			continue;
		if (*p != '0') {
			big_muladd(b, 10, 1);
			return dec->dexp + dec->nsig - take - 1;
		}
		i++;
	}
	return dec->dexp + dec->nsig - take;
}

/* The sign of dec's value minus the halfway point between the finite double of bits u >= 0 and
 * the next one up: (2m + 1) * 2^(e - 1) for u = m * 2^e. */
static int compare_halfway(const decimal *dec, uint64_t u)
{
	int biased = (int)(u >> 52);
	uint64_t m = u & FRAC_MASK;
	int e = -1074;
	if (biased) {
		m |= UINT64_C(1) << 52;
		e = biased - 1075;
	}
	big lhs, rhs;
	int64_t dexp = load_digits(&lhs, dec);
	big_set(&rhs, 2 * m + 1);
	if (dexp >= 0)
		big_pow5(&lhs, dexp);
	else
		big_pow5(&rhs, -dexp);
	int64_t twos = dexp - (e - 1); /* lhs carries 2^dexp, rhs 2^(e-1) */
	if (twos > 0)
		big_shl(&lhs, twos);
	else
		big_shl(&rhs, -twos);
	return big_cmp(&lhs, &rhs);
}

/* w * 10^k, within a few ulps (one rounding per factor): where the exact search starts. */
static double approximate(uint64_t w, int64_t k)
{
	static const double pow2k[] = {1e1, 1e2, 1e4, 1e8, 1e16, 1e32, 1e64, 1e128, 1e256};
	double a = (double)w;
	if (k < -300) { /* keep 10^-k finite: its range ends at 1e308 */
		a *= 1e-300;
		k += 300;
	}
	int64_t ak = k < 0 ? -k : k;
	double p = 1;
	for (int i = 0; ak; i++, ak >>= 1)
		if (ak & 1)
			p *= pow2k[i];
	return k < 0 ? a / p : a * p;
}

/* The double nearest dec's value, round half to even: the exact fast path, else the double
 * whose two halfway points enclose the value, found by stepping from an approximation. */
static double decimal_to_double(const decimal *dec)
{
	if (dec->nsig == 0)
		return 0;
	int64_t lead = dec->dexp + dec->nsig - 1; /* the value is in [10^lead, 10^(lead+1)) */
	if (lead > DBL_MAX_10_EXP)
		return from_bits(INF_BITS);
	if (lead < -325) /* below 10^-325 < 2^-1075, half the smallest subnormal */
		return 0;
#if FLT_EVAL_METHOD == 0 /* doubles round once per operation (not x87's extended precision) */
	static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
				       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
				       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
	const uint64_t exact = UINT64_C(1) << 53;
	if (dec->nsig <= 19 && dec->w <= exact && dec->dexp >= -22) {
		/* both factors exact: the one operation rounds correctly */
		if (dec->dexp < 0)
			return (double)dec->w / pow10[-dec->dexp];
		if (dec->dexp <= 22)
			return (double)dec->w * pow10[dec->dexp];
		uint64_t w = dec->w; /* w * 10^(dexp - 22) may still be exact */
		int64_t k = dec->dexp - 22;
		for (; k > 0 && w <= exact / 10; k--)
			w *= 10;
		if (k == 0)
			return (double)w * 1e22;
	}
#endif
	int64_t k = dec->dexp + (dec->nsig > 19 ? dec->nsig - 19 : 0);
	double a = approximate(dec->w, k);
	uint64_t u = a > DBL_MAX ? to_bits(DBL_MAX) : to_bits(a);
	int cmp, moved = 0;
	while ((cmp = compare_halfway(dec, u)) > 0) {
		if (++u == INF_BITS)
			return from_bits(u); /* above DBL_MAX's upper halfway point */
		moved = 1;
	}
	if (cmp == 0)
		return from_bits(u & 1 ? u + 1 : u); /* a tie: to the even mantissa */
	if (moved)
		return from_bits(u);
	for (; u > 0; u--) {
		cmp = compare_halfway(dec, u - 1);
		if (cmp > 0)
			break;
		if (cmp == 0)
			return from_bits(u & 1 ? u - 1 : u);
	}
	return from_bits(u);
}

double asl__parse_number(const char *s, size_t n)
{
	int neg = n && s[0] == '-';
	decimal dec;
	scan_decimal(s + neg, s + n, &dec);
	double v = decimal_to_double(&dec);
	return neg ? -v : v;
}

/* The double nearest mant * 2^bexp, sticky: nonzero bits were cut below mant; half to even. */
static double round_binary(uint64_t mant, int64_t bexp, int sticky)
{
	if (!mant)
		return 0;
	int nb = 64;
	while (!(mant >> (nb - 1)))
		nb--;
	int64_t top = bexp + nb - 1;
	if (top > 1023)
		return from_bits(INF_BITS);
	int64_t e = top - 52 < -1074 ? -1074 : top - 52;
	int64_t shift = e - bexp;
	uint64_t m;
	if (shift <= 0) {
		m = mant << -shift;
	} else {
		uint64_t half, rest;
		if (shift > 64) {
			m = half = 0;
			rest = 1;
		} else if (shift == 64) {
			m = 0;
			half = mant >> 63;
			rest = mant & ~(UINT64_C(1) << 63);
		} else {
			m = mant >> shift;
			half = mant >> (shift - 1) & 1;
			rest = mant & ((UINT64_C(1) << (shift - 1)) - 1);
		}
		if (half && (rest || sticky || (m & 1)))
			m++;
		if (m == UINT64_C(1) << 53) {
			m >>= 1;
			if (++e > 1023 - 52)
				return from_bits(INF_BITS);
		}
	}
	if (m >> 52)
		return from_bits((uint64_t)(e + 1075) << 52 | (m & FRAC_MASK));
	return from_bits(m); /* subnormal */
}

static int hex_value(char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* strtod's hexadecimal form after its "0x": hex digits with at most one '.', at least one
 * digit, an optional binary exponent "p-3". Returns its end, NULL when there is no digit. */
static const char *scan_hex(const char *p, double *out)
{
	uint64_t mant = 0;
	int64_t bexp = 0;
	int sticky = 0, any = 0, point = 0;
	for (;; p++) {
		if (*p == '.' && !point) {
			point = 1;
			continue;
		}
		int v = hex_value(*p);
		if (v < 0)
			break;
		any = 1;
		if (mant >> 60 == 0) {
			mant = mant * 16 + (uint64_t)v;
			bexp -= 4 * point;
		} else { /* 61+ bits kept: the rest only matters as nonzero or not */
			sticky |= v != 0;
			bexp += 4 * !point;
		}
	}
	if (!any)
		return NULL;
	if (*p == 'p' || *p == 'P') {
		const char *e = p + 1;
		bexp += scan_exponent(&e, e + strlen(e));
		if (e != p + 1)
			p = e;
	}
	*out = round_binary(mant, bexp, sticky);
	return p;
}

/* Whether p starts with the lower-case word, in any case. */
static int starts_with_word(const char *p, const char *word)
{
	for (; *word; p++, word++)
		if ((*p >= 'A' && *p <= 'Z' ? *p + 32 : *p) != *word)
			return 0;
	return 1;
}

double asl__strtod(const char *s, const char **end)
{
	const char *p = s;
	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	int neg = *p == '-';
	if (*p == '+' || *p == '-')
		p++;
	double v = 0;
	const char *q = NULL;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		q = scan_hex(p + 2, &v); /* NULL for "0x" alone: then the "0" is the number */
	if (!q) {
		decimal dec;
		q = scan_decimal(p, p + strlen(p), &dec);
		if (q != p) {
			v = decimal_to_double(&dec);
		} else if (starts_with_word(p, "inf")) {
			q = p + (starts_with_word(p + 3, "inity") ? 8 : 3);
			v = from_bits(INF_BITS);
		} else if (starts_with_word(p, "nan")) {
			q = p + 3;
			v = from_bits(NAN_BITS);
			const char *r = q + (*q == '(');
			while (*q == '(' && (is_digit(*r) || *r == '_' ||
					     ((*r | 32) >= 'a' && (*r | 32) <= 'z')))
				r++;
			if (*q == '(' && *r == ')')
				q = r + 1;
		} else {
			*end = s;
			return 0;
		}
	}
	*end = q;
	return neg ? -v : v;
}
