/* Choice rule data tests. Types that do not fit the operator make the test false. */
#include <string.h>

#include "exec.h"
#include "utf8.h"

/* The first UTF-16 code unit of a code point decides Java's String.compareTo order. */
static unsigned utf16_key(unsigned cp)
{
	return cp >= 0x10000 ? 0xD800 + ((cp - 0x10000) >> 10) : cp;
}

static int compare_strings(const asl_value *a, const asl_value *b)
{
	const char *x = a->u.string.ptr, *y = b->u.string.ptr;
	size_t i = 0, j = 0, n = a->u.string.len, m = b->u.string.len;
	while (i < n && j < m) {
		unsigned cx = asl__utf8_next(x, n, &i), cy = asl__utf8_next(y, m, &j);
		if (cx == cy)
			continue;
		unsigned kx = utf16_key(cx), ky = utf16_key(cy);
		if (kx != ky)
			return kx < ky ? -1 : 1;
		return cx < cy ? -1 : 1; /* same high surrogate: order by the rest */
	}
	return (i < n) - (j < m);
}

static int apply_op(int op, int cmp)
{
	switch (op) {
	case ASL_OP_EQ: return cmp == 0;
	case ASL_OP_NE: return cmp != 0;
	case ASL_OP_LT: return cmp < 0;
	case ASL_OP_LE: return cmp <= 0;
	case ASL_OP_GT: return cmp > 0;
	default: return cmp >= 0;
	}
}

static int timestamp_of(const asl_value *v, int64_t *ms, int *nanos)
{
	return v->type == ASL_STRING &&
	       asl__parse_timestamp(v->u.string.ptr, v->u.string.len, ms, nanos) == 0;
}

int asl_compare(int kind, int op, const asl_value *v, const asl_value *operand)
{
	if (!v || !operand)
		return 0;
	switch (kind) {
	case ASL_CMP_STRING:
		if (v->type != ASL_STRING || operand->type != ASL_STRING)
			return 0;
		return apply_op(op, compare_strings(v, operand));
	case ASL_CMP_NUMERIC:
		if (v->type != ASL_NUMBER || operand->type != ASL_NUMBER)
			return 0;
		return apply_op(op, v->u.number < operand->u.number   ? -1
				    : v->u.number > operand->u.number ? 1
								      : 0);
	case ASL_CMP_BOOLEAN:
		if (v->type != ASL_BOOL || operand->type != ASL_BOOL)
			return 0;
		return apply_op(op, v->boolean == operand->boolean ? 0 : v->boolean ? 1 : -1);
	case ASL_CMP_TIMESTAMP: {
		int64_t a, b;
		int an, bn;
		if (!timestamp_of(v, &a, &an) || !timestamp_of(operand, &b, &bn))
			return 0;
		int cmp = a != b ? (a < b ? -1 : 1) : an != bn ? (an < bn ? -1 : 1) : 0;
		return apply_op(op, cmp);
	}
	}
	return 0;
}

/* StringMatches: '*' matches any run; "\*" and "\\" are literal (validated by aslc). */
static int match_here(const char *p, size_t pn, const char *s, size_t sn)
{
	while (pn) {
		if (*p == '*') {
			while (pn && *p == '*') {
				p++;
				pn--;
			}
			if (!pn)
				return 1;
			for (size_t k = 0; k <= sn; k++)
				if (match_here(p, pn, s + k, sn - k))
					return 1;
			return 0;
		}
		char want = *p;
		size_t step = 1;
		if (*p == '\\' && pn > 1) {
			want = p[1];
			step = 2;
		}
		if (!sn || *s != want)
			return 0;
		p += step;
		pn -= step;
		s++;
		sn--;
	}
	return sn == 0;
}

int asl_string_matches(const asl_value *v, const char *pattern, size_t len)
{
	return v && v->type == ASL_STRING &&
	       match_here(pattern, len, v->u.string.ptr, v->u.string.len);
}
