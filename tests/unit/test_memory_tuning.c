/* Memory tuning through asl_options (arena_first_chunk, arena_max_chunk, compact_min): an
 * execution given small sizes holds less memory at its peak, counted by the host's allocator,
 * and gives the same output as with the defaults; asl_arena_set_chunks on one arena. The
 * machine is tests/embed/tuning.asl.json. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asl/asl.h"

extern const asl_machine asl_generated_machine;

/* An allocator that counts the bytes held now and at most (each block keeps its size before
 * it). Single-threaded: the executions here run with threads = 1. */
typedef struct counter {
	size_t now, peak, last_request;
	asl_allocator allocator;
} counter;

static void *counting_alloc(void *user, size_t size)
{
	counter *c = user;
	max_align_t *block = malloc(sizeof(max_align_t) + size);
	if (!block)
		return NULL;
	*(size_t *)block = size;
	c->now += size, c->last_request = size;
	if (c->now > c->peak)
		c->peak = c->now;
	return block + 1;
}

static void counting_release(void *user, void *p)
{
	counter *c = user;
	if (!p)
		return;
	max_align_t *block = (max_align_t *)p - 1;
	c->now -= *(size_t *)block;
	free(block);
}

static void counter_init(counter *c)
{
	memset(c, 0, sizeof *c);
	c->allocator = (asl_allocator){counting_alloc, counting_release, c};
}

/* Runs the machine with these sizes (0: the defaults); returns its output (malloc'd) and sets
 * *peak to the most bytes it held at once. */
static char *run(size_t first_chunk, size_t max_chunk, size_t compact_min, size_t *peak)
{
	counter c;
	counter_init(&c);
	asl_arena a;
	asl_arena_init(&a, NULL);
	asl_parse_error err;
	asl_value *input = asl_parse(&a, "{\"name\":\"Ada\"}", 14, 0, &err);
	ck_assert_ptr_nonnull(input);
	asl_options opts;
	asl_options_init(&opts);
	opts.threads = 1;
	opts.allocator = &c.allocator;
	opts.arena_first_chunk = first_chunk;
	opts.arena_max_chunk = max_chunk;
	opts.compact_min = compact_min;
	asl_result r;
	ck_assert_int_eq(asl_execute(&asl_generated_machine, input, &opts, &r), ASL_SUCCEEDED);
	char *out = strdup(r.output);
	asl_result_free(&r);
	asl_arena_destroy(&a);
	ck_assert_uint_eq(c.now, 0); /* everything went back */
	*peak = c.peak;
	return out;
}

START_TEST(small_sizes_hold_less_and_give_the_same_output)
{
	size_t peak_default, peak_small, peak_compact;
	char *full = run(0, 0, 0, &peak_default);
	char *small = run(128, 512, 0, &peak_small);
	char *compact = run(128, 512, 2048, &peak_compact);
	ck_assert_str_eq(small, full);
	ck_assert_str_eq(compact, full);
	ck_assert_ptr_nonnull(strstr(full, "\"rounds\":40"));
	ck_assert_msg(peak_small < peak_default, "peak %zu with small chunks, %zu by default",
		      peak_small, peak_default);
	ck_assert_msg(peak_compact < peak_small, "peak %zu compacting early, %zu without",
		      peak_compact, peak_small);
	fprintf(stderr,
		"peak bytes: %zu by default, %zu with 128/512-byte chunks, %zu also compacting "
		"from 2 KiB\n",
		peak_default, peak_small, peak_compact);
	free(full), free(small), free(compact);
}
END_TEST

START_TEST(an_arena_takes_its_own_chunk_sizes)
{
	counter c;
	counter_init(&c);
	asl_arena a;
	asl_arena_init(&a, &c.allocator);
	ck_assert_uint_eq(a.first_chunk, ASL_ARENA_FIRST_CHUNK);
	ck_assert_uint_eq(a.max_chunk, ASL_ARENA_MAX_CHUNK);
	asl_arena_set_chunks(&a, 64, 256);
	ck_assert_ptr_nonnull(asl_arena_alloc(&a, 8));
	size_t header = c.last_request - 64; /* the chunk's own bookkeeping */
	ck_assert_uint_lt(header, 64);
	for (int i = 0; i < 40; i++) /* chunks double to 256 bytes and stay there */
		ck_assert_ptr_nonnull(asl_arena_alloc(&a, 8 + (size_t)i % 2));
	ck_assert_uint_eq(c.last_request, header + 256);
	asl_arena_destroy(&a);
	ck_assert_uint_eq(c.now, 0);
	asl_arena_init(&a, &c.allocator);
	asl_arena_set_chunks(&a, 0, 0); /* 0: the defaults */
	ck_assert_ptr_nonnull(asl_arena_alloc(&a, 8));
	ck_assert_uint_eq(c.last_request, header + ASL_ARENA_FIRST_CHUNK);
	asl_arena_destroy(&a);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("memory_tuning");
	TCase *tc = tcase_create("memory_tuning");
	tcase_add_test(tc, small_sizes_hold_less_and_give_the_same_output);
	tcase_add_test(tc, an_arena_takes_its_own_chunk_sizes);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
