/* Running out of memory: a machine that touches most allocation sites (tests/embed/
 * memory.asl.json: Parallel and Map, a Distributed Map's JSONL and JSON readers and its result
 * writer on files in a temporary S3_ROOT) runs with host allocators that fail after N blocks,
 * or once a fixed budget of bytes is used up, for every N up to what a full run needs. Each run must either succeed
 * with the right output or fail with States.Runtime saying the execution ran out of memory:
 * never an empty error, never a crash (run under ASan too). */
#define _XOPEN_SOURCE 700 /* mkdtemp, nftw */
#include <check.h>
#include <ftw.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "asl/asl.h"

extern const asl_machine asl_generated_machine;

typedef struct budget {
	atomic_long blocks; /* blocks left to hand out */
	atomic_long bytes; /* bytes left */
	atomic_long served; /* blocks handed out so far */
	asl_allocator allocator; /* outlives the result, whose arena it serves */
} budget;

static void *limited_alloc(void *user, size_t size)
{
	budget *b = user;
	if (atomic_fetch_sub(&b->blocks, 1) <= 0 ||
	    atomic_fetch_sub(&b->bytes, (long)size) < (long)size)
		return NULL;
	atomic_fetch_add(&b->served, 1);
	return malloc(size);
}

static void limited_release(void *user, void *block)
{
	(void)user;
	free(block);
}

static int work(asl_task_call *call)
{
	call->result = asl_cstring(call->arena, "done"); /* NULL when out of memory */
	return ASL_TASK_OK;
}

/* $TMPDIR/aslc-oom-XXXXXX, made unique by make_s3_root */
static char s3_root[128];

