/* The execution history (tests/conformance/HISTORY.md): one function per family of events.
 * Ids are always allocated, so that error causes name the real ids ("entered at the event id
 * #N"); an event's details are built only when the host listens (asl_options.on_event).
 * Ids come from the top-level execution for its whole tree; a listener gets the events under
 * the top level's lock, so it sees them one at a time and in id order. */
#include <string.h>

#include "exec.h"

static const char *const ENTERED[] = {
	"PassStateEntered",    "TaskStateEntered", "ChoiceStateEntered",   "WaitStateEntered",
	"SucceedStateEntered", "FailStateEntered", "ParallelStateEntered", "MapStateEntered"};
static const char *const EXITED[] = {
	"PassStateExited",    "TaskStateExited", "ChoiceStateExited",   "WaitStateExited",
	"SucceedStateExited", "FailStateExited", "ParallelStateExited", "MapStateExited"};

/* Who gives out the ids: the top level, or a Distributed Map's iteration for itself. */
static asl_exec *root_of(asl_exec *ex)
{
	while (ex->parent && !ex->own_history)
		ex = ex->parent;
	return ex;
}

static int listening(const asl_exec *ex)
{
	return ex->opts.on_event != NULL && !(ex->limits && ex->limits->discarded);
}

/* Stopped from outside (asl_stop, should_stop): AWS ends such a history with ExecutionAborted,
 * its running iterations aborted, without the failures the stop causes on the way. */
static int stopping(const asl_exec *ex)
{
	return ex->limits && atomic_load(&ex->limits->stopped);
}

int asl__history_init(asl_exec *ex)
{
	atomic_init(&ex->event_ids, 0);
	if (!listening(ex))
		return 0;
	asl__arena_init(&ex->event_arena, asl__allocator(ex), &ex->opts);
	const asl_platform *pf = asl__platform(ex);
	/* a platform without threads has no locks, and needs none */
	if (pf->lock_new && !(ex->event_lock = pf->lock_new(pf->user)))
		return -1;
	return 0;
}

void asl__history_free(asl_exec *ex)
{
	if (!ex->opts.on_event) /* what asl__history_init made, also after asl_discard */
		return;
	const asl_platform *pf = asl__platform(ex);
	if (ex->event_lock)
		pf->lock_free(pf->user, ex->event_lock);
	ex->event_lock = NULL;
	asl_arena_destroy(&ex->event_arena);
}

/* Starts an event: NULL when nobody listens (build nothing), else the arena to build its
 * details in, with the top level's lock held until deliver(). */
static asl_arena *begin(asl_exec *ex)
{
	if (!listening(ex))
		return NULL;
	asl_exec *root = root_of(ex);
	if (root->event_lock) {
		const asl_platform *pf = asl__platform(ex);
		pf->lock(pf->user, root->event_lock);
	}
	return &root->event_arena;
}

/* Allocates the event's id and, when listening (after begin()), delivers it. */
static int64_t deliver(asl_exec *ex, const char *type, int64_t prev, const char *key,
		       const asl_value *details)
{
	asl_exec *root = root_of(ex);
	int64_t id = ex == root ? asl__next_top_event(root) /* see there */
				: asl__next_child_event(ex);
	if (!listening(ex))
		return id;
	/* blocking branches count the waiting --wait-scale skips on clocks of their own: keep
	 * the timestamps in order as AWS's are */
	int64_t now = asl__now(ex);
	if (now < root->event_ms)
		now = root->event_ms;
	root->event_ms = now;
	asl_event e = {id, prev, now, type, key, details};
	if (root->event_arena.failed) /* out of memory: the event without its details */
		e.details = NULL;
	ex->opts.on_event(ex->opts.event_user, &e);
	asl_arena_reset(&root->event_arena);
	if (root->event_lock) {
		const asl_platform *pf = asl__platform(ex);
		pf->unlock(pf->user, root->event_lock);
	}
	return id;
}

