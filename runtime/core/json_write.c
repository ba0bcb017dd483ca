/* Compact JSON serialiser and number formatting. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "asl/json.h"
#include "decimal.h"
#include "utf8.h"

/* What stands for a byte that is not UTF-8 (U+FFFD): a string that a C handler, a command's
 * stderr or the embedder made may hold any bytes, but written JSON is always UTF-8. */
#define REPLACEMENT "\xEF\xBF\xBD"

void asl_buffer_init(asl_buffer *buf, asl_arena *arena)
{
	memset(buf, 0, sizeof *buf);
	buf->arena = arena;
}

int asl_buffer_append(asl_buffer *buf, const char *s, size_t n)
{
	if (buf->len + n + 1 > buf->cap) {
		size_t ncap = buf->cap ? buf->cap * 2 : 256;
		while (ncap < buf->len + n + 1)
			ncap *= 2;
		char *p = asl_arena_alloc(buf->arena, ncap);
		if (!p)
			return -1;
		if (buf->len)
			memcpy(p, buf->data, buf->len);
		buf->data = p;
		buf->cap = ncap;
	}
	if (n)
		memcpy(buf->data + buf->len, s, n);
	buf->len += n;
	buf->data[buf->len] = '\0';
	return 0;
}

int asl_buffer_putc(asl_buffer *buf, char c)
{
	return asl_buffer_append(buf, &c, 1);
}

/* Writes the sign, the n digits tmp holds last first, and ".0" unless integer_flag. */
static void put_integral(char *p, int neg, const char *tmp, int n, int integer_flag)
{
	if (neg)
		*p++ = '-';
	while (n)
		*p++ = tmp[--n];
	if (!integer_flag) {
		*p++ = '.';
		*p++ = '0';
	}
	*p = '\0';
}

/* printf's "%.0f"/"%.1f" of an integral value of magnitude u, without printf (the hot path of
 * output size checks). */
static int format_integral(char *out, size_t size, int neg, uint64_t u, int integer_flag)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	size_t len = (size_t)n + (size_t)neg + (integer_flag ? 0 : 2);
	if (len + 1 <= size) {
		put_integral(out, neg, tmp, n, integer_flag);
		return (int)len;
	}
	char text[32];
	put_integral(text, neg, tmp, n, integer_flag);
	return asl__copy_truncated(out, size, text, len);
}

int asl_format_number(char *out, size_t size, double d, int integer_flag)
{
	int neg;
	uint64_t u;
	if (d > -1e15 && d < 1e15 && d == (double)(int64_t)d) {
		int64_t v = (int64_t)d; /* -0.0 prints as 0 */
		neg = v < 0;
		u = neg ? (uint64_t)-v : (uint64_t)v;
	} else if (isnan(d)) {
		return asl__copy_truncated(out, size, "null", 4);
	} else if (isinf(d)) {
		return d < 0 ? asl__copy_truncated(out, size, "-1e999", 6)
			     : asl__copy_truncated(out, size, "1e999", 5);
	} else if (floor(d) == d && (fabs(d) < 1e17 || (integer_flag && fabs(d) < 1e19))) {
		neg = d < 0; /* below 2^64 in magnitude: exact in a uint64_t */
		u = (uint64_t)fabs(d);
	} else {
		return asl__format_shortest(out, size, d); /* the shortest text that reads back */
	}
	return format_integral(out, size, neg, u, integer_flag); /* one call: inlined */
}

static int write_string(asl_buffer *buf, const char *s, size_t n)
{
	if (asl_buffer_putc(buf, '"') < 0)
		return -1;
	size_t run = 0; /* start of the pending run of plain bytes */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;
		char tmp[8];
		switch (c) {
		case '"':
			esc = "\\\"";
			break;
		case '\\':
			esc = "\\\\";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\r':
			esc = "\\r";
			break;
		case '\t':
			esc = "\\t";
			break;
		case '\b':
			esc = "\\b";
			break;
		case '\f':
			esc = "\\f";
			break;
		default:
			if (c < 0x20) {
				static const char hex[] = "0123456789abcdef";
				memcpy(tmp, "\\u00", 4);
				tmp[4] = hex[c >> 4];
				tmp[5] = hex[c & 15];
				tmp[6] = '\0';
				esc = tmp;
			} else if (c >= 0x80) {
				size_t at = i;
				if (asl__utf8_next(s, n, &i) != ASL_UTF8_INVALID) {
					i--; /* past the sequence once the loop steps on */
					continue;
				}
				i = at;
				esc = REPLACEMENT;
			}
		}
		if (!esc)
			continue;
		if (asl_buffer_append(buf, s + run, i - run) < 0 ||
		    asl_buffer_append(buf, esc, strlen(esc)) < 0)
			return -1;
		run = i + 1;
	}
	if (asl_buffer_append(buf, s + run, n - run) < 0)
		return -1;
	return asl_buffer_putc(buf, '"');
}

