/* The execution history (asl_options.on_event): ids 1..N in delivery order, one event at a time
 * even while Parallel branches and Map iterations run on several threads, every
 * previousEventId pointing at an earlier event, the causes naming the real ids with or
 * without a listener, and the details of a few events. The machine is
 * tests/embed/history.asl.json, compiled in with -DASL_NO_MAIN. */
#include <check.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "asl/asl.h"

extern const asl_machine asl_generated_machine;

#define MAX_EVENTS 1024

typedef struct recorded {
	int64_t id, prev;
	char type[40];
	char details[512]; /* the details' JSON text, cut */
} recorded;

static recorded events[MAX_EVENTS];
static int count;
static atomic_int inside; /* callbacks running now */
static int overlapped;

static void on_event(void *user, const asl_event *e)
{
	(void)user;
	if (atomic_fetch_add(&inside, 1) != 0)
		overlapped = 1;
	if (count < MAX_EVENTS) {
		recorded *r = &events[count];
		r->id = e->id;
		r->prev = e->previous_id;
		snprintf(r->type, sizeof r->type, "%s", e->type);
		r->details[0] = '\0';
		if (e->details) {
			asl_arena a;
			asl_arena_init(&a, NULL);
			const char *text = asl_to_json(&a, e->details, NULL);
			snprintf(r->details, sizeof r->details, "%s", text ? text : "");
			asl_arena_destroy(&a);
		}
	}
	count++;
	for (volatile int spin = 0; spin < 200000; spin++) /* widens the window for an overlap */
		;
	atomic_fetch_sub(&inside, 1);
}

static asl_status run(int listen, asl_result *r)
{
	asl_options opts;
	asl_options_init(&opts);
	opts.threads = 4;
	if (listen)
		opts.on_event = on_event;
	count = 0;
	overlapped = 0;
	asl_arena a;
	asl_arena_init(&a, NULL);
	asl_status st = asl_execute(&asl_generated_machine, asl_object(&a, 0), &opts, r);
	asl_arena_destroy(&a);
	return st;
}

static int find(const char *type, const char *details_part)
{
	for (int i = 0; i < count && i < MAX_EVENTS; i++)
		if (!strcmp(events[i].type, type) &&
		    (!details_part || strstr(events[i].details, details_part)))
			return i;
	return -1;
}

START_TEST(ids_run_in_order_one_at_a_time)
{
	asl_result r;
	ck_assert_int_eq(run(1, &r), ASL_FAILED_STATUS);
	asl_result_free(&r);
	/* 1 + Start 2 + Fan 4 + 3 x (Map 4 + 20 x (2 + 2 x 2)) + Bad 1 + ExecutionFailed 1 */
	ck_assert_int_eq(count, 1 + 2 + 4 + 3 * (4 + 20 * 6) + 1 + 1);
	ck_assert_int_eq(overlapped, 0);
	for (int i = 0; i < count; i++) {
		ck_assert_int_eq(events[i].id, i + 1);
		ck_assert_int_lt(events[i].prev, events[i].id);
		ck_assert_int_ge(events[i].prev, 0);
	}
	ck_assert_str_eq(events[0].type, "ExecutionStarted");
	ck_assert_str_eq(events[count - 1].type, "ExecutionFailed");
	ck_assert_int_eq(events[count - 1].prev, events[count - 2].id);
	ck_assert_str_eq(events[count - 2].type, "PassStateEntered");
}
END_TEST

START_TEST(iterations_chain_to_their_own_events)
{
	asl_result r;
	run(1, &r);
	asl_result_free(&r);
	for (int i = 0; i < count; i++) {
		if (strcmp(events[i].type, "PassStateEntered") ||
		    !strstr(events[i].details, "\"A\""))
			continue;
		/* an iteration's first state points at its MapIterationStarted, its second at it */
		recorded *prev = &events[events[i].prev - 1];
		ck_assert_str_eq(prev->type, "MapIterationStarted");
		ck_assert_ptr_nonnull(strstr(prev->details, "\"name\":\"MapA\""));
	}
	int fan = find("ParallelStateStarted", NULL);
	ck_assert_int_ge(fan, 0);
	/* each branch's first state points at ParallelStateStarted */
	int map_a = find("MapStateEntered", "\"MapA\"");
	ck_assert_int_eq(events[map_a].prev, events[fan].id);
	int exited = find("ParallelStateExited", NULL);
	ck_assert_int_ge(exited, 0);
	ck_assert_str_eq(events[exited - 1].type, "ParallelStateSucceeded");
	ck_assert_int_eq(events[exited].prev, events[exited - 1].prev);
}
END_TEST

