/* The JSON scanner: one linear pass checks the whole syntax of a text and counts its tokens, a
 * second one over the accepted text lists them.
 *
 * Once the first pass has accepted a text, the text is valid JSON nested at most
 * ASL_PARSE_MAX_DEPTH deep, so the second pass and the parser that builds values from the tokens
 * need no checks of their own. A rejected text costs the first pass only, and an accepted one an
 * array of exactly its tokens. Neither pass matches a bracket by walking back over the tokens
 * before it: the cost is linear in the text however it nests. */
#include <stdint.h>
#include <string.h>

#include "asl/json.h"
#include "json_scan.h"
#include "utf8.h"

typedef struct scanner {
	const char *s;
	size_t len, i;
	json_scan_result *out;
} scanner;

static int fail(scanner *sc, size_t offset, asl_json_error code, const char *message)
{
	sc->out->offset = offset;
	sc->out->code = code;
	sc->out->message = message;
	return -1;
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
	int depth = 0;
	enum expect want = VALUE;
	size_t tokens = 0, value_end = 0;
	const char *s = sc->s;
	for (;;) {
		while (sc->i < sc->len && is_ws(s[sc->i]))
			sc->i++;
		if (sc->i == sc->len) {
			if (want == NOTHING)
				break;
			return fail(sc, sc->len, tokens ? ASL_JSON_TRUNCATED : ASL_JSON_EMPTY,
				    tokens ? "unexpected end of input" : "no JSON value in input");
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
			if (c == '[' || c == '{') {
				if (depth == ASL_PARSE_MAX_DEPTH)
					return fail(sc, at, ASL_JSON_TOO_DEEP, "nesting too deep");
				open[depth++] = c;
				tokens++;
				sc->i++;
				want = c == '[' ? VALUE_OR_CLOSE : KEY_OR_CLOSE;
				continue;
			}
			if (close || c == ',' || c == ':')
				return fail(sc, at, ASL_JSON_SYNTAX, "expected a value");
			if ((c == '"' ? scan_string(sc) : scan_primitive(sc)) < 0)
				return -1;
			tokens++;
			value_end = sc->i;
			want = depth ? COMMA_OR_CLOSE : NOTHING;
			continue;
		case KEY:
		key:
			if (c != '"')
				return fail(sc, at, ASL_JSON_SYNTAX, "expected a string key");
			if (scan_string(sc) < 0)
				return -1;
			tokens++;
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
		value_end = sc->i;
		want = depth ? COMMA_OR_CLOSE : NOTHING;
	}
	sc->out->count = tokens;
	return 0;
}

/* Counts a value for the innermost open container when it is an array (an object counts its
 * keys instead). */
static void count_item(json_token *toks, const uint32_t *parent, int depth)
{
	if (depth && toks[parent[depth - 1]].type == JSON_TOKEN_ARRAY)
		toks[parent[depth - 1]].size++;
}

/* Just past the closing quote of an accepted string whose body starts at i: the first quote
 * after an even run of backslashes (each run is walked once, so this stays linear). */
static size_t string_end(const char *s, size_t len, size_t i)
{
	for (;;) {
		size_t quote = (size_t)((const char *)memchr(s + i, '"', len - i) - s), b = quote;
		while (s[b - 1] == '\\')
			b--;
		if ((quote - b) % 2 == 0)
			return quote + 1;
		i = quote + 1;
	}
}

/* Lists the tokens of a text scan() has accepted. */
static void list_tokens(const char *s, size_t len, json_token *toks)
{
	uint32_t parent[ASL_PARSE_MAX_DEPTH]; /* the containers not yet closed */
	int depth = 0, key_next = 0; /* whether the next string is an object's key */
	size_t n = 0;
	for (size_t i = 0; i < len;) {
		size_t start = i;
		json_token *t;
		switch (s[i]) {
		case ' ':
		case '\t':
		case '\n':
		case '\r':
		case ':':
			i++;
			continue;
		case ',':
			key_next = toks[parent[depth - 1]].type == JSON_TOKEN_OBJECT;
			i++;
			continue;
		case '[':
		case '{':
			count_item(toks, parent, depth);
			key_next = s[i] == '{';
			toks[n] = (json_token){(uint32_t)i, 0, 0,
					       key_next ? JSON_TOKEN_OBJECT : JSON_TOKEN_ARRAY};
			parent[depth++] = (uint32_t)n++;
			i++;
			continue;
		case ']':
		case '}':
			toks[parent[--depth]].end = (uint32_t)++i;
			key_next = 0;
			continue;
		case '"':
			i = string_end(s, len, i + 1);
			t = &toks[n++];
			t->type = JSON_TOKEN_STRING;
			break;
		default:
			while (i < len && !ends_primitive(s[i]))
				i++;
			t = &toks[n++];
			t->type = JSON_TOKEN_PRIMITIVE;
			break;
		}
		if (key_next)
			toks[parent[depth - 1]].size++; /* a member */
		else
			count_item(toks, parent, depth);
		key_next = 0;
		t->start = (uint32_t)start;
		t->end = (uint32_t)i;
		t->size = 0;
	}
}

void asl__json_scan(const char *text, size_t len, const asl_allocator *al, json_scan_result *out)
{
	scanner sc = {text, len, 0, out};
	out->tokens = out->inline_tokens;
	out->count = 0;
	out->offset = 0;
	out->message = NULL;
	out->code = ASL_JSON_OK;
	if (scan(&sc) < 0)
		return;
	if (out->count > JSON_SCAN_INLINE_TOKENS) {
		json_token *t = NULL;
		if (out->count <= SIZE_MAX / sizeof *t)
			t = al->alloc(al->user, out->count * sizeof *t);
		if (!t) {
			fail(&sc, 0, ASL_JSON_NOMEM, "out of memory");
			out->count = 0;
			return;
		}
		out->tokens = t;
	}
	list_tokens(text, len, out->tokens);
}

void asl__json_scan_release(const asl_allocator *al, json_scan_result *out)
{
	if (out->tokens != out->inline_tokens)
		al->release(al->user, out->tokens);
	out->tokens = out->inline_tokens;
	out->count = 0;
}

int asl__json_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_ws(s[i]))
			return 0;
	return 1;
}
