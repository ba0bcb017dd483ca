/* JSONPath syntax (Jayway dialect, as AWS uses): $, $$ (context), $name (variable), .name,
 * ['name'], [n], [*], .*, [a:b:c], ['a','b'], [1,2], ..name, ..*, and [?(filter)]. */
#include <stdlib.h>
#include <string.h>

#include "asl/abi.h"
#include "aslc.h"

typedef struct lexer {
	asl_arena *arena;
	const char *s;
	size_t n, i;
	char *err;
	size_t errlen;
} lexer;

static int error_at(lexer *lx, const char *msg)
{
	if (lx->err[0] == '\0')
		snprintf(lx->err, lx->errlen, "%s at offset %zu", msg, lx->i);
	return -1;
}

static void skip_ws(lexer *lx)
{
	while (lx->i < lx->n && (lx->s[lx->i] == ' ' || lx->s[lx->i] == '\t'))
		lx->i++;
}

static int peek(lexer *lx)
{
	return lx->i < lx->n ? (unsigned char)lx->s[lx->i] : -1;
}

static char *dup_bytes(asl_arena *a, const char *s, size_t n)
{
	char *p = asl_arena_alloc(a, n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static int add_seg(lexer *lx, jpath *p, const path_seg *seg, int *cap)
{
	if (p->seg_count == *cap) {
		int ncap = *cap ? *cap * 2 : 4;
		path_seg *ns = asl_arena_alloc(lx->arena, (size_t)ncap * sizeof *ns);
		if (!ns)
			return error_at(lx, "out of memory");
		if (p->seg_count)
			memcpy(ns, p->segs, (size_t)p->seg_count * sizeof *ns);
		p->segs = ns;
		*cap = ncap;
	}
	p->segs[p->seg_count++] = *seg;
	return 0;
}

/* A name after '.': anything up to the next unescaped '.', '[' or space; '\' escapes.
 * The end is found first so that the buffer is the name's size, not the rest of the path's
 * (which made a long path quadratic in memory). */
static int dot_name(lexer *lx, char **out, size_t *len, int in_filter)
{
	size_t end = lx->i, n = 0;
	while (end < lx->n) {
		char c = lx->s[end];
		if (c == '.' || c == '[' || c == ' ' || (in_filter && strchr(")=<>!&|,", c)))
			break;
		if (c == '(' || c == ')') {
			lx->i = end;
			return error_at(lx, "functions are not supported in paths");
		}
		if (c == '\\' && end + 1 < lx->n)
			end++;
		end++;
		n++;
	}
	if (n == 0)
		return error_at(lx, "expected a field name");
	char *buf = asl_arena_alloc(lx->arena, n + 1);
	size_t o = 0;
	if (!buf)
		return error_at(lx, "out of memory");
	while (lx->i < end) {
		if (lx->s[lx->i] == '\\' && lx->i + 1 < lx->n)
			lx->i++;
		buf[o++] = lx->s[lx->i++];
	}
	buf[o] = '\0';
	*out = buf;
	*len = o;
	return 0;
}

/* A quoted name; as in dot_name, the closing quote is found before allocating. */
static int quoted(lexer *lx, char **out, size_t *len)
{
	char q = lx->s[lx->i++];
	size_t end = lx->i, n = 0;
	while (end < lx->n && lx->s[end] != q) {
		/* only the quote itself can be escaped; other backslashes are literal (Jayway) */
		if (lx->s[end] == '\\' && end + 1 < lx->n && lx->s[end + 1] == q)
			end++;
		end++;
		n++;
	}
	if (end >= lx->n) {
		lx->i = end;
		return error_at(lx, "unterminated quoted name");
	}
	char *buf = asl_arena_alloc(lx->arena, n + 1);
	size_t o = 0;
	if (!buf)
		return error_at(lx, "out of memory");
	while (lx->i < end) {
		if (lx->s[lx->i] == '\\' && lx->i + 1 < lx->n && lx->s[lx->i + 1] == q)
			lx->i++;
		buf[o++] = lx->s[lx->i++];
	}
	lx->i++;
	buf[o] = '\0';
	*out = buf;
	*len = o;
	return 0;
}

static int integer(lexer *lx, long long *out)
{
	size_t start = lx->i;
	if (peek(lx) == '-')
		lx->i++;
	while (lx->i < lx->n && lx->s[lx->i] >= '0' && lx->s[lx->i] <= '9')
		lx->i++;
	if (lx->i == start || (lx->i == start + 1 && lx->s[start] == '-'))
		return error_at(lx, "expected an integer");
	if (lx->i - start > 18)
		return error_at(lx, "index too large");
	*out = strtoll(dup_bytes(lx->arena, lx->s + start, lx->i - start), NULL, 10);
	return 0;
}

static int parse_filter(lexer *lx, filter_expr **out);

static int bracket(lexer *lx, path_seg *seg)
{
	lx->i++; /* '[' */
	skip_ws(lx);
	int c = peek(lx);
	if (c == '*') {
		lx->i++;
		seg->kind = ASL_SEG_WILDCARD;
	} else if (c == '?') {
		lx->i++;
		skip_ws(lx);
		if (peek(lx) != '(')
			return error_at(lx, "expected '(' after '?'");
		lx->i++;
		seg->kind = ASL_SEG_FILTER;
		if (parse_filter(lx, &seg->filter) < 0)
			return -1;
		skip_ws(lx);
		if (peek(lx) != ')')
			return error_at(lx, "expected ')' to close the filter");
		lx->i++;
	} else if (c == '\'' || c == '"') {
		char *names[64];
		size_t lens[64];
		size_t k = 0;
		for (;;) {
			if (k == 64)
				return error_at(lx, "too many names in union");
			skip_ws(lx);
			if (peek(lx) != '\'' && peek(lx) != '"')
				return error_at(lx, "expected a quoted name");
			if (quoted(lx, &names[k], &lens[k]) < 0)
				return -1;
			k++;
			skip_ws(lx);
			if (peek(lx) != ',')
				break;
			lx->i++;
		}
		if (k == 1) {
			seg->kind = ASL_SEG_KEY;
			seg->key = names[0];
			seg->key_len = lens[0];
		} else {
			seg->kind = ASL_SEG_KEYS;
			seg->count = k;
			seg->keys = asl_arena_alloc(lx->arena, k * sizeof(char *));
			seg->key_lens = asl_arena_alloc(lx->arena, k * sizeof(size_t));
			if (!seg->keys || !seg->key_lens)
				return error_at(lx, "out of memory");
			memcpy(seg->keys, names, k * sizeof(char *));
			memcpy(seg->key_lens, lens, k * sizeof(size_t));
		}
	} else if (c == ':' || c == '-' || (c >= '0' && c <= '9')) {
		long long vals[64];
		size_t k = 0;
		long long a = 0;
		if (c != ':' && integer(lx, &a) < 0)
			return -1;
		skip_ws(lx);
		if (peek(lx) == ':') {
			seg->kind = ASL_SEG_SLICE;
			if (c != ':')
				seg->slice_flags |= ASL_SLICE_HAS_START;
			seg->index = a;
			lx->i++;
			skip_ws(lx);
			if (peek(lx) == '-' || (peek(lx) >= '0' && peek(lx) <= '9')) {
				if (integer(lx, &seg->end) < 0)
					return -1;
				seg->slice_flags |= ASL_SLICE_HAS_END;
			}
			skip_ws(lx);
			if (peek(lx) == ':') {
				lx->i++;
				skip_ws(lx);
				if (peek(lx) != ']') {
					if (integer(lx, &seg->step) < 0)
						return -1;
					if (seg->step <= 0)
						return error_at(lx, "slice step must be positive");
					seg->slice_flags |= ASL_SLICE_HAS_STEP;
				}
			}
		} else {
			vals[k++] = a;
			while (peek(lx) == ',') {
				lx->i++;
				skip_ws(lx);
				if (k == 64)
					return error_at(lx, "too many indexes in union");
				if (integer(lx, &vals[k++]) < 0)
					return -1;
				skip_ws(lx);
			}
			if (k == 1) {
				seg->kind = ASL_SEG_INDEX;
				seg->index = a;
			} else {
				seg->kind = ASL_SEG_INDEXES;
				seg->count = k;
				seg->indexes = asl_arena_alloc(lx->arena, k * sizeof(long long));
				if (!seg->indexes)
					return error_at(lx, "out of memory");
				memcpy(seg->indexes, vals, k * sizeof(long long));
			}
		}
	} else {
		return error_at(lx, "'[' must be followed by a quoted name, a number, '*' or '?('");
	}
	skip_ws(lx);
	if (peek(lx) != ']')
		return error_at(lx, "expected ']'");
	lx->i++;
	return 0;
}

/* Parses segments after the root until the end (or, inside filters, a delimiter). */
static int segments(lexer *lx, jpath *p, int in_filter)
{
	int cap = 0;
	while (lx->i < lx->n) {
		path_seg seg;
		memset(&seg, 0, sizeof seg);
		int c = peek(lx);
		if (c == '.') {
			lx->i++;
			if (peek(lx) == '.') {
				lx->i++;
				if (peek(lx) == '*') {
					lx->i++;
					seg.kind = ASL_SEG_DEEP_ALL;
				} else if (peek(lx) == '[') {
					path_seg inner;
					memset(&inner, 0, sizeof inner);
					if (bracket(lx, &inner) < 0)
						return -1;
					if (inner.kind != ASL_SEG_KEY)
						return error_at(
							lx,
							"only ..['name'] is supported after '..'");
					seg = inner;
					seg.kind = ASL_SEG_DEEP_KEY;
				} else {
					seg.kind = ASL_SEG_DEEP_KEY;
					if (dot_name(lx, &seg.key, &seg.key_len, in_filter) < 0)
						return -1;
				}
			} else if (peek(lx) == '*') {
				lx->i++;
				seg.kind = ASL_SEG_WILDCARD;
			} else if (peek(lx) == '[') {
				/* Jayway accepts $.['name'] */
				if (bracket(lx, &seg) < 0)
					return -1;
			} else {
				seg.kind = ASL_SEG_KEY;
				if (dot_name(lx, &seg.key, &seg.key_len, in_filter) < 0)
					return -1;
			}
		} else if (c == '[') {
			if (bracket(lx, &seg) < 0)
				return -1;
		} else if (in_filter) {
			break;
		} else {
			return error_at(lx, "expected '.' or '['");
		}
		if (add_seg(lx, p, &seg, &cap) < 0)
			return -1;
	}
	p->definite = 1;
	for (int i = 0; i < p->seg_count; i++)
		if (p->segs[i].kind != ASL_SEG_KEY && p->segs[i].kind != ASL_SEG_INDEX)
			p->definite = 0;
	return 0;
}

static int is_ident(int c, int first)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80 ||
	       (!first && c >= '0' && c <= '9');
}

static jpath *parse_from(lexer *lx, int in_filter)
{
	jpath *p = asl_arena_alloc(lx->arena, sizeof *p);
	if (!p)
		return NULL;
	memset(p, 0, sizeof *p);
	size_t start = lx->i;
	int c = peek(lx);
	if (c == '@' && in_filter) {
		lx->i++;
	} else if (c == '$') {
		lx->i++;
		if (peek(lx) == '$') {
			lx->i++;
			p->root = ROOT_CONTEXT;
		} else if (peek(lx) >= 0 && is_ident(peek(lx), 1)) {
			size_t name = lx->i;
			while (lx->i < lx->n && is_ident((unsigned char)lx->s[lx->i], 0))
				lx->i++;
			p->root = ROOT_VARIABLE;
			p->variable = dup_bytes(lx->arena, lx->s + name, lx->i - name);
		}
	} else {
		error_at(lx, "a path must start with '$'");
		return NULL;
	}
	if (segments(lx, p, in_filter) < 0)
		return NULL;
	p->text = dup_bytes(lx->arena, lx->s + start, lx->i - start);
	return p;
}

jpath *jpath_parse(asl_arena *arena, const char *text, size_t len, char *err, size_t errlen)
{
	lexer lx = {arena, text, len, 0, err, errlen};
	err[0] = '\0';
	return parse_from(&lx, 0);
}

int jpath_is_reference(const jpath *p)
{
	return p->definite;
}

/* ---- filters: or := and ('||' and)*; and := unary ('&&' unary)*; unary := '!' unary |
 * '(' or ')' | operand (op operand)? ---- */

static int operand(lexer *lx, filter_operand *o)
{
	skip_ws(lx);
	int c = peek(lx);
	memset(o, 0, sizeof *o);
	if (c == '@' || c == '$') {
		o->is_path = 1;
		o->from_root = c == '$';
		o->path = parse_from(lx, 1);
		if (!o->path)
			return -1;
		if (!o->path->definite)
			return error_at(lx, "only definite paths are supported inside filters");
		return 0;
	}
	if (c == '\'' || c == '"') {
		char *s;
		size_t n;
		if (quoted(lx, &s, &n) < 0)
			return -1;
		o->literal = asl_string(lx->arena, s, n);
		return 0;
	}
	size_t start = lx->i;
	while (lx->i < lx->n && strchr("0123456789+-.eEtruefalsn", lx->s[lx->i]))
		lx->i++;
	if (lx->i == start)
		return error_at(lx, "expected a value in filter");
	asl_parse_error perr;
	o->literal = asl_parse(lx->arena, lx->s + start, lx->i - start, 0, &perr);
	if (!o->literal)
		return error_at(lx, "invalid literal in filter");
	return 0;
}

static filter_expr *new_expr(lexer *lx, filter_kind kind)
{
	filter_expr *e = asl_arena_alloc(lx->arena, sizeof *e);
	if (e) {
		memset(e, 0, sizeof *e);
		e->kind = kind;
	}
	return e;
}

static int comparison_op(lexer *lx)
{
	static const struct {
		const char *t;
		int op;
	} ops[] = {{"==", ASL_OP_EQ}, {"!=", ASL_OP_NE}, {"<=", ASL_OP_LE},
		   {">=", ASL_OP_GE}, {"<", ASL_OP_LT},  {">", ASL_OP_GT}};
	skip_ws(lx);
	if (lx->i + 1 < lx->n && lx->s[lx->i] == '=' && lx->s[lx->i + 1] == '~')
		return error_at(lx, "regular expressions (=~) are not supported in filters") - 1;
	for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
		size_t len = strlen(ops[k].t);
		if (lx->n - lx->i >= len && memcmp(lx->s + lx->i, ops[k].t, len) == 0) {
			lx->i += len;
			return ops[k].op;
		}
	}
	return -1;
}

