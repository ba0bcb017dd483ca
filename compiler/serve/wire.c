/* AWS JSON 1.0 for the service's operations: request members with AWS's constraint wording,
 * the response writer, errors, names, ARNs and page tokens. */
#define _POSIX_C_SOURCE 200809L
#include "wire.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

void sv_call_init(sv_call *c, struct sv_server *srv)
{
	memset(c, 0, sizeof *c);
	c->srv = srv;
	c->status = 200;
	asl_arena_init(&c->arena, NULL);
	asl_buffer_init(&c->out.buf, &c->arena);
}

void sv_call_free(sv_call *c)
{
	asl_arena_destroy(&c->arena);
}

static char *vprintf_arena(asl_arena *a, const char *fmt, va_list ap)
{
	va_list again;
	va_copy(again, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	char *s = n >= 0 ? asl_arena_alloc(a, (size_t)n + 1) : NULL;
	if (s)
		vsnprintf(s, (size_t)n + 1, fmt, again);
	va_end(again);
	return s;
}

char *sv_printf(asl_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = vprintf_arena(a, fmt, ap);
	va_end(ap);
	return s;
}

static int answer_error(sv_call *c, int status, const char *type, const char *message)
{
	c->status = status;
	c->error_type = type;
	c->out.depth = 0;
	asl_buffer_init(&c->out.buf, &c->arena);
	sv_open(c, NULL);
	sv_put_cstr(c, "__type", type);
	sv_put_cstr(c, "message", message ? message : "");
	sv_close(c);
	return -1;
}

int sv_error(sv_call *c, const char *type, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = vprintf_arena(&c->arena, fmt, ap);
	va_end(ap);
	return answer_error(c, 400, type, msg);
}

int sv_error_status(sv_call *c, int status, const char *type, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = vprintf_arena(&c->arena, fmt, ap);
	va_end(ap);
	return answer_error(c, status, type, msg);
}

/* ---- request members ---- */

void sv_violation(sv_call *c, const char *key, const char *value, const char *what)
{
	if (c->violation_count == (int)(sizeof c->violations / sizeof c->violations[0]))
		return;
	c->violations[c->violation_count++] =
		value ? sv_printf(&c->arena,
				  "Value '%s' at '%s' failed to satisfy constraint: Member must %s",
				  value, key, what)
		      : sv_printf(&c->arena,
				  "Value null at '%s' failed to satisfy constraint: Member must %s",
				  key, what);
}

const asl_value *sv_member(sv_call *c, const char *key, asl_type type)
{
	const asl_value *v = asl_object_get(c->body, key, strlen(key));
	if (!v || asl_is_null(v))
		return NULL;
	if (asl_type_of(v) != type) {
		c->bad_type = 1;
		return NULL;
	}
	return v;
}

/* The number of UTF-8 characters (AWS counts lengths in characters). */
static size_t chars(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

const char *sv_string(sv_call *c, const char *key, int required, size_t min, size_t max,
		      size_t *len)
{
	const asl_value *v = sv_member(c, key, ASL_STRING);
	size_t n = v ? asl_string_len(v) : 0;
	if (len)
		*len = n;
	if (!v) {
		if (required && !c->bad_type)
			sv_violation(c, key, NULL, "not be null");
		return NULL;
	}
	const char *s = asl_string_ptr(v);
	/* a NUL would cut a name or ARN short in C; only JSON texts and causes may hold one */
	if (memchr(s, 0, n) && strcmp(key, "input") && strcmp(key, "output") &&
	    strcmp(key, "cause") && strcmp(key, "error"))
		sv_violation(c, key, sv_printf(&c->arena, "%s", s),
			     "not contain the character U+0000");
	size_t count = chars(s, n);
	char what[80];
	if (count < min || (max && count > max)) {
		snprintf(what, sizeof what, "have length %s %zu",
			 count < min ? "greater than or equal to" : "less than or equal to",
			 count < min ? min : max);
		sv_violation(c, key, n > 256 ? sv_printf(&c->arena, "%.256s...", s) : s, what);
	}
	return s;
}

int64_t sv_int(sv_call *c, const char *key, int64_t dflt, int64_t min, int64_t max)
{
	const asl_value *v = sv_member(c, key, ASL_NUMBER);
	if (!v)
		return dflt;
	if (!asl_is_integral(v)) {
		c->bad_type = 1;
		return dflt;
	}
	double d = asl_number_value(v);
	if (!(d >= -9e18 && d <= 9e18)) { /* beyond int64 (or NaN): say so rather than convert */
		sv_violation(c, key, sv_printf(&c->arena, "%g", d),
			     d < 0 ? sv_printf(&c->arena,
					       "have value greater than or equal to %lld",
					       (long long)min)
				   : sv_printf(&c->arena, "have value less than or equal to %lld",
					       (long long)max));
		return dflt;
	}
	int64_t n = (int64_t)d;
	if (n < min || n > max) {
		char what[80], value[32];
		snprintf(what, sizeof what, "have value %s %lld",
			 n < min ? "greater than or equal to" : "less than or equal to",
			 (long long)(n < min ? min : max));
		snprintf(value, sizeof value, "%lld", (long long)n);
		sv_violation(c, key, value, what);
	}
	return n;
}

int sv_bool(sv_call *c, const char *key, int dflt)
{
	const asl_value *v = sv_member(c, key, ASL_BOOL);
	return v ? asl_bool_value(v) : dflt;
}

int sv_enum(sv_call *c, const char *key, const char *const *values)
{
	const char *s = sv_string(c, key, 0, 0, 0, NULL);
	if (!s)
		return -1;
	for (int i = 0; values[i]; i++)
		if (!strcmp(s, values[i]))
			return i;
	asl_buffer b;
	asl_buffer_init(&b, &c->arena);
	asl_buffer_append(&b, "satisfy enum value set: [", 25);
	for (int i = 0; values[i]; i++) {
		if (i)
			asl_buffer_append(&b, ", ", 2);
		asl_buffer_append(&b, values[i], strlen(values[i]));
	}
	asl_buffer_putc(&b, ']');
	asl_buffer_putc(&b, '\0');
	sv_violation(c, key, s, b.data);
	return -1;
}

int sv_invalid(sv_call *c)
{
	if (c->bad_type)
		return sv_error(c, "SerializationException",
				"A request member has the wrong JSON type.");
	if (!c->violation_count)
		return 0;
	asl_buffer b;
	asl_buffer_init(&b, &c->arena);
	char head[64];
	snprintf(head, sizeof head, "%d validation error%s detected: ", c->violation_count,
		 c->violation_count > 1 ? "s" : "");
	asl_buffer_append(&b, head, strlen(head));
	for (int i = 0; i < c->violation_count; i++) {
		if (i)
			asl_buffer_append(&b, "; ", 2);
		asl_buffer_append(&b, c->violations[i], strlen(c->violations[i]));
	}
	asl_buffer_putc(&b, '\0');
	return answer_error(c, 400, "ValidationException", b.data);
}

/* ---- the response ---- */

static void member(sv_call *c, const char *key)
{
	sv_json *j = &c->out;
	if (j->depth > 0) {
		if (!j->first[j->depth - 1])
			asl_buffer_putc(&j->buf, ',');
		j->first[j->depth - 1] = 0;
	}
	if (key) {
		asl_value k = {0};
		k.type = ASL_STRING;
		k.u.string.ptr = key;
		k.u.string.len = strlen(key);
		asl_write(&j->buf, &k);
		asl_buffer_putc(&j->buf, ':');
	}
}

static void open_level(sv_call *c, const char *key, char bracket)
{
	member(c, key);
	asl_buffer_putc(&c->out.buf, bracket);
	if (c->out.depth < (int)sizeof c->out.first)
		c->out.first[c->out.depth++] = 1;
}

void sv_open(sv_call *c, const char *key)
{
	open_level(c, key, '{');
}

void sv_open_array(sv_call *c, const char *key)
{
	open_level(c, key, '[');
}

void sv_close(sv_call *c)
{
	c->out.depth--;
	asl_buffer_putc(&c->out.buf, '}');
}

void sv_close_array(sv_call *c)
{
	c->out.depth--;
	asl_buffer_putc(&c->out.buf, ']');
}

void sv_put_string(sv_call *c, const char *key, const char *s, size_t len)
{
	member(c, key);
	asl_value v = {0};
	v.type = ASL_STRING;
	v.u.string.ptr = s;
	v.u.string.len = len;
	asl_write(&c->out.buf, &v);
}

void sv_put_cstr(sv_call *c, const char *key, const char *s)
{
	if (s)
		sv_put_string(c, key, s, strlen(s));
}

void sv_put_int(sv_call *c, const char *key, int64_t n)
{
	char num[32];
	member(c, key);
	int len = snprintf(num, sizeof num, "%lld", (long long)n);
	asl_buffer_append(&c->out.buf, num, (size_t)len);
}

void sv_put_bool(sv_call *c, const char *key, int b)
{
	member(c, key);
	asl_buffer_append(&c->out.buf, b ? "true" : "false", b ? 4 : 5);
}

void sv_put_time(sv_call *c, const char *key, int64_t ms)
{
	char num[40];
	member(c, key);
	int len = snprintf(num, sizeof num, "%lld.%03lld", (long long)(ms / 1000),
			   (long long)(ms % 1000));
	asl_buffer_append(&c->out.buf, num, (size_t)len);
}

void sv_put_raw(sv_call *c, const char *key, const char *json, size_t len)
{
	member(c, key);
	asl_buffer_append(&c->out.buf, json, len);
}

/* ---- names, ARNs ---- */

int sv_name_valid(const char *name, size_t len)
{
	static const char forbidden[] = " <>{}[]?*\"#%\\^|~`$&,;:/";
	size_t count = chars(name, len);
	if (count < 1 || count > 80)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)name[i];
		if (ch < 0x20 || ch == 0x7F || (ch < 0x80 && strchr(forbidden, ch)))
			return 0;
		if (ch == 0xC2 && i + 1 < len && (unsigned char)name[i + 1] >= 0x80 &&
		    (unsigned char)name[i + 1] <= 0x9F)
			return 0; /* U+0080..U+009F */
		if (ch == 0xC2 && i + 1 < len && (unsigned char)name[i + 1] == 0xA0)
			return 0; /* no-break space */
		if (ch == '\t' || ch == '\n' || ch == '\r')
			return 0;
	}
	return 1;
}

