/* The Task resources the service handles itself: activities (queued for workers that poll),
 * callbacks (`.waitForTaskToken`: the "send" part runs through the resource's binding when it
 * has one, then the state waits for SendTask*), and nested executions
 * (arn:aws:states:::states:startExecution, request-response, .sync, .sync:2). The handler only
 * records the token; the engine stores it with the step's checkpoint and then publishes it
 * (sv_publish), so nothing leaves the service before it is committed. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "engine.h"

static const char *copy(asl_arena *a, const char *s, size_t len)
{
	return s ? sv_printf(a, "%.*s", (int)len, s) : NULL;
}

static const char *binding_of(sv_server *srv, const char *resource)
{
	for (size_t i = 0; i < srv->binding_count; i++)
		if (!strcmp(srv->bindings[i].resource, resource))
			return srv->bindings[i].binding;
	return NULL;
}

/* lambda:invoke's FunctionName (a name, NAME:QUALIFIER or a function ARN) -> the name. */
static const char *function_name(asl_arena *a, const asl_value *input)
{
	const asl_value *fn = asl_object_get(input, "FunctionName", 12);
	if (!asl_is_string(fn))
		return NULL;
	const char *s = asl_string_ptr(fn), *f = strstr(s, ":function:");
	if (f)
		s = f + 10;
	const char *colon = strchr(s, ':');
	return sv_printf(a, "%.*s", (int)(colon ? (size_t)(colon - s) : strlen(s)), s);
}

/* A callback's "send" part: the resource's binding, or for lambda:invoke the function's, with
 * its Payload. Without a binding nothing is sent (a test takes the token from the history). */
static int send(sv_server *srv, asl_task_call *call)
{
	const char *b = binding_of(srv, call->resource);
	asl_task_call part = *call;
	if (!b && !strncmp(call->resource, "arn:aws:states:::lambda:invoke", 30)) {
		const char *fn = function_name(call->arena, call->input);
		b = fn ? binding_of(srv, fn) : NULL;
		const asl_value *payload = asl_object_get(call->input, "Payload", 7);
		part.input = payload ? payload : asl_object(call->arena, 0);
	}
	if (!b)
		return ASL_TASK_OK;
	int rc = asl_task_run_binding(&part, b);
	call->result = part.result;
	call->error = part.error;
	call->cause = part.cause;
	return rc;
}

int sv_service_task(asl_task_call *call)
{
	sv_live *l = call->user;
	sv_server *srv = l->srv;
	const char *r = call->resource;
	size_t n = strlen(r);
	int sync = !strcmp(r + n - 7, ".sync:2") ? 2 : !strcmp(r + n - 5, ".sync") ? 1 : 0;
	const char *nested = sync == 2 ? "nested.sync:2" : sync ? "nested.sync" : "nested";
	const char *kind = strstr(r, ":activity:")                                     ? "activity"
			   : !strncmp(r, "arn:aws:states:::states:startExecution", 38) ? nested
										       : "callback";
	if (!strcmp(kind, "activity")) {
		asl_arena a;
		asl_arena_init(&a, NULL);
		st_activity act;
		int rc = srv->store->ops->activity_get(srv->store, r, &a, &act);
		asl_arena_destroy(&a);
		if (rc) {
			call->error = "States.Runtime";
			call->cause = sv_printf(call->arena, "The activity %s does not exist.", r);
			return ASL_TASK_ERROR;
		}
	} else if (!strcmp(kind, "callback") && send(srv, call) == ASL_TASK_ERROR) {
		return ASL_TASK_ERROR; /* the send part failed: the task fails */
	}
	size_t len = 0;
	const char *input = asl_to_json(call->arena, call->input, &len);
	pthread_mutex_lock(&srv->lock);
	asl_arena *a = &l->fresh_arena;
	sv_fresh_task *f = asl_arena_alloc(a, sizeof *f);
	if (f) {
		memset(f, 0, sizeof *f);
		f->task.token = st_cstr(copy(a, call->token, strlen(call->token)));
		f->task.execution_id = l->id;
		f->task.kind = st_cstr(kind);
		f->task.scheduled_ms = sv_now_ms();
		f->sync = sync;
		if (!strcmp(kind, "activity")) {
			f->task.activity_arn = st_cstr(copy(a, r, n));
			f->task.input = (st_text){copy(a, input, len), len};
			f->task.status = ST_TASK_SCHEDULED;
		} else if (!strncmp(kind, "nested", 6)) { /* the child starts after the commit */
			f->task.input = (st_text){copy(a, input, len), len};
			f->task.status = ST_TASK_SCHEDULED;
		} else {
			f->task.status = ST_TASK_STARTED;
		}
		f->next = l->fresh;
		l->fresh = f;
	}
	pthread_mutex_unlock(&srv->lock);
	if (!strcmp(kind, "activity"))
		call->heartbeat_later = 1; /* HeartbeatSeconds runs from ActivityStarted */
	if (!f || !f->task.token.ptr) {
		call->error = "States.Runtime";
		call->cause = "out of memory";
		return ASL_TASK_ERROR;
	}
	return ASL_TASK_PENDING;
}

