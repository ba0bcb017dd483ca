/* Intrinsic functions with numbers and randomness: States.MathAdd, MathRandom, UUID. */
#include <math.h>
#include <stdio.h>

#include "asl/platform.h"
#include "exec.h"

double asl__java_round(double x);
int asl__int_args(asl_exec *ex, const char *fn, asl_value **args, int n, double *out);

asl_value *asl_fn_math_add(asl_exec *ex, asl_value **args, int n)
{
	(void)n;
	if (args[0]->type != ASL_NUMBER || args[1]->type != ASL_NUMBER)
		return asl_fail_intrinsic(ex, "States.MathAdd needs two numbers");
	double v[2];
	if (asl__int_args(ex, "States.MathAdd", args, 2, v) < 0)
		return NULL;
	return asl_integer(asl_heap(ex), (int64_t)(v[0] + v[1]));
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
	double v[3];
	if (asl__int_args(ex, "States.MathRandom", args, n, v) < 0)
		return NULL;
	double start = v[0], end = v[1];
	if (end <= start)
		return asl_fail_intrinsic(ex, "States.MathRandom: the end (%g) must be greater than "
					      "the start (%g)", end, start);
	uint64_t r;
	if (n == 3)
		r = splitmix64((uint64_t)(int64_t)v[2]);
	else if (asl_platform_random(&r, sizeof r) < 0)
		return asl_fail_intrinsic(ex, "States.MathRandom: no randomness available");
	double span = end - start; /* end is exclusive */
	return asl_integer(asl_heap(ex), (int64_t)(start + (double)(r % (uint64_t)span)));
}

asl_value *asl_fn_uuid(asl_exec *ex, asl_value **args, int n)
{
	(void)args;
	(void)n;
	unsigned char b[16];
	if (asl_platform_random(b, sizeof b) < 0)
		return asl_fail_intrinsic(ex, "States.UUID: no randomness available");
	b[6] = (unsigned char)((b[6] & 0x0F) | 0x40); /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3F) | 0x80); /* RFC 4122 variant */
	char s[37];
	snprintf(s, sizeof s,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
		 b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
		 b[15]);
	return asl_string(asl_heap(ex), s, 36);
}
