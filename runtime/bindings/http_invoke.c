/* The HTTP Task, arn:aws:states:::http:invoke: the request its effective input describes
 * (ApiEndpoint, Method, Headers, QueryParameters, RequestBody, Transformations'
 * RequestBodyEncoding URL_ENCODED) is made for real, and the result is the response as Step
 * Functions gives it: {"Headers", "ResponseBody", "StatusCode", "StatusText"}; a status outside
 * 2xx raises States.Http.StatusCode.NNN. Authentication (an EventBridge connection) is not
 * used: there are no connections here. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "asl/platform.h"
#include "bindings.h"
#include "json_scan.h"
#include "utf8.h"

#define MAX_HEADERS 64

/* Appends `s` percent-encoded (RFC 3986: unreserved characters stay). */
static int encode(asl_buffer *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
		char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
		if (plain ? asl_buffer_putc(b, (char)c) < 0 : asl_buffer_append(b, esc, 3) < 0)
			return -1;
	}
	return 0;
}

/* A parameter's text: a string as it is, anything else as JSON. */
static const char *text_of(asl_exec *ex, const asl_value *v, size_t *len)
{
	if (v->type == ASL_STRING) {
		*len = asl_string_len(v);
		return asl_string_ptr(v);
	}
	return asl_to_json(asl_heap(ex), v, len);
}

static int encode_pair(asl_exec *ex, asl_buffer *b, const char *key, size_t klen,
		       const asl_value *v, int *first)
{
	size_t len;
	const char *s = text_of(ex, v, &len);
	if (!s || (!*first && asl_buffer_putc(b, '&') < 0) || encode(b, key, klen) < 0 ||
	    asl_buffer_putc(b, '=') < 0 || encode(b, s, len) < 0)
		return -1;
	*first = 0;
	return 0;
}

/* key=value&... of an object's members; an array value repeats its key per item. */
static int form_encode(asl_exec *ex, asl_buffer *b, const asl_value *o, int first)
{
	for (size_t i = 0; i < asl_object_len(o); i++) {
		size_t klen;
		const char *key = asl_object_key(o, i, &klen);
		const asl_value *v = asl_object_value(o, i);
		if (v->type != ASL_ARRAY) {
			if (encode_pair(ex, b, key, klen, v, &first) < 0)
				return -1;
			continue;
		}
		for (size_t j = 0; j < asl_array_len(v); j++)
			if (encode_pair(ex, b, key, klen, asl_array_get(v, (int64_t)j), &first) < 0)
				return -1;
	}
	return 0;
}

/* A string member of the parameters, or NULL after raising the error that it is missing. */
static const char *required(asl_exec *ex, const asl_task *t, const asl_value *in, const char *key)
{
	const asl_value *v = asl_object_get(in, key, strlen(key));
	if (v && v->type == ASL_STRING && asl_string_len(v))
		return asl_string_ptr(v);
	asl__task_failed(ex, "States.Runtime", "The %s of '%s' is missing or not a string.", key,
			 t->resource);
	return NULL;
}

typedef struct request {
	const char *method, *url, *body;
	size_t body_len;
	const char *headers[MAX_HEADERS];
	size_t header_count;
} request;

/* A header name or value must stay on its line: no CR, LF or NUL smuggles another in. */
static int one_line(const char *s, size_t n)
{
	return !memchr(s, '\r', n) && !memchr(s, '\n', n) && !memchr(s, '\0', n);
}

static int add_header(asl_exec *ex, request *rq, const char *name, size_t nlen, const char *value,
		      size_t vlen)
{
	asl_buffer b;
	asl_buffer_init(&b, asl_heap(ex));
	if (rq->header_count == MAX_HEADERS || asl_buffer_append(&b, name, nlen) < 0 ||
	    asl_buffer_append(&b, ": ", 2) < 0 || asl_buffer_append(&b, value, vlen) < 0 ||
	    asl_buffer_putc(&b, '\0') < 0)
		return -1;
	rq->headers[rq->header_count++] = b.data;
	return 0;
}