/* A failure for a nested task whose child could not start: stored, then delivered. */
static void fail_nested(sv_server *srv, const char *token, const char *error, const char *cause)
{
	asl_arena a;
	asl_arena_init(&a, NULL);
	st_task t;
	if (srv->store->ops->task_get(srv->store, token, &a, &t) == 0 &&
	    t.status != ST_TASK_CLOSED) {
		t.status = ST_TASK_DONE;
		t.succeeded = 0;
		t.error = st_cstr(error);
		t.cause = st_cstr(cause);
		if (srv->store->ops->task_update(srv->store, &t) == 0)
			sv_engine_deliver(srv, &t, NULL, error, cause);
	}
	asl_arena_destroy(&a);
}

void sv_nested_start(sv_server *srv, int64_t parent_id, const char *token, const char *params,
		     size_t len)
{
	sv_call c;
	sv_call_init(&c, srv);
	c.region = srv->cfg.region;
	asl_parse_error perr;
	const asl_value *p = asl_parse(&c.arena, params, len, 0, &perr);
	const asl_value *arn = asl_object_get(p, "StateMachineArn", 15);
	const asl_value *in = asl_object_get(p, "Input", 5);
	const asl_value *name = asl_object_get(p, "Name", 4);
	const char *input = "{}";
	size_t input_len = 2;
	if (asl_is_string(in)) {
		input = asl_string_ptr(in);
		input_len = asl_string_len(in);
	} else if (in) {
		input = asl_to_json(&c.arena, in, &input_len);
	}
	st_execution child;
	/* without a Name the child gets a UUID made from the token: starting it again after a
	 * crash finds the same child (StartExecution's idempotency) */
	uint64_t h1 = sv_hash(0, token, strlen(token)),
		 h2 = sv_hash(h1 ^ 0x5bd1e995, token, strlen(token));
	char *uuid = sv_printf(
		&c.arena, "%08llx-%04llx-4%03llx-a%03llx-%012llx", (unsigned long long)(h1 >> 32),
		(unsigned long long)(h1 >> 16 & 0xffff), (unsigned long long)(h1 & 0xfff),
		(unsigned long long)(h2 >> 52), (unsigned long long)(h2 & 0xffffffffffffULL));
	int rc = asl_is_string(arn)
			 ? sv_start(&c, asl_string_ptr(arn),
				    asl_is_string(name) ? asl_string_ptr(name) : uuid, input,
				    input_len, token, parent_id, &child)
			 : sv_error(&c, "ValidationException",
				    "The StateMachineArn parameter is missing or not a string.");
	if (rc < 0) {
		asl_value *body = asl_parse(&c.arena, c.out.buf.data, c.out.buf.len, 0, &perr);
		const asl_value *msg = asl_object_get(body, "message", 7);
		fail_nested(srv, token,
			    sv_printf(&c.arena, "StepFunctions.%sException", c.error_type),
			    asl_is_string(msg) ? asl_string_ptr(msg) : NULL);
	}
	sv_call_free(&c);
}

void sv_publish(sv_server *srv, sv_live *l, sv_fresh_task *fresh)
{
	for (sv_fresh_task *f = fresh; f; f = f->next) {
		if (!strcmp(f->task.kind.ptr, "activity"))
			sv_activity_push(srv, f->task.activity_arn.ptr, f->task.token.ptr);
		else if (!strncmp(f->task.kind.ptr, "nested", 6))
			sv_nested_start(srv, l->id, f->task.token.ptr, f->task.input.ptr,
					f->task.input.len);
	}
}

