/* Choice rules: the data tests (types that do not fit the operator make a test false) and the
 * interpreter of the rule tables aslc emits for each Choice state. */
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
	case ASL_OP_EQ:
		return cmp == 0;
	case ASL_OP_NE:
		return cmp != 0;
	case ASL_OP_LT:
		return cmp < 0;
	case ASL_OP_LE:
		return cmp <= 0;
	case ASL_OP_GT:
		return cmp > 0;
	default:
		return cmp >= 0;
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

/* The last Variable found while one Choice state evaluates its rules: consecutive rules often
 * test the same Variable (one per value it may have), and the input cannot change meanwhile. */
typedef struct rule_cache {
	const asl_path *path;
	asl_value *value;
} rule_cache;

/* The value a rule's path selects, NULL when there is none. Variable and the *Path operands
 * are Reference Paths (definite, validated by aslc): keys and indexes only. */
static inline asl_value *rule_value(asl_exec *ex, rule_cache *cache, const asl_path *path, int root,
				    asl_value *in)
{
	if (cache->path == path) /* the same path text, so the same root */
		return cache->value;
	asl_value *v = root == ASL_ROOT_CONTEXT    ? asl_context(ex)
		       : root == ASL_ROOT_VARIABLE ? asl_var(ex, path->var_slot)
						   : in;
	/* most Variables are one key: look it up here rather than through the general walk */
	if (path->seg_count == 1 && path->segs[0].kind == ASL_SEG_KEY) {
		v = asl_key(v, path->segs[0].key, path->segs[0].key_len);
		if (!v)
			asl_miss(ex, path, 0);
	} else {
		v = asl_path_get(ex, path, v);
	}
	if (v) {
		cache->path = path;
		cache->value = v;
	}
	return v;
}

static int eval_rule(asl_exec *ex, rule_cache *cache, const asl_rule *rules, const asl_rule *r,
		     asl_value *in);

/* A data-test row: 1 (true), 0 (false) or -1 (an error was raised). */
static int eval_test(asl_exec *ex, rule_cache *cache, const asl_rule *r, asl_value *in)
{
	asl_value *v = rule_value(ex, cache, r->variable, r->variable_root, in);
	if (r->kind == ASL_RULE_IS_PRESENT) /* a missing Variable is the answer, not an error */
		return (v != NULL) == r->expect;
	if (!v)
		return asl_fail_choice_path(ex, r->variable), -1;
	switch (r->kind) {
	case ASL_RULE_COMPARE:
		return asl_compare(r->cmp, r->op, v, r->operand);
	case ASL_RULE_COMPARE_PATH: {
		asl_value *w = rule_value(ex, cache, r->operand_path, r->operand_root, in);
		if (!w)
			return asl_fail_choice_path(ex, r->operand_path), -1;
		return asl_compare(r->cmp, r->op, v, w);
	}
	case ASL_RULE_IS_NULL:
		return (v->type == ASL_NULL) == r->expect;
	case ASL_RULE_IS_NUMERIC:
		return (v->type == ASL_NUMBER) == r->expect;
	case ASL_RULE_IS_STRING:
		return (v->type == ASL_STRING) == r->expect;
	case ASL_RULE_IS_BOOLEAN:
		return (v->type == ASL_BOOL) == r->expect;
	case ASL_RULE_IS_TIMESTAMP:
		return asl_is_timestamp(v) == r->expect;
	default: /* ASL_RULE_MATCHES */
		return asl_string_matches(v, r->operand->u.string.ptr, r->operand->u.string.len);
	}
}

/* Any row: 1 (true), 0 (false) or -1 (an error was raised). */
static int eval_rule(asl_exec *ex, rule_cache *cache, const asl_rule *rules, const asl_rule *r,
		     asl_value *in)
{
	int k, res;
	switch (r->kind) {
	case ASL_RULE_AND:
	case ASL_RULE_OR: {
		int decisive = r->kind == ASL_RULE_OR; /* false stops And, true stops Or */
		for (k = 0; k < r->count; k++)
			if ((res = eval_rule(ex, cache, rules, &rules[r->first + k], in)) < 0 ||
			    res == decisive)
				return res;
		return !decisive;
	}
	case ASL_RULE_NOT:
		res = eval_rule(ex, cache, rules, &rules[r->first], in);
		return res < 0 ? res : !res;
	default:
		return eval_test(ex, cache, r, in);
	}
}

int asl_choose(asl_exec *ex, const asl_rule *rules, int n, asl_value *in)
{
	rule_cache cache = {NULL, NULL};
	for (int i = 0; i < n; i++) {
		const asl_rule *r = &rules[i];
		int res = r->kind > ASL_RULE_NOT ? eval_test(ex, &cache, r, in)
						 : eval_rule(ex, &cache, rules, r, in);
		if (res)
			return res < 0 ? -1 : i;
	}
	return n;
}
