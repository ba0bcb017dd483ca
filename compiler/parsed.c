/* The parsed expressions of a definition, found by the asl_value each was written as: the
 * validator parses every path and intrinsic call to check it and keeps the result here, so
 * that the lowering takes it instead of parsing the text a second time. An open-addressing
 * table of two pointers a slot, hashed by the node's address: a lookup costs far less than a
 * parse. (A plain --check keeps nothing: machine_info.check_only.) */
#include <stdint.h>
#include <string.h>

#include "aslc.h"

static size_t node_hash(const asl_value *at)
{
	uint64_t h = (uint64_t)(uintptr_t)at >> 3; /* nodes are at least 8-byte aligned */
	/* Fibonacci hashing: nodes made at a regular stride must not pile up on a few slots */
	return (size_t)(h * 11400714819323198485u >> 20);
}

static parsed_slot *slot_of(parsed_slot *slots, size_t mask, const asl_value *at)
{
	for (size_t h = node_hash(at) & mask;; h = (h + 1) & mask)
		if (!slots[h].at || slots[h].at == at)
			return &slots[h];
}

static const void *find(const parsed_table *t, const asl_value *at)
{
	return t->slots ? slot_of(t->slots, t->mask, at)->expr : NULL;
}

/* The validator's rule (is_intrinsic): a `$` starts a path, anything else is a call. */
static int is_path_text(const asl_value *at)
{
	return at->u.string.len > 0 && at->u.string.ptr[0] == '$';
}

const jpath *parsed_path(const parsed_table *t, const asl_value *at)
{
	return is_path_text(at) ? find(t, at) : NULL;
}

const intrinsic *parsed_call(const parsed_table *t, const asl_value *at)
{
	return is_path_text(at) ? NULL : find(t, at);
}

static int add(parsed_table *t, asl_arena *arena, const asl_value *at, const void *expr)
{
	if (4 * (t->count + 1) > 3 * (t->slots ? t->mask + 1 : 0)) { /* at most 3/4 full */
		size_t cap = t->slots ? 2 * (t->mask + 1) : 64;
		parsed_slot *slots = asl_arena_alloc(arena, cap * sizeof *slots);
		if (!slots)
			return -1;
		memset(slots, 0, cap * sizeof *slots);
		for (size_t i = 0; t->slots && i <= t->mask; i++)
			if (t->slots[i].at)
				*slot_of(slots, cap - 1, t->slots[i].at) = t->slots[i];
		t->slots = slots;
		t->mask = cap - 1;
	}
	parsed_slot *s = slot_of(t->slots, t->mask, at);
	if (!s->at)
		t->count++;
	*s = (parsed_slot){at, expr};
	return 0;
}

int parsed_add_path(parsed_table *t, asl_arena *arena, const asl_value *at, const jpath *p)
{
	return add(t, arena, at, p);
}

int parsed_add_call(parsed_table *t, asl_arena *arena, const asl_value *at, const intrinsic *call)
{
	return add(t, arena, at, call);
}