static void put(asl_arena *a, asl_value *o, const char *key, asl_value *v)
{
	asl_object_append(a, o, key, strlen(key), v);
}

static void put_string(asl_arena *a, asl_value *o, const char *key, const char *s, size_t len)
{
	if (s)
		put(a, o, key, asl_string(a, s, len));
}

/* `key` as JSON text, and its `keyDetails` {"truncated": false}. */
static void put_text(asl_arena *a, asl_value *o, const char *key, const char *details,
		     const asl_value *v)
{
	size_t len = 0;
	const char *text = v ? asl_to_json(a, v, &len) : "null";
	put_string(a, o, key, text ? text : "null", text ? len : 4);
	asl_value *t = asl_object(a, 1);
	put(a, t, "truncated", asl_bool(0));
	put(a, o, details, t);
}

void asl__history_started(asl_exec *ex)
{
	asl_arena *a = begin(ex);
	asl_value *d = NULL;
	if (a) {
		d = asl_object(a, 3);
		put_text(a, d, "input", "inputDetails", ex->input);
		const char *role = ex->opts.role_arn ? ex->opts.role_arn : ASL_ROLE_ARN;
		put_string(a, d, "roleArn", role, strlen(role));
	}
	deliver(ex, "ExecutionStarted", 0, "executionStartedEventDetails", d);
	ex->prev_event = 0; /* the first state's Entered points at no event */
}

static int state_type(const asl_exec *ex)
{
	return ex->machine->state_types ? ex->machine->state_types[ex->state] : ASL_STATE_PASS;
}

void asl__history_entered(asl_exec *ex)
{
	asl_arena *a = begin(ex);
	asl_value *d = NULL;
	ex->assigned = NULL;
	if (a) {
		d = asl_object(a, 3);
		put_string(a, d, "name", ex->machine->state_names[ex->state],
			   ex->machine->state_name_lens[ex->state]);
		put_text(a, d, "input", "inputDetails", ex->data);
	}
	int64_t id = deliver(ex, a ? ENTERED[state_type(ex)] : NULL, ex->prev_event,
			     "stateEnteredEventDetails", d);
	ex->open_state = 1;
	ex->entered_event = id;
	ex->prev_event = id;
}

void asl__history_assigned(asl_exec *ex, const asl_value *values)
{
	if (listening(ex))
		ex->assigned = values;
}

void asl__history_exited(asl_exec *ex, const asl_value *output)
{
	asl_arena *a = begin(ex);
	asl_value *d = NULL;
	if (a) {
		d = asl_object(a, 5);
		put_string(a, d, "name", ex->machine->state_names[ex->state],
			   ex->machine->state_name_lens[ex->state]);
		put_text(a, d, "output", "outputDetails", output);
		const asl_value *as = ex->assigned;
		if (as && as->u.object.len) {
			asl_value *vars = asl_object(a, as->u.object.len);
			for (size_t i = 0; i < as->u.object.len; i++) {
				const asl_member *m = &as->u.object.members[i];
				size_t len = 0;
				const char *text = asl_to_json(a, m->value, &len);
				asl_object_append(a, vars, m->key, m->key_len,
						  text ? asl_string(a, text, len) : asl_null());
			}
			put(a, d, "assignedVariables", vars);
			asl_value *t = asl_object(a, 1);
			put(a, t, "truncated", asl_bool(0));
			put(a, d, "assignedVariablesDetails", t);
		}
	}
	ex->assigned = NULL;
	ex->open_state = 0;
	ex->prev_event = deliver(ex, a ? EXITED[state_type(ex)] : NULL, ex->prev_event,
				 "stateExitedEventDetails", d);
}

/* error and cause, each left out when there is none */
static asl_value *error_details(asl_arena *a, const char *error, size_t error_len,
				const char *cause, size_t cause_len, size_t extra)
{
	asl_value *d = asl_object(a, 2 + extra);
	put_string(a, d, "error", error, error_len);
	put_string(a, d, "cause", cause, cause_len);
	return d;
}

