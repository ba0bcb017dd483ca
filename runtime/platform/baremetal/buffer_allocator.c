/* asl_buffer_allocator: every byte an execution uses from one buffer of the host's. The runtime
 * frees in no fixed order (arenas release whole chunks, a parse frees its token array, Parallel
 * and Map their job tables), so this is a first-fit free list kept in address order, a freed
 * block merged with the free neighbours on both sides so the buffer does not crumble. */
#include <stdint.h>
#include <string.h>

#include "asl/baremetal.h"

/* A block: its header (the size of the whole block) and then the caller's bytes; a free block
 * keeps the next free block's address in those bytes. Sizes are multiples of ALIGN, so every
 * block, and the bytes after its header, are aligned as malloc's would be. */
#define ALIGN _Alignof(max_align_t) /* malloc's alignment (8 on a Cortex-M, not its size 16) */
#define HEADER ALIGN

typedef struct free_block {
	size_t size;
	struct free_block *next;
} free_block;

_Static_assert(sizeof(free_block) <= HEADER + ALIGN, "a free block fits the smallest block");

static size_t round_up(size_t n)
{
	return (n + ALIGN - 1) & ~(ALIGN - 1);
}

static void *buffer_alloc(void *user, size_t size)
{
	asl_buffer_allocator *a = user;
	if (size > a->size)
		return NULL;
	size_t need = HEADER + (size ? round_up(size) : ALIGN);
	for (free_block **at = (free_block **)&a->free_list; *at; at = &(*at)->next) {
		free_block *b = *at;
		if (b->size < need)
			continue;
		if (b->size - need >= HEADER + ALIGN) { /* the rest stays free */
			free_block *rest = (free_block *)((unsigned char *)b + need);
			rest->size = b->size - need;
			rest->next = b->next;
			*at = rest;
			b->size = need;
		} else {
			*at = b->next;
		}
		a->in_use += b->size;
		if (a->in_use > a->peak)
			a->peak = a->in_use;
		/* counted from the caller's buffer, the skipped unaligned start included */
		size_t end = a->skipped + (size_t)((unsigned char *)b - a->base) + b->size;
		if (end > a->top)
			a->top = end;
		return (unsigned char *)b + HEADER;
	}
	return NULL;
}

static void buffer_release(void *user, void *p)
{
	asl_buffer_allocator *a = user;
	if (!p)
		return;
	free_block *b = (free_block *)((unsigned char *)p - HEADER);
	a->in_use -= b->size;
	free_block *prev = NULL, *next = a->free_list;
	while (next && next < b) {
		prev = next;
		next = next->next;
	}
	if (next && (unsigned char *)b + b->size == (unsigned char *)next) {
		b->size += next->size;
		next = next->next;
	}
	b->next = next;
	if (prev && (unsigned char *)prev + prev->size == (unsigned char *)b) {
		prev->size += b->size;
		prev->next = next;
	} else if (prev) {
		prev->next = b;
	} else {
		a->free_list = b;
	}
}

void asl_buffer_allocator_init(asl_buffer_allocator *a, void *buf, size_t size)
{
	memset(a, 0, sizeof *a);
	a->allocator.alloc = buffer_alloc;
	a->allocator.release = buffer_release;
	a->allocator.user = a;
	uintptr_t start = ((uintptr_t)buf + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1);
	size_t skip = (size_t)(start - (uintptr_t)buf);
	size = size > skip ? (size - skip) & ~(ALIGN - 1) : 0;
	a->base = (unsigned char *)start;
	a->size = size;
	a->skipped = skip;
	if (size >= HEADER + ALIGN) {
		free_block *all = (free_block *)a->base;
		all->size = size;
		all->next = NULL;
		a->free_list = all;
	}
}
