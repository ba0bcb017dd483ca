/* The step API's additions for a host that is a service (aslc serve): pausing after every
 * state, asking whether a state waits on a token, a handler leaving its task to another
 * binding, the execution's clock, a heartbeat clock that starts at the first heartbeat, a
 * missed heartbeat and its Catch, the Task*Started id a handler gets, TaskSubmitted, and the
 * identity options in $$ and the history. Each test loads its own small machine with the
 * compiler library (libtcc), so the program links the runtime whole and exports it. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "asl/asl.h"
#include "aslc/aslc.h"

/* step_fixture.h starts `asl_generated_machine`, a machine compiled in; here it starts the
 * one the test loaded (its extern declaration then names this static pointer). */
static const asl_machine *loaded;
#define asl_generated_machine (*loaded)
#include "step_fixture.h"

static aslc_module *module;

/* Loads `definition` as the machine the fixture's start() runs. */
static void load(const char *definition)
{
	aslc_source src = {definition, strlen(definition), "host.asl.json"};
	aslc_diagnostics d;
	aslc_diagnostics_init(&d);
	module = aslc_load(&src, NULL, &d);
	if (!module)
		aslc_print_diagnostics(stderr, &d, definition, strlen(definition),
				       "test_step_host");
	aslc_diagnostics_free(&d);
	ck_assert_ptr_nonnull(module);
	loaded = aslc_module_machine(module);
}

/* ---- the history, as on_event delivers it ---- */
typedef struct recorded {
	int64_t id;
	char type[40];
	char details[512]; /* the details' JSON text, cut */
} recorded;

static recorded events[64];
static int event_count;

static void record(void *user, const asl_event *ev)
{
	(void)user;
	if (event_count == (int)(sizeof events / sizeof events[0]))
		return;
	recorded *r = &events[event_count++];
	r->id = ev->id;
	snprintf(r->type, sizeof r->type, "%s", ev->type);
	r->details[0] = '\0';
	if (ev->details) {
		asl_arena a;
		asl_arena_init(&a, NULL);
		const char *text = asl_to_json(&a, ev->details, NULL);
		snprintf(r->details, sizeof r->details, "%s", text ? text : "");
		asl_arena_destroy(&a);
	}
}

/* The first event of `type` at or after index `from`: its index, or -1. */
static int find_event(const char *type, int from)
{
	for (int i = from; i < event_count; i++)
		if (!strcmp(events[i].type, type))
			return i;
	return -1;
}

static int states_entered(void)
{
	int n = 0;
	for (int i = 0; i < event_count; i++) {
		size_t len = strlen(events[i].type);
		n += len > 12 && !strcmp(events[i].type + len - 12, "StateEntered");
	}
	return n;
}

/* ---- handlers ---- */
/* `later`: completes by token, its heartbeat clock starting at the first heartbeat. */
static int later(asl_task_call *call)
{
	snprintf(pending_token, sizeof pending_token, "%s", call->token);
	call->heartbeat_later = 1;
	return ASL_TASK_PENDING;
}

/* `submit`: a callback's send part answered (a queue's MessageId); the outcome comes later. */
static int submit(asl_task_call *call)
{
	snprintf(pending_token, sizeof pending_token, "%s", call->token);
	call->result = asl_object(call->arena, 1);
	asl_object_append(call->arena, call->result, "MessageId", 9,
			  asl_cstring(call->arena, "m-1"));
	return ASL_TASK_PENDING;
}

/* `other`: {"other": INPUT}. */
static int other(asl_task_call *call)
{
	call->result = asl_object(call->arena, 1);
	asl_object_append(call->arena, call->result, "other", 5,
			  asl_copy(call->arena, call->input));
	return ASL_TASK_OK;
}

/* `delegate`: leaves its task to the binding its asl_handler.user names. */
static int delegated_rc = -1;
static int delegate(asl_task_call *call)
{
	delegated_rc = asl_task_run_binding(call, call->user);
	return delegated_rc;
}

/* `probe`: notes its started_event and the last event on_event delivered before it ran, for
 * two attempts; the first fails with Again. */
static int probe_calls;
static int64_t probe_started[2];
static recorded probe_last[2];
static int probe(asl_task_call *call)
{
	int i = probe_calls++;
	if (i < 2) {
		probe_started[i] = call->started_event;
		probe_last[i] = event_count ? events[event_count - 1] : (recorded){0};
	}
	if (i == 0) {
		call->error = "Again";
		return ASL_TASK_ERROR;
	}
	call->result = asl_integer(call->arena, i);
	return ASL_TASK_OK;
}