void asl__history_finished(asl_exec *ex, const asl_result *r)
{
	asl_status status = r->status;
	asl_arena *a = begin(ex);
	asl_value *d = NULL;
	const char *type, *key;
	int64_t prev = ex->prev_event;
	switch (status) {
	case ASL_SUCCEEDED:
		type = "ExecutionSucceeded", key = "executionSucceededEventDetails";
		if (a) {
			d = asl_object(a, 2);
			put_text(a, d, "output", "outputDetails", r->output_value);
		}
		break;
	case ASL_TIMED_OUT:
		type = "ExecutionTimedOut", key = "executionTimedOutEventDetails", prev = 0;
		break;
	case ASL_ABORTED:
		type = "ExecutionAborted", key = "executionAbortedEventDetails", prev = 0;
		break;
	default:
		type = "ExecutionFailed", key = "executionFailedEventDetails";
		break;
	}
	if (a && status != ASL_SUCCEEDED)
		d = error_details(a, r->error, r->error_len, r->cause, r->cause_len, 0);
	deliver(ex, type, prev, key, d);
}

int64_t asl__history_group_started(asl_exec *ex, int map, size_t length)
{
	asl_arena *a = begin(ex);
	asl_value *d = NULL;
	if (a && map) {
		d = asl_object(a, 1);
		if (length != ASL_NO_LENGTH)
			put(a, d, "length", asl_integer(a, (int64_t)length));
	}
	ex->prev_event = deliver(ex, map ? "MapStateStarted" : "ParallelStateStarted",
				 ex->prev_event, map ? "mapStateStartedEventDetails" : NULL, d);
	return ex->prev_event;
}

/* "MapIterationStarted" -> "mapIterationStartedEventDetails", in `a`. */
static const char *details_key(asl_arena *a, const char *type)
{
	size_t n = strlen(type);
	char *key = asl_arena_alloc(a, n + sizeof "EventDetails");
	if (!key)
		return "";
	memcpy(key, type, n);
	memcpy(key + n, "EventDetails", sizeof "EventDetails");
	key[0] = (char)(key[0] - 'A' + 'a');
	return key;
}

int64_t asl__history_iteration(asl_exec *ex, const char *type, size_t index, int64_t prev)
{
	if (!listening(ex))
		return deliver(ex, type, prev, NULL, NULL); /* only the id */
	if (!strcmp(type, "MapIterationFailed") && stopping(ex))
		type = "MapIterationAborted";
	asl_arena *a = begin(ex);
	asl_value *d = NULL;
	const char *key = NULL;
	if (a) {
		key = details_key(a, type); /* mapIterationStartedEventDetails */
		d = asl_object(a, 2);
		const asl_exec *map = ex->parent; /* ex is the iteration */
		put_string(a, d, "name", map->machine->state_names[map->state],
			   map->machine->state_name_lens[map->state]);
		put(a, d, "index", asl_integer(a, (int64_t)index));
	}
	return deliver(ex, type, prev, key, d);
}

int64_t asl__history_group_ended(asl_exec *ex, const char *type, int64_t prev)
{
	begin(ex);
	return deliver(ex, type, prev, NULL, NULL);
}

static const char *const ABORTED[] = {NULL,
				      "TaskStateAborted",
				      NULL,
				      "WaitStateAborted",
				      NULL,
				      NULL,
				      "ParallelStateAborted",
				      "MapStateAborted"};

void asl__history_aborted(asl_exec *ex)
{
	const char *type = ABORTED[state_type(ex)];
	if (!ex->open_state || !type || stopping(ex))
		return;
	ex->open_state = 0;
	begin(ex);
	ex->prev_event = deliver(ex, type, ex->prev_event, NULL, NULL);
}

