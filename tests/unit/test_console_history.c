/* The console's reading of a stored history (compiler/serve/console_history.c) on histories
 * written by hand: the previousEventId chains that real runs give only by chance (Map
 * iterations running at once, interleaved; an outer Parallel retried after an inner one
 * failed), an aborted iteration, and events that point nowhere (no crash, nothing invented). */
#include <check.h>
#include <string.h>

#include "console_history.h"

static asl_arena arena;

static void setup(void)
{
	asl_arena_init(&arena, NULL);
}

static void teardown(void)
{
	asl_arena_destroy(&arena);
}

/* One event: id, previous id, type, details JSON (NULL: none). */
static st_event ev(int64_t id, int64_t prev, const char *type, const char *details)
{
	st_event e = {0};
	e.id = id;
	e.previous_id = prev;
	e.type = st_cstr(type);
	e.details = st_cstr(details);
	return e;
}

#define ENTER(id, prev, type, name, input) \
	ev(id, prev, type "StateEntered", "{\"name\":\"" name "\",\"input\":\"" input "\"}")
#define EXIT(id, prev, type, name, output) \
	ev(id, prev, type "StateExited", "{\"name\":\"" name "\",\"output\":\"" output "\"}")
#define ITER(id, prev, what, name, index) \
	ev(id, prev, "MapIteration" what, "{\"name\":\"" name "\",\"index\":" #index "}")

/* The n-th visit (from 0) in entry order. */
static const cs_visit *nth(const cs_history *h, size_t n)
{
	const cs_visit *v = h->visits;
	while (v && n--)
		v = v->next;
	ck_assert_ptr_nonnull(v);
	return v;
}

static int64_t iteration_index(const cs_visit *v)
{
	for (const cs_scope *s = v->scope; s; s = s->parent)
		if (s->index >= 0)
			return s->index;
	return -1;
}

START_TEST(concurrent_iterations)
{
	/* two iterations at once, their events interleaved; iteration 1 fails in a Task */
	st_event e[] = {
		ev(1, 0, "ExecutionStarted", "{}"),
		ENTER(2, 0, "Map", "M", "[1,2]"),
		ev(3, 2, "MapStateStarted", "{\"length\":2}"),
		ITER(4, 3, "Started", "M", 0),
		ITER(5, 3, "Started", "M", 1),
		ENTER(6, 4, "Task", "T", "1"),
		ENTER(7, 5, "Task", "T", "2"),
		ev(8, 7, "TaskScheduled", "{\"parameters\":\"2\"}"),
		ev(9, 6, "TaskScheduled", "{\"parameters\":\"1\"}"),
		ev(10, 8, "TaskFailed", "{\"error\":\"E\",\"cause\":\"two\"}"),
		ev(11, 9, "TaskSucceeded", "{\"output\":\"11\"}"),
		EXIT(12, 11, "Task", "T", "11"),
		ITER(13, 12, "Succeeded", "M", 0),
		ITER(14, 10, "Failed", "M", 1),
		ev(15, 10, "MapStateFailed", NULL),
		ev(16, 15, "ExecutionFailed", "{\"error\":\"E\",\"cause\":\"two\"}"),
	};
	cs_history h;
	ck_assert_int_eq(cs_read(&h, &arena, e, sizeof e / sizeof *e, 0), 0);
	ck_assert_uint_eq(h.visit_count, 3);
	const cs_visit *map = nth(&h, 0), *t0 = nth(&h, 1), *t1 = nth(&h, 2);
	ck_assert_str_eq(t0->input, "1");
	ck_assert_int_eq(iteration_index(t0), 0);
	ck_assert_int_eq(iteration_index(t1), 1);
	ck_assert_str_eq(t0->parameters, "1");
	ck_assert_str_eq(t1->parameters, "2");
	ck_assert_str_eq(cs_status_name(t0), "succeeded");
	ck_assert_str_eq(t0->result, "11");
	ck_assert_str_eq(cs_status_name(t1), "failed");
	ck_assert_str_eq(t1->error, "E");
	ck_assert_str_eq(cs_status_name(map), "failed");
	ck_assert_str_eq(map->error, "E");
	ck_assert_ptr_nonnull(h.runs);
	ck_assert_uint_eq(h.runs->count, 2);
	ck_assert_str_eq(h.runs->items[0].status, "succeeded");
	ck_assert_str_eq(h.runs->items[1].status, "failed");
}
END_TEST

START_TEST(outer_parallel_retried_after_inner_failed)
{
	/* Outer(Parallel) > branch > Inner(Parallel) > branch > Fail; Outer retries: its new
	 * ParallelStateStarted follows the inner group's failure, and opens new branches */
	st_event e[] = {
		ev(1, 0, "ExecutionStarted", "{}"),
		ENTER(2, 0, "Parallel", "Outer", "{}"),
		ev(3, 2, "ParallelStateStarted", NULL),
		ENTER(4, 3, "Parallel", "Inner", "{}"),
		ev(5, 4, "ParallelStateStarted", NULL),
		ENTER(6, 5, "Fail", "F", "{}"),
		ev(7, 6, "ParallelStateFailed", NULL),
		ev(8, 7, "ParallelStateFailed", NULL),
		ev(9, 7, "ParallelStateStarted", NULL),
		ENTER(10, 9, "Parallel", "Inner", "{}"),
		ev(11, 10, "ParallelStateStarted", NULL),
		ENTER(12, 11, "Pass", "P", "{}"),
		EXIT(13, 12, "Pass", "P", "{}"),
		ev(14, 13, "ParallelStateSucceeded", NULL),
		EXIT(15, 13, "Parallel", "Inner", "[{}]"),
		ev(16, 15, "ParallelStateSucceeded", NULL),
		EXIT(17, 15, "Parallel", "Outer", "[[{}]]"),
		ev(18, 17, "ExecutionSucceeded", "{\"output\":\"[[{}]]\"}"),
	};
	cs_history h;
	ck_assert_int_eq(cs_read(&h, &arena, e, sizeof e / sizeof *e, 0), 0);
	ck_assert_uint_eq(h.visit_count, 5);
	const cs_visit *outer = nth(&h, 0), *inner1 = nth(&h, 1), *fail = nth(&h, 2),
		       *inner2 = nth(&h, 3), *pass = nth(&h, 4);
	ck_assert_str_eq(cs_status_name(outer), "succeeded");
	ck_assert_int_eq(outer->exited, 17);
	ck_assert_str_eq(cs_status_name(inner1), "failed");
	ck_assert_str_eq(cs_status_name(fail), "failed");
	ck_assert_str_eq(cs_status_name(inner2), "succeeded");
	ck_assert_int_eq(inner2->number, 2);
	ck_assert_ptr_eq(inner2->scope->owner, outer);
	ck_assert_ptr_ne(inner2->scope, inner1->scope); /* the retry's own branch */
	ck_assert_ptr_eq(pass->scope->owner, inner2);
	ck_assert_str_eq(cs_status_name(pass), "succeeded");
}
END_TEST

START_TEST(aborted_iteration_and_stop)
{
	/* a stop from outside: the open states and iterations are aborted */
	st_event e[] = {
		ev(1, 0, "ExecutionStarted", "{}"),
		ENTER(2, 0, "Map", "M", "[1]"),
		ev(3, 2, "MapStateStarted", "{\"length\":2}"),
		ITER(4, 3, "Started", "M", 0),
		ITER(5, 3, "Started", "M", 1),
		ENTER(6, 4, "Wait", "W", "1"),
		ENTER(7, 5, "Wait", "W", "2"),
		ev(8, 6, "WaitStateAborted", NULL),
		ITER(9, 0, "Aborted", "M", 0),
		ev(10, 0, "ExecutionAborted", "{\"error\":\"Stop\"}"),
	};
	cs_history h;
	ck_assert_int_eq(cs_read(&h, &arena, e, sizeof e / sizeof *e, 0), 0);
	ck_assert_str_eq(cs_status_name(nth(&h, 0)), "aborted");
	ck_assert_str_eq(nth(&h, 0)->error, "Stop");
	ck_assert_str_eq(cs_status_name(nth(&h, 1)), "aborted");
	ck_assert_str_eq(cs_status_name(nth(&h, 2)), "aborted");
	ck_assert_str_eq(h.runs->items[0].status, "aborted");
	ck_assert_str_eq(h.runs->items[1].status, "aborted"); /* said nothing: ended with it */
}
END_TEST

START_TEST(running)
{
	st_event e[] = {
		ev(1, 0, "ExecutionStarted", "{}"),
		ENTER(2, 0, "Map", "M", "[1]"),
		ev(3, 2, "MapStateStarted", "{\"length\":1}"),
		ITER(4, 3, "Started", "M", 0),
		ENTER(5, 4, "Task", "T", "1"),
		ev(6, 5, "ActivityScheduled", "{\"input\":\"1\"}"),
	};
	cs_history h;
	ck_assert_int_eq(cs_read(&h, &arena, e, sizeof e / sizeof *e, 1), 0);
	ck_assert_str_eq(cs_status_name(nth(&h, 0)), "running");
	ck_assert_str_eq(cs_status_name(nth(&h, 1)), "running");
	ck_assert_str_eq(nth(&h, 1)->parameters, "1");
	ck_assert_str_eq(h.runs->items[0].status, "running");
}
END_TEST

START_TEST(events_pointing_nowhere)
{
	/* ids and previous ids out of range, unknown types, details that are not JSON or not
	 * objects, iterations of no Map: read without a crash, nothing made up */
	st_event e[] = {
		ev(1, 0, "ExecutionStarted", "not json"),
		ev(2, 99, "TaskSucceeded", "{\"output\":\"1\"}"),
		ITER(3, 99, "Started", "Nope", 0),
		ITER(4, -5, "Failed", "Nope", 0),
		ev(5, 4, "MapStateFailed", NULL),
		ev(6, 1, "PassStateEntered", "[1]"),
		ev(7, 6, "PassStateExited", "{\"assignedVariables\":{\"x\":\"{bad\"}}"),
		ev(8, 7, "SomethingNew", "{}"),
		ev(123456789, 7, "PassStateEntered", "{}"),
		ev(0, 0, "PassStateEntered", "{}"),
		ev(9, 8, "ParallelStateStarted", NULL),
	};
	cs_history h;
	ck_assert_int_eq(cs_read(&h, &arena, e, sizeof e / sizeof *e, 0), 0);
	ck_assert_uint_eq(h.visit_count, 1);
	const cs_visit *v = nth(&h, 0);
	ck_assert_str_eq(v->state, "");
	ck_assert_ptr_null(v->input);
	ck_assert_str_eq(cs_status_name(v), "succeeded");
	ck_assert_ptr_null(h.runs);
	ck_assert_ptr_nonnull(cs_states_of(&arena, "{\"States\":{}}", 13));
	ck_assert_ptr_null(cs_states_of(&arena, "{", 1));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("console_history");
	TCase *t = tcase_create("core");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, concurrent_iterations);
	tcase_add_test(t, outer_parallel_retried_after_inner_failed);
	tcase_add_test(t, aborted_iteration_and_stop);
	tcase_add_test(t, running);
	tcase_add_test(t, events_pointing_nowhere);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *r = srunner_create(suite());
	srunner_run_all(r, CK_NORMAL);
	int failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? 1 : 0;
}
