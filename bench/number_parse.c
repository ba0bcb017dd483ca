/* Timing helper of bench/number_parse.sh: ns per number text of the core's asl__parse_number
 * (runtime/core/number_parse.c) and of glibc's strtod on the same texts, each the median of
 * REPS alternating runs, and a check that both give the same bits.
 * Usage: number_parse REPS TEXT...   prints "TEXT asl_ns strtod_ns ratio" per text */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "number_parse.h"

#define CALLS 2000000

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double sink; /* keeps the calls from being optimized away */

/* ns per call of one parser over CALLS calls of text (len bytes) */
static double time_one(int which, const char *text, size_t len)
{
	double t0 = now_ns(), sum = 0;
	for (int i = 0; i < CALLS; i++) {
		__asm__ volatile("" : : "r"(text) : "memory"); /* no hoisting out of the loop */
		sum += which ? strtod(text, NULL) : asl__parse_number(text, len);
	}
	sink += sum;
	return (now_ns() - t0) / CALLS;
}

int main(int argc, char **argv)
{
	int reps = argc > 1 ? atoi(argv[1]) : 0;
	if (reps < 1 || argc < 3) {
		fprintf(stderr, "usage: number_parse REPS TEXT...\n");
		return 2;
	}
	double *a = malloc(sizeof *a * (size_t)reps), *s = malloc(sizeof *s * (size_t)reps);
	if (!a || !s)
		return 1;
	for (int k = 2; k < argc; k++) {
		const char *text = argv[k];
		size_t len = strlen(text);
		double x = asl__parse_number(text, len), y = strtod(text, NULL);
		if (memcmp(&x, &y, sizeof x)) {
			fprintf(stderr, "%s: asl %a, strtod %a\n", text, x, y);
			return 1;
		}
		for (int r = 0; r < reps; r++) {
			a[r] = time_one(0, text, len);
			s[r] = time_one(1, text, len);
		}
		qsort(a, (size_t)reps, sizeof *a, by_value);
		qsort(s, (size_t)reps, sizeof *s, by_value);
		printf("%s %.1f %.1f %.2f\n", text, a[reps / 2], s[reps / 2],
		       s[reps / 2] / a[reps / 2]);
	}
	return sink == 12345 ? 3 : 0;
}