/* A nested .sync execution ended: its parent's task row gets DescribeExecution's shape
 * (Output a JSON string, or the value itself with .sync:2); a child that did not succeed
 * fails the task with States.TaskFailed and that shape as the cause. Inside finish()'s
 * transaction; sv_nested_deliver hands it over once that committed. */
int sv_nested_done(sv_server *srv, sv_live *child, const asl_result *r, int64_t stop_ms)
{
	asl_arena a;
	asl_arena_init(&a, NULL);
	st_task t;
	st_execution e;
	int sync = 0;
	int rc = srv->store->ops->task_get(srv->store, child->parent_token, &a, &t);
	if (rc == 0)
		rc = srv->store->ops->execution_get_id(srv->store, child->id, &a, &e);
	if (rc < 0) {
		asl_arena_destroy(&a);
		return -1;
	}
	if (rc || t.status != ST_TASK_STARTED ||
	    !(sync = !strcmp(t.kind.ptr, "nested.sync:2") ? 2
		     : !strcmp(t.kind.ptr, "nested.sync") ? 1
							  : 0)) {
		asl_arena_destroy(&a); /* request-response: answered when it started */
		return 0;
	}
	sv_call c;
	sv_call_init(&c, srv);
	sv_open(&c, NULL);
	sv_put_cstr(&c, "ExecutionArn", child->arn);
	sv_put_string(&c, "Input", e.input.ptr, e.input.len);
	sv_open(&c, "InputDetails");
	sv_put_bool(&c, "Included", 1);
	sv_close(&c);
	sv_put_cstr(&c, "Name", child->name);
	if (r->status == ASL_SUCCEEDED) {
		if (sync == 2)
			sv_put_raw(&c, "Output", r->output, r->output_len);
		else
			sv_put_string(&c, "Output", r->output, r->output_len);
		sv_open(&c, "OutputDetails");
		sv_put_bool(&c, "Included", 1);
		sv_close(&c);
	}
	if (r->error)
		sv_put_string(&c, "Error", r->error, r->error_len);
	if (r->cause)
		sv_put_string(&c, "Cause", r->cause, r->cause_len);
	sv_put_int(&c, "RedriveCount", 0);
	sv_put_int(&c, "StartDate", e.start_ms);
	sv_put_cstr(&c, "StateMachineArn", child->machine_arn);
	sv_put_cstr(&c, "Status",
		    r->status == ASL_SUCCEEDED   ? "SUCCEEDED"
		    : r->status == ASL_TIMED_OUT ? "TIMED_OUT"
		    : r->status == ASL_ABORTED   ? "ABORTED"
						 : "FAILED");
	sv_put_int(&c, "StopDate", stop_ms);
	sv_close(&c);
	asl_buffer_putc(&c.out.buf, '\0');
	const char *text = sv_printf(&child->arena, "%s", c.out.buf.data);
	sv_call_free(&c);
	t.status = ST_TASK_DONE;
	t.succeeded = r->status == ASL_SUCCEEDED;
	if (t.succeeded) {
		t.output = st_cstr(text);
		child->parent_output = text;
	} else {
		t.error = st_cstr("States.TaskFailed");
		t.cause = st_cstr(text);
		child->parent_error = "States.TaskFailed";
		child->parent_cause = text;
	}
	rc = srv->store->ops->task_update(srv->store, &t) ? -1 : 0;
	asl_arena_destroy(&a);
	return rc;
}

void sv_nested_deliver(sv_server *srv, sv_live *child)
{
	if (!child->parent_output && !child->parent_error)
		return;
	asl_arena a;
	asl_arena_init(&a, NULL);
	st_task t = {0};
	t.token = st_cstr(child->parent_token);
	t.execution_id = child->parent_id;
	asl_parse_error perr;
	const asl_value *v = child->parent_output
				     ? asl_parse(&a, child->parent_output,
						 strlen(child->parent_output), 0, &perr)
				     : NULL;
	sv_engine_deliver(srv, &t, v, child->parent_error, child->parent_cause);
	asl_arena_destroy(&a);
}
