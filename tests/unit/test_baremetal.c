/* The bare-metal platform's parts, on the host: asl_buffer_allocator (random alloc/release
 * sequences against a model: blocks aligned, inside the buffer, never overlapping, merged
 * again when freed; the high-water mark), and asl_baremetal_platform (the board's clock and
 * randomness) running tests/embed/steps.asl.json with the step API, every byte from a buffer. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "asl/asl.h"
#include "asl/baremetal.h"

extern const asl_machine asl_generated_machine;

#define ALIGN _Alignof(max_align_t)

static unsigned char buffer[64 * 1024] __attribute__((aligned(64)));

typedef struct live {
	unsigned char *p;
	size_t size;
	unsigned char tag;
} live;

static void *take(asl_buffer_allocator *a, size_t size)
{
	return a->allocator.alloc(a->allocator.user, size);
}

static void give(asl_buffer_allocator *a, void *p)
{
	a->allocator.release(a->allocator.user, p);
}

/* One assertion per block: Check's assertions are too slow to make per byte. */
static void check_intact(const live *l)
{
	size_t i = 0;
	while (i < l->size && l->p[i] == l->tag)
		i++;
	ck_assert_msg(i == l->size, "block %p byte %zu was overwritten", (void *)l->p, i);
}

START_TEST(random_allocations_and_releases_keep_blocks_apart_and_merge_back)
{
	asl_buffer_allocator a;
	asl_buffer_allocator_init(&a, buffer, sizeof buffer);
	enum { SLOTS = 96 };
	live slots[SLOTS] = {{0}};
	srand(12345 + (unsigned)_i);
	size_t requested = 0;
	for (int op = 0; op < 20000; op++) {
		live *l = &slots[rand() % SLOTS];
		if (l->p) {
			check_intact(l);
			give(&a, l->p);
			requested -= l->size;
			l->p = NULL;
		} else {
			/* mostly small, now and then a big one, as arenas' chunks are */
			size_t size = rand() % 8 ? (size_t)(rand() % 300) : (size_t)(rand() % 9000);
			unsigned char *p = take(&a, size);
			if (!p)
				continue;
			ck_assert_uint_eq((uintptr_t)p % ALIGN, 0);
			ck_assert(p >= a.base && p + size <= a.base + a.size);
			*l = (live){p, size, (unsigned char)(op | 1)};
			memset(p, l->tag, size);
			requested += size;
		}
		if (a.in_use < requested || a.peak < a.in_use || a.top > a.size)
			ck_abort_msg("counts: in_use %zu requested %zu peak %zu top %zu", a.in_use,
				     requested, a.peak, a.top);
		if (op % 500 == 0) /* an overlap or a header written over shows in the contents */
			for (int i = 0; i < SLOTS; i++)
				if (slots[i].p)
					check_intact(&slots[i]);
	}
	for (int i = 0; i < SLOTS; i++)
		if (slots[i].p) {
			check_intact(&slots[i]);
			give(&a, slots[i].p);
		}
	ck_assert_uint_eq(a.in_use, 0);
	/* everything merged back: the whole buffer is one block again */
	void *all = take(&a, a.size - ALIGN);
	ck_assert_ptr_eq(all, a.base + ALIGN);
	ck_assert_ptr_null(take(&a, 1));
	give(&a, all);
	ck_assert_uint_eq(a.in_use, 0);
}
END_TEST

START_TEST(a_freed_block_merges_with_both_neighbours_and_is_reused_first)
{
	asl_buffer_allocator a;
	asl_buffer_allocator_init(&a, buffer, 4096);
	unsigned char *x = take(&a, 100), *y = take(&a, 100), *z = take(&a, 100);
	unsigned char *w = take(&a, 8);
	ck_assert(x && y && z && w && x < y && y < z && z < w);
	size_t top = a.top;
	give(&a, x);
	give(&a, z);
	give(&a, y); /* merges with x before it and z after it */
	unsigned char *big = take(&a, 300);
	ck_assert_ptr_eq(big, x);
	ck_assert_uint_eq(a.top, top); /* it fitted below the high-water mark */
	give(&a, big);
	give(&a, w);
	ck_assert_uint_eq(a.in_use, 0);
	ck_assert_uint_gt(a.peak, 300);
}
END_TEST

/* A fixed sequence of allocations and releases; 0 when all of them fitted. */
static int sequence(asl_buffer_allocator *a)
{
	void *p[8];
	for (int i = 0; i < 8; i++)
		if (!(p[i] = take(a, (size_t)(24 * i + 5))))
			return -1;
	for (int i = 0; i < 8; i += 2)
		give(a, p[i]);
	void *q = take(a, 300);
	if (!q)
		return -1;
	give(a, q);
	for (int i = 1; i < 8; i += 2)
		give(a, p[i]);
	return 0;
}

START_TEST(the_high_water_mark_is_the_smallest_buffer_that_fits)
{
	/* at an unaligned start too: the skipped bytes count */
	for (size_t offset = 0; offset < ALIGN; offset += 3) {
		asl_buffer_allocator a;
		asl_buffer_allocator_init(&a, buffer + offset, 4096);
		ck_assert_int_eq(sequence(&a), 0);
		size_t top = a.top;
		asl_buffer_allocator_init(&a, buffer + offset, top);
		ck_assert_int_eq(sequence(&a), 0);
		ck_assert_uint_eq(a.top, top);
		asl_buffer_allocator_init(&a, buffer + offset, top - 1);
		ck_assert_int_eq(sequence(&a), -1);
	}
}
END_TEST

