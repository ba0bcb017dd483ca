/* arn:aws:states:::states:startExecution (request-response, .sync, .sync:2): a nested execution
 * of one of asl_options.machines, found by the last part of the StateMachineArn, with the
 * effective input's Input (an object, or JSON text) and Name. It runs to its end on this thread
 * (the simple and honest form of "in the background": the request-response Task returns
 * {"ExecutionArn", "StartDate"} once the child is done, without looking at its outcome); .sync
 * returns DescribeExecution's shape with Output as JSON text, .sync:2 with Input and Output as
 * JSON; a child that did not succeed fails a .sync Task with States.TaskFailed and that shape
 * (Error and Cause included) as the cause. */
#include <stdio.h>
#include <string.h>

#include "bindings.h"

enum { REQUEST, SYNC, SYNC_JSON };

/* What stops the child: the parent being stopped or cancelled, or the Task's time running out. */
typedef struct watch {
	asl_exec *parent;
	int64_t deadline_ms; /* 0: none */
	int execution; /* the deadline is the parent execution's own */
	int depth; /* of nesting: a machine that starts itself must end somewhere */
} watch;

#define MAX_DEPTH 10

static int child_should_stop(void *user)
{
	const watch *w = user;
	return asl__cancelled(w->parent) ||
	       (w->deadline_ms && asl__now(w->parent) >= w->deadline_ms);
}

static const asl_machine *find_machine(const asl_exec *ex, const char *name)
{
	for (size_t i = 0; i < ex->opts.machine_count; i++)
		if (!strcmp(ex->opts.machines[i].name, name))
			return ex->opts.machines[i].machine;
	return NULL;
}

static int put(asl_arena *a, asl_value *o, const char *key, asl_value *v)
{
	return v && asl_object_append(a, o, key, strlen(key), v) == 0 ? 0 : -1;
}

/* The child's Input: an object as it is, a string as the JSON it holds, none as {}. */
static asl_value *child_input(asl_exec *ex, const asl_value *in, const char **text, size_t *len)
{
	asl_arena *a = asl_heap(ex);
	const asl_value *v = asl_object_get(in, "Input", 5);
	if (!v) {
		*text = "{}", *len = 2;
		return asl_object(a, 0);
	}
	if (v->type != ASL_STRING) {
		*text = asl_to_json(a, v, len);
		return *text ? (asl_value *)v : NULL;
	}
	*text = asl_string_ptr(v), *len = asl_string_len(v);
	asl_parse_error perr;
	asl_value *parsed = asl_parse(a, *text, *len, 0, &perr);
	if (!parsed && perr.code != ASL_JSON_NOMEM)
		asl__task_failed(ex, "StepFunctions.InvalidExecutionInputException",
				 "Invalid State Machine Execution Input: '%s'%s", *text, "");
	return parsed;
}

typedef struct started {
	const char *arn, *machine_arn, *name, *input_text;
	size_t input_len;
	asl_value *input;
	int64_t start_ms, stop_ms;
} started;

/* DescribeExecution's shape (its members in AWS's order) of a finished child. */
static asl_value *describe(asl_exec *ex, const started *s, const asl_result *r, int kind)
{
	asl_arena *a = asl_heap(ex);
	asl_value *o = asl_object(a, 12), *in = asl_object(a, 1), *out = asl_object(a, 1);
	int ok = r->status == ASL_SUCCEEDED;
	if (!o || !in || !out || put(a, in, "Included", asl_true()) < 0 ||
	    put(a, out, "Included", asl_true()) < 0)
		return NULL;
	if (!ok && ((r->cause && put(a, o, "Cause", asl_string(a, r->cause, r->cause_len)) < 0) ||
		    (r->error && put(a, o, "Error", asl_string(a, r->error, r->error_len)) < 0)))
		return NULL;
	if (put(a, o, "ExecutionArn", asl_cstring(a, s->arn)) < 0 ||
	    put(a, o, "Input",
		kind == SYNC_JSON ? s->input : asl_string(a, s->input_text, s->input_len)) < 0 ||
	    put(a, o, "InputDetails", in) < 0 || put(a, o, "Name", asl_cstring(a, s->name)) < 0)
		return NULL;
	if (ok && (put(a, o, "Output",
		       kind == SYNC_JSON ? asl_copy(a, r->output_value)
					 : asl_string(a, r->output, r->output_len)) < 0 ||
		   put(a, o, "OutputDetails", out) < 0))
		return NULL;
	if (put(a, o, "StartDate", asl_integer(a, s->start_ms)) < 0 ||
	    put(a, o, "StateMachineArn", asl_cstring(a, s->machine_arn)) < 0 ||
	    put(a, o, "Status", asl_cstring(a, asl_status_name(r->status))) < 0 ||
	    put(a, o, "StopDate", asl_integer(a, s->stop_ms)) < 0)
		return NULL;
	return o;
}

