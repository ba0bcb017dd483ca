/* One linear pass that checks the whole syntax of a JSON text and lists its tokens.
 *
 * Once this pass has accepted a text, the text is valid JSON nested at most
 * ASL_PARSE_MAX_DEPTH deep, so the parser that builds values from the tokens needs no checks of
 * its own. Each token is found where its syntax is checked, so no byte is looked at twice and
 * no bracket is matched by walking back over the tokens before it: the cost is linear in the
 * text however it nests. */
#include <stdint.h>
#include <string.h>

#include "asl/json.h"
#include "json_scan.h"
#include "utf8.h"

typedef struct scanner {
	const char *s;
	size_t len, i;
	const asl_allocator *al;
	size_t capacity; /* of out->tokens */
	json_scan_result *out;
} scanner;

static int fail(scanner *sc, size_t offset, asl_json_error code, const char *message)
{
	sc->out->offset = offset;
	sc->out->code = code;
	sc->out->message = message;
	return -1;
}

/* Appends a token, doubling the array when it is full; NULL when out of memory. */
static json_token *add_token(scanner *sc, json_token_type type, size_t start)
{
	json_scan_result *r = sc->out;
	if (r->count == sc->capacity) {
		size_t capacity = 2 * sc->capacity;
		json_token *t = NULL;
		if (capacity <= SIZE_MAX / sizeof *t)
			t = sc->al->alloc(sc->al->user, capacity * sizeof *t);
		if (!t) {
			fail(sc, 0, ASL_JSON_NOMEM, "out of memory");
			return NULL;
		}
		memcpy(t, r->tokens, r->count * sizeof *t);
		if (r->tokens != r->inline_tokens)
			sc->al->release(sc->al->user, r->tokens);
		r->tokens = t;
		sc->capacity = capacity;
	}
	json_token *t = &r->tokens[r->count++];
	t->start = (uint32_t)start;
	t->end = 0;
	t->size = 0;
	t->type = (uint8_t)type;
	return t;
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* sc->i is at the opening quote; on success it is just past the closing one. */
static int scan_string(scanner *sc)
{
	const char *s = sc->s;
	size_t i = sc->i + 1, len = sc->len;
	for (;;) {
		while (i < len && (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x80 &&
		       s[i] != '"' && s[i] != '\\')
			i++; /* plain ASCII, the common case */
		if (i >= len)
			return fail(sc, len, ASL_JSON_TRUNCATED,
				    "unexpected end of input in a string");
		unsigned char c = (unsigned char)s[i];
		if (c == '"') {
			sc->i = i + 1;
			return 0;
		}
		if (c < 0x20)
			return fail(sc, i, ASL_JSON_BAD_STRING, "control character in string");
		if (c >= 0x80) {
			size_t at = i;
			if (asl__utf8_next(s, len, &i) == ASL_UTF8_INVALID)
				return fail(sc, at, ASL_JSON_BAD_UTF8, "invalid UTF-8 in string");
			continue;
		}
		/* a backslash */
		if (i + 1 >= len)
			return fail(sc, len, ASL_JSON_TRUNCATED,
				    "unexpected end of input in a string");
		char e = s[i + 1];
		if (e == 'u') {
			if (i + 6 > len || !is_hex(s[i + 2]) || !is_hex(s[i + 3]) ||
			    !is_hex(s[i + 4]) || !is_hex(s[i + 5]))
				return fail(sc, i + 1, ASL_JSON_BAD_STRING, "bad \\u escape");
			i += 6;
		} else if (e && strchr("\"\\/bfnrt", e)) {
			i += 2;
		} else {
			return fail(sc, i + 1, ASL_JSON_BAD_STRING, "invalid escape in string");
		}
	}
}

static size_t digits(const char *s, size_t i, size_t end)
{
	while (i < end && s[i] >= '0' && s[i] <= '9')
		i++;
	return i;
}

/* The RFC 8259 number grammar over exactly [i, end). */
static int valid_number(const char *s, size_t i, size_t end)
{
	if (i < end && s[i] == '-')
		i++;
	if (i >= end || s[i] < '0' || s[i] > '9')
		return 0;
	i = s[i] == '0' ? i + 1 : digits(s, i, end);
	if (i < end && s[i] == '.') {
		size_t d = i + 1;
		i = digits(s, d, end);
		if (i == d)
			return 0;
	}
	if (i < end && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < end && (s[i] == '+' || s[i] == '-'))
			i++;
		size_t d = i;
		i = digits(s, d, end);
		if (i == d)
			return 0;
	}
	return i == end;
}

static int ends_primitive(char c)
{
	switch (c) {
	case ' ':
	case '\t':
	case '\n':
	case '\r':
	case ',':
	case ':':
	case '[':
	case ']':
	case '{':
	case '}':
	case '"':
		return 1;
	}
	return 0;
}

/* A number, true, false or null: the whole run up to the next delimiter must be one. */
static int scan_primitive(scanner *sc)
{
	const char *s = sc->s;
	size_t start = sc->i, end = start;
	while (end < sc->len && !ends_primitive(s[end]))
		end++;
	size_t n = end - start;
	int ok = (n == 4 && memcmp(s + start, "true", 4) == 0) ||
		 (n == 5 && memcmp(s + start, "false", 5) == 0) ||
		 (n == 4 && memcmp(s + start, "null", 4) == 0) || valid_number(s, start, end);
	if (!ok)
		return fail(sc, start, ASL_JSON_BAD_LITERAL,
			    "invalid literal (expected a number, true, false or null)");
	sc->i = end;
	return 0;
}

/* What may come next. */
enum expect { VALUE, VALUE_OR_CLOSE, KEY, KEY_OR_CLOSE, COLON, COMMA_OR_CLOSE, NOTHING };

static int scan(scanner *sc)
{
	char open[ASL_PARSE_MAX_DEPTH]; /* the brackets not yet closed */
	uint32_t parent[ASL_PARSE_MAX_DEPTH]; /* and their tokens */
	int depth = 0;
	enum expect want = VALUE;
	size_t value_end = 0;
	const char *s = sc->s;
	json_token *t;
	for (;;) {
		while (sc->i < sc->len && is_ws(s[sc->i]))
			sc->i++;
		if (sc->i == sc->len) {
			if (want == NOTHING)
				break;
			int some = sc->out->count > 0;
			return fail(sc, sc->len, some ? ASL_JSON_TRUNCATED : ASL_JSON_EMPTY,
				    some ? "unexpected end of input" : "no JSON value in input");
		}
		size_t at = sc->i;
		char c = s[at];
		int close = c == ']' || c == '}';
		switch (want) {
		case VALUE_OR_CLOSE:
		case KEY_OR_CLOSE:
			if (close && c == (want == KEY_OR_CLOSE ? '}' : ']'))
				goto close_bracket;
			if (want == KEY_OR_CLOSE)
				goto key;
			/* fall through */
		case VALUE:
			if (close || c == ',' || c == ':')
				return fail(sc, at, ASL_JSON_SYNTAX, "expected a value");
			if (depth && open[depth - 1] == '[')
				sc->out->tokens[parent[depth - 1]].size++; /* an item */
			if (c == '[' || c == '{') {
				if (depth == ASL_PARSE_MAX_DEPTH)
					return fail(sc, at, ASL_JSON_TOO_DEEP, "nesting too deep");
				if (!add_token(sc, c == '[' ? JSON_TOKEN_ARRAY : JSON_TOKEN_OBJECT,
					       at))
					return -1;
				parent[depth] = (uint32_t)(sc->out->count - 1);
				open[depth++] = c;
				sc->i++;
				want = c == '[' ? VALUE_OR_CLOSE : KEY_OR_CLOSE;
				continue;
			}
			if ((c == '"' ? scan_string(sc) : scan_primitive(sc)) < 0)
				return -1;
			t = add_token(sc, c == '"' ? JSON_TOKEN_STRING : JSON_TOKEN_PRIMITIVE, at);
			if (!t)
				return -1;
			t->end = (uint32_t)sc->i;
			value_end = sc->i;
			want = depth ? COMMA_OR_CLOSE : NOTHING;
			continue;
		case KEY:
		key:
			if (c != '"')
				return fail(sc, at, ASL_JSON_SYNTAX, "expected a string key");
			if (scan_string(sc) < 0)
				return -1;
			t = add_token(sc, JSON_TOKEN_STRING, at);
			if (!t)
				return -1;
			t->end = (uint32_t)sc->i;
			sc->out->tokens[parent[depth - 1]].size++; /* a member */
			value_end = sc->i;
			want = COLON;
			continue;
		case COLON:
			if (c != ':')
				return fail(sc, value_end, ASL_JSON_SYNTAX,
					    "expected ':' after object key");
			sc->i++;
			want = VALUE;
			continue;
		case COMMA_OR_CLOSE:
			if (c == ',') {
				sc->i++;
				want = open[depth - 1] == '[' ? VALUE : KEY;
				continue;
			}
			if (close && c == (open[depth - 1] == '[' ? ']' : '}'))
				goto close_bracket;
			return fail(sc, value_end, ASL_JSON_SYNTAX,
				    open[depth - 1] == '[' ? "expected ',' or ']'"
							   : "expected ',' or '}'");
		case NOTHING:
			return fail(sc, at, ASL_JSON_SYNTAX, "unexpected data after JSON value");
		}
	close_bracket:
		depth--;
		sc->i++;
		sc->out->tokens[parent[depth]].end = (uint32_t)sc->i;
		value_end = sc->i;
		want = depth ? COMMA_OR_CLOSE : NOTHING;
	}
	return 0;
}

void asl__json_scan(const char *text, size_t len, const asl_allocator *al, json_scan_result *out)
{
	scanner sc = {text, len, 0, al, JSON_SCAN_INLINE_TOKENS, out};
	out->tokens = out->inline_tokens;
	out->count = 0;
	out->offset = 0;
	out->message = NULL;
	out->code = ASL_JSON_OK;
	scan(&sc);
}

void asl__json_scan_release(const asl_allocator *al, json_scan_result *out)
{
	if (out->tokens != out->inline_tokens)
		al->release(al->user, out->tokens);
	out->tokens = out->inline_tokens;
	out->count = 0;
}
