/* Distributed Map ItemReader on local files: s3://BUCKET/KEY is read from S3_ROOT/BUCKET/KEY
 * (--s3-root). JSON arrays are parsed whole (as AWS does); JSONL and CSV stream line by line,
 * so a file of millions of lines never sits in memory. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bindings.h"
#include "item_reader.h"

/* Local bounds (AWS documents none for these): a JSON object is parsed whole, so it is capped;
 * a line larger than any item AWS passes on (256 KiB) by far is refused rather than grown. */
#define MAX_JSON_OBJECT (256u << 20)
#define MAX_LINE (1u << 20)
#define LINE_TOO_LONG (-2)

static int reader_fail(asl_exec *ex, const char *fmt, ...)
{
	char buf[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	asl_value *v = asl_cstring(asl_heap(ex), buf);
	if (!v)
		asl_fail_oom(ex);
	else
		asl_fail(ex, "States.ItemReaderFailed", v->u.string.ptr);
	return -1;
}

const char *asl__s3_path(asl_exec *ex, const char *bucket, const char *key)
{
	const char *root = ex->opts.s3_root ? ex->opts.s3_root : ".";
	size_t n = strlen(root) + strlen(bucket) + strlen(key) + 3;
	char *p = asl_arena_alloc(asl_heap(ex), n);
	if (p)
		snprintf(p, n, "%s/%s/%s", root, bucket, key);
	return p;
}

/* Makes r->line hold `cap` bytes (its text kept), in the execution's allocator. */
static int grow_line(item_reader *r, size_t cap)
{
	char *nl = r->al->alloc(r->al->user, cap);
	if (!nl)
		return -1;
	if (r->line) {
		memcpy(nl, r->line, r->cap);
		r->al->release(r->al->user, r->line);
	}
	r->line = nl;
	r->cap = cap;
	return 0;
}

/* One line into r->line (without the newline); 0 at the end of the file, -1 out of memory,
 * LINE_TOO_LONG past MAX_LINE. */
static int read_line(item_reader *r)
{
	size_t n = 0;
	int c;
	while ((c = fgetc(r->f)) != EOF && c != '\n') {
		if (n == MAX_LINE)
			return LINE_TOO_LONG;
		if (n + 2 > r->cap && grow_line(r, r->cap ? r->cap * 2 : 256) < 0)
			return -1;
		r->line[n++] = (char)c;
	}
	if (c == EOF && n == 0)
		return 0;
	if (n && r->line[n - 1] == '\r')
		n--;
	if (!r->line && grow_line(r, 1) < 0)
		return -1;
	r->line[n] = '\0';
	r->len = n;
	return 1;
}

/* Splits a CSV line into strings (quotes with "" escapes); an array value in `a`. */
static asl_value *csv_fields(asl_arena *a, const char *s, size_t n, char delim)
{
	asl_value *out = asl_array(a, 8);
	char *buf = asl_arena_alloc(a, n + 1);
	size_t i = 0;
	if (!out || !buf)
		return NULL;
	for (;;) {
		size_t o = 0;
		if (i < n && s[i] == '"') {
			for (i++; i < n; i++) {
				if (s[i] == '"' && i + 1 < n && s[i + 1] == '"')
					buf[o++] = s[i++];
				else if (s[i] == '"')
					break;
				else
					buf[o++] = s[i];
			}
			i++;
			while (i < n && s[i] != delim)
				i++;
		} else {
			while (i < n && s[i] != delim)
				buf[o++] = s[i++];
		}
		asl_array_push(a, out, asl_string(a, buf, o));
		if (i >= n)
			break;
		i++; /* the delimiter */
	}
	return a->failed ? NULL : out;
}

int asl__reader_open(asl_exec *ex, const asl_item_reader *spec, const asl_value *params,
		     item_reader *r)
{
	memset(r, 0, sizeof *r);
	r->al = asl__allocator(ex);
	r->spec = spec;
	r->remaining = spec->max_items > 0 ? spec->max_items : -1;
	int unsafe = 0;
	const char *bucket = asl__s3_param(params, "Bucket", &unsafe);
	const char *key = asl__s3_param(params, "Key", &unsafe);
	if (!bucket || !key)
		return reader_fail(ex, "%s", "The ItemReader Parameters need a Bucket and a Key.");
	int rc = unsafe ? -2 : asl__s3_open(ex, bucket, key, 0, &r->f);
	if (rc == -2)
		return reader_fail(ex, ASL_S3_OUTSIDE, bucket, key);
	if (rc < 0) {
		const char *path = asl__s3_path(ex, bucket, key);
		return reader_fail(ex, "Cannot read the object: %s (mapped with --s3-root).",
				   path ? path : key);
	}
	if (!strcmp(spec->input_type, "JSON")) {
		asl_arena *a = &r->arena;
		asl_arena_init(a, ex->opts.allocator);
		size_t n;
		int too_big;
		char *text = asl__read_stream(r->f, r->al, MAX_JSON_OBJECT, &n, &too_big);
		if (too_big)
			return reader_fail(ex,
					   "The object is larger than %u MiB, the most a JSON "
					   "ItemReader reads whole (JSONL and CSV stream).",
					   MAX_JSON_OBJECT >> 20);
		if (!text)
			return ferror(r->f) ? reader_fail(ex, "%s", "Cannot read the object.")
					    : asl_fail_oom(ex);
		asl_parse_error perr;
		r->json = asl_parse(a, text, n, 0, &perr);
		r->al->release(r->al->user, text);
		if (!r->json)
			return perr.code == ASL_JSON_NOMEM
				       ? asl_fail_oom(ex)
				       : reader_fail(ex, "The object is not valid JSON (%s).",
						     perr.message);
		if (r->json->type != ASL_ARRAY)
			return reader_fail(ex, "%s", "Attempting to map over non-iterable node.");
	} else if (!strcmp(spec->input_type, "CSV") && spec->headers_first_row) {
		asl_arena_init(&r->arena, ex->opts.allocator);
		int got = read_line(r);
		if (got == LINE_TOO_LONG)
			return reader_fail(ex, "Line 1 of the object is longer than %u MiB.",
					   MAX_LINE >> 20);
		if (got <= 0)
			return got < 0 ? asl_fail_oom(ex) : 0; /* an empty file: no items */
		r->headers = csv_fields(&r->arena, r->line, r->len, spec->delimiter);
	} else if (!strcmp(spec->input_type, "CSV")) {
		asl_arena_init(&r->arena, ex->opts.allocator);
		r->headers = spec->headers;
	}
	if (r->headers) {
		const asl_value *h = r->headers;
		for (size_t i = 0; i < h->u.array.len; i++)
			for (size_t j = 0; j < i; j++)
				if (asl_equal(h->u.array.items[i], h->u.array.items[j]))
					return reader_fail(
						ex, "%s", "CSV headers cannot contain duplicates.");
	}
	return 0;
}

int asl__reader_next(asl_exec *ex, item_reader *r, asl_arena *a, asl_value **item)
{
	if (r->remaining == 0)
		return 0;
	const char *type = r->spec->input_type;
	if (r->json) {
		if (r->pos >= r->json->u.array.len)
			return 0;
		*item = r->json->u.array.items[r->pos++];
	} else {
		int got;
		do
			got = read_line(r);
		while (got == 1 && r->len == 0); /* blank lines carry no item */
		if (got == LINE_TOO_LONG)
			return reader_fail(ex, "Line %zu of the object is longer than %u MiB.",
					   r->pos + 1, MAX_LINE >> 20);
		if (got < 0)
			return asl_fail_oom(ex);
		if (got == 0)
			return 0;
		r->pos++;
		if (!strcmp(type, "JSONL")) {
			asl_parse_error perr;
			*item = asl_parse(a, r->line, r->len, 0, &perr);
			if (!*item && perr.code == ASL_JSON_NOMEM)
				return asl_fail_oom(ex);
			if (!*item) {
				char where[64];
				snprintf(where, sizeof where, "%zu", r->pos);
				return reader_fail(ex, "Line %s of the object is not valid JSON.",
						   where);
			}
		} else {
			asl_value *fields = csv_fields(a, r->line, r->len, r->spec->delimiter);
			asl_value *obj = fields ? asl_object(a, fields->u.array.len) : NULL;
			if (!obj)
				return asl_fail_oom(ex);
			for (size_t i = 0; i < fields->u.array.len && i < r->headers->u.array.len;
			     i++) {
				const asl_value *h = r->headers->u.array.items[i];
				asl_object_append(a, obj, h->u.string.ptr, h->u.string.len,
						  fields->u.array.items[i]);
			}
			*item = obj;
		}
	}
	if (r->remaining > 0)
		r->remaining--;
	return 1;
}

void asl__reader_close(item_reader *r)
{
	if (r->f)
		fclose(r->f);
	if (r->line)
		r->al->release(r->al->user, r->line);
	if (r->json || r->headers)
		asl_arena_destroy(&r->arena);
	memset(r, 0, sizeof *r);
}