/* The Task's result (or error) for the finished child. */
static asl_value *outcome(asl_exec *ex, const asl_task *t, const started *s, const asl_result *r,
			  int kind, const watch *w)
{
	asl_arena *a = asl_heap(ex);
	if (r->status == ASL_ABORTED && asl__cancelled(ex))
		return asl_fail(ex, "States.Runtime", "cancelled"), NULL; /* nobody sees it */
	if (r->status == ASL_ABORTED && w->deadline_ms && asl__now(ex) >= w->deadline_ms) {
		if (w->execution)
			return asl__time_out(ex), NULL;
		return asl__task_failed(ex, "States.Timeout",
					"The task '%s' did not finish within its %s.", t->resource,
					"TimeoutSeconds");
	}
	if (kind == REQUEST) {
		asl_value *o = asl_object(a, 2);
		if (!o || put(a, o, "ExecutionArn", asl_cstring(a, s->arn)) < 0 ||
		    put(a, o, "StartDate", asl_integer(a, s->start_ms)) < 0)
			return asl_fail_oom(ex), NULL;
		return o;
	}
	asl_value *d = describe(ex, s, r, kind);
	if (!d)
		return asl_fail_oom(ex), NULL;
	if (r->status == ASL_SUCCEEDED)
		return d;
	const char *cause = asl__json(ex, d);
	asl_fail(ex, "States.TaskFailed", cause);
	return NULL;
}

/* ...:stateMachine:NAME -> ...:execution:NAME:EXECUTION (in the heap); NULL when not such. */
static const char *execution_arn(asl_exec *ex, const char *machine_arn, const char *name,
				 const char **machine)
{
	const char *p = strstr(machine_arn, ":stateMachine:");
	if (!p || !p[14] || strchr(p + 14, ':'))
		return NULL;
	*machine = p + 14;
	size_t n = strlen(machine_arn) + strlen(name) + 16;
	char *arn = asl_arena_alloc(asl_heap(ex), n);
	if (arn)
		snprintf(arn, n, "%.*s:execution:%s:%s", (int)(p - machine_arn), machine_arn,
			 *machine, name);
	return arn;
}

static asl_value *start(asl_exec *ex, const asl_task *t, asl_value *in, double timeout, int kind)
{
	const asl_value *arn = asl_object_get(in, "StateMachineArn", 15);
	const asl_value *nv = asl_object_get(in, "Name", 4);
	if (!arn || arn->type != ASL_STRING)
		return asl__task_failed(ex, "States.Runtime",
					"The StateMachineArn of '%s' is missing or not a string%s.",
					t->resource, "");
	started s = {0};
	s.machine_arn = asl_string_ptr(arn);
	if (nv && nv->type == ASL_STRING) {
		s.name = asl_string_ptr(nv);
	} else {
		const asl_value *id = asl_fn_uuid(ex, NULL, 0);
		if (!id)
			return NULL;
		s.name = asl_string_ptr(id);
	}
	const char *machine_name;
	if (!(s.arn = execution_arn(ex, s.machine_arn, s.name, &machine_name)))
		return asl_heap(ex)->failed
			       ? (asl_fail_oom(ex), NULL)
			       : asl__task_failed(ex, "StepFunctions.InvalidArnException",
						  "Invalid Arn: '%s'%s", s.machine_arn, "");
	const asl_machine *m = find_machine(ex, machine_name);
	if (!m)
		return asl__task_failed(ex, "StepFunctions.StateMachineDoesNotExistException",
					"State Machine Does Not Exist: '%s'%s (compile it in with "
					"aslc --machine NAME=FILE).",
					s.machine_arn, "");
	if (!(s.input = child_input(ex, in, &s.input_text, &s.input_len)))
		return ex->failed ? NULL : (asl_fail_oom(ex), NULL);
	watch w = {ex, 0, 0, 1};
	int64_t limit = asl__wait_limit(ex, timeout, &w.execution);
	w.deadline_ms = limit ? asl__now(ex) + limit : 0;
	if (ex->opts.should_stop == child_should_stop)
		w.depth = ((const watch *)ex->opts.stop_user)->depth + 1;
	if (w.depth > MAX_DEPTH)
		return asl__task_failed(ex, "States.Runtime",
					"'%s' would nest executions more than %s deep.",
					t->resource, "10");
	asl_options opts = ex->opts;
	opts.execution_name = s.name;
	opts.on_event = NULL; /* the child's history is its own: nobody listens to it here */
	opts.event_user = NULL;
	opts.suspend_after = 0;
	opts.should_stop = child_should_stop;
	opts.stop_user = &w;
	s.start_ms = asl__now(ex);
	asl_result r;
	asl_execute(m, s.input, &opts, &r);
	s.stop_ms = asl__now(ex);
	asl_value *result = outcome(ex, t, &s, &r, kind, &w);
	asl_result_free(&r);
	return result;
}

asl_value *asl__start_execution(asl_exec *ex, const asl_task *t, asl_value *input, double timeout,
				double heartbeat)
{
	(void)heartbeat;
	return start(ex, t, input, timeout, REQUEST);
}

asl_value *asl__start_execution_sync(asl_exec *ex, const asl_task *t, asl_value *input,
				     double timeout, double heartbeat)
{
	(void)heartbeat;
	return start(ex, t, input, timeout, SYNC);
}

asl_value *asl__start_execution_sync2(asl_exec *ex, const asl_task *t, asl_value *input,
				      double timeout, double heartbeat)
{
	(void)heartbeat;
	return start(ex, t, input, timeout, SYNC_JSON);
}