void asl__history_group_failed(asl_exec *ex)
{
	if (!ex->group_failed)
		return;
	ex->group_failed = 0;
	int t = state_type(ex);
	if ((t != ASL_STATE_MAP && t != ASL_STATE_PARALLEL) || stopping(ex))
		return;
	if (asl__group_cancelled(ex)) { /* its own branches were cancelled from above */
		asl__history_aborted(ex);
		return;
	}
	begin(ex);
	ex->prev_event = deliver(ex, t == ASL_STATE_MAP ? "MapStateFailed" : "ParallelStateFailed",
				 ex->prev_event, NULL, NULL);
}

void asl__history_map_run(asl_exec *ex, const char *type)
{
	asl_arena *a = begin(ex);
	asl_value *d = NULL;
	int started = !strcmp(type, "MapRunStarted"), failed = !strcmp(type, "MapRunFailed");
	if (a && started) {
		/* the MapRunArn the ResultWriter reports too (bindings/result_writer.c) */
		const asl_machine *m = ex->machine;
		static const char prefix[] = "arn:aws:states:local:000000000000:mapRun:";
		asl_buffer b;
		asl_buffer_init(&b, a);
		asl_buffer_append(&b, prefix, sizeof prefix - 1);
		asl_buffer_append(&b, m->name, strlen(m->name));
		asl_buffer_putc(&b, '/');
		asl_buffer_append(&b, m->state_names[ex->state], m->state_name_lens[ex->state]);
		asl_buffer_putc(&b, ':');
		asl_buffer_append(&b, ex->name, strlen(ex->name));
		d = asl_object(a, 1);
		put_string(a, d, "mapRunArn", b.data, b.len);
	} else if (a && failed) {
		d = error_details(a, ex->error, ex->error_len, ex->cause, ex->cause_len, 0);
	}
	ex->prev_event = deliver(ex, type, ex->prev_event,
				 started  ? "mapRunStartedEventDetails"
				 : failed ? "mapRunFailedEventDetails"
					  : NULL,
				 d);
}

/* How the history names a Task's resource: a service integration
 * (arn:aws:states:::SERVICE:ACTION: Task* events with resourceType SERVICE and resource
 * ACTION), a Lambda function ARN (LambdaFunction*) or an activity ARN (Activity*). */
enum { TASK_SERVICE, TASK_LAMBDA, TASK_ACTIVITY };

static int task_kind(const char *resource)
{
	if (!strncmp(resource, "arn:aws:lambda:", 15))
		return TASK_LAMBDA;
	if (!strncmp(resource, "arn:aws:states:", 15) && strstr(resource, ":activity:"))
		return TASK_ACTIVITY;
	return TASK_SERVICE;
}

/* resourceType and resource of a service integration: "lambda" and "invoke" for
 * arn:aws:states:::lambda:invoke, "states" and "startExecution.sync:2" for
 * arn:aws:states:::states:startExecution.sync:2, "aws-sdk:s3" and "listBuckets" for
 * arn:aws:states:::aws-sdk:s3:listBuckets; other resources are their own resource. */
static void put_service(asl_arena *a, asl_value *d, const char *resource)
{
	static const char prefix[] = "arn:aws:states:::";
	const char *s = resource, *last = NULL;
	if (!strncmp(s, prefix, sizeof prefix - 1)) { /* SERVICE:ACTION, aws-sdk:SERVICE:ACTION */
		s += sizeof prefix - 1;
		last = strchr(s, ':');
		if (last && !strncmp(s, "aws-sdk:", 8))
			last = strchr(last + 1, ':');
	}
	put_string(a, d, "resourceType", s, last ? (size_t)(last - s) : 0);
	put_string(a, d, "resource", last ? last + 1 : resource,
		   strlen(last ? last + 1 : resource));
}

static const char *const TASK_PREFIX[] = {"Task", "LambdaFunction", "Activity"};

