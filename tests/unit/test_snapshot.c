/* Snapshots (asl_snapshot, asl_restore): an execution saved while it waits — on a Wait, in a
 * retry's backoff, on a pending task, in Map iterations and Parallel branches, nested, or
 * paused by suspend_after — and restored goes on to the same outcome as a run that was never
 * interrupted; a snapshot of another definition, of another format version, truncated or
 * damaged is refused with a message, never a crash. The clock is the test's own, so no test
 * sleeps. The machine is tests/embed/snapshots.asl.json, compiled in with -DASL_NO_MAIN. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asl/abi.h" /* asl_machine's layout, to make a machine of another definition */
#include "asl/asl.h"
#include "step_fixture.h"

/* Runs `e` to its end on the fake clock (it must not wait for a task) and checks its output. */
static void run_to_end(asl_execution *e, const char *output)
{
	for (int i = 0; i < 1000; i++) {
		asl_step s = asl_advance(e);
		if (s.kind == ASL_STEP_FINISHED)
			break;
		ck_assert_int_ne(s.kind, ASL_STEP_WAIT_TASK);
		asl_wait(e, &s);
	}
	asl_result r;
	ck_assert_int_eq(asl_finish(e, &r), ASL_SUCCEEDED);
	ck_assert_str_eq(r.output, output);
	asl_result_free(&r);
}

/* Saves `e`, drops it (asl_finish stops it) and makes it again from the bytes; checks that a
 * snapshot of the restored execution is the same bytes. */
static asl_execution *save_and_restore(asl_execution *e, const asl_options *opts)
{
	const char *bytes;
	size_t len;
	ck_assert_int_eq(asl_snapshot(e, &arena, &bytes, &len), 0);
	ck_assert_uint_gt(len, 16);
	asl_result r;
	asl_finish(e, &r);
	asl_result_free(&r);
	char err[256] = "";
	asl_execution *back =
		asl_restore(&asl_generated_machine, bytes, len, opts, err, sizeof err);
	ck_assert_msg(back != NULL, "restore: %s", err);
	const char *again;
	size_t again_len;
	ck_assert_int_eq(asl_snapshot(back, &arena, &again, &again_len), 0);
	ck_assert_uint_eq(again_len, len);
	ck_assert(memcmp(again, bytes, len) == 0);
	return back;
}

START_TEST(a_restored_wait_ends_when_the_original_would)
{
	asl_options opts = options();
	asl_execution *e = start("{\"case\":\"wait\"}", &opts);
	int64_t t0 = fake_now;
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_WAIT_TIME);
	fake_now += 4000;
	e = save_and_restore(e, &opts);
	asl_step s = asl_advance(e);
	ck_assert_int_eq(s.kind, ASL_STEP_WAIT_TIME);
	ck_assert_int_eq(s.until_ms, t0 + 10000); /* absolute times survive */
	run_to_end(e, "{\"case\":\"wait\"}");
	ck_assert_int_eq(fake_now, t0 + 10000);
}
END_TEST

START_TEST(a_restored_retry_backoff_goes_on_with_the_attempts_counted)
{
	asl_options opts = options();
	asl_execution *e = start("{\"case\":\"retry\"}", &opts);
	int64_t t0 = fake_now;
	asl_step s = asl_advance(e);
	ck_assert_int_eq(s.kind, ASL_STEP_WAIT_TIME);
	fake_now = s.until_ms;
	s = asl_advance(e); /* the second attempt failed too: the second backoff */
	ck_assert_int_eq(s.kind, ASL_STEP_WAIT_TIME);
	ck_assert_int_eq(flaky_calls, 2);
	e = save_and_restore(e, &opts);
	s = asl_advance(e);
	ck_assert_int_eq(s.kind, ASL_STEP_WAIT_TIME);
	ck_assert_int_eq(s.until_ms, t0 + 6000);
	run_to_end(e, "{\"case\":\"retry\",\"out\":3}");
	ck_assert_int_eq(flaky_calls, 3);
}
END_TEST

START_TEST(map_iterations_waiting_done_and_not_started_are_restored)
{
	asl_options opts = options();
	asl_execution *e = start("{\"case\":\"map\",\"items\":[3,1,2,5]}", &opts);
	int64_t t0 = fake_now;
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_WAIT_CHILDREN);
	fake_now = t0 + 1000;
	/* item 1 done, items 0 and 2 waiting, item 3 not started (MaxConcurrency 2) */
	asl_step s = asl_advance(e);
	ck_assert_int_eq(s.kind, ASL_STEP_WAIT_CHILDREN);
	ck_assert_int_eq(s.until_ms, t0 + 3000);
	e = save_and_restore(e, &opts);
	s = asl_advance(e);
	ck_assert_int_eq(s.kind, ASL_STEP_WAIT_CHILDREN);
	ck_assert_int_eq(s.until_ms, t0 + 3000);
	run_to_end(e, "{\"case\":\"map\",\"items\":[3,1,2,5],\"out\":[3,1,2,5]}");
	ck_assert_int_eq(fake_now, t0 + 8000); /* item 3 started when item 0 ended, at +3 s */
}
END_TEST

