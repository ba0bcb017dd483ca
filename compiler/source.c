/* The definition's text parsed with positions: each value keeps its byte offset, and the
 * offsets of the lines are indexed for the diagnostics (diagnostics.c). */
#include <stdlib.h>
#include <string.h>

#include "aslc.h"

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

int source_parse(source *src, char *text, size_t n, asl_arena *arena)
{
	src->text = text;
	src->len = n;
	index_lines(src, arena);
	asl_parse_error err;
	src->root = asl_parse(arena, text, n, ASL_PARSE_KEEP_DUPLICATES, &err);
	if (!src->root) {
		asl_value at = {.pos = (uint32_t)err.offset};
		diag_error_code(src, &at, ASLC_INVALID_JSON_DESCRIPTION, "invalid JSON: %s",
				err.message);
		free(src->text);
		src->text = NULL;
		return -1;
	}
	return 0;
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
