/* Diagnostics as data: what the phases report through diag_error and diag_note, recorded with
 * line, column, JSON Pointer and code (aslc_diagnostics in include/aslc/aslc.h). */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "aslc.h"

struct aslc_diag_store {
	asl_arena arena; /* the messages and pointers */
	aslc_diagnostic *items;
	size_t cap;
};

void aslc_diagnostics_init(aslc_diagnostics *d)
{
	memset(d, 0, sizeof *d);
}

void aslc_diagnostics_free(aslc_diagnostics *d)
{
	if (d->store) {
		asl_arena_destroy(&d->store->arena);
		free(d->store->items);
		free(d->store);
	}
	aslc_diagnostics_init(d);
}

const char *aslc_code_name(aslc_code code)
{
	static const char *const names[] = {"SCHEMA_VALIDATION_FAILED",
					    "INVALID_JSON_DESCRIPTION",
					    "MISSING_TRANSITION_TARGET",
					    "MISSING_END_STATE",
					    "DUPLICATE_STATE_NAME",
					    "INVALID_STATE_NAME",
					    "STATE_MACHINE_NAME_EMPTY",
					    "STATE_MACHINE_NAME_INVALID",
					    "STATE_MACHINE_NAME_TOO_LONG",
					    "UNSUPPORTED",
					    "DEFINITION_TOO_LARGE",
					    "INVALID_SYMBOL",
					    "BUILD_FAILED",
					    "WRITE_FAILED",
					    "OUT_OF_MEMORY",
					    "GRAPH_INPUT_INVALID",
					    "TOOL_MISSING"};
	return (unsigned)code < sizeof names / sizeof names[0] ? names[code] : "UNKNOWN";
}

/* A new item with its message; NULL when memory ran out (the error still counts). */
static aslc_diagnostic *push(aslc_diagnostics *d, aslc_severity sev, aslc_code code,
			     const char *file, const char *fmt, va_list ap)
{
	if (sev == ASLC_ERROR)
		d->errors++;
	if (!d->store) {
		if (!(d->store = calloc(1, sizeof *d->store)))
			return NULL;
		asl_arena_init(&d->store->arena, NULL);
	}
	struct aslc_diag_store *st = d->store;
	if (d->count == st->cap) {
		size_t cap = st->cap ? 2 * st->cap : 16;
		aslc_diagnostic *items = realloc(st->items, cap * sizeof *items);
		if (!items)
			return NULL;
		st->items = items;
		st->cap = cap;
		d->items = items;
	}
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	char *msg = n >= 0 ? asl_arena_alloc(&st->arena, (size_t)n + 1) : NULL;
	if (!msg)
		return NULL;
	vsnprintf(msg, (size_t)n + 1, fmt, ap);
	aslc_diagnostic *it = &st->items[d->count++];
	memset(it, 0, sizeof *it);
	it->severity = sev;
	it->code = code;
	it->message = msg;
	it->file = file;
	return it;
}

void diag_file(aslc_diagnostics *d, const char *file, aslc_code code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	aslc_diagnostic *it = push(d, ASLC_ERROR, code, file, fmt, ap);
	va_end(ap);
	if (it)
		it->pointer = "";
}

void diag_tool(aslc_diagnostics *d, aslc_severity sev, aslc_code code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	push(d, sev, code, NULL, fmt, ap);
	va_end(ap);
}

void source_position(const source *src, size_t pos, int *line, int *col)
{
	size_t lo = 0, hi = src->line_count; /* the last line starting at or before pos */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (src->line_starts[mid] <= pos)
			lo = mid;
		else
			hi = mid;
	}
	*line = (int)lo + 1;
	*col = src->line_count ? (int)(pos - src->line_starts[lo]) + 1 : (int)pos + 1;
}

static void pointer_segment(FILE *f, const char *key, size_t len)
{
	fputc('/', f);
	for (size_t i = 0; i < len && key[i]; i++) { /* RFC 6901's two escapes */
		if (key[i] == '~' || key[i] == '/')
			fputs(key[i] == '~' ? "~0" : "~1", f);
		else
			fputc(key[i], f);
	}
}

static size_t child_count(const asl_value *v)
{
	return v->type == ASL_OBJECT ? v->u.object.len : v->type == ASL_ARRAY ? v->u.array.len : 0;
}

static const asl_value *child(const asl_value *v, size_t i)
{
	return v->type == ASL_OBJECT ? v->u.object.members[i].value : v->u.array.items[i];
}

/* The JSON Pointer of the node at byte `pos`, or of the node whose text holds it (a character
 * inside a string): every node starts at its own byte and children follow in document order,
 * so a descent by binary search finds it in O(depth log width), not by a walk of the tree. */
static const char *node_pointer(asl_arena *arena, const asl_value *root, size_t pos)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	const asl_value *v = root && root->pos <= pos ? root : NULL;
	while (v && v->pos < pos && child_count(v)) {
		size_t lo = 0, hi = child_count(v); /* the last child starting at or before pos */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (child(v, mid)->pos <= pos)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo == 0)
			break; /* pos is in the container's own text, before its first child */
		if (v->type == ASL_OBJECT) {
			const asl_member *m = &v->u.object.members[lo - 1];
			pointer_segment(f, m->key, m->key_len);
		} else {
			fprintf(f, "/%zu", lo - 1);
		}
		v = child(v, lo - 1);
	}
	fclose(f);
	const asl_value *copy = text ? asl_string(arena, text, len) : NULL;
	free(text);
	return copy ? copy->u.string.ptr : NULL;
}

static void record(source *src, aslc_severity sev, aslc_code code, const asl_value *at,
		   const char *fmt, va_list ap)
{
	aslc_diagnostics *d = src->diags;
	if (sev == ASLC_NOTE && d->count) /* a note explains the error before it: its code */
		code = d->items[d->count - 1].code;
	aslc_diagnostic *it = push(d, sev, code, src->path, fmt, ap);
	if (!it)
		return;
	size_t pos = at ? at->pos : 0;
	it->offset = pos;
	it->line = it->column = 1;
	if (src->text)
		source_position(src, pos, &it->line, &it->column);
	it->pointer = node_pointer(&d->store->arena, src->root, pos);
	if (!it->pointer)
		it->pointer = "";
}

void diag_error(source *src, const asl_value *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	record(src, ASLC_ERROR, ASLC_SCHEMA_VALIDATION_FAILED, at, fmt, ap);
	va_end(ap);
	src->errors++;
}

void diag_error_code(source *src, const asl_value *at, aslc_code code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	record(src, ASLC_ERROR, code, at, fmt, ap);
	va_end(ap);
	src->errors++;
}

void diag_note(source *src, const asl_value *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	record(src, ASLC_NOTE, ASLC_SCHEMA_VALIDATION_FAILED, at, fmt, ap);
	va_end(ap);
}