START_TEST(parallel_branches_are_restored_one_done_one_waiting)
{
	asl_options opts = options();
	asl_execution *e = start("{\"case\":\"parallel\"}", &opts);
	int64_t t0 = fake_now;
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_WAIT_CHILDREN);
	fake_now = t0 + 5000;
	asl_step s = asl_advance(e);
	ck_assert_int_eq(s.until_ms, t0 + 7000);
	e = save_and_restore(e, &opts);
	run_to_end(e, "{\"case\":\"parallel\",\"out\":[\"a\",\"b\"]}");
	ck_assert_int_eq(fake_now, t0 + 7000);
}
END_TEST

START_TEST(nested_children_and_their_variables_are_restored)
{
	asl_options opts = options();
	static const char out[] =
		"{\"case\":\"nested\",\"items\":[2,1],\"out\":[[{\"v\":2,\"outer\":"
		"[2,1]},{\"v\":1,\"outer\":[2,1]}],{\"inner\":\"x\"}]}";
	asl_execution *e = start("{\"case\":\"nested\",\"items\":[2,1]}", &opts);
	int64_t t0 = fake_now;
	/* a Map in one branch (one item at a time), a Wait in the other: restored at every step */
	for (int i = 0; i < 10; i++) {
		asl_step s = asl_advance(e);
		if (s.kind == ASL_STEP_FINISHED)
			break;
		e = save_and_restore(e, &opts);
		asl_wait(e, &s);
	}
	run_to_end(e, out);
	ck_assert_int_eq(fake_now, t0 + 4000);
}
END_TEST

START_TEST(a_pending_task_is_completed_by_its_token_in_the_restored_execution)
{
	asl_options opts = options();
	asl_execution *e = start("{\"case\":\"pending\"}", &opts);
	asl_step s = asl_advance(e);
	ck_assert_int_eq(s.kind, ASL_STEP_WAIT_TASK);
	char token[80];
	snprintf(token, sizeof token, "%s", s.token);
	e = save_and_restore(e, &opts);
	s = asl_advance(e);
	ck_assert_int_eq(s.kind, ASL_STEP_WAIT_TASK);
	ck_assert_str_eq(s.token, token); /* the worker's token still names the task */
	ck_assert_int_eq(asl_task_succeed(e, token, asl_integer(&arena, 7)), 0);
	run_to_end(e, "{\"case\":\"pending\",\"out\":7}");

	/* an outcome delivered before the snapshot, but not yet taken, is saved with it */
	e = start("{\"case\":\"pending\"}", &opts);
	s = asl_advance(e);
	snprintf(token, sizeof token, "%s", s.token);
	ck_assert_int_eq(asl_task_succeed(e, token, asl_integer(&arena, 8)), 0);
	e = save_and_restore(e, &opts);
	run_to_end(e, "{\"case\":\"pending\",\"out\":8}");
}
END_TEST

START_TEST(an_execution_paused_by_suspend_after_goes_on_after_a_restore)
{
	asl_options opts = options();
	opts.suspend_after = 1;
	asl_execution *e = start("{\"case\":\"map\",\"items\":[1,2]}", &opts);
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_PAUSED); /* Route entered, Map not yet */
	asl_options plain = options();
	e = save_and_restore(e, &plain);
	run_to_end(e, "{\"case\":\"map\",\"items\":[1,2],\"out\":[1,2]}");

	/* after the iterations waited: Route, Map, both Waits and item 0's Pass were entered when
	 * item 1's Pass is about to be */
	opts.suspend_after = 5;
	e = start("{\"case\":\"map\",\"items\":[1,2]}", &opts);
	asl_step s = asl_advance(e);
	for (int i = 0; i < 5 && s.kind == ASL_STEP_WAIT_CHILDREN; i++) {
		asl_wait(e, &s);
		s = asl_advance(e);
	}
	ck_assert_int_eq(s.kind, ASL_STEP_PAUSED);
	e = save_and_restore(e, &plain);
	run_to_end(e, "{\"case\":\"map\",\"items\":[1,2],\"out\":[1,2]}");

	/* paused inside the iterations: suspend_after counts them too */
	opts.suspend_after = 3;
	e = start("{\"case\":\"map\",\"items\":[1,2]}", &opts);
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_PAUSED);
	e = save_and_restore(e, &plain);
	run_to_end(e, "{\"case\":\"map\",\"items\":[1,2],\"out\":[1,2]}");
}
END_TEST

