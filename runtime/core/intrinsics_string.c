/* Intrinsic functions on strings and JSON text: States.Format, StringToJson, JsonToString,
 * StringSplit, Base64Encode/Decode, Hash. Hashing and Base64 come from digest.h (nettle or the
 * built-in implementation). */
#include <string.h>

#include "digest.h"
#include "exec.h"
#include "utf8.h"

#define MAX_INPUT_CHARS 10000

static size_t utf8_chars(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

/* States.Format renders values the way AWS (Java) does: strings raw, objects {k=v, ...},
 * arrays [a, b]. */
static void render(asl_buffer *b, const asl_value *v)
{
	switch (v->type) {
	case ASL_STRING:
		asl_buffer_append(b, v->u.string.ptr, v->u.string.len);
		break;
	case ASL_ARRAY:
		asl_buffer_putc(b, '[');
		for (size_t i = 0; i < v->u.array.len; i++) {
			if (i)
				asl_buffer_append(b, ", ", 2);
			render(b, v->u.array.items[i]);
		}
		asl_buffer_putc(b, ']');
		break;
	case ASL_OBJECT:
		asl_buffer_putc(b, '{');
		for (size_t i = 0; i < v->u.object.len; i++) {
			if (i)
				asl_buffer_append(b, ", ", 2);
			asl_buffer_append(b, v->u.object.members[i].key,
					  v->u.object.members[i].key_len);
			asl_buffer_putc(b, '=');
			render(b, v->u.object.members[i].value);
		}
		asl_buffer_putc(b, '}');
		break;
	default:
		asl_write(b, v);
	}
}

static asl_value *buffer_string(asl_exec *ex, asl_buffer *b)
{
	if (asl_buffer_append(b, "", 0) < 0)
		return NULL;
	asl_value *v = asl_arena_alloc(asl_heap(ex), sizeof *v);
	if (!v)
		return NULL;
	memset(v, 0, sizeof *v);
	v->type = ASL_STRING;
	v->u.string.ptr = b->data;
	v->u.string.len = b->len;
	return v;
}

asl_value *asl_fn_format(asl_exec *ex, asl_value **args, int n)
{
	if (args[0]->type != ASL_STRING)
		return asl_fail_intrinsic(ex, "States.Format needs a string template");
	const char *t = args[0]->u.string.ptr;
	size_t len = args[0]->u.string.len;
	asl_buffer b;
	asl_buffer_init(&b, asl_heap(ex));
	int next = 1;
	for (size_t i = 0; i < len; i++) {
		if (t[i] == '\\' && i + 1 < len) { /* \{ \} \\ kept escaped by aslc */
			asl_buffer_putc(&b, t[++i]);
		} else if (t[i] == '{' && i + 1 < len && t[i + 1] == '}') {
			if (next >= n)
				return asl_fail_intrinsic(ex,
							  "States.Format: the template has more {} "
							  "than there are arguments");
			render(&b, args[next++]);
			i++;
		} else {
			asl_buffer_putc(&b, t[i]);
		}
	}
	if (next != n)
		return asl_fail_intrinsic(ex,
					  "States.Format: %d argument%s but %d {} in the "
					  "template",
					  n - 1, n == 2 ? "" : "s", next - 1);
	return buffer_string(ex, &b);
}

asl_value *asl_fn_string_to_json(asl_exec *ex, asl_value **args, int n)
{
	(void)n;
	if (args[0]->type != ASL_STRING)
		return asl_fail_intrinsic(ex, "States.StringToJson needs a string");
	const char *s = args[0]->u.string.ptr;
	size_t len = args[0]->u.string.len, i = 0;
	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	if (i == len)
		return asl_null(); /* AWS: blank text is null */
	asl_parse_error err;
	asl_value *v = asl_parse(asl_heap(ex), s, len, 0, &err);
	if (!v && err.code == ASL_JSON_NOMEM) {
		asl_fail_oom(ex);
		return NULL;
	}
	if (!v)
		return asl_fail_intrinsic(ex, "States.StringToJson: invalid JSON at column %d: %s",
					  err.column, err.message);
	return v;
}

asl_value *asl_fn_json_to_string(asl_exec *ex, asl_value **args, int n)
{
	(void)n;
	size_t len;
	const char *s = asl_to_json(asl_heap(ex), args[0], &len);
	return s ? asl_string(asl_heap(ex), s, len) : NULL;
}

static int is_delimiter(unsigned cp, const asl_value *delims)
{
	size_t i = 0;
	while (i < delims->u.string.len)
		if (asl__utf8_next(delims->u.string.ptr, delims->u.string.len, &i) == cp)
			return 1;
	return 0;
}

asl_value *asl_fn_string_split(asl_exec *ex, asl_value **args, int n)
{
	(void)n;
	if (args[0]->type != ASL_STRING || args[1]->type != ASL_STRING)
		return asl_fail_intrinsic(ex, "States.StringSplit needs two strings");
	asl_arena *a = asl_heap(ex);
	const char *s = args[0]->u.string.ptr;
	size_t len = args[0]->u.string.len, i = 0, start = 0;
	asl_value *out = asl_array(a, 0);
	while (out && i <= len) {
		size_t at = i;
		int cut = i == len || is_delimiter(asl__utf8_next(s, len, &i), args[1]);
		if (!cut)
			continue;
		if (at > start) /* empty parts are dropped */
			asl_array_push(a, out, asl_string(a, s + start, at - start));
		if (at == len)
			break;
		start = i;
	}
	return a->failed ? NULL : out;
}

static int check_size(asl_exec *ex, const char *fn, const asl_value *v)
{
	if (utf8_chars(v->u.string.ptr, v->u.string.len) > MAX_INPUT_CHARS) {
		asl_fail_intrinsic(ex, "%s: the input is longer than %d characters", fn,
				   MAX_INPUT_CHARS);
		return -1;
	}
	return 0;
}

asl_value *asl_fn_base64_encode(asl_exec *ex, asl_value **args, int n)
{
	(void)n;
	if (args[0]->type != ASL_STRING)
		return asl_fail_intrinsic(ex, "States.Base64Encode needs a string");
	if (check_size(ex, "States.Base64Encode", args[0]) < 0)
		return NULL;
	size_t len = args[0]->u.string.len;
	char *out = asl_arena_alloc(asl_heap(ex), ASL_BASE64_ENCODED_LENGTH(len) + 1);
	if (!out)
		return NULL;
	asl__base64_encode(out, (const uint8_t *)args[0]->u.string.ptr, len);
	return asl_string(asl_heap(ex), out, ASL_BASE64_ENCODED_LENGTH(len));
}

asl_value *asl_fn_base64_decode(asl_exec *ex, asl_value **args, int n)
{
	(void)n;
	if (args[0]->type != ASL_STRING)
		return asl_fail_intrinsic(ex, "States.Base64Decode needs a string");
	if (check_size(ex, "States.Base64Decode", args[0]) < 0)
		return NULL;
	size_t len = args[0]->u.string.len, out_len = 0;
	uint8_t *out = asl_arena_alloc(asl_heap(ex), ASL_BASE64_DECODED_MAX(len) + 1);
	if (!out || !asl__base64_decode(out, &out_len, args[0]->u.string.ptr, len))
		return out ? asl_fail_intrinsic(ex, "States.Base64Decode: the input is not valid "
						    "base64")
			   : NULL;
	/* strings are UTF-8 text: decoded bytes that are not are refused, never passed on */
	size_t bad = asl__utf8_check((const char *)out, out_len);
	if (bad != out_len)
		return asl_fail_intrinsic(ex,
					  "States.Base64Decode: the decoded data is not UTF-8 "
					  "text (byte %zu is 0x%02X)",
					  bad, out[bad]);
	return asl_string(asl_heap(ex), (const char *)out, out_len);
}

asl_value *asl_fn_hash(asl_exec *ex, asl_value **args, int n)
{
	(void)n;
	if (args[1]->type != ASL_STRING)
		return asl_fail_intrinsic(ex, "States.Hash needs an algorithm name");
	const asl_value *data = args[0];
	const char *text = data->type == ASL_STRING ? data->u.string.ptr : asl__json(ex, data);
	size_t len = data->type == ASL_STRING ? data->u.string.len : strlen(text);
	if (utf8_chars(text, len) > MAX_INPUT_CHARS)
		return asl_fail_intrinsic(ex, "States.Hash: the input is longer than %d characters",
					  MAX_INPUT_CHARS);
	const char *alg = args[1]->u.string.ptr;
	static const struct {
		const char *name;
		asl_digest_alg alg;
	} algs[] = {{"MD5", ASL_DIGEST_MD5},
		    {"SHA-1", ASL_DIGEST_SHA1},
		    {"SHA-256", ASL_DIGEST_SHA256},
		    {"SHA-384", ASL_DIGEST_SHA384},
		    {"SHA-512", ASL_DIGEST_SHA512}};
	size_t k = 0;
	while (k < sizeof algs / sizeof *algs && strcmp(alg, algs[k].name))
		k++;
	if (k == sizeof algs / sizeof *algs)
		return asl_fail_intrinsic(ex,
					  "States.Hash: unknown algorithm '%s' (use MD5, SHA-1, "
					  "SHA-256, SHA-384 or SHA-512)",
					  alg);
	uint8_t digest[ASL_DIGEST_MAX_SIZE];
	size_t size = asl__digest(algs[k].alg, (const uint8_t *)text, len, digest);
	char hex[2 * ASL_DIGEST_MAX_SIZE];
	for (size_t i = 0; i < size; i++) {
		hex[2 * i] = "0123456789abcdef"[digest[i] >> 4];
		hex[2 * i + 1] = "0123456789abcdef"[digest[i] & 15];
	}
	return asl_string(asl_heap(ex), hex, 2 * size);
}
