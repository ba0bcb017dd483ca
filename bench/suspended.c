/* Many executions suspended on a Wait in one process: starts N executions of the compiled
 * machine (asl_generated_machine, linked in), advances each until it suspends on its Wait,
 * reports the memory each suspended execution holds (RSS growth and the bytes of a counting
 * allocator), lets the fake clock pass the Wait's end and resumes them all to completion; then
 * runs the same N executions straight through with asl_execute and wait_scale 0, for the ratio.
 * Usage: suspended [N]; prints "key value" lines for bench/suspended.sh. */
#define _POSIX_C_SOURCE 200809L
#include <asl/asl.h>
#include <asl/platform_core.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

extern const asl_machine asl_generated_machine;

/* The fake clock: the platform's table with now_ms and sleep_ms replaced, so "the hour has
 * passed" is one assignment, and nothing sleeps. */
typedef struct fake_clock {
	asl_platform pf;
	int64_t now;
} fake_clock;

static int64_t fake_now(void *user)
{
	return ((fake_clock *)user)->now;
}

static void fake_sleep(void *user, int64_t ms)
{
	((fake_clock *)user)->now += ms;
}

/* A counting allocator: every block carries its size in a header. */
typedef struct counter {
	size_t held, peak, blocks;
} counter;

static void *counted_alloc(void *user, size_t size)
{
	counter *c = user;
	max_align_t *b = malloc(sizeof *b + size);
	if (!b)
		return NULL;
	memcpy(b, &size, sizeof size);
	c->held += size;
	c->blocks++;
	if (c->held > c->peak)
		c->peak = c->held;
	return b + 1;
}

static void counted_release(void *user, void *p)
{
	counter *c = user;
	if (!p)
		return;
	max_align_t *b = (max_align_t *)p - 1;
	size_t size;
	memcpy(&size, b, sizeof size);
	c->held -= size;
	c->blocks--;
	free(b);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The process's system CPU time so far (page faults of fresh memory count here). */
static double sys_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* The resident set in bytes, from /proc/self/statm. */
static double rss_bytes(void)
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return (double)resident * 4096;
}

static int done_ok(asl_status st, const asl_result *r, const char *expected)
{
	return st == ASL_SUCCEEDED && r->output_len == strlen(expected) &&
	       !memcmp(r->output, expected, r->output_len);
}

static void die(const char *what, size_t i)
{
	fprintf(stderr, "suspended: %s (execution %zu)\n", what, i);
	exit(1);
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
	const char *expected = argc > 2 ? argv[2] : "";
	asl_arena arena;
	asl_arena_init(&arena, NULL);
	asl_parse_error perr;
	static const char input_text[] = "{\"order\":42,\"items\":[1,2,3]}";
	asl_value *input = asl_parse(&arena, input_text, sizeof input_text - 1, 0, &perr);
	asl_execution **all = malloc(n * sizeof *all);
	if (!input || !all)
		die("out of memory", 0);

	fake_clock clock = {*asl_platform_default(), 1700000000000};
	clock.pf.user = &clock;
	clock.pf.now_ms = fake_now;
	clock.pf.sleep_ms = fake_sleep;
	counter count = {0, 0, 0};
	asl_allocator al = {counted_alloc, counted_release, &count};
	asl_options opts;
	asl_options_init(&opts);
	opts.platform = &clock.pf;
	opts.allocator = &al;
	opts.threads = 1;

	/* 1. start and advance each until it suspends on its Wait */
	double rss0 = rss_bytes(), sys0 = sys_s(), t0 = now_s();
	for (size_t i = 0; i < n; i++) {
		if (!(all[i] = asl_start(&asl_generated_machine, input, &opts)))
			die("out of memory", i);
		if (asl_advance(all[i]).kind != ASL_STEP_WAIT_TIME)
			die("did not suspend on its Wait", i);
	}
	double t1 = now_s(), sys1 = sys_s(), rss1 = rss_bytes();
	size_t held = count.held, blocks = count.blocks;

	/* 2. the Wait's time has come: resume them all to completion */
	clock.now += 2 * 3600 * 1000;
	double t2 = now_s();
	for (size_t i = 0; i < n; i++) {
		if (asl_advance(all[i]).kind != ASL_STEP_FINISHED)
			die("did not finish when resumed", i);
		asl_result r;
		asl_status st = asl_finish(all[i], &r);
		if (!done_ok(st, &r, expected))
			die("unexpected outcome", i);
		asl_result_free(&r);
	}
	double t3 = now_s();
	if (count.held || count.blocks)
		die("memory still held after all finished", n);

	/* 3. the same executions straight through (wait_scale 0 skips the Wait) */
	asl_options straight;
	asl_options_init(&straight);
	straight.wait_scale = 0;
	straight.threads = 1;
	double t4 = now_s();
	for (size_t i = 0; i < n; i++) {
		asl_result r;
		asl_status st = asl_execute(&asl_generated_machine, input, &straight, &r);
		if (!done_ok(st, &r, expected))
			die("unexpected outcome straight through", i);
		asl_result_free(&r);
	}
	double t5 = now_s();

	printf("executions %zu\n", n);
	printf("suspend_s %.4f\n", t1 - t0);
	printf("suspend_sys_s %.4f\n", sys1 - sys0);
	printf("resume_s %.4f\n", t3 - t2);
	printf("straight_s %.4f\n", t5 - t4);
	printf("rss_per_execution %.1f\n", (rss1 - rss0) / (double)n);
	printf("bytes_per_execution %.1f\n", (double)held / (double)n);
	printf("blocks_per_execution %.2f\n", (double)blocks / (double)n);
	printf("rss_total_mib %.1f\n", (rss1 - rss0) / 1048576.0);
	free(all);
	asl_arena_destroy(&arena);
	return 0;
}
