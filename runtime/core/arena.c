/* Bump-pointer arenas over the host's allocator (asl_default_allocator, the platform's, when
 * the host gives none). */
#include <string.h>

#include "asl/json.h"

/* Chunks start small and double up to ARENA_CHUNK_MAX: a Map iteration that needs a few
 * hundred bytes then touches one page, not sixteen, and an execution suspended on a Wait
 * holds about 1 KiB per arena it used, not 4. */
#define ARENA_CHUNK_FIRST 1024
#define ARENA_CHUNK_MAX (64 * 1024)

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
}

static asl_chunk *new_chunk(asl_arena *arena, size_t at_least)
{
	size_t size = arena->chunks ? arena->chunks->size * 2 : ARENA_CHUNK_FIRST;
	if (size > ARENA_CHUNK_MAX)
		size = ARENA_CHUNK_MAX;
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
	if (keep && keep->size > ARENA_CHUNK_MAX)
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