/* One Task* / LambdaFunction* / Activity* event named PREFIX + `what`. */
static void task_event(asl_exec *ex, asl_arena *a, const char *what, asl_value *d)
{
	int kind = task_kind(ex->task ? ex->task->resource : "");
	char type[48];
	size_t p = strlen(TASK_PREFIX[kind]), w = strlen(what);
	memcpy(type, TASK_PREFIX[kind], p);
	memcpy(type + p, what, w + 1);
	ex->prev_event = deliver(ex, type, ex->prev_event, a ? details_key(a, type) : NULL, d);
}

void asl__history_task_started(asl_exec *ex, const asl_value *input, double timeout,
			       double heartbeat)
{
	const char *resource = ex->task ? ex->task->resource : "";
	int kind = task_kind(resource);
	asl_arena *a = begin(ex);
	asl_value *d = NULL;
	if (a) {
		d = asl_object(a, 6);
		if (kind == TASK_SERVICE) {
			put_service(a, d, resource);
			const char *region = ex->opts.region ? ex->opts.region : "local";
			put_string(a, d, "region", region, strlen(region));
			size_t len = 0;
			const char *text = asl_to_json(a, input, &len);
			put_string(a, d, "parameters", text, len);
		} else {
			put_string(a, d, "resource", resource, strlen(resource));
			put_text(a, d, "input", "inputDetails", input);
		}
		if (timeout > 0)
			put(a, d, "timeoutInSeconds", asl_integer(a, (int64_t)timeout));
		if (heartbeat > 0 && kind != TASK_LAMBDA)
			put(a, d, "heartbeatInSeconds", asl_integer(a, (int64_t)heartbeat));
	}
	task_event(ex, a, "Scheduled", d);
	if (kind == TASK_ACTIVITY && ex->opts.activities_started_by_host)
		return; /* ActivityStarted comes when a worker takes it (asl_task_started) */
	a = begin(ex);
	d = NULL;
	if (a && kind != TASK_LAMBDA) { /* LambdaFunctionStarted has no details */
		d = asl_object(a, 2);
		if (kind == TASK_SERVICE)
			put_service(a, d, resource);
	}
	task_event(ex, a, "Started", d);
}

void asl__history_task_ended(asl_exec *ex, const asl_value *result)
{
	const char *resource = ex->task ? ex->task->resource : "";
	int kind = task_kind(resource);
	asl_arena *a = begin(ex);
	asl_value *d = NULL;
	int timed_out = !result && ex->error &&
			(!strcmp(ex->error, "States.Timeout") ||
			 !strcmp(ex->error, "States.HeartbeatTimeout"));
	if (a) {
		d = result ? asl_object(a, 4)
			   : error_details(a, ex->error, ex->error_len, ex->cause, ex->cause_len,
					   2);
		if (kind == TASK_SERVICE)
			put_service(a, d, resource);
		if (result)
			put_text(a, d, "output", "outputDetails", result);
	}
	task_event(ex, a, result ? "Succeeded" : timed_out ? "TimedOut" : "Failed", d);
}

void asl__history_task_submitted(asl_exec *ex, const asl_value *output)
{
	const char *resource = ex->task ? ex->task->resource : "";
	if (task_kind(resource) != TASK_SERVICE)
		return; /* activities and Lambda ARNs have no Submitted event */
	asl_arena *a = begin(ex);
	asl_value *d = NULL;
	if (a) {
		d = asl_object(a, 4);
		put_service(a, d, resource);
		if (output)
			put_text(a, d, "output", "outputDetails", output);
	}
	task_event(ex, a, "Submitted", d);
}

void asl__history_activity_started(asl_exec *ex, const char *worker)
{
	asl_arena *a = begin(ex);
	asl_value *d = NULL;
	if (a) {
		d = asl_object(a, 1);
		if (worker && *worker)
			put_string(a, d, "workerName", worker, strlen(worker));
	}
	ex->prev_event = deliver(ex, "ActivityStarted", ex->prev_event,
				 a ? "activityStartedEventDetails" : NULL, d);
}