static int answer(asl_task_call *call)
{
	call->result = asl_cstring(call->arena, "sent");
	return ASL_TASK_OK;
}

/* The bindings `delegate` leaves its task to (asl_handler.user is not const). */
static char to_other[] = "c:other", to_cat[] = "exec:cat", to_missing[] = "c:missing",
	    to_unknown[] = "ftp://nowhere";

static const asl_handler host_handlers[] = {
	{"async", async_task, NULL},
	{"later", later, NULL},
	{"submit", submit, NULL},
	{"other", other, NULL},
	{"probe", probe, NULL},
	{"answer", answer, NULL},
	{"to_other", delegate, to_other},
	{"to_cat", delegate, to_cat},
	{"to_missing", delegate, to_missing},
	{"to_unknown", delegate, to_unknown},
};

static const asl_binding host_bindings[] = {
	{"async", "c:async"},
	{"later", "c:later"},
	{"probe", "c:probe"},
	{"to_other", "c:to_other"},
	{"to_cat", "c:to_cat"},
	{"to_missing", "c:to_missing"},
	{"to_unknown", "c:to_unknown"},
	{"arn:aws:states:::sqs:sendMessage.waitForTaskToken", "c:submit"},
	{"arn:aws:states:::sqs:sendMessage", "c:answer"},
	{"arn:aws:states:::states:startExecution.sync:2", "c:async"},
	{"arn:aws:states:us-east-1:123456789012:activity:work", "c:later"},
};

static void host_setup(void)
{
	setup();
	module = NULL;
	event_count = 0;
	delegated_rc = -1;
	probe_calls = 0;
}

static void host_teardown(void)
{
	if (module)
		aslc_unload(module);
	teardown();
}

/* The fixture's clock, these handlers and bindings, and the history recorded. */
static asl_options host_options(void)
{
	asl_options opts = options();
	opts.handlers = host_handlers;
	opts.handler_count = sizeof host_handlers / sizeof host_handlers[0];
	opts.bindings = host_bindings;
	opts.binding_count = sizeof host_bindings / sizeof host_bindings[0];
	opts.on_event = record;
	return opts;
}

/* Advances `e` to its end, the clock jumping to every time it waits for. */
static void run_to_end(asl_execution *e)
{
	for (;;) {
		asl_step s = asl_advance(e);
		if (s.kind == ASL_STEP_FINISHED)
			return;
		ck_assert_int_eq(s.kind, ASL_STEP_WAIT_TIME);
		fake_now = s.until_ms;
	}
}

/* Finishes `e`: checks its status, and its output when it succeeded, else its error JSON. */
static void finish_with(asl_execution *e, asl_status status, const char *want)
{
	asl_result r;
	ck_assert_int_eq(asl_finish(e, &r), status);
	ck_assert_str_eq(status == ASL_SUCCEEDED ? r.output : asl_result_error_json(&r), want);
	asl_result_free(&r);
}

/* ---- 1. asl_pause_after ---- */
static const char FIVE_PASSES[] =
	"{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Next\":\"B\"},"
	"\"B\":{\"Type\":\"Pass\",\"Next\":\"C\"},\"C\":{\"Type\":\"Pass\",\"Next\":\"D\"},"
	"\"D\":{\"Type\":\"Pass\",\"Next\":\"E\"},\"E\":{\"Type\":\"Pass\",\"End\":true}}}";

START_TEST(pause_after_one_pauses_after_every_state)
{
	load(FIVE_PASSES);
	asl_options opts = host_options();
	asl_execution *e = start("{\"n\":1}", &opts);
	for (int i = 1; i <= 4; i++) {
		asl_pause_after(e, 1);
		ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_PAUSED);
		ck_assert_int_eq(states_entered(), i);
	}
	asl_pause_after(e, 1);
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_FINISHED);
	ck_assert_int_eq(states_entered(), 5);
	finish_with(e, ASL_SUCCEEDED, "{\"n\":1}");
}
END_TEST

