/* Task states: finding a resource's binding and calling it (a linked C handler here; a
 * command, an HTTP endpoint or a mocked response through the bindings layer, services.h), or
 * the built-in integration of the resource (services.h) when none is bound, with AWS's error
 * semantics for what comes back. */
#include <math.h>
#include <string.h>

#include "exec.h"
#include "format.h"
#include "services.h"

asl_value *asl_enter_retryable(asl_exec *ex, int index, const asl_task *task)
{
	if (ex->phase) { /* going on after a wait; RETRY: the next attempt, after the backoff */
		if (ex->phase == ASL_PHASE_RETRY)
			ex->phase = ASL_PHASE_NONE;
		ex->task = task; /* a restored execution (snapshot.c) has no pointer of it yet */
		return ex->data;
	}
	asl_value *raw = asl_enter(ex, index);
	ex->retryable = 1;
	ex->retry_count = 0;
	ex->task = task;
	ex->token[0] = '\0';
	if (ex->attempts)
		memset(ex->attempts, 0, (size_t)ex->machine->max_retriers * sizeof *ex->attempts);
	return raw;
}

/* The execution a task's host sees: the top level's. */
static asl_execution *execution_of(asl_exec *ex)
{
	while (ex->parent)
		ex = ex->parent;
	return (asl_execution *)ex; /* asl_execution starts with its top-level asl_exec */
}

/* The handler said it completes later: the state waits for the outcome by token (its
 * heartbeat clock from now, or from the first heartbeat with `heartbeat_later`). */
static asl_value *pending(asl_exec *ex, double timeout, double heartbeat, int heartbeat_later)
{
	if (asl__await(ex) < 0)
		return asl_fail_oom(ex), NULL;
	int64_t now = asl__now(ex);
	memset(&ex->outcome, 0, sizeof ex->outcome);
	ex->phase = ASL_PHASE_TASK;
	ex->wake_ms = timeout > 0 ? now + asl__ms_of_seconds(timeout) : 0;
	ex->heartbeat_ms = heartbeat > 0 ? asl__ms_of_seconds(heartbeat) : 0;
	ex->beat_ms = heartbeat_later ? (int64_t)ASL_MS_FOREVER : now;
	return NULL;
}

/* Called again once the pending task's outcome came, or its time ran out. */
static asl_value *outcome(asl_exec *ex, const asl_task *t)
{
	asl__outcome *o = &ex->outcome;
	ex->phase = ASL_PHASE_NONE;
	if (o->ready && (o->error || o->cause || !o->output)) {
		o->ready = 0;
		if (!o->error && !o->cause && asl_heap(ex)->failed)
			return asl_fail_oom(ex), NULL;
		asl__fail_text(ex, o->error, o->error_len, o->cause, o->cause_len);
		return NULL;
	}
	if (o->ready) {
		o->ready = 0;
		return o->output;
	}
	asl__unawait(ex); /* its time ran out: an outcome that comes now is not for it */
	int64_t now = asl__now(ex);
	/* AWS records both a missed heartbeat and TimeoutSeconds as States.Timeout, without a
	 * cause (ActivityTimedOut / TaskTimedOut {"error": "States.Timeout"}) */
	(void)t;
	int missed = ex->heartbeat_ms && now >= ex->beat_ms + ex->heartbeat_ms;
	if (missed || (ex->wake_ms && now >= ex->wake_ms)) {
		asl_fail(ex, "States.Timeout", NULL);
		ex->heartbeat_missed = missed && !(ex->wake_ms && now >= ex->wake_ms);
		return NULL;
	}
	return asl__time_out(ex), NULL; /* the execution's own deadline, or it was stopped */
}

/* `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]` -> NAME. */
static int lambda_name(const char *resource, const char **name, size_t *len)
{
	const char *f = strstr(resource, ":function:");
	if (strncmp(resource, "arn:", 4) != 0 || !f)
		return 0;
	*name = f + 10;
	const char *colon = strchr(*name, ':');
	*len = colon ? (size_t)(colon - *name) : strlen(*name);
	return 1;
}

static int matches(const char *pattern, const char *resource)
{
	if (!strcmp(pattern, resource))
		return 1;
	const char *name;
	size_t len;
	return lambda_name(resource, &name, &len) && strlen(pattern) == len &&
	       !strncmp(pattern, name, len);
}

const char *asl__find_binding(asl_exec *ex, const char *resource)
{
	for (size_t i = 0; i < ex->opts.binding_count; i++)
		if (matches(ex->opts.bindings[i].resource, resource))
			return ex->opts.bindings[i].binding;
	for (int i = 0; i < ex->machine->binding_count; i++)
		if (matches(ex->machine->bindings[i].resource, resource))
			return ex->machine->bindings[i].binding;
	return NULL;
}

/* A binding's RESOURCE names the function `name`: it is the name, or a function ARN of it. */
static int names_function(const char *pattern, const char *name, size_t len)
{
	const char *n;
	size_t nlen;
	if (!lambda_name(pattern, &n, &nlen))
		n = pattern, nlen = strlen(pattern);
	return nlen == len && !strncmp(n, name, len);
}

