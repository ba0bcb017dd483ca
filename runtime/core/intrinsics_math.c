/* Intrinsic functions with numbers and randomness: States.MathAdd, MathRandom, UUID. */
#include <math.h>

#include "exec.h"
#include "format.h"

asl_value *asl_fn_math_add(asl_exec *ex, asl_value **args, int n)
{
	(void)n;
	if (args[0]->type != ASL_NUMBER || args[1]->type != ASL_NUMBER)
		return asl_fail_intrinsic(ex, "States.MathAdd needs two numbers");
	int64_t a, b;
	if (asl__round_in(args[0]->u.number, ASL_INT32_MIN, ASL_INT32_MAX, &a) < 0 ||
	    asl__round_in(args[1]->u.number, ASL_INT32_MIN, ASL_INT32_MAX, &b) < 0)
		return asl_fail_intrinsic(ex, "States.MathAdd: the arguments must be between "
					      "-2147483648 and 2147483647");
	return asl_integer(asl_heap(ex), a + b);
}

/* splitmix64: a seeded MathRandom must give the same value for the same seed. */
static uint64_t splitmix64(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ULL;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
	return x ^ (x >> 31);
}

asl_value *asl_fn_math_random(asl_exec *ex, asl_value **args, int n)
{
	for (int i = 0; i < n; i++)
		if (args[i]->type != ASL_NUMBER)
			return asl_fail_intrinsic(ex, "States.MathRandom needs numbers");
	/* AWS's bounds are Java ints; within them the span (end is exclusive) fits easily */
	int64_t start, end, seed = 0;
	if (asl__round_in(args[0]->u.number, ASL_INT32_MIN, ASL_INT32_MAX, &start) < 0 ||
	    asl__round_in(args[1]->u.number, ASL_INT32_MIN, ASL_INT32_MAX, &end) < 0)
		return asl_fail_intrinsic(ex, "States.MathRandom: the start and the end must be "
					      "integers between -2147483648 and 2147483647");
	if (n == 3 &&
	    asl__round_in(args[2]->u.number, ASL_INT64_MIN, ASL_INT64_BELOW_MAX, &seed) < 0)
		return asl_fail_intrinsic(ex,
					  "States.MathRandom: the seed (%g) must be a 64-bit "
					  "integer",
					  args[2]->u.number);
	if (end <= start)
		return asl_fail_intrinsic(ex,
					  "States.MathRandom: the end (%lld) must be greater "
					  "than the start (%lld)",
					  (long long)end, (long long)start);
	uint64_t r;
	if (n == 3)
		r = splitmix64((uint64_t)seed);
	else if (asl__random(ex, &r, sizeof r) < 0)
		return asl_fail_intrinsic(ex, "States.MathRandom: no randomness available");
	return asl_integer(asl_heap(ex), start + (int64_t)(r % (uint64_t)(end - start)));
}

asl_value *asl_fn_uuid(asl_exec *ex, asl_value **args, int n)
{
	(void)args;
	(void)n;
	unsigned char b[16];
	if (asl__random(ex, b, sizeof b) < 0)
		return asl_fail_intrinsic(ex, "States.UUID: no randomness available");
	b[6] = (unsigned char)((b[6] & 0x0F) | 0x40); /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3F) | 0x80); /* RFC 4122 variant */
	char s[37];
	asl__fmt(s, sizeof s,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
		 b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
		 b[15]);
	return asl_string(asl_heap(ex), s, 36);
}
