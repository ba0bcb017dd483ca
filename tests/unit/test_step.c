/* The step API (asl.h): an execution advanced in steps suspends on Waits, retry backoffs,
 * pending tasks and children, says what it waits for, goes on when that has come, and stops
 * or pauses on request. The clock is the test's own (asl_options.platform), so no test sleeps.
 * The machine is tests/embed/steps.asl.json, compiled in with -DASL_NO_MAIN. */
#include <check.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asl/asl.h"
#include "step_fixture.h"

/* Finishes `e` and checks its status and output (or error). */
static void finish_with(asl_execution *e, asl_status status, const char *output)
{
	asl_result r;
	ck_assert_int_eq(asl_finish(e, &r), status);
	if (status == ASL_SUCCEEDED)
		ck_assert_str_eq(r.output, output);
	else if (output)
		ck_assert_str_eq(asl_result_error_json(&r), output);
	asl_result_free(&r);
}

START_TEST(a_wait_suspends_until_its_time_and_early_steps_change_nothing)
{
	asl_options opts = options();
	asl_execution *e = start("{\"case\":\"wait\"}", &opts);
	int64_t t0 = fake_now;
	asl_step s = asl_advance(e);
	ck_assert_int_eq(s.kind, ASL_STEP_WAIT_TIME);
	ck_assert_int_eq(s.until_ms, t0 + 10000);
	fake_now += 9999;
	s = asl_advance(e);
	ck_assert_int_eq(s.kind, ASL_STEP_WAIT_TIME);
	ck_assert_int_eq(s.until_ms, t0 + 10000);
	fake_now += 1;
	s = asl_advance(e);
	ck_assert_int_eq(s.kind, ASL_STEP_FINISHED);
	finish_with(e, ASL_SUCCEEDED, "{\"case\":\"wait\"}");
}
END_TEST

START_TEST(map_iterations_wait_as_children_within_max_concurrency)
{
	asl_options opts = options();
	asl_execution *e = start("{\"case\":\"map\",\"items\":[3,1,2]}", &opts);
	int64_t t0 = fake_now;
	asl_step s = asl_advance(e);
	/* MaxConcurrency 2: items 0 and 1 wait; the earliest ends at +1 s */
	ck_assert_int_eq(s.kind, ASL_STEP_WAIT_CHILDREN);
	ck_assert_int_eq(s.until_ms, t0 + 1000);
	fake_now = t0 + 1000;
	s = asl_advance(e); /* item 1 ended, item 2 started: waits until +3 s (item 0, item 2) */
	ck_assert_int_eq(s.kind, ASL_STEP_WAIT_CHILDREN);
	ck_assert_int_eq(s.until_ms, t0 + 3000);
	fake_now = t0 + 3000;
	s = asl_advance(e);
	ck_assert_int_eq(s.kind, ASL_STEP_FINISHED);
	finish_with(e, ASL_SUCCEEDED, "{\"case\":\"map\",\"items\":[3,1,2],\"out\":[3,1,2]}");
}
END_TEST

START_TEST(parallel_branches_wait_together)
{
	asl_options opts = options();
	opts.threads = 1; /* children interleave inside the step without threads too */
	asl_execution *e = start("{\"case\":\"parallel\"}", &opts);
	int64_t t0 = fake_now;
	asl_step s = asl_advance(e);
	ck_assert_int_eq(s.kind, ASL_STEP_WAIT_CHILDREN);
	ck_assert_int_eq(s.until_ms, t0 + 5000);
	fake_now = t0 + 5000;
	s = asl_advance(e);
	ck_assert_int_eq(s.until_ms, t0 + 7000);
	fake_now = t0 + 7000;
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_FINISHED);
	finish_with(e, ASL_SUCCEEDED, "{\"case\":\"parallel\",\"out\":[\"a\",\"b\"]}");
}
END_TEST

START_TEST(a_retry_backoff_is_a_wait_and_the_attempts_are_counted_in_the_execution)
{
	asl_options opts = options();
	asl_execution *e = start("{\"case\":\"retry\"}", &opts);
	int64_t t0 = fake_now;
	asl_step s = asl_advance(e);
	ck_assert_int_eq(s.kind, ASL_STEP_WAIT_TIME);
	ck_assert_int_eq(s.until_ms, t0 + 3000);
	ck_assert_int_eq(flaky_calls, 1);
	fake_now = s.until_ms;
	s = asl_advance(e);
	ck_assert_int_eq(flaky_calls, 2);
	ck_assert_int_eq(s.until_ms, t0 + 6000);
	fake_now = s.until_ms;
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_FINISHED);
	finish_with(e, ASL_SUCCEEDED, "{\"case\":\"retry\",\"out\":3}");
}
END_TEST