START_TEST(pause_after_two_pauses_after_every_second_state)
{
	load(FIVE_PASSES);
	asl_options opts = host_options();
	asl_execution *e = start("{}", &opts);
	asl_pause_after(e, 2);
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_PAUSED);
	ck_assert_int_eq(states_entered(), 2);
	asl_pause_after(e, 2);
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_PAUSED);
	ck_assert_int_eq(states_entered(), 4);
	asl_pause_after(e, 2);
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_FINISHED);
	ck_assert_int_eq(states_entered(), 5);
	finish_with(e, ASL_SUCCEEDED, "{}");
}
END_TEST

START_TEST(without_pause_after_one_step_runs_all_states)
{
	load(FIVE_PASSES);
	asl_options opts = host_options();
	asl_execution *e = start("{}", &opts);
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_FINISHED);
	ck_assert_int_eq(states_entered(), 5);
	finish_with(e, ASL_SUCCEEDED, "{}");
}
END_TEST

/* ---- 2. asl_task_waiting ---- */
START_TEST(task_waiting_while_the_state_waits_on_its_token)
{
	load("{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"async\","
	     "\"End\":true}}}");
	asl_options opts = host_options();
	asl_execution *e = start("{}", &opts);
	ck_assert_int_eq(asl_task_waiting(e, "no-such-token"), 0);
	asl_step s = asl_advance(e);
	ck_assert_int_eq(s.kind, ASL_STEP_WAIT_TASK);
	ck_assert_str_eq(s.token, pending_token);
	ck_assert_int_eq(asl_task_waiting(e, pending_token), 1);
	ck_assert_int_eq(asl_task_waiting(e, "no-such-token"), 0);
	ck_assert_int_eq(asl_task_waiting(e, NULL), 0);
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_WAIT_TASK); /* still waiting */
	ck_assert_int_eq(asl_task_waiting(e, pending_token), 1);
	ck_assert_int_eq(asl_task_succeed(e, pending_token, asl_integer(&arena, 5)), 0);
	ck_assert_int_eq(asl_task_waiting(e, pending_token), 0); /* its outcome came */
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_FINISHED);
	ck_assert_int_eq(asl_task_waiting(e, pending_token), 0); /* and was taken */
	finish_with(e, ASL_SUCCEEDED, "5");
}
END_TEST

START_TEST(task_waiting_sees_tasks_in_branches)
{
	load("{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Parallel\",\"Branches\":["
	     "{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"async\","
	     "\"End\":true}}}],\"End\":true}}}");
	asl_options opts = host_options();
	asl_execution *e = start("{}", &opts);
	asl_step s = asl_advance(e);
	ck_assert_int_eq(s.kind, ASL_STEP_WAIT_CHILDREN);
	ck_assert_int_eq(s.tasks, 1);
	ck_assert_int_eq(asl_task_waiting(e, pending_token), 1);
	ck_assert_int_eq(asl_task_succeed(e, pending_token, asl_integer(&arena, 5)), 0);
	ck_assert_int_eq(asl_task_waiting(e, pending_token), 0);
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_FINISHED);
	finish_with(e, ASL_SUCCEEDED, "[5]");
}
END_TEST

/* ---- 3. asl_task_run_binding ---- */
static void run_delegating(const char *resource, const char *input, asl_status status,
			   const char *want)
{
	char def[256];
	snprintf(def, sizeof def,
		 "{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"%s\","
		 "\"End\":true}}}",
		 resource);
	load(def);
	asl_options opts = host_options();
	asl_execution *e = start(input, &opts);
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_FINISHED);
	finish_with(e, status, want);
}

START_TEST(run_binding_calls_another_c_handler)
{
	run_delegating("to_other", "{\"n\":1}", ASL_SUCCEEDED, "{\"other\":{\"n\":1}}");
	ck_assert_int_eq(delegated_rc, ASL_TASK_OK);
}
END_TEST

START_TEST(run_binding_runs_a_command)
{
	run_delegating("to_cat", "{\"echo\":[1,\"two\"]}", ASL_SUCCEEDED, "{\"echo\":[1,\"two\"]}");
	ck_assert_int_eq(delegated_rc, ASL_TASK_OK);
}
END_TEST

START_TEST(run_binding_of_a_missing_handler_or_unknown_binding_is_an_error)
{
	run_delegating("to_missing", "{}", ASL_FAILED_STATUS,
		       "{\"Error\":\"States.TaskFailed\",\"Cause\":\"The C handler of the binding "
		       "is not linked in.\"}");
	ck_assert_int_eq(delegated_rc, ASL_TASK_ERROR);
	aslc_unload(module);
	delegated_rc = -1;
	run_delegating("to_unknown", "{}", ASL_FAILED_STATUS,
		       "{\"Error\":\"States.TaskFailed\",\"Cause\":\"Unknown binding.\"}");
	ck_assert_int_eq(delegated_rc, ASL_TASK_ERROR);
}
END_TEST

