/* One linear pass that checks the whole syntax of a JSON text before jsmn sees it.
 *
 * jsmn trusts its input: it takes any run of printable bytes as a primitive (so `1"` hides a
 * quote that a bracket counter then takes for the start of a string), and it closes a bracket
 * by walking back from the last token through the parent links, which costs the depth of the
 * last token. Hostile text could thus nest far deeper than any check before jsmn could see and
 * make it quadratic. Once this pass has accepted a text, the text is valid JSON nested at most
 * ASL_PARSE_MAX_DEPTH deep, so jsmn's work is bounded by that depth per byte and the parser
 * after it needs no checks of its own. */
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
	sc->out->tokens = tokens;
	return 0;
}

void asl__json_scan(const char *text, size_t len, json_scan_result *out)
{
	scanner sc = {text, len, 0, out};
	memset(out, 0, sizeof *out);
	scan(&sc);
}
