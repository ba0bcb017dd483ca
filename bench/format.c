/* Number formatting: asl_format_number (the core's, runtime/core/decimal.c) against the
 * snprintf("%.*g") + strtod loop it replaced, on the same values in the same run. For each
 * value: ns per call of both (CPU time, the median of alternating rounds) and old/new. The old
 * implementation is copied here as it was (tests/unit/test_format.c checks they agree). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "asl/json.h"

/* noinline: the new one is a call into libaslrt.a, so the old one is one too */
__attribute__((noinline)) static int old_format_small_integer(char *out, size_t size, double d,
							      int integer_flag)
{
	char tmp[24];
	int n = 0;
	int64_t v = (int64_t)d;
	uint64_t u = v < 0 ? (uint64_t)(-v) : (uint64_t)v;
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	size_t len = (size_t)n + (v < 0) + (integer_flag ? 0 : 2);
	if (len + 1 > size)
		return snprintf(out, size, integer_flag ? "%.0f" : "%.1f", d);
	char *p = out;
	if (v < 0)
		*p++ = '-';
	while (n)
		*p++ = tmp[--n];
	if (!integer_flag) {
		*p++ = '.';
		*p++ = '0';
	}
	*p = '\0';
	return (int)len;
}

__attribute__((noinline)) static int old_format_number(char *out, size_t size, double d,
						       int integer_flag)
{
	if (d > -1e15 && d < 1e15 && d == (double)(int64_t)d)
		return old_format_small_integer(out, size, d, integer_flag);
	if (isnan(d))
		return snprintf(out, size, "null");
	if (isinf(d))
		return snprintf(out, size, d < 0 ? "-1e999" : "1e999");
	if (floor(d) == d && fabs(d) < 1e17)
		return snprintf(out, size, integer_flag ? "%.0f" : "%.1f", d);
	if (integer_flag && floor(d) == d && fabs(d) < 1e19)
		return snprintf(out, size, "%.0f", d);
	char tmp[40];
	int prec = 1;
	while (prec < 17) {
		snprintf(tmp, sizeof tmp, "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
		prec++;
	}
	snprintf(tmp, sizeof tmp, "%.*g", prec, d);
	char *e = strchr(tmp, 'e');
	if (e) {
		char *src = e + 1, *dst = e + 1;
		if (*src == '+')
			src++;
		else if (*src == '-')
			*dst++ = *src++;
		while (*src == '0' && src[1])
			src++;
		memmove(dst, src, strlen(src) + 1);
	}
	return snprintf(out, size, "%s", tmp);
}

typedef int (*formatter)(char *, size_t, double, int);

static double cpu_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static volatile size_t sink; /* so the calls are not optimised away */

/* ns per call of f on v, over n calls */
__attribute__((noinline)) static double time_calls(formatter f, double v, int flag, long n)
{
	char buf[64];
	double t0 = cpu_ns();
	for (long i = 0; i < n; i++)
		sink += (size_t)f(buf, sizeof buf, v, flag);
	return (cpu_ns() - t0) / (double)n;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 200000;
	int rounds = argc > 2 ? atoi(argv[2]) : 7;
	static const struct {
		const char *name;
		double v;
		int flag;
	} values[] = {
		{"12.99", 12.99, 0},
		{"0.1", 0.1, 0},
		{"3.14159", 3.14159, 0},
		{"1e-7", 1e-7, 0},
		{"0.1+0.2", 0.1 + 0.2, 0},
		{"1234.5678", 1234.5678, 0},
		{"-273.15", -273.15, 0},
		{"6.02214076e23", 6.02214076e23, 0},
		{"2^60 (integer)", 1152921504606846976.0, 1},
		{"1e21", 1e21, 0},
		{"42 (integer)", 42, 1},
		{"1e16 (integer)", 1e16, 0},
	};
	size_t nv = sizeof values / sizeof values[0];
	double total_old = 0, total_new = 0;
	printf("%-16s %-22s %10s %10s %8s\n", "value", "text", "old ns", "new ns", "old/new");
	for (size_t i = 0; i < nv; i++) {
		char a[64], b[64];
		old_format_number(a, sizeof a, values[i].v, values[i].flag);
		asl_format_number(b, sizeof b, values[i].v, values[i].flag);
		if (strcmp(a, b) != 0) {
			fprintf(stderr, "%s: old \"%s\", new \"%s\"\n", values[i].name, a, b);
			return 1;
		}
		double to[32], tn[32];
		for (int r = 0; r < rounds && r < 32; r++) { /* alternating, so load hits both */
			to[r] = time_calls(old_format_number, values[i].v, values[i].flag, n);
			tn[r] = time_calls(asl_format_number, values[i].v, values[i].flag, n);
		}
		qsort(to, (size_t)rounds, sizeof to[0], cmp);
		qsort(tn, (size_t)rounds, sizeof tn[0], cmp);
		double mo = to[rounds / 2], mn = tn[rounds / 2];
		total_old += mo;
		total_new += mn;
		printf("%-16s %-22s %10.1f %10.1f %7.2fx\n", values[i].name, b, mo, mn, mo / mn);
	}
	printf("%-16s %-22s %10.1f %10.1f %7.2fx\n", "all (sum)", "", total_old, total_new,
	       total_old / total_new);
	return 0;
}