const char *asl__function_binding(asl_exec *ex, const char *name, size_t len)
{
	for (size_t i = 0; i < ex->opts.binding_count; i++)
		if (names_function(ex->opts.bindings[i].resource, name, len))
			return ex->opts.bindings[i].binding;
	for (int i = 0; i < ex->machine->binding_count; i++)
		if (names_function(ex->machine->bindings[i].resource, name, len))
			return ex->machine->bindings[i].binding;
	return NULL;
}

/* The built-in integration for `resource`, if any (services.h). */
static const asl__integration *find_integration(const asl__services *sv, const char *resource)
{
	if (strncmp(resource, "arn:aws:states:::", 17) != 0)
		return NULL;
	for (size_t i = 0; i < sv->integration_count; i++)
		if (!strcmp(sv->integrations[i].resource, resource))
			return &sv->integrations[i];
	return NULL;
}

static const asl_handler *find_handler(asl_exec *ex, const char *name)
{
	for (size_t i = 0; i < ex->opts.handler_count; i++)
		if (!strcmp(ex->opts.handlers[i].name, name))
			return &ex->opts.handlers[i];
	for (int i = 0; i < ex->machine->handler_count; i++)
		if (!strcmp(ex->machine->handlers[i].name, name))
			return &ex->machine->handlers[i];
	return NULL;
}

asl_value *asl__task_failed(asl_exec *ex, const char *error, const char *fmt, const char *a,
			    const char *b)
{
	size_t n = strlen(fmt) + strlen(a) + strlen(b) + 1;
	char *cause = asl_arena_alloc(asl_heap(ex), n);
	if (!cause) {
		asl_fail_oom(ex);
		return NULL;
	}
	asl__fmt(cause, n, fmt, a, b);
	asl_fail(ex, error, cause);
	return NULL;
}

static asl_value *run_c(asl_exec *ex, const asl_task *t, const char *name, asl_value *input,
			double timeout, double heartbeat)
{
	const asl_handler *h = find_handler(ex, name);
	if (!h)
		return asl__task_failed(
			ex, "States.TaskFailed",
			"The C handler '%s' for resource '%s' is not linked in (aslc --link "
			"FILE, or register it through asl_options.handlers).",
			name, t->resource);
	asl_task_call call = {t->resource,
			      ex->machine->state_names[ex->state],
			      input,
			      asl_heap(ex),
			      h->user,
			      NULL,
			      NULL,
			      NULL,
			      asl__task_token(ex),
			      execution_of(ex),
			      ex->prev_event, /* history_task_started just delivered it */
			      0,
			      ex};
	int64_t start = asl__now(ex);
	int rc = h->fn(&call);
	if (rc == ASL_TASK_PENDING) {
		if (t->token || strstr(t->resource, ".sync"))
			asl__history_task_submitted(ex, call.result);
		return pending(ex, timeout, heartbeat, call.heartbeat_later);
	}
	if (timeout > 0 && (double)(asl__now(ex) - start) > timeout * 1000)
		return asl__task_failed(ex, "States.Timeout",
					"The task '%s' ran longer than its %s.", t->resource,
					"TimeoutSeconds");
	if (rc != ASL_TASK_OK) {
		asl_fail(ex, call.error ? call.error : "States.TaskFailed", call.cause);
		return NULL;
	}
	if (!call.result && asl_heap(ex)->failed)
		return asl_fail_oom(ex), NULL; /* the handler's result did not fit */
	if (!call.result)
		return asl__task_failed(ex, "States.TaskFailed",
					"The C handler '%s' of '%s' returned "
					"success without a result.",
					name, t->resource);
	return call.result;
}

/* The bindings layer's runner for `binding` (exec:, http://, ...), if any. */
static const asl__task_runner *find_runner(const char *binding)
{
	const asl__services *sv = asl__services_default();
	for (size_t i = 0; i < sv->runner_count; i++)
		if (!strncmp(binding, sv->runners[i].prefix, strlen(sv->runners[i].prefix)))
			return &sv->runners[i];
	return NULL;
}

int asl_task_run_binding(asl_task_call *call, const char *binding)
{
	asl_exec *ex = call->runtime_;
	const asl__task_runner *runner = NULL;
	asl_value *input = (asl_value *)call->input; /* runners read it only */
	if (!strncmp(binding, "c:", 2)) {
		const asl_handler *h = find_handler(ex, binding + 2);
		if (!h) {
			call->error = "States.TaskFailed";
			call->cause = "The C handler of the binding is not linked in.";
			return ASL_TASK_ERROR;
		}
		asl_task_call inner = *call;
		inner.user = h->user;
		inner.result = NULL;
		int rc = h->fn(&inner);
		call->result = inner.result;
		call->error = inner.error;
		call->cause = inner.cause;
		return rc;
	}
	if (!(runner = find_runner(binding))) {
		call->error = "States.TaskFailed";
		call->cause = "Unknown binding.";
		return ASL_TASK_ERROR;
	}
	if ((call->result = runner->run(ex, ex->task, binding, input, 0, 0)))
		return ASL_TASK_OK;
	call->error = ex->error; /* the runner raised it; the handler's caller raises it again */
	call->cause = ex->cause;
	return ASL_TASK_ERROR;
}