static const char *field(const char *s, const char **start, size_t *len)
{
	const char *colon = strchr(s, ':');
	*start = s;
	*len = colon ? (size_t)(colon - s) : strlen(s);
	return colon ? colon + 1 : NULL;
}

int sv_arn_parse(const char *arn, sv_arn *out)
{
	static const char prefix[] = "arn:aws:states:";
	memset(out, 0, sizeof *out);
	if (strncmp(arn, prefix, sizeof prefix - 1))
		return -1;
	const char *s = arn + sizeof prefix - 1;
	if (!(s = field(s, &out->region, &out->region_len)))
		return -1;
	if (!(s = field(s, &out->account, &out->account_len)))
		return -1;
	if (!(s = field(s, &out->kind, &out->kind_len)))
		return -1;
	out->rest = s;
	out->rest_len = strlen(s);
	return out->rest_len ? 0 : -1;
}

int sv_bad_arn(sv_call *c, const char *arn, const char *kind)
{
	sv_arn a;
	if (sv_arn_parse(arn, &a) < 0)
		return sv_error(c, "InvalidArn", "Invalid Arn: 'Invalid ARN prefix: %s'", arn);
	if (a.kind_len == 7 && !strncmp(a.kind, "express", 7))
		return sv_error(c, "InvalidArn",
				"Invalid Arn: 'Resource type not valid in this context: express'");
	(void)kind;
	return sv_error(c, "InvalidArn",
			"Invalid Arn: 'Resource type not valid in this context: %s'",
			sv_printf(&c->arena, "%.*s", (int)a.kind_len, a.kind));
}

