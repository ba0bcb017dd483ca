/* Bump-pointer arenas over the host's allocator (asl_default_allocator, the platform's, when
 * the host gives none). */
#include <string.h>

#include "asl/json.h"

/* Chunks start small and double up to the arena's max_chunk: a Map iteration that needs a few
 * hundred bytes then touches one page, not sixteen, and an execution suspended on a Wait
 * holds about one first chunk per arena it used. The sizes are asl/tuning.h's, or an
 * execution's own (asl_options.arena_first_chunk, arena_max_chunk). */

struct asl_chunk {
	asl_chunk *next;
	size_t size; /* usable bytes after the header */
	size_t used;
	max_align_t data[];
};

void asl_arena_init(asl_arena *arena, const asl_allocator *allocator)
{
	memset(arena, 0, sizeof *arena);
	arena->allocator = allocator ? allocator : asl_default_allocator();
	arena->first_chunk = ASL_ARENA_FIRST_CHUNK;
	arena->max_chunk = ASL_ARENA_MAX_CHUNK;
}

void asl_arena_set_chunks(asl_arena *arena, size_t first_chunk, size_t max_chunk)
{
	arena->first_chunk = first_chunk ? first_chunk : ASL_ARENA_FIRST_CHUNK;
	arena->max_chunk = max_chunk ? max_chunk : ASL_ARENA_MAX_CHUNK;
	if (arena->max_chunk < arena->first_chunk)
		arena->max_chunk = arena->first_chunk;
}

static asl_chunk *new_chunk(asl_arena *arena, size_t at_least)
{
	size_t size = arena->chunks ? arena->chunks->size * 2 : arena->first_chunk;
	if (size > arena->max_chunk)
		size = arena->max_chunk;
	if (size < at_least)
		size = at_least;
	asl_chunk *c = arena->allocator->alloc(arena->allocator->user, sizeof *c + size);
	if (!c) {
		arena->failed = 1;
		return NULL;
	}
	c->size = size;
	c->used = 0;
	c->next = arena->chunks;
	arena->chunks = c;
	return c;
}

void *asl_arena_alloc(asl_arena *arena, size_t size)
{
	const size_t align = sizeof(max_align_t);
	size = (size + align - 1) & ~(align - 1);
	if (size == 0)
		size = align;
	asl_chunk *c = arena->chunks;
	if (!c || c->size - c->used < size) {
		c = new_chunk(arena, size);
		if (!c)
			return NULL;
	}
	void *p = (char *)c->data + c->used;
	c->used += size;
	arena->used += size;
	return p;
}

void asl_arena_reset(asl_arena *arena)
{
	/* Keep the newest chunk only if it is of the standard size, so one huge value does not
	 * pin memory for the rest of the execution. */
	asl_chunk *keep = arena->chunks;
	if (keep && keep->size > arena->max_chunk)
		keep = NULL;
	asl_chunk *c = arena->chunks;
	while (c) {
		asl_chunk *next = c->next;
		if (c != keep)
			arena->allocator->release(arena->allocator->user, c);
		c = next;
	}
	if (keep) {
		keep->used = 0;
		keep->next = NULL;
	}
	arena->chunks = keep;
	arena->used = 0;
}

int asl_arena_adopt(asl_arena *arena, asl_arena *from)
{
	if (arena->allocator != from->allocator)
		return -1;
	asl_chunk *last = from->chunks;
	if (last) {
		while (last->next)
			last = last->next;
		/* after the current chunk, which stays the one allocations come from */
		asl_chunk **at = arena->chunks ? &arena->chunks->next : &arena->chunks;
		last->next = *at;
		*at = from->chunks;
	}
	arena->used += from->used;
	from->chunks = NULL;
	from->used = 0;
	return 0;
}

void asl_arena_destroy(asl_arena *arena)
{
	asl_arena_reset(arena);
	if (arena->chunks)
		arena->allocator->release(arena->allocator->user, arena->chunks);
	arena->chunks = NULL;
}