/* ---- 4. asl_now, asl_skip_to ---- */
START_TEST(skip_to_ends_a_wait_the_host_skipped)
{
	load("{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",\"Seconds\":3600,"
	     "\"Next\":\"P\"},\"P\":{\"Type\":\"Pass\",\"Parameters\":{\"t.$\":"
	     "\"$$.State.EnteredTime\"},\"End\":true}}}");
	asl_options opts = host_options();
	opts.wait_scale = 0;
	asl_execution *e = start("{}", &opts);
	int64_t t0 = fake_now;
	ck_assert_int_eq(asl_now(e), t0);
	asl_step s = asl_advance(e);
	ck_assert_int_eq(s.kind, ASL_STEP_WAIT_TIME);
	ck_assert_int_eq(s.until_ms, t0 + 3600 * 1000);
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_WAIT_TIME); /* nobody skipped it yet */
	asl_skip_to(e, t0 - 5000); /* the past: nothing to skip */
	ck_assert_int_eq(asl_now(e), t0);
	asl_skip_to(e, s.until_ms);
	ck_assert_int_eq(asl_now(e), t0 + 3600 * 1000);
	ck_assert_int_eq(fake_now, t0); /* the platform's clock did not move */
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_FINISHED);
	/* fake_now 1700000000000 is 2023-11-14T22:13:20Z; P was entered an hour later */
	finish_with(e, ASL_SUCCEEDED, "{\"t\":\"2023-11-14T23:13:20.000Z\"}");
}
END_TEST

/* ---- asl_task_started: the host records when a worker took an activity task ---- */
START_TEST(an_activity_is_started_by_the_host_once)
{
	load("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Task\",\"Resource\":"
	     "\"arn:aws:states:us-east-1:123456789012:activity:work\",\"HeartbeatSeconds\":2,"
	     "\"End\":true}}}");
	asl_options opts = host_options();
	opts.activities_started_by_host = 1;
	asl_execution *e = start("{}", &opts);
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_WAIT_TASK);
	ck_assert_int_ge(find_event("ActivityScheduled", 0), 0);
	ck_assert_int_eq(find_event("ActivityStarted", 0), -1); /* nobody took it yet */
	fake_now += 10000; /* and its heartbeat clock does not run */
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_WAIT_TASK);
	ck_assert_int_eq(asl_task_started(e, pending_token, "w1"), 0);
	ck_assert_int_eq(asl_task_started(e, "not-a-token", "w1"), 1);
	asl_step s = asl_advance(e);
	ck_assert_int_eq(s.kind, ASL_STEP_WAIT_TASK);
	int at = find_event("ActivityStarted", 0);
	ck_assert_int_ge(at, 0);
	ck_assert_str_eq(events[at].details, "{\"workerName\":\"w1\"}");
	ck_assert_int_eq(events[at].id, events[at - 1].id + 1);
	ck_assert_int_eq(s.until_ms, fake_now + 2000); /* HeartbeatSeconds runs from now */
	/* said again (a restarted host): recorded once */
	ck_assert_int_eq(asl_task_started(e, pending_token, "w2"), 0);
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_WAIT_TASK);
	ck_assert_int_eq(find_event("ActivityStarted", at + 1), -1);
	ck_assert_int_eq(asl_task_succeed(e, pending_token, asl_null()), 0);
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_FINISHED);
	ck_assert_int_eq(find_event("ActivitySucceeded", at + 1), at + 1);
	asl_result r;
	ck_assert_int_eq(asl_finish(e, &r), ASL_SUCCEEDED);
	asl_result_free(&r);
}
END_TEST

START_TEST(without_the_host_an_activity_starts_at_once)
{
	load("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Task\",\"Resource\":"
	     "\"arn:aws:states:us-east-1:123456789012:activity:work\",\"End\":true}}}");
	asl_options opts = host_options();
	asl_execution *e = start("{}", &opts);
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_WAIT_TASK);
	ck_assert_int_eq(find_event("ActivityStarted", 0), find_event("ActivityScheduled", 0) + 1);
	asl_result r;
	asl_finish(e, &r);
	asl_result_free(&r);
}
END_TEST

