/* Reading the definition, parsing it with positions, and printing diagnostics in the
 * file:line:col: error: form with the source line and a caret. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "aslc.h"

#define MAX_DEFINITION 1048576u /* AWS's limit on a definition */

/* The offset of every line's start, so that a diagnostic finds its line by binary search:
 * scanning the text for each one made thousands of errors in a large definition quadratic. */
static void index_lines(source *src, asl_arena *arena)
{
	size_t n = 1;
	for (size_t i = 0; i < src->len; i++)
		n += src->text[i] == '\n';
	src->line_starts = asl_arena_alloc(arena, n * sizeof *src->line_starts);
	if (!src->line_starts)
		return; /* diagnostics then say line 1 */
	src->line_count = 1;
	src->line_starts[0] = 0;
	for (size_t i = 0; i < src->len; i++)
		if (src->text[i] == '\n')
			src->line_starts[src->line_count++] = i + 1;
}

/* 1-based line and column (in bytes) of a byte offset. */
static void position(const source *src, size_t pos, int *line, int *col)
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

int source_load(source *src, const char *path, asl_arena *arena)
{
	memset(src, 0, sizeof *src);
	src->path = path;
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f) {
		fprintf(stderr, "%s: error: cannot open: %s\n", path, strerror(errno));
		return -1;
	}
	/* never more than the limit and one byte: `aslc < /dev/zero` must not fill the memory */
	size_t n;
	int too_big;
	errno = 0;
	char *buf = asl_read_stream(f, MAX_DEFINITION, &n, &too_big);
	int read_error = !buf && !too_big && ferror(f);
	if (f != stdin)
		fclose(f);
	if (!buf) {
		if (too_big)
			fprintf(stderr,
				"%s: error: definition is larger than AWS's limit of %u bytes\n",
				path, MAX_DEFINITION);
		else if (read_error)
			fprintf(stderr, "%s: error: cannot read: %s\n", path, strerror(errno));
		else
			fprintf(stderr, "%s: error: out of memory\n", path);
		return -1;
	}
	return source_parse(src, buf, n, arena);
}

int source_parse(source *src, char *text, size_t n, asl_arena *arena)
{
	src->text = text;
	src->len = n;
	index_lines(src, arena);
	asl_parse_error err;
	src->root = asl_parse(arena, text, n, ASL_PARSE_KEEP_DUPLICATES, &err);
	if (!src->root) {
		asl_value at = {.pos = (uint32_t)err.offset};
		diag_error(src, &at, "invalid JSON: %s", err.message);
		free(src->text);
		src->text = NULL;
		return -1;
	}
	return 0;
}

static void print_line(source *src, size_t pos)
{
	if (!src->text || pos > src->len)
		return;
	size_t start = pos, end = pos;
	/* a long line (minified JSON) gets no caret line, and is not scanned to its ends */
	while (start > 0 && src->text[start - 1] != '\n' && pos - start <= 200)
		start--;
	while (end < src->len && src->text[end] != '\n' && end - start <= 200)
		end++;
	if (end - start > 200)
		return;
	fprintf(stderr, "  %.*s\n  ", (int)(end - start), src->text + start);
	for (size_t i = start; i < pos; i++)
		fputc(src->text[i] == '\t' ? '\t' : ' ', stderr);
	fputs("^\n", stderr);
}

static void report(source *src, const asl_value *at, const char *kind, const char *fmt,
		   va_list ap)
{
	int line = 1, col = 1;
	size_t pos = at ? at->pos : 0;
	if (src->text)
		position(src, pos, &line, &col);
	fprintf(stderr, "%s:%d:%d: %s: ", src->path, line, col, kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	print_line(src, pos);
}

void diag_error(source *src, const asl_value *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report(src, at, "error", fmt, ap);
	va_end(ap);
	src->errors++;
}

void diag_note(source *src, const asl_value *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report(src, at, "note", fmt, ap);
	va_end(ap);
}

asl_value *field(const asl_value *obj, const char *key)
{
	if (!obj || obj->type != ASL_OBJECT)
		return NULL;
	size_t n = strlen(key);
	for (size_t i = 0; i < obj->u.object.len; i++) {
		const asl_member *m = &obj->u.object.members[i];
		if (m->key_len == n && memcmp(m->key, key, n) == 0)
			return m->value;
	}
	return NULL;
}
