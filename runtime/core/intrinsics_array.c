/* Intrinsic functions on arrays and objects: States.Array*, States.JsonMerge. */
#include <math.h>

#include "exec.h"

static int is_array(const asl_value *v)
{
	return v->type == ASL_ARRAY;
}

/* Java's Math.round: halves go towards positive infinity. */
static double java_round(double x)
{
	/* not floor(x + 0.5): that rounds 0.49999999999999994 up, as the addition rounds */
	double r = floor(x);
	return x - r >= 0.5 ? r + 1 : r;
}

int asl__round_in(double x, double lo, double hi, int64_t *out)
{
	/* integers, the usual case, need no rounding; [lo, hi] lies within int64_t */
	if (x >= lo && x <= hi && x == (double)(int64_t)x) {
		*out = (int64_t)x;
		return 0;
	}
	double r = java_round(x);
	if (!(r >= lo && r <= hi)) /* NaN and infinities too: converting them is undefined */
		return -1;
	*out = (int64_t)r;
	return 0;
}

asl_value *asl_fn_array(asl_exec *ex, asl_value **args, int n)
{
	asl_value *out = asl_array(asl_heap(ex), (size_t)n);
	for (int i = 0; out && i < n; i++)
		asl_array_push(asl_heap(ex), out, args[i]);
	return out;
}

asl_value *asl_fn_array_partition(asl_exec *ex, asl_value **args, int n)
{
	(void)n;
	if (!is_array(args[0]) || args[1]->type != ASL_NUMBER)
		return asl_fail_intrinsic(ex,
					  "States.ArrayPartition needs an array and a chunk size");
	int64_t size;
	if (asl__round_in(args[1]->u.number, 1, ASL_INT32_MAX, &size) < 0)
		return asl_fail_intrinsic(ex,
					  "States.ArrayPartition: the chunk size must be between "
					  "1 and 2147483647, not %g",
					  args[1]->u.number);
	asl_arena *a = asl_heap(ex);
	const asl_value *in = args[0];
	asl_value *out = asl_array(a, 0), *chunk = NULL;
	for (size_t i = 0; out && i < in->u.array.len; i++) {
		if (!chunk || (int64_t)chunk->u.array.len >= size) {
			chunk = asl_array(a, size < 64 ? (size_t)size : 64);
			asl_array_push(a, out, chunk);
		}
		asl_array_push(a, chunk, in->u.array.items[i]);
	}
	return a->failed ? NULL : out;
}

asl_value *asl_fn_array_contains(asl_exec *ex, asl_value **args, int n)
{
	(void)n;
	if (!is_array(args[0]))
		return asl_fail_intrinsic(ex,
					  "States.ArrayContains needs an array as first argument");
	for (size_t i = 0; i < args[0]->u.array.len; i++)
		if (asl_equal(args[0]->u.array.items[i], args[1]))
			return asl_true();
	return asl_false();
}

asl_value *asl_fn_array_range(asl_exec *ex, asl_value **args, int n)
{
	(void)n;
	for (int i = 0; i < 3; i++)
		if (args[i]->type != ASL_NUMBER)
			return asl_fail_intrinsic(ex, "States.ArrayRange needs three numbers");
	int64_t from, to, step;
	for (int i = 0; i < 3; i++)
		if (asl__round_in(args[i]->u.number, ASL_INT32_MIN, ASL_INT32_MAX,
				  i == 0   ? &from
				  : i == 1 ? &to
					   : &step) < 0)
			return asl_fail_intrinsic(ex,
						  "States.ArrayRange: %g is not an integer "
						  "between -2147483648 and 2147483647",
						  args[i]->u.number);
	if (step == 0)
		return asl_fail_intrinsic(ex, "States.ArrayRange: the step cannot be 0");
	/* int32 operands: neither the difference nor the quotient overflows int64 */
	int64_t diff = to - from;
	int64_t count = diff / step + 1; /* truncates; a negative quotient means no items */
	if (diff != 0 && (diff < 0) != (step < 0))
		count = 0;
	if (count > 1000)
		return asl_fail_intrinsic(ex,
					  "States.ArrayRange: the result would have %lld "
					  "items, more than the limit of 1000",
					  (long long)count);
	asl_arena *a = asl_heap(ex);
	asl_value *out = asl_array(a, (size_t)count);
	for (int64_t i = 0; out && i < count; i++)
		asl_array_push(a, out, asl_integer(a, from + i * step));
	return a->failed ? NULL : out;
}

asl_value *asl_fn_array_get_item(asl_exec *ex, asl_value **args, int n)
{
	(void)n;
	if (!is_array(args[0]) || args[1]->type != ASL_NUMBER)
		return asl_fail_intrinsic(ex, "States.ArrayGetItem needs an array and an index");
	double idx = args[1]->u.number;
	if (floor(idx) != idx || idx < 0 || idx >= (double)args[0]->u.array.len)
		return asl_fail_intrinsic(ex,
					  "States.ArrayGetItem: index %g is out of range for an "
					  "array of %zu items",
					  idx, args[0]->u.array.len);
	return args[0]->u.array.items[(size_t)idx];
}

asl_value *asl_fn_array_length(asl_exec *ex, asl_value **args, int n)
{
	(void)n;
	if (!is_array(args[0]))
		return asl_fail_intrinsic(ex, "States.ArrayLength needs an array");
	return asl_integer(asl_heap(ex), (int64_t)args[0]->u.array.len);
}

asl_value *asl_fn_array_unique(asl_exec *ex, asl_value **args, int n)
{
	(void)n;
	if (!is_array(args[0]))
		return asl_fail_intrinsic(ex, "States.ArrayUnique needs an array");
	asl_arena *a = asl_heap(ex);
	const asl_value *in = args[0];
	asl_value *out = asl_array(a, in->u.array.len);
	for (size_t i = 0; out && i < in->u.array.len; i++) {
		size_t j = 0;
		while (j < out->u.array.len &&
		       !asl_equal(out->u.array.items[j], in->u.array.items[i]))
			j++;
		if (j == out->u.array.len)
			asl_array_push(a, out, in->u.array.items[i]);
	}
	return a->failed ? NULL : out;
}

asl_value *asl_fn_json_merge(asl_exec *ex, asl_value **args, int n)
{
	(void)n;
	if (args[0]->type != ASL_OBJECT || args[1]->type != ASL_OBJECT || args[2]->type != ASL_BOOL)
		return asl_fail_intrinsic(ex, "States.JsonMerge needs two objects and a boolean");
	if (args[2]->boolean)
		return asl_fail_intrinsic(ex, "States.JsonMerge: deep merging (true) is not "
					      "supported; use false");
	asl_arena *a = asl_heap(ex);
	asl_value *out = asl_shallow_copy(a, args[0]);
	const asl_value *b = args[1];
	for (size_t i = 0; out && i < b->u.object.len; i++)
		asl_object_set(a, out, b->u.object.members[i].key, b->u.object.members[i].key_len,
			       b->u.object.members[i].value);
	return a->failed ? NULL : out;
}
