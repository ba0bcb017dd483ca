/* Names found by hashing: duplicate fields and state names are looked up in constant time, so
 * a definition with many thousands of fields or states is checked in linear time. */
#include <stdint.h>
#include <string.h>

#include "aslc.h"

static size_t name_hash(const char *name, size_t len)
{
	uint64_t h = 14695981039346656037u; /* FNV-1a */
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 1099511628211u;
	return (size_t)h;
}

static name_slot *slot_of(name_slot *slots, size_t mask, const char *name, size_t len)
{
	for (size_t h = name_hash(name, len) & mask;; h = (h + 1) & mask) {
		name_slot *s = &slots[h];
		if (!s->name || (s->len == len && memcmp(s->name, name, len) == 0))
			return s;
	}
}

int name_index_find(const name_index *ix, const char *name, size_t len)
{
	if (!ix->slots)
		return -1;
	const name_slot *s = slot_of(ix->slots, ix->mask, name, len);
	return s->name ? s->id : -1;
}

int name_index_add(name_index *ix, asl_arena *arena, const char *name, size_t len, int id)
{
	if (2 * (ix->count + 1) > (ix->slots ? ix->mask + 1 : 0)) {
		size_t cap = ix->slots ? 2 * (ix->mask + 1) : 16;
		name_slot *slots = asl_arena_alloc(arena, cap * sizeof *slots);
		if (!slots)
			return -1;
		memset(slots, 0, cap * sizeof *slots);
		for (size_t i = 0; ix->slots && i <= ix->mask; i++)
			if (ix->slots[i].name)
				*slot_of(slots, cap - 1, ix->slots[i].name, ix->slots[i].len) =
					ix->slots[i];
		ix->slots = slots;
		ix->mask = cap - 1;
	}
	name_slot *s = slot_of(ix->slots, ix->mask, name, len);
	if (s->name)
		return s->id;
	*s = (name_slot){name, len, id};
	ix->count++;
	return -1;
}
