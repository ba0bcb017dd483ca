/* The nesting limit derived from a configured stack (asl/tuning.h), in a runtime built with
 * -DASL_STACK_SIZE=65536: ASL_PARSE_MAX_DEPTH follows the formula, a value at the limit is
 * parsed, run through an execution and written within that much stack (measured by painting
 * the stack of the thread that runs it), and one level more is refused with the usual error
 * naming the configured depth. The machine is tests/embed/depth.asl.json. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asl/asl.h"

extern const asl_machine asl_generated_machine;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define INSTRUMENTED 1 /* TSan also refuses a thread stack under ~900 KiB */
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define INSTRUMENTED 1
#endif
#endif
#ifndef INSTRUMENTED
#define INSTRUMENTED 0
#endif

/* The thread's stack: room for the C library's thread data at its top and, under sanitizers
 * (whose frames are several times larger), far more than ASL_STACK_SIZE. */
#define THREAD_STACK ((INSTRUMENTED ? 32 : 2) * ASL_STACK_SIZE + 256 * 1024)
#define PAINT 0xA5

typedef struct job {
	int depth; /* levels of nesting of the input: its object and the arrays in "v" */
	int deeper; /* take the Deeper state */
	const char *only_parse; /* parse this text instead of running the machine */
	asl_json_error parse_code;
	asl_status status;
	char cause[160];
	size_t output_len;
	char *top; /* a local of the thread's first frame */
} job;

/* {"v": [[...[1]...]]} nested `depth` levels in all (the object is one). */
static char *nested_input(int depth, int deeper)
{
	size_t n = (size_t)depth * 2 + 32;
	char *s = malloc(n), *p = s;
	p += sprintf(p, "{%s\"v\":", deeper ? "\"deeper\":1," : "");
	for (int i = 1; i < depth; i++)
		*p++ = '[';
	*p++ = '1';
	for (int i = 1; i < depth; i++)
		*p++ = ']';
	strcpy(p, "}");
	return s;
}

static void *run_job(void *arg)
{
	job *j = arg;
	char here;
	j->top = &here;
	asl_arena a;
	asl_arena_init(&a, NULL);
	asl_parse_error err;
	if (j->only_parse) {
		j->parse_code = asl_parse(&a, j->only_parse, strlen(j->only_parse), 0, &err)
					? ASL_JSON_OK
					: err.code;
		asl_arena_destroy(&a);
		return NULL;
	}
	char *text = nested_input(j->depth, j->deeper);
	asl_value *input = asl_parse(&a, text, strlen(text), 0, &err);
	free(text);
	j->parse_code = input ? ASL_JSON_OK : err.code;
	if (input) {
		asl_options opts;
		asl_options_init(&opts);
		opts.threads = 1;
		asl_result r;
		j->status = asl_execute(&asl_generated_machine, input, &opts, &r);
		snprintf(j->cause, sizeof j->cause, "%s", r.cause ? r.cause : "");
		j->output_len = r.output_len;
		asl_result_free(&r);
	}
	asl_arena_destroy(&a);
	return NULL;
}

/* Runs the job on a thread with a painted stack; returns the bytes of stack it used below its
 * first frame. */
static size_t on_small_stack(job *j)
{
	unsigned char *stack = aligned_alloc(4096, THREAD_STACK);
	ck_assert_ptr_nonnull(stack);
	memset(stack, PAINT, THREAD_STACK);
	pthread_attr_t attr;
	pthread_t t;
	ck_assert_int_eq(pthread_attr_init(&attr), 0);
	ck_assert_int_eq(pthread_attr_setstack(&attr, stack, THREAD_STACK), 0);
	ck_assert_int_eq(pthread_create(&t, &attr, run_job, j), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	pthread_attr_destroy(&attr);
	size_t low = 0;
	while (low < THREAD_STACK && stack[low] == PAINT)
		low++;
	size_t used = (size_t)((unsigned char *)j->top - (stack + low));
	free(stack);
	return used;
}

START_TEST(the_depth_follows_the_configured_stack)
{
	ck_assert_int_eq(ASL_STACK_SIZE, 65536);
	ck_assert_int_eq(ASL_PARSE_MAX_DEPTH, (65536 - ASL_STACK_RESERVE) / ASL_STACK_PER_LEVEL);
	ck_assert_int_lt(ASL_PARSE_MAX_DEPTH, 512);
}
END_TEST

START_TEST(a_value_at_the_limit_runs_within_the_stack)
{
	job shallow = {.depth = 1}, deep = {.depth = ASL_PARSE_MAX_DEPTH};
	size_t base = on_small_stack(&shallow), used = on_small_stack(&deep);
	ck_assert_int_eq(shallow.status, ASL_SUCCEEDED);
	ck_assert_int_eq(deep.parse_code, ASL_JSON_OK);
	ck_assert_msg(deep.status == ASL_SUCCEEDED, "status %d: %s", deep.status, deep.cause);
	/* {"inner":[[...]]}: Wrap's output is ASL_PARSE_MAX_DEPTH levels deep, as the input */
	ck_assert_uint_eq(deep.output_len, 10 + 2 * (size_t)(ASL_PARSE_MAX_DEPTH - 1) + 1);
	fprintf(stderr,
		"stack used: %zu bytes at depth 1, %zu at depth %d (%zu per level); "
		"ASL_STACK_SIZE %d, RESERVE %d, PER_LEVEL %d%s\n",
		base, used, ASL_PARSE_MAX_DEPTH, (used - base) / (ASL_PARSE_MAX_DEPTH - 1),
		ASL_STACK_SIZE, ASL_STACK_RESERVE, ASL_STACK_PER_LEVEL,
		INSTRUMENTED ? " (sanitizers: not checked against the size)" : "");
	if (!INSTRUMENTED) {
		ck_assert_uint_le(base, ASL_STACK_RESERVE);
		ck_assert_uint_le(used, ASL_STACK_SIZE);
	}
}
END_TEST

START_TEST(one_level_more_is_refused_with_the_configured_depth)
{
	char *text = nested_input(ASL_PARSE_MAX_DEPTH + 1, 0);
	job parse = {.only_parse = text};
	on_small_stack(&parse);
	ck_assert_int_eq(parse.parse_code, ASL_JSON_TOO_DEEP);
	free(text);
	job deeper = {.depth = ASL_PARSE_MAX_DEPTH, .deeper = 1}; /* Deeper adds one level */
	on_small_stack(&deeper);
	ck_assert_int_eq(deeper.status, ASL_FAILED_STATUS);
	char expected[100];
	snprintf(expected, sizeof expected,
		 "The state's output is nested more than %d levels deep.", ASL_PARSE_MAX_DEPTH);
	ck_assert_msg(strstr(deeper.cause, expected), "cause '%s'", deeper.cause);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("stack_depth");
	TCase *tc = tcase_create("stack_depth");
	tcase_add_test(tc, the_depth_follows_the_configured_stack);
	tcase_add_test(tc, a_value_at_the_limit_runs_within_the_stack);
	tcase_add_test(tc, one_level_more_is_refused_with_the_configured_depth);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