/* The request the parameters describe, in the heap: 0, or -1 after raising an error. */
static int build(asl_exec *ex, const asl_task *t, const asl_value *in, request *rq)
{
	memset(rq, 0, sizeof *rq);
	const char *endpoint = required(ex, t, in, "ApiEndpoint");
	if (!endpoint || !(rq->method = required(ex, t, in, "Method")))
		return -1;
	for (const char *p = rq->method; *p; p++)
		if (*p < 'A' || *p > 'Z') {
			asl__task_failed(ex, "States.Runtime",
					 "The Method of '%s' is not an HTTP method: %s",
					 t->resource, rq->method);
			return -1;
		}
	asl_buffer url;
	asl_buffer_init(&url, asl_heap(ex));
	const asl_value *query = asl_object_get(in, "QueryParameters", 15);
	if (asl_buffer_append(&url, endpoint, strlen(endpoint)) < 0 ||
	    (asl_object_len(query) &&
	     (asl_buffer_putc(&url, strchr(endpoint, '?') ? '&' : '?') < 0 ||
	      form_encode(ex, &url, query, 1) < 0)) ||
	    asl_buffer_putc(&url, '\0') < 0)
		return asl_fail_oom(ex), -1;
	rq->url = url.data;
	int typed = 0;
	const asl_value *headers = asl_object_get(in, "Headers", 7);
	for (size_t i = 0; i < asl_object_len(headers); i++) {
		size_t klen, vlen;
		const char *key = asl_object_key(headers, i, &klen);
		const char *v = text_of(ex, asl_object_value(headers, i), &vlen);
		typed |= klen == 12 && !strncasecmp(key, "Content-Type", 12);
		if (v && (!klen || !one_line(key, klen) || memchr(key, ':', klen) ||
			  !one_line(v, vlen))) {
			asl__task_failed(ex, "States.Runtime",
					 "A header of '%s' has an empty name, a colon or a line "
					 "break in it%s.",
					 t->resource, "");
			return -1;
		}
		if (!v || add_header(ex, rq, key, klen, v, vlen) < 0)
			return asl_fail_oom(ex), -1;
	}
	const asl_value *body = asl_object_get(in, "RequestBody", 11);
	if (body && body->type == ASL_NULL)
		body = NULL;
	const asl_value *tr = asl_object_get(in, "Transformations", 15);
	const asl_value *enc = asl_object_get(tr, "RequestBodyEncoding", 19);
	int form = enc && enc->type == ASL_STRING && !strcmp(asl_string_ptr(enc), "URL_ENCODED");
	const char *type = "application/json";
	if (body && form && body->type == ASL_OBJECT) {
		asl_buffer b;
		asl_buffer_init(&b, asl_heap(ex));
		if (form_encode(ex, &b, body, 1) < 0 || asl_buffer_putc(&b, '\0') < 0)
			return asl_fail_oom(ex), -1;
		rq->body = b.data;
		rq->body_len = b.len - 1;
		type = "application/x-www-form-urlencoded";
	} else if (body && !(rq->body = text_of(ex, body, &rq->body_len))) {
		return asl_fail_oom(ex), -1;
	}
	if (rq->body && !typed && add_header(ex, rq, "Content-Type", 12, type, strlen(type)) < 0)
		return asl_fail_oom(ex), -1;
	if (!rq->body && strcmp(rq->method, "GET") && strcmp(rq->method, "HEAD") &&
	    strcmp(rq->method, "DELETE") && strcmp(rq->method, "OPTIONS"))
		rq->body = ""; /* POST, PUT, PATCH without a body still send Content-Length: 0 */
	return 0;
}

/* Headers as {"name": ["value", ...]} and the status line's reason phrase, from the response's
 * head. */