START_TEST(a_pending_task_waits_for_its_outcome_by_token)
{
	asl_options opts = options();
	asl_execution *e = start("{\"case\":\"pending\"}", &opts);
	asl_step s = asl_advance(e);
	ck_assert_int_eq(s.kind, ASL_STEP_WAIT_TASK);
	ck_assert_int_eq(s.tasks, 1);
	ck_assert_str_eq(s.token, pending_token);
	ck_assert_ptr_eq(pending_execution, e);
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_WAIT_TASK); /* nothing came yet */
	ck_assert_int_eq(asl_task_succeed(e, "not-the-token", asl_integer(&arena, 1)), 1);
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_WAIT_TASK);
	asl_parse_error err;
	const asl_value *out = asl_parse(&arena, "{\"ok\":true}", 11, 0, &err);
	ck_assert_int_eq(asl_task_succeed(e, pending_token, out), 0);
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_FINISHED);
	finish_with(e, ASL_SUCCEEDED, "{\"case\":\"pending\",\"out\":{\"ok\":true}}");
}
END_TEST

START_TEST(a_pending_task_failure_is_caught_and_its_timeout_fires)
{
	asl_options opts = options();
	asl_execution *e = start("{\"case\":\"pending\"}", &opts);
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_WAIT_TASK);
	ck_assert_int_eq(asl_task_fail(e, pending_token, "Worker.Broke", "it broke"), 0);
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_FINISHED);
	finish_with(e, ASL_SUCCEEDED,
		    "{\"case\":\"pending\",\"caught\":{\"Error\":\"Worker.Broke\","
		    "\"Cause\":\"it broke\"}}");

	e = start("{\"case\":\"pending\"}", &opts);
	int64_t t0 = fake_now;
	asl_step s = asl_advance(e);
	ck_assert_int_eq(s.until_ms, t0 + 60000); /* TimeoutSeconds */
	fake_now = s.until_ms;
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_FINISHED);
	asl_result r;
	ck_assert_int_eq(asl_finish(e, &r), ASL_SUCCEEDED);
	ck_assert_ptr_nonnull(strstr(r.output, "\"Error\":\"States.Timeout\""));
	asl_result_free(&r);
}
END_TEST

START_TEST(a_pending_task_completes_in_a_blocking_execution_too)
{
	/* asl_execute waits for the outcome, which the handler posts before it returns */
	asl_options opts = options();
	complete_at_once = 1;
	asl_parse_error err;
	const asl_value *in = asl_parse(&arena, "{\"case\":\"pending\"}", 18, 0, &err);
	asl_result r;
	ck_assert_int_eq(asl_execute(&asl_generated_machine, in, &opts, &r), ASL_SUCCEEDED);
	ck_assert_str_eq(r.output, "{\"case\":\"pending\",\"out\":7}");
	asl_result_free(&r);
}
END_TEST

START_TEST(a_stop_ends_a_waiting_execution_as_aborted_with_its_error_and_cause)
{
	asl_options opts = options();
	asl_execution *e = start("{\"case\":\"map\",\"items\":[5,5,5]}", &opts);
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_WAIT_CHILDREN);
	asl_stop(e, "User.Stop", "enough");
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_FINISHED);
	finish_with(e, ASL_ABORTED, "{\"Error\":\"User.Stop\",\"Cause\":\"enough\"}");

	e = start("{\"case\":\"wait\"}", &opts); /* finishing a running execution stops it */
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_WAIT_TIME);
	finish_with(e, ASL_ABORTED, "{}");
}
END_TEST

START_TEST(a_failing_iteration_fails_the_map_and_drops_the_waiting_ones)
{
	asl_options opts = options();
	asl_execution *e = start("{\"case\":\"mapfail\",\"items\":[9,1,9]}", &opts);
	int64_t t0 = fake_now;
	asl_step s = asl_advance(e);
	ck_assert_int_eq(s.until_ms, t0 + 1000);
	fake_now = s.until_ms;
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_FINISHED);
	finish_with(e, ASL_FAILED_STATUS,
		    "{\"Error\":\"Item.Failed\",\"Cause\":\"an item failed\"}");
}
END_TEST

START_TEST(suspend_after_pauses_at_a_state_boundary_in_the_children_too)
{
	asl_options opts = options();
	opts.suspend_after = 3; /* Route, Map, one iteration's W */
	opts.threads = 1;
	asl_execution *e = start("{\"case\":\"map\",\"items\":[0,0,0]}", &opts);
	asl_step s = asl_advance(e);
	ck_assert_int_eq(s.kind, ASL_STEP_PAUSED);
	s = asl_advance(e); /* goes on; the pause was once */
	ck_assert_int_eq(s.kind, ASL_STEP_FINISHED);
	finish_with(e, ASL_SUCCEEDED, "{\"case\":\"map\",\"items\":[0,0,0],\"out\":[0,0,0]}");
}
END_TEST

START_TEST(asl_wait_sleeps_until_the_next_time_through_the_platform)
{
	asl_options opts = options();
	asl_execution *e = start("{\"case\":\"parallel\"}", &opts);
	int64_t t0 = fake_now;
	asl_step s;
	while ((s = asl_advance(e)).kind != ASL_STEP_FINISHED)
		asl_wait(e, &s);
	ck_assert_int_eq(fake_now, t0 + 7000);
	finish_with(e, ASL_SUCCEEDED, "{\"case\":\"parallel\",\"out\":[\"a\",\"b\"]}");
}
END_TEST