int asl_write(asl_buffer *buf, const asl_value *v)
{
	char num[40];
	switch (v->type) {
	case ASL_NULL:
		return asl_buffer_append(buf, "null", 4);
	case ASL_BOOL:
		return v->boolean ? asl_buffer_append(buf, "true", 4)
				  : asl_buffer_append(buf, "false", 5);
	case ASL_NUMBER: {
		if (v->u.number_text)
			return asl_buffer_append(buf, v->u.number_text, strlen(v->u.number_text));
		int n = asl_format_number(num, sizeof num, v->u.number,
					  v->flags & ASL_FLAG_INTEGER);
		return asl_buffer_append(buf, num, (size_t)n);
	}
	case ASL_STRING:
		return write_string(buf, v->u.string.ptr, v->u.string.len);
	case ASL_ARRAY:
		if (asl_buffer_putc(buf, '[') < 0)
			return -1;
		for (size_t i = 0; i < v->u.array.len; i++) {
			if ((i && asl_buffer_putc(buf, ',') < 0) ||
			    asl_write(buf, v->u.array.items[i]) < 0)
				return -1;
		}
		return asl_buffer_putc(buf, ']');
	case ASL_OBJECT:
		if (asl_buffer_putc(buf, '{') < 0)
			return -1;
		for (size_t i = 0; i < v->u.object.len; i++) {
			const asl_member *m = &v->u.object.members[i];
			if ((i && asl_buffer_putc(buf, ',') < 0) ||
			    write_string(buf, m->key, m->key_len) < 0 ||
			    asl_buffer_putc(buf, ':') < 0 || asl_write(buf, m->value) < 0)
				return -1;
		}
		return asl_buffer_putc(buf, '}');
	}
	return -1;
}

const char *asl_to_json(asl_arena *arena, const asl_value *v, size_t *len)
{
	asl_buffer buf;
	asl_buffer_init(&buf, arena);
	if (asl_write(&buf, v) < 0 || asl_buffer_append(&buf, "", 0) < 0)
		return NULL;
	if (len)
		*len = buf.len;
	return buf.data;
}

/* What escaping adds to a byte's size in JSON text: 1 for \" \\ \b \t \n \f \r, 5 for other
 * control characters (\u00XX); NON_ASCII marks bytes 0x80 and above. A table keeps the per-byte
 * work of sizing (done for every state's output) to one load and one test. */
#define NON_ASCII 9
static const unsigned char ESCAPE_EXTRA[256] = {
	5, 5, 5, 5, 5, 5, 5, 5, 1, 1, 1, 5, 1, 1, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
	5, 5, 5, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
	9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
	9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
	9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
	9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
};

/* The extra bytes of the text from `i` on, once a byte that is not ASCII was met: an invalid
 * byte is written as U+FFFD (3 bytes for 1). */
static size_t non_ascii_size(const char *s, size_t n, size_t i)
{
	size_t extra = 0;
	while (i < n) {
		unsigned x = ESCAPE_EXTRA[(unsigned char)s[i]];
		if (x != NON_ASCII) {
			extra += x;
			i++;
		} else if (asl__utf8_next(s, n, &i) == ASL_UTF8_INVALID) {
			extra += sizeof REPLACEMENT - 2;
		}
	}
	return extra;
}

static inline size_t string_size(const char *s, size_t n)
{
	size_t size = n + 2;
	for (size_t i = 0; i < n; i++) {
		unsigned x = ESCAPE_EXTRA[(unsigned char)s[i]];
		if (x) {
			if (x == NON_ASCII)
				return size + non_ascii_size(s, n, i);
			size += x;
		}
	}
	return size;
}

/* Sizes saturate at ASL_TOO_DEEP, which marks a value nested too deeply to walk safely. */
static size_t add(size_t a, size_t b)
{
	return a == ASL_TOO_DEEP || b == ASL_TOO_DEEP ? ASL_TOO_DEEP : a + b;
}

/* Digits of n, two at a time (sizes are computed for every state's output). */
static size_t decimal_digits(int64_t n)
{
	size_t digits = 1;
	for (; n >= 100; n /= 100)
		digits += 2;
	return digits + (n >= 10);
}

static size_t size_at(const asl_value *v, size_t limit, int depth)
{
	char num[40];
	size_t size = 0;
	switch (v->type) {
	case ASL_NULL:
		return 4;
	case ASL_BOOL:
		return v->boolean ? 4 : 5;
	case ASL_NUMBER: {
		double d = v->u.number;
		if (v->u.number_text)
			return strlen(v->u.number_text);
		if (d > -1e15 && d < 1e15 && d == (double)(int64_t)d) {
			int64_t i = (int64_t)d;
			size = (i < 0) + ((v->flags & ASL_FLAG_INTEGER) ? 0 : 2);
			return size + decimal_digits(i < 0 ? -i : i);
		}
		return (size_t)asl_format_number(num, sizeof num, d, v->flags & ASL_FLAG_INTEGER);
	}
	case ASL_STRING:
		return string_size(v->u.string.ptr, v->u.string.len);
	case ASL_ARRAY:
		if (depth >= ASL_PARSE_MAX_DEPTH)
			return ASL_TOO_DEEP;
		size = 2 + (v->u.array.len ? v->u.array.len - 1 : 0);
		for (size_t i = 0; i < v->u.array.len && size <= limit; i++)
			size = add(size, size_at(v->u.array.items[i], limit - size, depth + 1));
		return size;
	case ASL_OBJECT:
		if (depth >= ASL_PARSE_MAX_DEPTH)
			return ASL_TOO_DEEP;
		size = 2 + (v->u.object.len ? v->u.object.len - 1 : 0);
		for (size_t i = 0; i < v->u.object.len && size <= limit; i++) {
			const asl_member *m = &v->u.object.members[i];
			size += string_size(m->key, m->key_len) + 1;
			if (size <= limit)
				size = add(size, size_at(m->value, limit - size, depth + 1));
		}
		return size;
	}
	return 0;
}

size_t asl_json_size(const asl_value *v, size_t limit)
{
	return size_at(v, limit, 0);
}