asl_value *asl__no_binding(asl_exec *ex, const char *kind, const char *name)
{
	static const char fmt[] = "No binding for the %s '%s'. Bind it with --task '%s=BINDING' "
				  "(c:SYMBOL, exec:COMMAND, http(s)://URL or mock:).";
	size_t n = sizeof fmt + strlen(kind) + 2 * strlen(name);
	char *cause = asl_arena_alloc(asl_heap(ex), n);
	if (!cause)
		return asl_fail_oom(ex), NULL;
	asl__fmt(cause, n, fmt, kind, name, name);
	asl_fail(ex, "States.TaskFailed", cause);
	return NULL;
}

asl_value *asl__run_bound(asl_exec *ex, const asl_task *t, const char *b, asl_value *input,
			  double timeout, double heartbeat)
{
	const asl__task_runner *runner;
	if (!strncmp(b, "c:", 2))
		return run_c(ex, t, b + 2, input, timeout, heartbeat);
	if ((runner = find_runner(b)))
		return runner->run(ex, t, b, input, timeout, heartbeat);
	if (!strcmp(b, "mock:"))
		return asl__task_failed(
			ex, "States.TaskFailed",
			"The resource '%s' is bound to mock: but the mock test case "
			"has no response for this state%s.",
			t->resource, ex->opts.mock_config ? "" : " (no --mock-config given)");
	return asl__task_failed(ex, "States.TaskFailed", "Unknown binding '%s' for '%s'.", b,
				t->resource);
}

/* A binding of the resource, else a built-in integration of it (services.h). */
static asl_value *dispatch(asl_exec *ex, const asl_task *t, asl_value *input, double timeout,
			   double heartbeat)
{
	const asl__integration *in = find_integration(asl__services_default(), t->resource);
	const char *b = in && in->before_binding ? NULL : asl__find_binding(ex, t->resource);
	if (b)
		return asl__run_bound(ex, t, b, input, timeout, heartbeat);
	if (in)
		return in->run(ex, t, input, timeout, heartbeat);
	return asl__no_binding(ex, "resource", t->resource);
}

static asl_value *run_task(asl_exec *ex, const asl_task *t, asl_value *input, double timeout,
			   double heartbeat)
{
	asl_value *result = NULL;
	if (ex->phase == ASL_PHASE_TASK) {
		if (!(result = outcome(ex, t)))
			return NULL;
		goto check;
	}
	if (asl__past_deadline(ex))
		return asl__time_out(ex), NULL;
	const asl__services *sv = asl__services_default();
	if (!sv->mock_invoke || !sv->mock_invoke(ex, &result)) {
		result = dispatch(ex, t, input, timeout, heartbeat);
		if (ex->phase == ASL_PHASE_TASK)
			return NULL; /* pending */
	}
check:
	/* a C handler cannot be interrupted: the execution's timeout applies when it returns */
	if (asl__past_deadline(ex) && !ex->timed_out)
		return asl__time_out(ex), NULL;
	size_t size = result ? asl_json_size(result, ASL_PAYLOAD_LIMIT) : 0;
	if (size == ASL_TOO_DEEP)
		return asl__task_failed(ex, "States.TaskFailed",
					"The result of '%s' is nested more than "
					"%s levels deep.",
					t->resource, "512");
	if (size > ASL_PAYLOAD_LIMIT)
		return asl__task_failed(
			ex, "States.DataLimitExceeded",
			"The state/task '%s' returned a result with a size exceeding the "
			"maximum number of bytes service limit.%s",
			t->resource, "");
	return result;
}

asl_value *asl_task_run(asl_exec *ex, const asl_task *t, asl_value *input, double timeout,
			double heartbeat)
{
	if (ex->phase != ASL_PHASE_TASK && !asl__past_deadline(ex)) /* a new attempt */
		asl__history_task_started(ex, input, timeout, heartbeat);
	asl_value *result = run_task(ex, t, input, timeout, heartbeat);
	/* its end, unless it is pending, or the execution timed out or is being stopped */
	if (ex->phase != ASL_PHASE_TASK && !ex->timed_out && (result || !asl__cancelled(ex)))
		asl__history_task_ended(ex, result);
	return result;
}

double asl_task_seconds(asl_exec *ex, const char *field, const asl_path *path, const asl_value *v)
{
	if (!v) {
		if (!asl__fail_unassigned(ex, path))
			asl_fail_path(ex, path);
		return -1;
	}
	if (v->type != ASL_NUMBER || !asl_is_integral(v) || v->u.number < 1 ||
	    v->u.number > 99999999) {
		asl_fail_runtime(ex,
				 "The %s field refers to value \"%s\" which is not a valid "
				 "positive integer: %s",
				 field, asl__json(ex, v), path->text);
		return -1;
	}
	return v->u.number;
}