/* ---- 5. heartbeat_later ---- */
static const char HEARTBEAT_TASK[] =
	"{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"%s\","
	"\"HeartbeatSeconds\":2,\"End\":true}}}";

START_TEST(heartbeat_later_starts_the_clock_at_the_first_heartbeat)
{
	char def[256];
	snprintf(def, sizeof def, HEARTBEAT_TASK, "later");
	load(def);
	asl_options opts = host_options();
	asl_execution *e = start("{}", &opts);
	asl_step first = asl_advance(e);
	ck_assert_int_eq(first.kind, ASL_STEP_WAIT_TASK);
	ck_assert_int_eq(first.until_ms, 0); /* nothing is due before the first heartbeat */
	fake_now += 10000; /* no worker took it yet: no heartbeat is due */
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_WAIT_TASK);
	ck_assert_int_eq(asl_task_heartbeat(e, pending_token), 0);
	asl_step s = asl_advance(e);
	ck_assert_int_eq(s.kind, ASL_STEP_WAIT_TASK);
	ck_assert_int_eq(s.until_ms, fake_now + 2000);
	fake_now += 1000;
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_WAIT_TASK);
	fake_now += 2000; /* 3 s after the heartbeat */
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_FINISHED);
	asl_result r;
	ck_assert_int_eq(asl_finish(e, &r), ASL_FAILED_STATUS);
	ck_assert_str_eq(r.error, "States.Timeout");
	ck_assert_ptr_null(r.cause);
	asl_result_free(&r);
}
END_TEST

START_TEST(without_heartbeat_later_the_clock_starts_at_once)
{
	char def[256];
	snprintf(def, sizeof def, HEARTBEAT_TASK, "async");
	load(def);
	asl_options opts = host_options();
	asl_execution *e = start("{}", &opts);
	int64_t t0 = fake_now;
	asl_step s = asl_advance(e);
	ck_assert_int_eq(s.kind, ASL_STEP_WAIT_TASK);
	ck_assert_int_eq(s.until_ms, t0 + 2000);
	fake_now += 10000;
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_FINISHED);
	finish_with(e, ASL_FAILED_STATUS, "{\"Error\":\"States.Timeout\"}");
}
END_TEST

/* ---- 6. a missed heartbeat, a TimeoutSeconds, and Catch ---- */
/* Runs the `async` Task with `limits` (HeartbeatSeconds, TimeoutSeconds) and a Catch of
 * `error`, with a heartbeat `beat_ms` after it started (0: none), lets the time come that
 * the step says it waits for, and checks the outcome. */
static void time_out_caught_by(const char *limits, const char *error, int64_t beat_ms,
			       asl_status status, const char *want)
{
	char def[512];
	snprintf(def, sizeof def,
		 "{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"async\","
		 "%s,\"Catch\":[{\"ErrorEquals\":[\"%s\"],\"ResultPath\":\"$.caught\","
		 "\"Next\":\"Caught\"}],\"End\":true},"
		 "\"Caught\":{\"Type\":\"Pass\",\"End\":true}}}",
		 limits, error);
	load(def);
	asl_options opts = host_options();
	asl_execution *e = start("{}", &opts);
	int64_t t0 = fake_now;
	asl_step s = asl_advance(e);
	ck_assert_int_eq(s.kind, ASL_STEP_WAIT_TASK);
	if (beat_ms) {
		fake_now = t0 + beat_ms;
		ck_assert_int_eq(asl_task_heartbeat(e, pending_token), 0);
		s = asl_advance(e);
		ck_assert_int_eq(s.kind, ASL_STEP_WAIT_TASK);
	}
	fake_now = s.until_ms;
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_FINISHED);
	finish_with(e, status, want);
}

START_TEST(a_missed_heartbeat_is_caught_as_heartbeat_timeout)
{
	time_out_caught_by("\"HeartbeatSeconds\":2", "States.HeartbeatTimeout", 0, ASL_SUCCEEDED,
			   "{\"caught\":{\"Error\":\"States.Timeout\",\"Cause\":null}}");
}
END_TEST

START_TEST(a_missed_heartbeat_is_caught_as_timeout)
{
	time_out_caught_by("\"HeartbeatSeconds\":2", "States.Timeout", 0, ASL_SUCCEEDED,
			   "{\"caught\":{\"Error\":\"States.Timeout\",\"Cause\":null}}");
}
END_TEST

