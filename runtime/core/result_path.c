/* ResultPath: put a state's result into its raw input, copying only the spine of the path so
 * the input itself is never modified. */
#include <string.h>

#include "exec.h"

static asl_value *fail_match(asl_exec *ex, const asl_path *path, const asl_value *raw)
{
	size_t n = strlen(path->text) + 64;
	const char *in = asl__json(ex, raw);
	n += strlen(in);
	char *cause = asl_arena_alloc(asl_heap(ex), n);
	if (!cause) {
		asl_fail_oom(ex);
		return NULL;
	}
	strcpy(cause, "Unable to apply ResultPath '");
	strcat(cause, path->text);
	strcat(cause, "' to input '");
	strcat(cause, in);
	strcat(cause, "'");
	asl_fail(ex, "States.ResultPathMatchFailure", cause);
	return NULL;
}

static asl_value *set_at(asl_exec *ex, const asl_path *path, int i, asl_value *node,
			 asl_value *result, const asl_value *raw)
{
	if (i == path->seg_count)
		return result;
	asl_arena *a = asl_heap(ex);
	const asl_seg *s = &path->segs[i];
	if (s->kind == ASL_SEG_KEY) {
		if (!node)
			node = asl_object(a, 1); /* create missing intermediate objects */
		else if (node->type != ASL_OBJECT)
			return fail_match(ex, path, raw);
		else
			node = asl_shallow_copy(a, node);
		if (!node)
			return NULL;
		asl_value *child =
			set_at(ex, path, i + 1, asl_key(node, s->key, s->key_len), result, raw);
		if (!child || asl_object_set(a, node, s->key, s->key_len, child) < 0)
			return NULL;
		return node;
	}
	/* an index: the array and the element must exist */
	if (!node || node->type != ASL_ARRAY)
		return fail_match(ex, path, raw);
	int64_t idx = s->index < 0 ? s->index + (int64_t)node->u.array.len : s->index;
	if (idx < 0 || (size_t)idx >= node->u.array.len)
		return fail_match(ex, path, raw);
	asl_value *copy = asl_shallow_copy(a, node);
	if (!copy)
		return NULL;
	asl_value *child = set_at(ex, path, i + 1, node->u.array.items[idx], result, raw);
	if (!child)
		return NULL;
	copy->u.array.items[idx] = child;
	return copy;
}

asl_value *asl_result_path(asl_exec *ex, asl_value *raw, asl_value *result, const asl_path *path)
{
	if (!result)
		return NULL;
	if (path->seg_count == 0)
		return result;
	asl_value *out = set_at(ex, path, 0, raw, result, raw);
	if (!out && !ex->failed)
		asl_fail_oom(ex);
	return out;
}