static asl_value *parse_head(asl_exec *ex, const char *head, size_t len, const char **reason,
			     size_t *reason_len)
{
	asl_arena *a = asl_heap(ex);
	asl_value *h = asl_object(a, 8);
	*reason = "";
	*reason_len = 0;
	for (size_t i = 0; head && i < len && h;) {
		const char *line = head + i, *end = memchr(line, '\n', len - i);
		size_t n = end ? (size_t)(end - line) : len - i;
		i += n + 1;
		while (n && (line[n - 1] == '\r' || line[n - 1] == ' '))
			n--;
		if (n >= 5 && !memcmp(line, "HTTP/", 5)) { /* HTTP/1.1 200 OK */
			const char *sp = memchr(line, ' ', n);
			const char *sp2 =
				sp ? memchr(sp + 1, ' ', n - (size_t)(sp + 1 - line)) : NULL;
			*reason = sp2 ? sp2 + 1 : "";
			*reason_len = sp2 ? n - (size_t)(sp2 + 1 - line) : 0;
			continue;
		}
		const char *colon = memchr(line, ':', n);
		if (!colon)
			continue;
		const char *v = colon + 1, *vend = line + n;
		while (v < vend && (*v == ' ' || *v == '\t'))
			v++;
		size_t klen = (size_t)(colon - line);
		asl_value *list = (asl_value *)asl_object_get(h, line, klen), *key;
		/* the key is kept by reference: it goes into the heap, the head is freed */
		if (!list && (!(list = asl_array(a, 1)) || !(key = asl_string(a, line, klen)) ||
			      asl_object_append(a, h, asl_string_ptr(key), klen, list) < 0))
			return NULL;
		if (asl_array_push(a, list, asl_string(a, v, (size_t)(vend - v))) < 0)
			return NULL;
	}
	return h;
}

/* The HTTP Task's result for a response. */
static asl_value *response(asl_exec *ex, const asl_http_result *r)
{
	asl_arena *a = asl_heap(ex);
	const char *reason;
	size_t reason_len;
	asl_value *headers = parse_head(ex, r->head, r->head_len, &reason, &reason_len);
	const char *text = r->body ? r->body : "";
	asl_value *body = NULL;
	if (!asl__json_blank(text, r->body_len)) {
		asl_parse_error perr;
		body = asl_parse(a, text, r->body_len, 0, &perr);
	}
	if (!body && asl__utf8_check(text, r->body_len) == r->body_len)
		body = asl_string(a, text, r->body_len);
	else if (!body) /* not text: what of it is, up to the first invalid byte */
		body = asl_string(a, text, asl__utf8_check(text, r->body_len));
	if (asl__utf8_check(reason, reason_len) != reason_len)
		reason_len = 0;
	asl_value *o = asl_object(a, 4);
	if (!headers || !body || !o || asl_object_append(a, o, "Headers", 7, headers) < 0 ||
	    asl_object_append(a, o, "ResponseBody", 12, body) < 0 ||
	    asl_object_append(a, o, "StatusCode", 10, asl_integer(a, r->status)) < 0 ||
	    asl_object_append(a, o, "StatusText", 10, asl_string(a, reason, reason_len)) < 0)
		return asl_fail_oom(ex), NULL;
	return o;
}

asl_value *asl__http_invoke(asl_exec *ex, const asl_task *t, asl_value *input, double timeout,
			    double heartbeat)
{
	(void)heartbeat;
	request rq;
	if (build(ex, t, input, &rq) < 0)
		return NULL;
	asl_http_result r;
	int execution;
	asl_cancel cancel = {asl__cancelled_cb, ex};
	if (asl_platform_http_request(rq.method, rq.url, rq.headers, rq.header_count, rq.body,
				      rq.body_len, asl__wait_limit(ex, timeout, &execution),
				      &cancel, &r) < 0) {
		asl__task_failed(ex, "States.Http.Socket", "The request to %s failed: %s", rq.url,
				 r.error);
		asl_platform_http_free(&r);
		return NULL;
	}
	asl_value *result = NULL;
	if (asl__http_interrupted(ex, &r, rq.url, execution)) {
		/* raised */
	} else if ((result = response(ex, &r)) && (r.status < 200 || r.status > 299)) {
		char error[48];
		snprintf(error, sizeof error, "States.Http.StatusCode.%ld", r.status);
		const char *cause = asl__json(ex, result);
		asl_value *e = asl_cstring(asl_heap(ex), error);
		if (e && cause)
			asl_fail(ex, asl_string_ptr(e), cause);
		else
			asl_fail_oom(ex);
		result = NULL;
	}
	asl_platform_http_free(&r);
	return result;
}