START_TEST(edge_cases_fail_cleanly)
{
	asl_buffer_allocator a;
	asl_buffer_allocator_init(&a, buffer + 1, 100); /* an unaligned start is skipped */
	ck_assert_uint_eq((uintptr_t)a.base % ALIGN, 0);
	ck_assert_uint_le(a.size, 99);
	ck_assert_ptr_null(take(&a, 1000));
	ck_assert_ptr_null(take(&a, SIZE_MAX));
	void *p = take(&a, 0); /* a zero-size block is a real, distinct block */
	ck_assert_ptr_nonnull(p);
	give(&a, p);
	give(&a, NULL);
	ck_assert_uint_eq(a.in_use, 0);
	asl_buffer_allocator_init(&a, buffer, 4); /* too small for any block */
	ck_assert_ptr_null(take(&a, 1));
}
END_TEST

/* The board's clock: the test moves it. */
static int64_t board_ms;

static int64_t board_now(void *user)
{
	return *(const int64_t *)user;
}

static int board_random(void *user, void *buf, size_t len)
{
	(void)user;
	memset(buf, 7, len);
	return 0;
}

static asl_value *parse(asl_arena *arena, const char *json)
{
	asl_parse_error err;
	return asl_parse(arena, json, strlen(json), 0, &err);
}

START_TEST(an_execution_runs_on_the_board_clock_with_every_byte_from_the_buffer)
{
	asl_buffer_allocator a;
	asl_buffer_allocator_init(&a, buffer, sizeof buffer);
	board_ms = 1700000000000;
	const asl_baremetal_host host = {board_now, board_random, &board_ms};
	asl_platform platform;
	asl_baremetal_platform(&platform, &host);
	unsigned char bytes[4];
	ck_assert_int_eq(platform.random(platform.user, bytes, sizeof bytes), 0);
	ck_assert_uint_eq(bytes[3], 7);

	asl_arena arena;
	asl_arena_init(&arena, &a.allocator);
	asl_options opts;
	asl_options_init(&opts);
	opts.allocator = &a.allocator;
	opts.platform = &platform;
	opts.threads = 1; /* on the host the table keeps the host's pool: one thread, as a device */
	asl_execution *e =
		asl_start(&asl_generated_machine, parse(&arena, "{\"case\":\"wait\"}"), &opts);
	ck_assert_ptr_nonnull(e);
	asl_step s = asl_advance(e);
	ck_assert_int_eq(s.kind, ASL_STEP_WAIT_TIME);
	ck_assert_int_eq(s.until_ms, board_ms + 10000); /* the board's time, not the host's */
	board_ms += 10000; /* the firmware's main loop, ten seconds later */
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_FINISHED);
	asl_result r;
	ck_assert_int_eq(asl_finish(e, &r), ASL_SUCCEEDED);
	ck_assert_str_eq(r.output, "{\"case\":\"wait\"}");
	asl_result_free(&r);
	asl_arena_destroy(&arena);
	ck_assert_uint_eq(a.in_use, 0); /* nothing kept */
	ck_assert_uint_gt(a.top, 0);

	/* no clock and no randomness: the epoch, and randomness fails cleanly */
	const asl_baremetal_host none = {NULL, NULL, NULL};
	asl_baremetal_platform(&platform, &none);
	ck_assert_int_eq(platform.now_ms(platform.user), 0);
	ck_assert_int_eq(platform.random(platform.user, bytes, sizeof bytes), -1);
}
END_TEST

START_TEST(a_buffer_too_small_fails_the_execution_as_out_of_memory)
{
	asl_buffer_allocator a;
	asl_buffer_allocator_init(&a, buffer, 2048);
	asl_arena arena;
	asl_arena_init(&arena, NULL);
	asl_options opts;
	asl_options_init(&opts);
	opts.allocator = &a.allocator;
	opts.threads = 1; /* the allocator is for one thread */
	asl_result r;
	asl_execute(&asl_generated_machine, parse(&arena, "{\"case\":\"parallel\"}"), &opts, &r);
	ck_assert_int_eq(r.status, ASL_FAILED_STATUS);
	ck_assert_str_eq(r.error, "States.Runtime");
	asl_result_free(&r);
	asl_arena_destroy(&arena);
	ck_assert_uint_eq(a.in_use, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("baremetal");
	TCase *tc = tcase_create("allocator");
	tcase_add_loop_test(tc, random_allocations_and_releases_keep_blocks_apart_and_merge_back, 0,
			    4);
	tcase_add_test(tc, a_freed_block_merges_with_both_neighbours_and_is_reused_first);
	tcase_add_test(tc, the_high_water_mark_is_the_smallest_buffer_that_fits);
	tcase_add_test(tc, edge_cases_fail_cleanly);
	suite_add_tcase(s, tc);
	tc = tcase_create("platform");
	tcase_add_test(tc, an_execution_runs_on_the_board_clock_with_every_byte_from_the_buffer);
	tcase_add_test(tc, a_buffer_too_small_fails_the_execution_as_out_of_memory);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
