/* JSON parser: jsmn finds the tokens, this file checks what jsmn lets through (separators,
 * literals, number grammar, escapes, depth) and builds values in an arena. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSMN_STATIC
#define JSMN_STRICT
#define JSMN_PARENT_LINKS
#include <jsmn.h>

#include "asl/json.h"

typedef struct parser {
	asl_arena *arena;
	const char *text;
	size_t len;
	jsmntok_t *toks;
	int ntoks;
	int next; /* index of the next unread token */
	int flags;
	asl_parse_error *err;
} parser;

void asl_text_position(const char *text, size_t offset, int *line, int *column)
{
	int l = 1, c = 1;
	for (size_t i = 0; i < offset && text[i]; i++) {
		if (text[i] == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	*line = l;
	*column = c;
}

static void fail(parser *p, size_t offset, const char *msg)
{
	if (p->err->message[0])
		return; /* keep the first error */
	p->err->offset = offset;
	asl_text_position(p->text, offset, &p->err->line, &p->err->column);
	snprintf(p->err->message, sizeof p->err->message, "%s", msg);
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Offsets of a token including the quotes of a string. */
static size_t tok_begin(const jsmntok_t *t)
{
	return (size_t)t->start - (t->type == JSMN_STRING);
}

static size_t tok_end(const jsmntok_t *t)
{
	return (size_t)t->end + (t->type == JSMN_STRING);
}

/* The text in [from, to) must be whitespace around exactly `sep` (or nothing if sep is 0). */
static int check_gap(parser *p, size_t from, size_t to, char sep)
{
	int seen = 0;
	for (size_t i = from; i < to; i++) {
		char c = p->text[i];
		if (is_ws(c))
			continue;
		if (c == sep && !seen) {
			seen = 1;
			continue;
		}
		fail(p, i, sep == ',' ? "expected ',' between values" : "unexpected character");
		return -1;
	}
	if (sep && !seen) {
		fail(p, from, sep == ',' ? "expected ','" : "expected ':' after object key");
		return -1;
	}
	return 0;
}

static int hex4(const char *s, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static size_t put_utf8(char *out, unsigned cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Decodes the body of a string token into arena memory. */
static const char *decode_string(parser *p, const jsmntok_t *t, size_t *out_len)
{
	const char *s = p->text + t->start;
	size_t n = (size_t)(t->end - t->start);
	char *out = asl_arena_alloc(p->arena, n + 1);
	if (!out) {
		fail(p, (size_t)t->start, "out of memory");
		return NULL;
	}
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20) {
			fail(p, (size_t)t->start + i, "control character in string");
			return NULL;
		}
		if (c != '\\') {
			out[o++] = (char)c;
			continue;
		}
		if (++i >= n)
			break;
		switch (s[i]) {
		case '"': out[o++] = '"'; break;
		case '\\': out[o++] = '\\'; break;
		case '/': out[o++] = '/'; break;
		case 'b': out[o++] = '\b'; break;
		case 'f': out[o++] = '\f'; break;
		case 'n': out[o++] = '\n'; break;
		case 'r': out[o++] = '\r'; break;
		case 't': out[o++] = '\t'; break;
		case 'u': {
			unsigned cp, lo;
			if (i + 4 >= n || hex4(s + i + 1, &cp) < 0) {
				fail(p, (size_t)t->start + i, "bad \\u escape");
				return NULL;
			}
			i += 4;
			if (cp >= 0xD800 && cp < 0xDC00 && i + 6 < n && s[i + 1] == '\\' &&
			    s[i + 2] == 'u' && hex4(s + i + 3, &lo) == 0 && lo >= 0xDC00 &&
			    lo < 0xE000) {
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
				i += 6;
			} else if (cp >= 0xD800 && cp < 0xE000) {
				cp = 0xFFFD; /* lone surrogate: not representable in UTF-8 */
			}
			o += put_utf8(out + o, cp);
			break;
		}
		default:
			fail(p, (size_t)t->start + i, "invalid escape in string");
			return NULL;
		}
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}

/* RFC 8259 number grammar. */
static int valid_number(const char *s, size_t n, int *integer)
{
	size_t i = 0;
	*integer = 1;
	if (i < n && s[i] == '-')
		i++;
	if (i >= n)
		return 0;
	if (s[i] == '0') {
		i++;
	} else if (s[i] >= '1' && s[i] <= '9') {
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	} else {
		return 0;
	}
	if (i < n && s[i] == '.') {
		*integer = 0;
		i++;
		size_t d = i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == d)
			return 0;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		*integer = 0;
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		size_t d = i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == d)
			return 0;
	}
	return i == n;
}

static asl_value *primitive(parser *p, const jsmntok_t *t)
{
	const char *s = p->text + t->start;
	size_t n = (size_t)(t->end - t->start);
	if (n == 4 && memcmp(s, "true", 4) == 0)
		return asl_true();
	if (n == 5 && memcmp(s, "false", 5) == 0)
		return asl_false();
	if (n == 4 && memcmp(s, "null", 4) == 0)
		return asl_null();
	int integer;
	if (!valid_number(s, n, &integer)) {
		fail(p, (size_t)t->start, "invalid literal (expected a number, true, false or null)");
		return NULL;
	}
	char small[64];
	char *buf = n < sizeof small ? small : asl_arena_alloc(p->arena, n + 1);
	if (!buf)
		return NULL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	asl_value *v = asl_number(p->arena, strtod(buf, NULL));
	if (v && integer)
		v->flags |= ASL_FLAG_INTEGER;
	return v;
}

static asl_value *parse_value(parser *p, int depth);

static int add_member(parser *p, asl_value *obj, const jsmntok_t *k, asl_value *val)
{
	size_t key_len;
	const char *key = decode_string(p, k, &key_len);
	if (!key)
		return -1;
	int replace = !(p->flags & ASL_PARSE_KEEP_DUPLICATES) &&
		      asl_object_get(obj, key, key_len) != NULL;
	int rc = replace ? asl_object_set(p->arena, obj, key, key_len, val)
			 : asl_object_append(p->arena, obj, key, key_len, val);
	if (rc < 0)
		fail(p, (size_t)k->start, "out of memory");
	return rc;
}

static asl_value *parse_container(parser *p, const jsmntok_t *t, int depth)
{
	int is_object = t->type == JSMN_OBJECT;
	asl_value *v = is_object ? asl_object(p->arena, (size_t)t->size)
				 : asl_array(p->arena, (size_t)t->size);
	if (!v) {
		fail(p, (size_t)t->start, "out of memory");
		return NULL;
	}
	size_t prev_end = (size_t)t->start + 1;
	for (int i = 0; i < t->size; i++) {
		if (p->next >= p->ntoks) {
			fail(p, prev_end, "unexpected end of input");
			return NULL;
		}
		const jsmntok_t *k = &p->toks[p->next];
		if (check_gap(p, prev_end, tok_begin(k), i ? ',' : 0) < 0)
			return NULL;
		if (!is_object) {
			asl_value *item = parse_value(p, depth + 1);
			if (!item)
				return NULL;
			v->u.array.items[v->u.array.len++] = item;
			prev_end = tok_end(k);
			continue;
		}
		if (k->type != JSMN_STRING || k->size != 1 || p->next + 1 >= p->ntoks) {
			fail(p, tok_begin(k), "expected a string key, ':' and a value");
			return NULL;
		}
		p->next++;
		const jsmntok_t *vt = &p->toks[p->next];
		if (check_gap(p, tok_end(k), tok_begin(vt), ':') < 0)
			return NULL;
		asl_value *val = parse_value(p, depth + 1);
		if (!val || add_member(p, v, k, val) < 0)
			return NULL;
		prev_end = tok_end(vt);
	}
	if (check_gap(p, prev_end, (size_t)t->end - 1, 0) < 0)
		return NULL;
	return v;
}

static asl_value *parse_value(parser *p, int depth)
{
	const jsmntok_t *t = &p->toks[p->next++];
	if (depth > ASL_PARSE_MAX_DEPTH) {
		fail(p, tok_begin(t), "nesting too deep");
		return NULL;
	}
	asl_value *v;
	switch (t->type) {
	case JSMN_OBJECT:
	case JSMN_ARRAY:
		v = parse_container(p, t, depth);
		break;
	case JSMN_STRING: {
		size_t n;
		const char *s = decode_string(p, t, &n);
		v = s ? asl_arena_alloc(p->arena, sizeof *v) : NULL;
		if (v) {
			memset(v, 0, sizeof *v);
			v->type = ASL_STRING;
			v->u.string.ptr = s;
			v->u.string.len = n;
		}
		break;
	}
	default:
		v = primitive(p, t);
		if (v && (v->flags & ASL_FLAG_STATIC) && (p->flags & ASL_PARSE_KEEP_DUPLICATES)) {
			/* the validator wants positions: give literals their own node */
			asl_value *c = asl_arena_alloc(p->arena, sizeof *c);
			if (c) {
				*c = *v;
				c->flags = 0;
			}
			v = c;
		}
		break;
	}
	if (v && !(v->flags & ASL_FLAG_STATIC))
		v->pos = (uint32_t)tok_begin(t);
	return v;
}

/* The offset where brackets nest deeper than ASL_PARSE_MAX_DEPTH, or (size_t)-1. */
static size_t too_deep(const char *text, size_t len)
{
	int depth = 0, in_string = 0;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = 0;
		} else if (c == '"') {
			in_string = 1;
		} else if (c == '[' || c == '{') {
			if (++depth > ASL_PARSE_MAX_DEPTH)
				return i;
		} else if (c == ']' || c == '}') {
			depth--;
		}
	}
	return (size_t)-1;
}

