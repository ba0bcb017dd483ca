/* asl_execute as an embedder sees it (asl.h only): the status it returns for every outcome a
 * machine can reach, the output as a value, the host's limits on memory and transitions and its
 * stop hook. The machine is tests/embed/outcomes.asl.json, compiled in with -DASL_NO_MAIN. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "asl/asl.h"

#ifdef ASL_ABI_H
#error "asl.h must not include abi.h: embedders see opaque types and documented functions"
#endif

extern const asl_machine asl_generated_machine;

static asl_arena inputs;

static void setup(void)
{
	asl_arena_init(&inputs, NULL);
}

static void teardown(void)
{
	asl_arena_destroy(&inputs);
}

static const asl_value *json(const char *text)
{
	asl_parse_error err;
	const asl_value *v = asl_parse(&inputs, text, strlen(text), 0, &err);
	ck_assert_msg(v != NULL, "bad test JSON '%s': %s", text, err.message);
	return v;
}

static asl_options options(void)
{
	asl_options opts;
	asl_options_init(&opts);
	opts.wait_scale = 0; /* the logical clock still runs: TimeoutSeconds fires at once */
	opts.threads = 2;
	return opts;
}

/* Runs the machine; checks that the status returned is the result's. */
static asl_status run(const char *input, const asl_options *opts, asl_result *r)
{
	asl_status st = asl_execute(&asl_generated_machine, json(input), opts, r);
	ck_assert_int_eq(st, r->status);
	return st;
}

START_TEST(success_returns_succeeded_with_the_output_as_value_and_text)
{
	asl_options opts = options();
	asl_result r;
	ck_assert_int_eq(run("{\"do\":\"done\",\"n\":[1,2.5]}", &opts, &r), ASL_SUCCEEDED);
	asl_arena_destroy(&inputs); /* the output does not borrow from the input */
	asl_arena_init(&inputs, NULL);
	ck_assert_str_eq(r.output, "{\"ok\":true,\"got\":{\"do\":\"done\",\"n\":[1,2.5]}}");
	const asl_value *out = r.output_value;
	ck_assert_int_eq(asl_type_of(out), ASL_OBJECT);
	ck_assert_int_eq(asl_bool_value(asl_object_get(out, "ok", 2)), 1);
	const asl_value *n = asl_object_get(asl_object_get(out, "got", 3), "n", 1);
	ck_assert_uint_eq(asl_array_len(n), 2);
	ck_assert_double_eq(asl_number_value(asl_array_get(n, 1)), 2.5);
	ck_assert(asl_equal(out, json(r.output)));
	ck_assert_ptr_null(r.error);
	ck_assert_uint_eq(r.transitions, 2);
	asl_result_free(&r);
}
END_TEST

START_TEST(null_options_are_the_defaults)
{
	asl_result r;
	ck_assert_int_eq(run("{\"do\":\"done\"}", NULL, &r), ASL_SUCCEEDED);
	ck_assert_str_eq(r.output, "{\"ok\":true,\"got\":{\"do\":\"done\"}}");
	asl_result_free(&r);
}
END_TEST

START_TEST(an_uncaught_error_returns_failed_without_output)
{
	asl_options opts = options();
	asl_result r;
	ck_assert_int_eq(run("{\"do\":\"fail\"}", &opts, &r), ASL_FAILED_STATUS);
	ck_assert_str_eq(r.error, "Test.Boom");
	ck_assert_str_eq(r.cause, "asked to");
	ck_assert_ptr_null(r.output);
	ck_assert_ptr_null(r.output_value);
	asl_result_free(&r);
}
END_TEST

START_TEST(timeout_seconds_returns_timed_out)
{
	asl_options opts = options();
	asl_result r;
	ck_assert_int_eq(run("{\"do\":\"wait\"}", &opts, &r), ASL_TIMED_OUT);
	ck_assert_str_eq(r.error, "States.Timeout");
	ck_assert_ptr_null(r.output_value);
	asl_result_free(&r);
}
END_TEST

START_TEST(transitions_past_the_limit_fail_with_states_runtime)
{
	asl_options opts = options();
	opts.max_transitions = 100;
	asl_result r;
	ck_assert_int_eq(run("{\"do\":\"loop\"}", &opts, &r), ASL_FAILED_STATUS);
	ck_assert_str_eq(r.error, "States.Runtime");
	ck_assert_str_eq(r.cause,
			 "The execution reached the maximum number of state transitions (100).");
	ck_assert_uint_eq(r.transitions, 100); /* Route and 99 times Loop; the 101st failed */
	ck_assert_ptr_null(r.output_value);
	asl_result_free(&r);
}
END_TEST

/* Route, Each and 10 iterations of One and Two: 22 states entered in all. */
#define MAP_INPUT "{\"do\":\"map\",\"items\":[1,2,3,4,5,6,7,8,9,10]}"

