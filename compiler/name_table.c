/* A hash index from names to numbers (states by name, variables, assignments by scope), so that
 * the validator and the emitter look names up in constant time: with a linear search a machine
 * of tens of thousands of states took seconds to check. */
#include <string.h>

#include "aslc.h"

/* FNV-1a over the name and the tag. */
static size_t hash(const char *name, size_t len, int tag)
{
	size_t h = 2166136261u ^ (size_t)(unsigned)tag;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619u;
	return h;
}

static name_entry *find(const name_table *t, const char *name, size_t len, int tag)
{
	size_t mask = t->cap - 1;
	for (size_t i = hash(name, len, tag) & mask;; i = (i + 1) & mask) {
		name_entry *e = &t->entries[i];
		if (!e->name || (e->tag == tag && e->len == len && !memcmp(e->name, name, len)))
			return e;
	}
}

int name_table_get(const name_table *t, const char *name, size_t len, int tag)
{
	if (!t->cap)
		return -1;
	const name_entry *e = find(t, name, len, tag);
	return e->name ? e->value : -1;
}

int name_table_put(name_table *t, asl_arena *arena, const char *name, size_t len, int tag,
                   int value)
{
	if (2 * (t->count + 1) > t->cap) { /* at most half full: probes stay short */
		name_table grown = {NULL, t->cap ? 2 * t->cap : 64, 0};
		grown.entries = asl_arena_alloc(arena, grown.cap * sizeof *grown.entries);
		if (!grown.entries)
			return -1;
		memset(grown.entries, 0, grown.cap * sizeof *grown.entries);
		for (size_t i = 0; i < t->cap; i++) {
			const name_entry *e = &t->entries[i];
			if (e->name)
				*find(&grown, e->name, e->len, e->tag) = *e;
		}
		grown.count = t->count;
		*t = grown;
	}
	name_entry *e = find(t, name, len, tag);
	if (!e->name)
		t->count++;
	*e = (name_entry){name, len, tag, value};
	return 0;
}