/* jsmn's strict mode wants a delimiter after a primitive, so a text that is just a number,
 * true, false or null is read here. */
static asl_value *parse_top_primitive(parser *p, size_t first)
{
	size_t end = first;
	while (end < p->len && !is_ws(p->text[end]))
		end++;
	if (check_gap(p, end, p->len, 0) < 0)
		return NULL;
	jsmntok_t t = {JSMN_PRIMITIVE, (int)first, (int)end, 0
#ifdef JSMN_PARENT_LINKS
		       , -1
#endif
	};
	asl_value *v = primitive(p, &t);
	if (v && !(v->flags & ASL_FLAG_STATIC))
		v->pos = (uint32_t)first;
	return v;
}

asl_value *asl_parse(asl_arena *arena, const char *text, size_t len, int flags,
		     asl_parse_error *err)
{
	parser p = {arena, text, len, NULL, 0, 0, flags, err};
	memset(err, 0, sizeof *err);
	if (len > (size_t)0x7fffffff) {
		fail(&p, 0, "input too large");
		return NULL;
	}
	/* jsmn closes brackets by walking back over the tokens, quadratic in the nesting depth:
	 * refuse deep nesting before it gets there */
	size_t deep_at = too_deep(text, len);
	if (deep_at != (size_t)-1) {
		fail(&p, deep_at, "nesting too deep");
		return NULL;
	}
	size_t first = 0;
	while (first < len && is_ws(text[first]))
		first++;
	if (first < len && text[first] != '{' && text[first] != '[' && text[first] != '"')
		return parse_top_primitive(&p, first);
	jsmn_parser jp;
	jsmn_init(&jp);
	int n = jsmn_parse(&jp, text, len, NULL, 0);
	if (n >= 0) {
		p.toks = arena->allocator->alloc(arena->allocator->user,
						 (size_t)(n ? n : 1) * sizeof(jsmntok_t));
		if (!p.toks) {
			fail(&p, 0, "out of memory");
			return NULL;
		}
		jsmn_init(&jp);
		n = jsmn_parse(&jp, text, len, p.toks, (unsigned)n);
	}
	asl_value *v = NULL;
	if (n == JSMN_ERROR_PART) {
		fail(&p, len, "unexpected end of input");
	} else if (n < 0) {
		fail(&p, jp.pos < len ? jp.pos : len, "invalid JSON");
	} else if (n == 0) {
		fail(&p, len, "no JSON value in input");
	} else {
		p.ntoks = n;
		if (check_gap(&p, 0, tok_begin(&p.toks[0]), 0) == 0) {
			v = parse_value(&p, 0);
			if (v && check_gap(&p, tok_end(&p.toks[0]), len, 0) < 0)
				v = NULL;
			if (v && p.next != n) {
				fail(&p, tok_begin(&p.toks[p.next]), "unexpected data after JSON value");
				v = NULL;
			}
		}
	}
	if (p.toks)
		arena->allocator->release(arena->allocator->user, p.toks);
	return v;
}