START_TEST(a_missed_heartbeat_before_the_timeout_is_caught_as_heartbeat_timeout)
{
	time_out_caught_by("\"TimeoutSeconds\":5,\"HeartbeatSeconds\":4", "States.HeartbeatTimeout",
			   0, ASL_SUCCEEDED,
			   "{\"caught\":{\"Error\":\"States.Timeout\",\"Cause\":null}}");
}
END_TEST

START_TEST(a_task_timeout_is_not_caught_as_heartbeat_timeout)
{
	time_out_caught_by("\"TimeoutSeconds\":5", "States.HeartbeatTimeout", 0, ASL_FAILED_STATUS,
			   "{\"Error\":\"States.Timeout\"}");
}
END_TEST

START_TEST(a_task_timeout_with_heartbeats_sent_is_not_caught_as_heartbeat_timeout)
{
	/* a heartbeat at +3 s moves the next one to +7 s: TimeoutSeconds ends it at +5 s */
	time_out_caught_by("\"TimeoutSeconds\":5,\"HeartbeatSeconds\":4", "States.HeartbeatTimeout",
			   3000, ASL_FAILED_STATUS, "{\"Error\":\"States.Timeout\"}");
}
END_TEST

/* ---- 7. started_event ---- */
START_TEST(a_handler_gets_the_id_of_its_task_started_event)
{
	load("{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"probe\","
	     "\"Retry\":[{\"ErrorEquals\":[\"Again\"],\"IntervalSeconds\":1,\"MaxAttempts\":1}],"
	     "\"End\":true}}}");
	asl_options opts = host_options();
	asl_execution *e = start("{}", &opts);
	run_to_end(e);
	ck_assert_int_eq(probe_calls, 2);
	for (int i = 0; i < 2; i++) {
		ck_assert_str_eq(probe_last[i].type, "TaskStarted");
		ck_assert_int_eq(probe_started[i], probe_last[i].id);
	}
	ck_assert_int_gt(probe_started[1], probe_started[0]);
	finish_with(e, ASL_SUCCEEDED, "1");
}
END_TEST

/* ---- 8. TaskSubmitted, and the resourceType of service integrations ---- */
START_TEST(a_callback_task_records_task_submitted)
{
	load("{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":"
	     "\"arn:aws:states:::sqs:sendMessage.waitForTaskToken\",\"Parameters\":{"
	     "\"QueueUrl\":\"q\",\"MessageBody\":{\"token.$\":\"$$.Task.Token\"}},\"End\":true}}}");
	asl_options opts = host_options();
	asl_execution *e = start("{}", &opts);
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_WAIT_TASK);
	int scheduled = find_event("TaskScheduled", 0);
	ck_assert_int_ge(scheduled, 0);
	ck_assert_str_eq(events[scheduled + 1].type, "TaskStarted");
	ck_assert_int_eq(event_count, scheduled + 3);
	recorded *sub = &events[scheduled + 2];
	ck_assert_str_eq(sub->type, "TaskSubmitted");
	ck_assert_str_eq(sub->details,
			 "{\"resourceType\":\"sqs\",\"resource\":\"sendMessage.waitForTaskToken\","
			 "\"output\":\"{\\\"MessageId\\\":\\\"m-1\\\"}\","
			 "\"outputDetails\":{\"truncated\":false}}");
	ck_assert_int_eq(asl_task_succeed(e, pending_token, asl_cstring(&arena, "done")), 0);
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_FINISHED);
	ck_assert_int_ge(find_event("TaskSucceeded", scheduled), 0);
	finish_with(e, ASL_SUCCEEDED, "\"done\"");
}
END_TEST

START_TEST(start_execution_sync_2_is_of_resource_type_states)
{
	load("{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":"
	     "\"arn:aws:states:::states:startExecution.sync:2\",\"Parameters\":{"
	     "\"StateMachineArn\":\"arn:aws:states:local:000000000000:stateMachine:child\"},"
	     "\"End\":true}}}");
	asl_options opts = host_options();
	asl_execution *e = start("{}", &opts);
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_WAIT_TASK);
	int scheduled = find_event("TaskScheduled", 0);
	ck_assert_int_ge(scheduled, 0);
	ck_assert_ptr_nonnull(strstr(events[scheduled].details,
				     "\"resourceType\":\"states\",\"resource\":"
				     "\"startExecution.sync:2\""));
	int sub = find_event("TaskSubmitted", scheduled);
	ck_assert_int_ge(sub, 0);
	ck_assert_ptr_nonnull(strstr(events[sub].details, "\"resourceType\":\"states\""));
	ck_assert_int_eq(asl_task_succeed(e, pending_token, asl_integer(&arena, 1)), 0);
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_FINISHED);
	finish_with(e, ASL_SUCCEEDED, "1");
}
END_TEST

