/* JSONPath evaluation at run time: the steps of definite paths (emitted inline by aslc) and a
 * walker for paths with wildcards, slices, unions, deep scans and filters (Jayway semantics:
 * the result is always an array of the matches). */
#include <string.h>

#include "exec.h"

/* The lookups of the ABI hand out the borrowed values as `asl_value *`, since generated code
 * passes values on as such; it never modifies them (values are immutable once built). */
asl_value *asl_key(const asl_value *v, const char *key, size_t key_len)
{
	return (asl_value *)asl_object_get(v, key, key_len);
}

asl_value *asl_index(const asl_value *v, int64_t index)
{
	return (asl_value *)asl_array_get(v, index);
}

asl_value *asl_path_get(asl_exec *ex, const asl_path *path, asl_value *v)
{
	for (int i = 0; v && i < path->seg_count; i++) {
		const asl_seg *s = &path->segs[i];
		v = s->kind == ASL_SEG_KEY ? asl_key(v, s->key, s->key_len)
					   : asl_index(v, s->index);
		if (!v)
			return asl_miss(ex, path, i);
	}
	return v;
}

static void push(asl_exec *ex, asl_value *list, asl_value *v)
{
	asl_array_push(asl_heap(ex), list, v);
}

static void children(asl_exec *ex, asl_value *node, asl_value *out)
{
	if (node->type == ASL_ARRAY)
		for (size_t i = 0; i < node->u.array.len; i++)
			push(ex, out, node->u.array.items[i]);
	else if (node->type == ASL_OBJECT)
		for (size_t i = 0; i < node->u.object.len; i++)
			push(ex, out, node->u.object.members[i].value);
}

static void deep_scan(asl_exec *ex, const asl_seg *s, asl_value *node, asl_value *out)
{
	if (s->kind == ASL_SEG_DEEP_KEY) {
		asl_value *v = asl_key(node, s->key, s->key_len);
		if (v)
			push(ex, out, v);
	}
	size_t n = node->type == ASL_ARRAY    ? node->u.array.len
		   : node->type == ASL_OBJECT ? node->u.object.len
					      : 0;
	/* Jayway's order: all children of a node, then each child's descendants */
	if (s->kind == ASL_SEG_DEEP_ALL)
		children(ex, node, out);
	for (size_t i = 0; i < n; i++)
		deep_scan(ex, s,
			  node->type == ASL_ARRAY ? node->u.array.items[i]
						  : node->u.object.members[i].value,
			  out);
}

static int64_t clamp_slice(int64_t i, int64_t len)
{
	if (i < 0)
		i += len;
	if (i < 0)
		return 0;
	return i > len ? len : i;
}

static void slice(asl_exec *ex, const asl_seg *s, asl_value *node, asl_value *out)
{
	if (node->type != ASL_ARRAY)
		return;
	int64_t len = (int64_t)node->u.array.len;
	int64_t step = (s->slice_flags & ASL_SLICE_HAS_STEP) ? s->step : 1;
	if (step <= 0)
		step = 1;
	int64_t from = (s->slice_flags & ASL_SLICE_HAS_START) ? clamp_slice(s->index, len) : 0;
	int64_t to = (s->slice_flags & ASL_SLICE_HAS_END) ? clamp_slice(s->end, len) : len;
	for (int64_t i = from; i < to; i += step)
		push(ex, out, node->u.array.items[i]);
}

static void apply(asl_exec *ex, const asl_seg *s, asl_value *root, asl_value *node, asl_value *out)
{
	asl_value *v;
	switch (s->kind) {
	case ASL_SEG_KEY:
		if ((v = asl_key(node, s->key, s->key_len)))
			push(ex, out, v);
		break;
	case ASL_SEG_INDEX:
		if ((v = asl_index(node, s->index)))
			push(ex, out, v);
		break;
	case ASL_SEG_WILDCARD:
		children(ex, node, out);
		break;
	case ASL_SEG_SLICE:
		slice(ex, s, node, out);
		break;
	case ASL_SEG_KEYS:
		for (size_t i = 0; i < s->count; i++)
			if ((v = asl_key(node, s->keys[i], s->key_lens[i])))
				push(ex, out, v);
		break;
	case ASL_SEG_INDEXES:
		for (size_t i = 0; i < s->count; i++)
			if ((v = asl_index(node, s->indexes[i])))
				push(ex, out, v);
		break;
	case ASL_SEG_DEEP_KEY:
	case ASL_SEG_DEEP_ALL:
		deep_scan(ex, s, node, out);
		break;
	case ASL_SEG_FILTER:
		if (node->type == ASL_ARRAY) {
			for (size_t i = 0; i < node->u.array.len; i++)
				if (s->filter(ex, root, node->u.array.items[i]) == 1)
					push(ex, out, node->u.array.items[i]);
		} else if (node->type == ASL_OBJECT && s->filter(ex, root, node) == 1) {
			push(ex, out, node);
		}
		break;
	}
}

asl_value *asl_select(asl_exec *ex, const asl_path *path, asl_value *root)
{
	asl_arena *a = asl_heap(ex);
	if (!root)
		return NULL; /* an unassigned variable */
	asl_value *cur = asl_array(a, 1);
	if (!cur)
		return NULL;
	push(ex, cur, root);
	for (int i = 0; i < path->seg_count; i++) {
		asl_value *next = asl_array(a, cur->u.array.len);
		if (!next)
			return NULL;
		for (size_t j = 0; j < cur->u.array.len; j++)
			apply(ex, &path->segs[i], root, cur->u.array.items[j], next);
		cur = next;
	}
	return a->failed ? NULL : cur;
}

asl_value *asl_filter_get(asl_exec *ex, const asl_path *path, asl_value *at)
{
	(void)ex;
	asl_value *v = at;
	for (int i = 0; v && i < path->seg_count; i++) {
		const asl_seg *s = &path->segs[i];
		v = s->kind == ASL_SEG_KEY ? asl_key(v, s->key, s->key_len)
					   : asl_index(v, s->index);
	}
	return v;
}

static int order(const asl_value *a, const asl_value *b, int *cmp)
{
	if (a->type == ASL_NUMBER && b->type == ASL_NUMBER) {
		*cmp = a->u.number < b->u.number ? -1 : a->u.number > b->u.number;
		return 1;
	}
	if (a->type == ASL_STRING && b->type == ASL_STRING) {
		size_t n = a->u.string.len < b->u.string.len ? a->u.string.len : b->u.string.len;
		int c = memcmp(a->u.string.ptr, b->u.string.ptr, n);
		*cmp = c ? c
			 : (a->u.string.len > b->u.string.len) -
				       (a->u.string.len < b->u.string.len);
		return 1;
	}
	return 0;
}

int asl_filter_compare(const asl_value *a, int op, const asl_value *b)
{
	if (!a || !b)
		return op == ASL_OP_NE;
	if (op == ASL_OP_EQ)
		return asl_equal(a, b);
	if (op == ASL_OP_NE)
		return !asl_equal(a, b);
	int c;
	if (!order(a, b, &c))
		return 0;
	switch (op) {
	case ASL_OP_LT:
		return c < 0;
	case ASL_OP_LE:
		return c <= 0;
	case ASL_OP_GT:
		return c > 0;
	default:
		return c >= 0;
	}
}

int asl_truthy_present(const asl_value *v)
{
	return v != NULL;
}