/* An allocator that counts the bytes it holds (a size header per block). */
static size_t held;

static void *counted_alloc(void *user, size_t size)
{
	(void)user;
	size_t *p = malloc(size + sizeof(max_align_t));
	if (!p)
		return NULL;
	*p = size;
	held += size;
	return (char *)p + sizeof(max_align_t);
}

static void counted_release(void *user, void *block)
{
	(void)user;
	if (!block)
		return;
	size_t *p = (size_t *)((char *)block - sizeof(max_align_t));
	held -= *p;
	free(p);
}

START_TEST(outcomes_for_tokens_nobody_waits_on_stay_bounded)
{
	static const asl_allocator counted = {counted_alloc, counted_release, NULL};
	asl_options opts = options();
	opts.allocator = &counted;
	held = 0;
	asl_execution *e = start("{\"case\":\"pending\"}", &opts);
	asl_step s = asl_advance(e);
	ck_assert_int_eq(s.kind, ASL_STEP_WAIT_TASK);
	size_t before = held;
	char token[32];
	for (int i = 0; i < 1000; i++) { /* late, mistyped or forged tokens */
		snprintf(token, sizeof token, "no-such-task-%d", i);
		ck_assert_int_eq(asl_task_succeed(e, token, asl_integer(&arena, i)), 1);
		ck_assert_int_eq(asl_task_heartbeat(e, token), 1);
	}
	ck_assert_uint_lt(held - before, 64 * 4096); /* the last 64 at most */
	ck_assert_int_eq(asl_task_heartbeat(e, pending_token), 0);
	fake_now = s.until_ms; /* TimeoutSeconds: caught */
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_FINISHED);
	/* the task timed out: its token is nobody's now */
	ck_assert_int_eq(asl_task_succeed(e, pending_token, asl_integer(&arena, 1)), 1);
	asl_result r;
	ck_assert_int_eq(asl_finish(e, &r), ASL_SUCCEEDED);
	ck_assert_ptr_nonnull(strstr(r.output, "States.Timeout"));
	asl_result_free(&r);
	ck_assert_uint_eq(held, 0);
}
END_TEST

START_TEST(run_to_end_after_a_step_goes_on_with_the_waiting_children)
{
	asl_options opts = options();
	asl_execution *e = start("{\"case\":\"map\",\"items\":[3,1,2]}", &opts);
	int64_t t0 = fake_now;
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_WAIT_CHILDREN);
	asl_run_to_end(e); /* sleeps through the rest on the platform's (fake) clock */
	ck_assert_int_eq(fake_now, t0 + 3000);
	finish_with(e, ASL_SUCCEEDED, "{\"case\":\"map\",\"items\":[3,1,2],\"out\":[3,1,2]}");

	e = start("{\"case\":\"wait\"}", &opts);
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_WAIT_TIME);
	asl_run_to_end(e);
	finish_with(e, ASL_SUCCEEDED, "{\"case\":\"wait\"}");
}
END_TEST

START_TEST(a_pause_asked_between_steps_is_not_lost)
{
	asl_options opts = options();
	asl_execution *e = start("{\"case\":\"retry\"}", &opts);
	asl_step s = asl_advance(e);
	ck_assert_int_eq(s.kind, ASL_STEP_WAIT_TIME);
	asl_pause(e); /* while the host waits */
	fake_now = s.until_ms;
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_PAUSED);
	while ((s = asl_advance(e)).kind != ASL_STEP_FINISHED)
		fake_now = s.until_ms;
	finish_with(e, ASL_SUCCEEDED, "{\"case\":\"retry\",\"out\":3}");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("step");
	TCase *tc = tcase_create("step");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, a_wait_suspends_until_its_time_and_early_steps_change_nothing);
	tcase_add_test(tc, map_iterations_wait_as_children_within_max_concurrency);
	tcase_add_test(tc, parallel_branches_wait_together);
	tcase_add_test(tc, a_retry_backoff_is_a_wait_and_the_attempts_are_counted_in_the_execution);
	tcase_add_test(tc, a_pending_task_waits_for_its_outcome_by_token);
	tcase_add_test(tc, a_pending_task_failure_is_caught_and_its_timeout_fires);
	tcase_add_test(tc, a_pending_task_completes_in_a_blocking_execution_too);
	tcase_add_test(tc, a_stop_ends_a_waiting_execution_as_aborted_with_its_error_and_cause);
	tcase_add_test(tc, a_failing_iteration_fails_the_map_and_drops_the_waiting_ones);
	tcase_add_test(tc, suspend_after_pauses_at_a_state_boundary_in_the_children_too);
	tcase_add_test(tc, asl_wait_sleeps_until_the_next_time_through_the_platform);
	tcase_add_test(tc, run_to_end_after_a_step_goes_on_with_the_waiting_children);
	tcase_add_test(tc, a_pause_asked_between_steps_is_not_lost);
	tcase_add_test(tc, outcomes_for_tokens_nobody_waits_on_stay_bounded);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