/* ---- 9. the identity options ---- */
#define EXECUTION_ARN "arn:aws:states:eu-west-3:123456789012:execution:orders:e-17"
#define MACHINE_ARN "arn:aws:states:eu-west-3:123456789012:stateMachine:orders"
#define ROLE_ARN "arn:aws:iam::123456789012:role/orders-role"

START_TEST(identity_options_appear_in_the_context_and_the_history)
{
	load("{\"StartAt\":\"Who\",\"States\":{\"Who\":{\"Type\":\"Pass\",\"Parameters\":{"
	     "\"id.$\":\"$$.Execution.Id\",\"sm.$\":\"$$.StateMachine.Id\","
	     "\"role.$\":\"$$.Execution.RoleArn\"},\"Next\":\"Send\"},"
	     "\"Send\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::sqs:sendMessage\","
	     "\"ResultPath\":\"$.sent\",\"End\":true}}}");
	asl_options opts = host_options();
	opts.execution_arn = EXECUTION_ARN;
	opts.machine_arn = MACHINE_ARN;
	opts.role_arn = ROLE_ARN;
	opts.region = "eu-west-3";
	asl_execution *e = start("{}", &opts);
	ck_assert_int_eq(asl_advance(e).kind, ASL_STEP_FINISHED);
	ck_assert_str_eq(events[0].type, "ExecutionStarted");
	ck_assert_ptr_nonnull(strstr(events[0].details, "\"roleArn\":\"" ROLE_ARN "\""));
	int scheduled = find_event("TaskScheduled", 0);
	ck_assert_int_ge(scheduled, 0);
	ck_assert_ptr_nonnull(strstr(events[scheduled].details, "\"region\":\"eu-west-3\""));
	finish_with(e, ASL_SUCCEEDED,
		    "{\"id\":\"" EXECUTION_ARN "\",\"sm\":\"" MACHINE_ARN "\",\"role\":\"" ROLE_ARN
		    "\",\"sent\":\"sent\"}");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("step_host");
	TCase *tc = tcase_create("host");
	tcase_add_checked_fixture(tc, host_setup, host_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, pause_after_one_pauses_after_every_state);
	tcase_add_test(tc, pause_after_two_pauses_after_every_second_state);
	tcase_add_test(tc, without_pause_after_one_step_runs_all_states);
	tcase_add_test(tc, task_waiting_while_the_state_waits_on_its_token);
	tcase_add_test(tc, task_waiting_sees_tasks_in_branches);
	tcase_add_test(tc, run_binding_calls_another_c_handler);
	tcase_add_test(tc, run_binding_runs_a_command);
	tcase_add_test(tc, run_binding_of_a_missing_handler_or_unknown_binding_is_an_error);
	tcase_add_test(tc, skip_to_ends_a_wait_the_host_skipped);
	tcase_add_test(tc, heartbeat_later_starts_the_clock_at_the_first_heartbeat);
	tcase_add_test(tc, an_activity_is_started_by_the_host_once);
	tcase_add_test(tc, without_the_host_an_activity_starts_at_once);
	tcase_add_test(tc, without_heartbeat_later_the_clock_starts_at_once);
	tcase_add_test(tc, a_missed_heartbeat_is_caught_as_heartbeat_timeout);
	tcase_add_test(tc, a_missed_heartbeat_is_caught_as_timeout);
	tcase_add_test(tc, a_missed_heartbeat_before_the_timeout_is_caught_as_heartbeat_timeout);
	tcase_add_test(tc, a_task_timeout_is_not_caught_as_heartbeat_timeout);
	tcase_add_test(tc, a_task_timeout_with_heartbeats_sent_is_not_caught_as_heartbeat_timeout);
	tcase_add_test(tc, a_handler_gets_the_id_of_its_task_started_event);
	tcase_add_test(tc, a_callback_task_records_task_submitted);
	tcase_add_test(tc, start_execution_sync_2_is_of_resource_type_states);
	tcase_add_test(tc, identity_options_appear_in_the_context_and_the_history);
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