int sv_check_arn(sv_call *c, const char *arn, const char *kind)
{
	sv_arn a;
	if (sv_arn_parse(arn, &a) < 0 || a.kind_len != strlen(kind) ||
	    strncmp(a.kind, kind, a.kind_len))
		return sv_bad_arn(c, arn, kind);
	return 0;
}

void sv_random(unsigned char *out, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = getrandom(out + got, n - got, 0);
		if (r <= 0) { /* no entropy source: the clock, not secret but unique enough */
			struct timespec ts;
			clock_gettime(CLOCK_MONOTONIC, &ts);
			for (; got < n; got++)
				out[got] = (unsigned char)(ts.tv_nsec >> (got % 4 * 8)) ^
					   (unsigned char)got;
			return;
		}
		got += (size_t)r;
	}
}

void sv_uuid(char out[37])
{
	unsigned char b[16];
	sv_random(b, sizeof b);
	b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
}

uint64_t sv_hash(uint64_t h, const char *s, size_t len)
{
	if (!h)
		h = 1469598103934665603ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

int64_t sv_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- page tokens: base64url("op|filter|n0|n1|issued|text|check") ---- */

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static char *b64_encode(asl_arena *a, const char *s, size_t n)
{
	char *out = asl_arena_alloc(a, (n + 2) / 3 * 4 + 1), *o = out;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)s[i] << 16;
		if (i + 1 < n)
			v |= (unsigned char)s[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)s[i + 2];
		*o++ = B64[v >> 18 & 63];
		*o++ = B64[v >> 12 & 63];
		if (i + 1 < n)
			*o++ = B64[v >> 6 & 63];
		if (i + 2 < n)
			*o++ = B64[v & 63];
	}
	*o = '\0';
	return out;
}