START_TEST(details_as_aws_gives_them)
{
	asl_result r;
	run(1, &r);
	asl_result_free(&r);
	ck_assert_str_eq(events[0].details,
			 "{\"input\":\"{}\",\"inputDetails\":{\"truncated\":false},"
			 "\"roleArn\":\"arn:aws:iam::000000000000:role/aslc-local\"}");
	int start = find("PassStateExited", "\"Start\"");
	ck_assert_int_ge(start, 0);
	ck_assert_ptr_nonnull(strstr(events[start].details,
				     "\"assignedVariables\":{\"n\":\"1\"},"
				     "\"assignedVariablesDetails\":{\"truncated\":false}"));
	ck_assert_ptr_nonnull(
		strstr(events[find("MapStateStarted", NULL)].details, "{\"length\":20}"));
	ck_assert_ptr_nonnull(
		strstr(events[count - 1].details, "{\"error\":\"States.Runtime\",\"cause\":"));
}
END_TEST

START_TEST(causes_name_the_real_ids)
{
	asl_result r;
	run(1, &r);
	char want[64];
	snprintf(want, sizeof want, "(entered at the event id #%lld)",
		 (long long)events[count - 2].id);
	ck_assert_ptr_nonnull(strstr(r.cause, want));
	asl_result_free(&r);
	run(0, &r); /* nobody listens: the same ids */
	ck_assert_int_eq(count, 0);
	ck_assert_ptr_nonnull(strstr(r.cause, want));
	asl_result_free(&r);
}
END_TEST

START_TEST(a_stop_ends_with_execution_aborted)
{
	asl_options opts;
	asl_options_init(&opts);
	opts.threads = 4;
	opts.on_event = on_event;
	opts.suspend_after = 12; /* paused inside the Map iterations */
	count = 0;
	asl_arena a;
	asl_arena_init(&a, NULL);
	asl_execution *e = asl_start(&asl_generated_machine, asl_object(&a, 0), &opts);
	ck_assert_ptr_nonnull(e);
	asl_step step = asl_advance(e);
	ck_assert_int_eq(step.kind, ASL_STEP_PAUSED);
	asl_stop(e, "Stopped", "by the test");
	asl_result r;
	ck_assert_int_eq(asl_finish(e, &r), ASL_ABORTED);
	asl_result_free(&r);
	asl_arena_destroy(&a);
	ck_assert_int_gt(count, 12);
	ck_assert_str_eq(events[count - 1].type, "ExecutionAborted");
	ck_assert_int_eq(events[count - 1].prev, 0);
	ck_assert_str_eq(events[count - 1].details,
			 "{\"error\":\"Stopped\",\"cause\":\"by the test\"}");
	/* the stop fails nothing on its way out */
	ck_assert_int_eq(find("MapIterationFailed", NULL), -1);
	ck_assert_int_eq(find("MapStateFailed", NULL), -1);
	ck_assert_int_eq(find("ParallelStateFailed", NULL), -1);
	ck_assert_int_eq(find("ExecutionFailed", NULL), -1);
	for (int i = 0; i < count; i++)
		ck_assert_int_eq(events[i].id, i + 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("history");
	TCase *tc = tcase_create("events");
	tcase_add_test(tc, ids_run_in_order_one_at_a_time);
	tcase_add_test(tc, iterations_chain_to_their_own_events);
	tcase_add_test(tc, details_as_aws_gives_them);
	tcase_add_test(tc, causes_name_the_real_ids);
	tcase_add_test(tc, a_stop_ends_with_execution_aborted);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