START_TEST(the_transition_limit_counts_the_states_of_every_iteration)
{
	asl_options opts = options();
	opts.max_transitions = 22;
	asl_result r;
	ck_assert_int_eq(run(MAP_INPUT, &opts, &r), ASL_SUCCEEDED);
	ck_assert_str_eq(r.output, "[1,2,3,4,5,6,7,8,9,10]");
	asl_result_free(&r);
	opts.max_transitions = 21;
	ck_assert_int_eq(run(MAP_INPUT, &opts, &r), ASL_FAILED_STATUS);
	ck_assert_str_eq(r.cause,
			 "The execution reached the maximum number of state transitions (21).");
	asl_result_free(&r);
}
END_TEST

/* The Grow states double a string five times: 2 KiB of input becomes 64 KiB. */
static const char *grow_input(void)
{
	static char text[2100];
	int n = snprintf(text, sizeof text, "{\"do\":\"grow\",\"s\":\"");
	memset(text + n, 'x', 2048);
	strcpy(text + n + 2048, "\"}");
	return text;
}

START_TEST(memory_past_the_limit_fails_with_states_runtime_naming_it)
{
	asl_options opts = options();
	opts.max_memory = 64 * 1024;
	asl_result r;
	ck_assert_int_eq(run(grow_input(), &opts, &r), ASL_FAILED_STATUS);
	ck_assert_str_eq(r.error, "States.Runtime");
	ck_assert_str_eq(r.cause, "The execution exceeded its memory limit of 65536 bytes.");
	asl_result_free(&r);
}
END_TEST

START_TEST(memory_within_the_limit_succeeds)
{
	asl_options opts = options();
	opts.max_memory = 4 << 20;
	asl_result r;
	ck_assert_int_eq(run(grow_input(), &opts, &r), ASL_SUCCEEDED);
	ck_assert_uint_eq(asl_string_len(r.output_value), 64 * 1024);
	asl_result_free(&r);
}
END_TEST

/* A stop hook that says stop on its `after`-th call, counting its calls. */
typedef struct stopper {
	atomic_int calls;
	int after;
} stopper;

static int stop_after(void *user)
{
	stopper *s = user;
	return atomic_fetch_add(&s->calls, 1) + 1 >= s->after;
}

START_TEST(should_stop_aborts_between_states)
{
	stopper st = {0, 51};
	asl_options opts = options();
	opts.should_stop = stop_after;
	opts.stop_user = &st;
	asl_result r;
	ck_assert_int_eq(run("{\"do\":\"loop\"}", &opts, &r), ASL_ABORTED);
	ck_assert_ptr_null(r.error);
	ck_assert_ptr_null(r.cause);
	ck_assert_ptr_null(r.output_value);
	ck_assert_uint_eq(r.transitions, 50); /* polled before each state: the 51st did not run */
	asl_result_free(&r);
}
END_TEST

START_TEST(should_stop_aborts_inside_map_iterations)
{
	stopper st = {0, 5};
	asl_options opts = options();
	opts.should_stop = stop_after;
	opts.stop_user = &st;
	asl_result r;
	ck_assert_int_eq(run(MAP_INPUT, &opts, &r), ASL_ABORTED);
	ck_assert_ptr_null(r.error);
	asl_result_free(&r);
}
END_TEST

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int stop_at_deadline(void *user)
{
	return now_ms() >= *(const int64_t *)user;
}

START_TEST(should_stop_interrupts_a_wait)
{
	int64_t deadline = now_ms() + 200;
	asl_options opts = options();
	opts.wait_scale = 1; /* a real wait of 60 s, then the machine's TimeoutSeconds */
	opts.should_stop = stop_at_deadline;
	opts.stop_user = &deadline;
	asl_result r;
	ck_assert_int_eq(run("{\"do\":\"wait\"}", &opts, &r), ASL_ABORTED);
	ck_assert_int_lt(now_ms() - deadline, 2000);
	asl_result_free(&r);
}
END_TEST

START_TEST(the_machine_has_its_name)
{
	ck_assert_str_eq(asl_machine_name(&asl_generated_machine), "outcomes");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("execute");
	TCase *tc = tcase_create("execute");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, success_returns_succeeded_with_the_output_as_value_and_text);
	tcase_add_test(tc, null_options_are_the_defaults);
	tcase_add_test(tc, an_uncaught_error_returns_failed_without_output);
	tcase_add_test(tc, timeout_seconds_returns_timed_out);
	tcase_add_test(tc, transitions_past_the_limit_fail_with_states_runtime);
	tcase_add_test(tc, the_transition_limit_counts_the_states_of_every_iteration);
	tcase_add_test(tc, memory_past_the_limit_fails_with_states_runtime_naming_it);
	tcase_add_test(tc, memory_within_the_limit_succeeds);
	tcase_add_test(tc, should_stop_aborts_between_states);
	tcase_add_test(tc, should_stop_aborts_inside_map_iterations);
	tcase_add_test(tc, should_stop_interrupts_a_wait);
	tcase_add_test(tc, the_machine_has_its_name);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