static char *b64_decode(asl_arena *a, const char *s, size_t *n)
{
	size_t len = strlen(s);
	char *out = asl_arena_alloc(a, len * 3 / 4 + 2);
	unsigned v = 0;
	int bits = 0;
	*n = 0;
	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		const char *p = strchr(B64, s[i]);
		if (!p || !s[i])
			return NULL;
		v = v << 6 | (unsigned)(p - B64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[(*n)++] = (char)(v >> bits & 0xFF);
		}
	}
	out[*n] = '\0';
	return out;
}

#define TOKEN_SALT 0x61736c6373657276ULL /* "aslcserv": catches edits, not a secret */
#define TOKEN_LIFETIME_MS (24 * 3600 * 1000LL)

const char *sv_token_make(sv_call *c, const char *op, uint64_t filter, const sv_page_key *key)
{
	char *body =
		sv_printf(&c->arena, "%s|%llx|%lld|%lld|%lld|%s", op, (unsigned long long)filter,
			  (long long)key->n[0], (long long)key->n[1], (long long)sv_now_ms(),
			  key->text ? key->text : "");
	if (!body)
		return NULL;
	uint64_t check = sv_hash(TOKEN_SALT, body, strlen(body));
	char *whole = sv_printf(&c->arena, "%s|%llx", body, (unsigned long long)check);
	return whole ? b64_encode(&c->arena, whole, strlen(whole)) : NULL;
}

int sv_token_read(sv_call *c, const char *token, const char *op, uint64_t filter, sv_page_key *key)
{
	size_t n;
	char *s = b64_decode(&c->arena, token, &n);
	char *bar = s && strlen(s) == n ? strrchr(s, '|') : NULL;
	memset(key, 0, sizeof *key);
	if (!bar)
		goto bad;
	*bar = '\0';
	if (strtoull(bar + 1, NULL, 16) != sv_hash(TOKEN_SALT, s, strlen(s)))
		goto bad;
	char *f[6];
	int count = 0;
	for (char *p = s; count < 6; count++) {
		f[count] = p;
		char *q = strchr(p, '|');
		if (!q) {
			count++;
			break;
		}
		*q = '\0';
		p = q + 1;
		if (count == 4) { /* the text is last and may hold '|' */
			f[5] = p;
			count = 6;
			break;
		}
	}
	if (count != 6 || strcmp(f[0], op) || strtoull(f[1], NULL, 16) != filter)
		goto bad;
	if (sv_now_ms() - strtoll(f[4], NULL, 10) > TOKEN_LIFETIME_MS)
		goto bad;
	key->n[0] = strtoll(f[2], NULL, 10);
	key->n[1] = strtoll(f[3], NULL, 10);
	key->text = f[5];
	return 0;
bad:
	return sv_error(c, "InvalidToken", "Invalid Token: 'Invalid token'");
}