/* A snapshot of the map case in the middle of its iterations. */
static const char *some_snapshot(size_t *len)
{
	asl_options opts = options();
	asl_execution *e = start("{\"case\":\"map\",\"items\":[3,1,2,5]}", &opts);
	asl_advance(e);
	const char *bytes;
	ck_assert_int_eq(asl_snapshot(e, &arena, &bytes, len), 0);
	asl_result r;
	asl_finish(e, &r);
	asl_result_free(&r);
	return bytes;
}

START_TEST(a_snapshot_of_another_definition_is_refused_naming_both_hashes)
{
	size_t len;
	const char *bytes = some_snapshot(&len);
	asl_machine other = asl_generated_machine;
	other.definition_hash = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	char err[512];
	asl_options opts = options();
	ck_assert_ptr_null(asl_restore(&other, bytes, len, &opts, err, sizeof err));
	ck_assert_ptr_nonnull(strstr(err, other.definition_hash));
	ck_assert_ptr_nonnull(strstr(err, asl_generated_machine.definition_hash));
	ck_assert_ptr_null(strchr(err, '\n'));
}
END_TEST

START_TEST(another_format_version_is_refused)
{
	size_t len;
	const char *bytes = some_snapshot(&len);
	char *copy = asl_arena_alloc(&arena, len);
	memcpy(copy, bytes, len);
	copy[8] = 2; /* the version follows the 8 bytes of the magic */
	char err[256];
	asl_options opts = options();
	ck_assert_ptr_null(asl_restore(&asl_generated_machine, copy, len, &opts, err, sizeof err));
	ck_assert_str_eq(err, "the snapshot has format version 2; this runtime reads version 1");
	ck_assert_ptr_null(asl_restore(&asl_generated_machine, "{}", 2, &opts, err, sizeof err));
	ck_assert_str_eq(err, "not a snapshot of an aslc execution");
}
END_TEST

START_TEST(truncated_or_damaged_snapshots_are_refused_at_every_length_and_byte)
{
	size_t len;
	const char *bytes = some_snapshot(&len);
	asl_options opts = options();
	char err[256];
	for (size_t n = 0; n < len; n++) {
		/* its own allocation, so that ASan sees a read past the end */
		char *cut = malloc(n ? n : 1);
		memcpy(cut, bytes, n);
		err[0] = '\0';
		ck_assert_ptr_null(
			asl_restore(&asl_generated_machine, cut, n, &opts, err, sizeof err));
		ck_assert_msg(err[0], "no message at length %zu", n);
		free(cut);
	}
	char *copy = malloc(len);
	for (size_t i = 0; i < len; i++) {
		memcpy(copy, bytes, len);
		copy[i] ^= 0x5a;
		asl_execution *e =
			asl_restore(&asl_generated_machine, copy, len, &opts, err, sizeof err);
		ck_assert_msg(e == NULL, "damaged byte %zu accepted", i);
	}
	free(copy);
	asl_execution *e = asl_restore(&asl_generated_machine, bytes, len, &opts, err, sizeof err);
	ck_assert_ptr_nonnull(e);
	run_to_end(e, "{\"case\":\"map\",\"items\":[3,1,2,5],\"out\":[3,1,2,5]}");
}
END_TEST

START_TEST(a_finished_execution_has_no_snapshot)
{
	asl_options opts = options();
	asl_execution *e = start("{\"case\":\"done\"}", &opts);
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_FINISHED);
	const char *bytes;
	size_t len;
	ck_assert_int_eq(asl_snapshot(e, &arena, &bytes, &len), -1);
	ck_assert_ptr_null(bytes);
	asl_result r;
	asl_finish(e, &r);
	asl_result_free(&r);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("snapshot");
	TCase *tc = tcase_create("snapshot");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, a_restored_wait_ends_when_the_original_would);
	tcase_add_test(tc, a_restored_retry_backoff_goes_on_with_the_attempts_counted);
	tcase_add_test(tc, map_iterations_waiting_done_and_not_started_are_restored);
	tcase_add_test(tc, parallel_branches_are_restored_one_done_one_waiting);
	tcase_add_test(tc, nested_children_and_their_variables_are_restored);
	tcase_add_test(tc, a_pending_task_is_completed_by_its_token_in_the_restored_execution);
	tcase_add_test(tc, an_execution_paused_by_suspend_after_goes_on_after_a_restore);
	tcase_add_test(tc, a_snapshot_of_another_definition_is_refused_naming_both_hashes);
	tcase_add_test(tc, another_format_version_is_refused);
	tcase_add_test(tc, truncated_or_damaged_snapshots_are_refused_at_every_length_and_byte);
	tcase_add_test(tc, a_finished_execution_has_no_snapshot);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