static void write_file(const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof path, "%s/b/%s", s3_root, name);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* S3_ROOT/b/items.jsonl (a line long enough to grow the reader's line buffer) and items.json. */
static void make_s3_root(void)
{
	char bucket[256], line[1200];
	const char *tmp = getenv("TMPDIR");
	snprintf(s3_root, sizeof s3_root, "%s/aslc-oom-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(s3_root));
	snprintf(bucket, sizeof bucket, "%s/b", s3_root);
	ck_assert_int_eq(mkdir(bucket, 0777), 0);
	snprintf(line, sizeof line, "{\"n\":1}\n{\"long\":\"%0900d\"}\n{\"n\":3}\n", 0);
	write_file("items.jsonl", line);
	write_file("items.json", "[{\"a\":1},{\"a\":2},{\"a\":3}]");
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void remove_s3_root(void)
{
	nftw(s3_root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* max_memory: asl_options.max_memory, 0 for none. */
static asl_result run(budget *b, int threads, size_t max_memory)
{
	static const asl_binding bindings[] = {{"work", "c:work"}};
	static const asl_handler handlers[] = {{"work", work, NULL}};
	b->allocator = (asl_allocator){limited_alloc, limited_release, b};
	asl_arena a;
	asl_arena_init(&a, NULL);
	asl_parse_error err;
	asl_value *input = asl_parse(&a, "{\"name\":\"Ada\"}", 14, 0, &err);
	ck_assert_ptr_nonnull(input);
	asl_options opts;
	asl_options_init(&opts);
	opts.wait_scale = 0;
	opts.threads = threads; /* 1: the same allocations in the same order on every run */
	opts.allocator = &b->allocator;
	opts.max_memory = max_memory;
	opts.bindings = bindings;
	opts.binding_count = 1;
	opts.handlers = handlers;
	opts.handler_count = 1;
	opts.s3_root = s3_root;
	asl_result r;
	asl_execute(&asl_generated_machine, input, &opts, &r);
	asl_arena_destroy(&a);
	return r;
}

static char *full_output;
static long full_blocks, full_bytes;

/* The outcome of a run that may have run out of memory: the full run's output, or the error. */
static void assert_success_or_out_of_memory(asl_result *r, const char *what, long n)
{
	const char *json = asl_result_error_json(r);
	ck_assert_msg(json != NULL, "%s %ld: no error JSON", what, n);
	if (r->status == ASL_SUCCEEDED) {
		ck_assert_msg(r->output && !strcmp(r->output, full_output),
			      "%s %ld: succeeded with %s", what, n, r->output ? r->output : "NULL");
		return;
	}
	ck_assert_msg(r->status == ASL_FAILED_STATUS, "%s %ld: status %d", what, n, r->status);
	ck_assert_msg(r->error && !strcmp(r->error, "States.Runtime") && r->cause &&
			      strstr(r->cause, "ran out of memory"),
		      "%s %ld: failed with %s", what, n, json);
	ck_assert_msg(strstr(json, "States.Runtime") && strstr(json, "ran out of memory"),
		      "%s %ld: error JSON %s", what, n, json);
}

static void measure_full_run(void)
{
	budget b = {LONG_MAX, LONG_MAX, 0, {0}};
	asl_result r = run(&b, 1, 0);
	ck_assert_msg(r.status == ASL_SUCCEEDED, "the unlimited run failed: %s",
		      asl_result_error_json(&r));
	full_output = malloc(r.output_len + 1);
	ck_assert_ptr_nonnull(full_output);
	memcpy(full_output, r.output, r.output_len + 1);
	full_blocks = atomic_load(&b.served);
	full_bytes = LONG_MAX - atomic_load(&b.bytes);
	asl_result_free(&r);
	ck_assert_int_gt(full_blocks, 20);
	fprintf(stderr, "full run: %ld blocks, %ld bytes\n", full_blocks, full_bytes);
}

START_TEST(every_failing_allocation_is_reported_as_out_of_memory)
{
	measure_full_run();
	for (long n = 0; n <= full_blocks + 2; n++) {
		budget b = {n, LONG_MAX, 0, {0}};
		asl_result r = run(&b, 1, 0);
		assert_success_or_out_of_memory(&r, "blocks", n);
		if (n < full_blocks)
			ck_assert_msg(r.status != ASL_SUCCEEDED, "succeeded with %ld of %ld blocks",
				      n, full_blocks);
		asl_result_free(&r);
	}
}
END_TEST

START_TEST(a_fixed_budget_too_small_is_reported_as_out_of_memory)
{
	measure_full_run();
	for (long bytes = 0; bytes <= full_bytes + 4096; bytes += 1024) {
		budget b = {LONG_MAX, bytes, 0, {0}};
		asl_result r = run(&b, 1, 0);
		assert_success_or_out_of_memory(&r, "bytes", bytes);
		if (bytes < full_bytes) /* one thread: the same allocations in the same order */
			ck_assert_msg(r.status != ASL_SUCCEEDED, "succeeded with %ld of %ld bytes",
				      bytes, full_bytes);
		asl_result_free(&r);
	}
}
END_TEST

START_TEST(failing_allocations_on_several_threads_are_reported_as_out_of_memory)
{
	measure_full_run();
	for (long n = 0; n <= full_blocks + 2; n++) {
		budget b = {n, LONG_MAX, 0, {0}};
		asl_result r = run(&b, 4, 0);
		assert_success_or_out_of_memory(&r, "blocks on 4 threads", n);
		asl_result_free(&r);
	}
}
END_TEST

/* asl_options.max_memory below what a run needs: the same failure, with the cause naming the
 * limit, on several threads; a limit above the bytes a whole run allocates suffices. */
START_TEST(a_memory_limit_too_small_is_reported_as_exceeded)
{
	measure_full_run();
	char want[96];
	for (long limit = 1024; limit <= full_bytes + 8192; limit += 2048) {
		budget b = {LONG_MAX, LONG_MAX, 0, {0}};
		asl_result r = run(&b, 4, (size_t)limit);
		snprintf(want, sizeof want, "The execution exceeded its memory limit of %ld bytes.",
			 limit);
		ck_assert_msg(limit > 1024 || r.status != ASL_SUCCEEDED, "ran in 1024 bytes");
		if (r.status != ASL_SUCCEEDED)
			ck_assert_msg(r.status == ASL_FAILED_STATUS && r.error && r.cause &&
					      !strcmp(r.error, "States.Runtime") &&
					      !strcmp(r.cause, want),
				      "limit %ld: %s", limit, asl_result_error_json(&r));
		else
			ck_assert_str_eq(r.output, full_output);
		asl_result_free(&r);
	}
	budget b = {LONG_MAX, LONG_MAX, 0, {0}};
	asl_result r = run(&b, 1, (size_t)(full_bytes + full_blocks * 16));
	ck_assert_msg(r.status == ASL_SUCCEEDED, "%s", asl_result_error_json(&r));
	asl_result_free(&r);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("out_of_memory");
	TCase *tc = tcase_create("out_of_memory");
	tcase_set_timeout(tc, 120);
	tcase_add_unchecked_fixture(tc, make_s3_root, remove_s3_root);
	tcase_add_test(tc, every_failing_allocation_is_reported_as_out_of_memory);
	tcase_add_test(tc, a_fixed_budget_too_small_is_reported_as_out_of_memory);
	tcase_add_test(tc, failing_allocations_on_several_threads_are_reported_as_out_of_memory);
	tcase_add_test(tc, a_memory_limit_too_small_is_reported_as_exceeded);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
