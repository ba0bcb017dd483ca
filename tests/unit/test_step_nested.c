/* The step API with children of children: Map iterations that run a Parallel whose branches
 * wait, and a Map inside a Map. Waiting grandchildren are kept across steps (and move with
 * their parent when it is kept), and the answer's time is the earliest of them all. The
 * machine is tests/embed/steps_nested.asl.json; the clock is the test's own. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "asl/asl.h"
#include "step_fixture.h"

/* Runs `input` step by step, jumping the clock to each answer's time; checks the times seen
 * (relative to the start, `times` ends with -1) and the output. */
static void run_steps(const char *input, int threads, const int64_t *times, const char *output)
{
	asl_options opts = options();
	opts.threads = threads;
	asl_execution *e = start(input, &opts);
	int64_t t0 = fake_now;
	asl_step s;
	int i = 0;
	while ((s = asl_advance(e)).kind != ASL_STEP_FINISHED) {
		ck_assert_int_eq(s.kind, ASL_STEP_WAIT_CHILDREN);
		ck_assert_int_ne(times[i], -1);
		ck_assert_int_eq(s.until_ms - t0, times[i]);
		fake_now = s.until_ms;
		i++;
	}
	ck_assert_int_eq(times[i], -1);
	asl_result r;
	ck_assert_int_eq(asl_finish(e, &r), ASL_SUCCEEDED);
	ck_assert_str_eq(r.output, output);
	asl_result_free(&r);
}

START_TEST(map_iterations_with_waiting_parallel_branches)
{
	/* MaxConcurrency 2: items 0 and 1 first (branches end at 1, 4 and 2, 3 s); item 2 starts
	 * when item 1 ends at 3 s and waits 1 and 1 s more */
	static const int64_t times[] = {1000, 2000, 3000, 4000, -1};
	for (int threads = 1; threads <= 2; threads++)
		run_steps(
			"{\"case\":\"mop\",\"items\":[{\"a\":1,\"b\":4},{\"a\":2,\"b\":3},{\"a\":1,\"b\":1}]}",
			threads, times, "[[1,4],[2,3],[1,1]]");
}
END_TEST

START_TEST(a_failure_while_paused_winds_the_map_down)
{
	/* item 0 goes on from its Wait and pauses at its next state; item 1's task fails at the
	 * same time: the Map must end failed, not step its paused child for ever */
	asl_options opts = options();
	opts.threads = 1;
	asl_execution *e = start("{\"case\":\"wait_and_task\",\"items\":[0,1]}", &opts);
	asl_step s = asl_advance(e);
	ck_assert_int_eq(s.kind, ASL_STEP_WAIT_CHILDREN);
	ck_assert_int_eq(s.tasks, 1);
	ck_assert_int_eq(asl_task_fail(e, pending_token, "Task.Broke", NULL), 0);
	asl_pause(e);
	fake_now = s.until_ms;
	while ((s = asl_advance(e)).kind != ASL_STEP_FINISHED)
		ck_assert_int_eq(s.kind, ASL_STEP_PAUSED);
	asl_result r;
	ck_assert_int_eq(asl_finish(e, &r), ASL_FAILED_STATUS);
	ck_assert_str_eq(r.error, "Task.Broke");
	asl_result_free(&r);
}
END_TEST

START_TEST(a_map_inside_a_map_waits_in_its_grandchildren)
{
	static const int64_t times[] = {1000, 2000, 5000, -1};
	for (int threads = 1; threads <= 2; threads++)
		run_steps("{\"case\":\"map_of_maps\",\"items\":[[2,1],[5],[]]}", threads, times,
			  "[[4,2],[10],[]]");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("step_nested");
	TCase *tc = tcase_create("step_nested");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, map_iterations_with_waiting_parallel_branches);
	tcase_add_test(tc, a_map_inside_a_map_waits_in_its_grandchildren);
	tcase_add_test(tc, a_failure_while_paused_winds_the_map_down);
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