static int unary(lexer *lx, filter_expr **out)
{
	skip_ws(lx);
	if (peek(lx) == '!') {
		lx->i++;
		filter_expr *e = new_expr(lx, F_NOT);
		if (!e || unary(lx, &e->a) < 0)
			return -1;
		*out = e;
		return 0;
	}
	if (peek(lx) == '(') {
		lx->i++;
		if (parse_filter(lx, out) < 0)
			return -1;
		skip_ws(lx);
		if (peek(lx) != ')')
			return error_at(lx, "expected ')'");
		lx->i++;
		return 0;
	}
	filter_expr *e = new_expr(lx, F_CMP);
	if (!e || operand(lx, &e->lhs) < 0)
		return -1;
	int op = comparison_op(lx);
	if (op < -1)
		return -1;
	if (op < 0) {
		if (!e->lhs.is_path)
			return error_at(lx, "expected a comparison");
		e->kind = F_EXISTS;
	} else {
		e->op = op;
		if (operand(lx, &e->rhs) < 0)
			return -1;
	}
	*out = e;
	return 0;
}

static int binary(lexer *lx, filter_expr **out, int level)
{
	const char *tok = level ? "&&" : "||";
	if ((level ? unary(lx, out) : binary(lx, out, 1)) < 0)
		return -1;
	for (;;) {
		skip_ws(lx);
		if (lx->n - lx->i < 2 || memcmp(lx->s + lx->i, tok, 2) != 0)
			return 0;
		lx->i += 2;
		filter_expr *e = new_expr(lx, level ? F_AND : F_OR);
		if (!e)
			return -1;
		e->a = *out;
		if ((level ? unary(lx, &e->b) : binary(lx, &e->b, 1)) < 0)
			return -1;
		*out = e;
	}
}

static int parse_filter(lexer *lx, filter_expr **out)
{
	return binary(lx, out, 0);
}
