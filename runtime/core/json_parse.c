/* JSON parser: json_scan.c checks the syntax and finds the tokens, this file builds values from
 * them in an arena. */
#include <math.h>
#include <string.h>

#include "asl/json.h"
#include "format.h"
#include "json_scan.h"
#include "number_parse.h"

typedef struct parser {
	asl_arena *arena;
	const char *text;
	size_t len;
	const json_token *toks;
	size_t next; /* index of the next unread token */
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

static void fail(parser *p, size_t offset, asl_json_error code, const char *msg)
{
	if (p->err->message[0])
		return; /* keep the first error */
	p->err->code = code;
	p->err->offset = offset;
	asl_text_position(p->text, offset, &p->err->line, &p->err->column);
	asl__fmt(p->err->message, sizeof p->err->message, "%s", msg);
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

/* Decodes the body of a string token into arena memory (json_scan.c has checked it). */
static const char *decode_string(parser *p, const json_token *t, size_t *out_len)
{
	const char *s = p->text + t->start + 1; /* between the quotes */
	size_t n = (size_t)(t->end - t->start - 2);
	char *out = asl_arena_alloc(p->arena, n + 1);
	if (!out) {
		fail(p, (size_t)t->start + 1, ASL_JSON_NOMEM, "out of memory");
		return NULL;
	}
	const char *esc = memchr(s, '\\', n);
	size_t o = esc ? (size_t)(esc - s) : n;
	memcpy(out, s, o);
	for (size_t i = o; i < n; i++) {
		if (s[i] != '\\') {
			out[o++] = s[i];
			continue;
		}
		switch (s[++i]) {
		case 'b':
			out[o++] = '\b';
			break;
		case 'f':
			out[o++] = '\f';
			break;
		case 'n':
			out[o++] = '\n';
			break;
		case 'r':
			out[o++] = '\r';
			break;
		case 't':
			out[o++] = '\t';
			break;
		case 'u': {
			unsigned cp, lo;
			hex4(s + i + 1, &cp);
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
			out[o++] = s[i];
			break; /* " \ / */
		}
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}

/* The text a number keeps beside its double: the digits of an integer that the double does not
 * print back as (beyond 2^53 or in exponent form), so that numbers passed through come out as
 * they came in, the way AWS keeps them; and the sign of a fractional -0 (Java prints -0.0).
 * NULL for every other number, so the usual number costs nothing more. */
static const char *number_text(parser *p, const char *s, size_t n, int integer, double d)
{
	if (!integer)
		return d == 0 && signbit(d) ? "-0.0" : NULL;
	if (n - (s[0] == '-') <= 15)
		return NULL; /* a double holds 15 digits exactly */
	char printed[40];
	int len = asl_format_number(printed, sizeof printed, d, 1);
	if ((size_t)len == n && memcmp(printed, s, n) == 0)
		return NULL;
	char *text = asl_arena_alloc(p->arena, n + 1);
	if (text) {
		memcpy(text, s, n);
		text[n] = '\0';
	}
	return text;
}

static asl_value *primitive(parser *p, const json_token *t)
{
	const char *s = p->text + t->start;
	size_t n = (size_t)(t->end - t->start);
	switch (s[0]) {
	case 't':
		return asl_true();
	case 'f':
		return asl_false();
	case 'n':
		return asl_null();
	}
	/* json_scan.c has checked the grammar: an integer is a sign and digits */
	int neg = s[0] == '-', integer = 1;
	uint64_t digits = 0; /* wraps past 19 digits, unused then */
	for (size_t i = (size_t)neg; i < n && integer; i++) {
		integer = s[i] >= '0' && s[i] <= '9';
		digits = digits * 10 + (uint64_t)(s[i] - '0');
	}
	double d;
	if (integer && n - (size_t)neg <= 15) {
		d = neg ? -(double)digits : (double)digits; /* exact: nothing to round */
	} else {
		d = asl__parse_number(s, n);
	}
	asl_value *v = asl_number(p->arena, d);
	if (v && integer)
		v->flags |= ASL_FLAG_INTEGER;
	if (v && (n > 15 || d == 0))
		v->u.number_text = number_text(p, s, n, integer, d);
	return v;
}

static asl_value *parse_value(parser *p);

/* Where the members of a large object are found by key while it is read, so that duplicate
 * keys (the last one wins) cost no search through the members read before. */
typedef struct key_index {
	uint32_t *slots; /* member index + 1, 0 when free */
	size_t mask;
} key_index;

#define KEY_INDEX_MIN 16 /* smaller objects just search their members */

static size_t key_hash(const char *key, size_t len)
{
	uint64_t h = 14695981039346656037u; /* FNV-1a */
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)key[i]) * 1099511628211u;
	return (size_t)h;
}

/* The slot of `key` in the index: the one holding it, or the free one where it goes. */
static uint32_t *key_slot(const key_index *ix, const asl_value *obj, const char *key, size_t len)
{
	for (size_t h = key_hash(key, len) & ix->mask;; h = (h + 1) & ix->mask) {
		uint32_t *slot = &ix->slots[h];
		if (!*slot)
			return slot;
		const asl_member *m = &obj->u.object.members[*slot - 1];
		if (m->key_len == len && memcmp(m->key, key, len) == 0)
			return slot;
	}
}

static int add_member(parser *p, asl_value *obj, key_index *ix, const json_token *k, asl_value *val)
{
	size_t key_len;
	const char *key = decode_string(p, k, &key_len);
	if (!key)
		return -1;
	int rc;
	if (p->flags & ASL_PARSE_KEEP_DUPLICATES) {
		rc = asl_object_append(p->arena, obj, key, key_len, val);
	} else if (ix->slots) {
		uint32_t *slot = key_slot(ix, obj, key, key_len);
		if (*slot) {
			obj->u.object.members[*slot - 1].value = val;
			return 0;
		}
		rc = asl_object_append(p->arena, obj, key, key_len, val);
		*slot = (uint32_t)obj->u.object.len;
	} else {
		rc = asl_object_set(p->arena, obj, key, key_len, val);
	}
	if (rc < 0)
		fail(p, (size_t)k->start + 1, ASL_JSON_NOMEM, "out of memory");
	return rc;
}

static asl_value *parse_container(parser *p, const json_token *t)
{
	int is_object = t->type == JSON_TOKEN_OBJECT;
	asl_value *v = is_object ? asl_object(p->arena, (size_t)t->size)
				 : asl_array(p->arena, (size_t)t->size);
	if (!v) {
		fail(p, (size_t)t->start, ASL_JSON_NOMEM, "out of memory");
		return NULL;
	}
	if (!is_object) {
		for (size_t i = 0; i < t->size; i++) {
			asl_value *item = parse_value(p);
			if (!item)
				return NULL;
			v->u.array.items[v->u.array.len++] = item;
		}
		return v;
	}
	key_index ix = {NULL, 0};
	const asl_allocator *al = p->arena->allocator;
	if (t->size >= KEY_INDEX_MIN && !(p->flags & ASL_PARSE_KEEP_DUPLICATES)) {
		size_t slots = 32;
		while (slots < 2 * (size_t)t->size)
			slots *= 2;
		ix.slots = al->alloc(al->user, slots * sizeof *ix.slots);
		if (!ix.slots) {
			fail(p, (size_t)t->start, ASL_JSON_NOMEM, "out of memory");
			return NULL;
		}
		memset(ix.slots, 0, slots * sizeof *ix.slots);
		ix.mask = slots - 1;
	}
	int ok = 1;
	for (size_t i = 0; ok && i < t->size; i++) {
		const json_token *k = &p->toks[p->next++];
		asl_value *val = parse_value(p);
		ok = val && add_member(p, v, &ix, k, val) == 0;
	}
	if (ix.slots)
		al->release(al->user, ix.slots);
	return ok ? v : NULL;
}

static asl_value *parse_value(parser *p)
{
	const json_token *t = &p->toks[p->next++];
	asl_value *v;
	switch (t->type) {
	case JSON_TOKEN_OBJECT:
	case JSON_TOKEN_ARRAY:
		v = parse_container(p, t);
		break;
	case JSON_TOKEN_STRING: {
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
	if (!v)
		fail(p, t->start, ASL_JSON_NOMEM, "out of memory");
	else if (!(v->flags & ASL_FLAG_STATIC))
		v->pos = t->start;
	return v;
}

asl_value *asl_parse(asl_arena *arena, const char *text, size_t len, int flags,
		     asl_parse_error *err)
{
	parser p = {arena, text, len, NULL, 0, flags, err};
	memset(err, 0, sizeof *err);
	if (len > (size_t)0x7fffffff) {
		fail(&p, 0, ASL_JSON_TOO_LARGE, "input too large");
		return NULL;
	}
	json_scan_result scan;
	asl__json_scan(text, len, arena->allocator, &scan);
	asl_value *v = NULL;
	if (scan.message) {
		fail(&p, scan.offset, scan.code, scan.message);
	} else {
		p.toks = scan.tokens;
		v = parse_value(&p);
	}
	asl__json_scan_release(arena->allocator, &scan);
	return v;
}
