/* Task states: finding a resource's binding and calling it (a linked C handler, a command, an
 * HTTP endpoint or a mocked response), with AWS's error semantics for what comes back. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "asl/platform.h"
#include "exec.h"

asl_value *asl_enter_retryable(asl_exec *ex, int index, const asl_task *task)
{
	asl_value *raw = asl_enter(ex, index);
	ex->retryable = 1;
	ex->retry_count = 0;
	ex->task = task;
	return raw;
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

static const char *find_binding(asl_exec *ex, const char *resource)
{
	for (size_t i = 0; i < ex->opts.binding_count; i++)
		if (matches(ex->opts.bindings[i].resource, resource))
			return ex->opts.bindings[i].binding;
	for (int i = 0; i < ex->machine->binding_count; i++)
		if (matches(ex->machine->bindings[i].resource, resource))
			return ex->machine->bindings[i].binding;
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

static asl_value *task_failed(asl_exec *ex, const char *error, const char *fmt, const char *a,
			      const char *b)
{
	size_t n = strlen(fmt) + strlen(a) + strlen(b) + 1;
	char *cause = asl_arena_alloc(asl_heap(ex), n);
	if (!cause) {
		asl_fail_oom(ex);
		return NULL;
	}
	snprintf(cause, n, fmt, a, b);
	asl_fail(ex, error, cause);
	return NULL;
}

static asl_value *run_c(asl_exec *ex, const asl_task *t, const char *name, asl_value *input,
			double timeout)
{
	const asl_handler *h = find_handler(ex, name);
	if (!h)
		return task_failed(ex, "States.TaskFailed",
				   "The C handler '%s' for resource '%s' is not linked in (aslc --link "
				   "FILE, or register it through asl_options.handlers).", name,
				   t->resource);
	asl_task_call call = {t->resource, ex->machine->state_names[ex->state], input,
			      asl_heap(ex), h->user, NULL, NULL, NULL};
	int64_t start = asl__now(ex);
	int rc = h->fn(&call);
	if (timeout > 0 && (double)(asl__now(ex) - start) > timeout * 1000)
		return task_failed(ex, "States.Timeout", "The task '%s' ran longer than its %s.",
				   t->resource, "TimeoutSeconds");
	if (rc != ASL_TASK_OK) {
		asl_fail(ex, call.error ? call.error : "States.TaskFailed", call.cause);
		return NULL;
	}
	if (!call.result && asl_heap(ex)->failed)
		return asl_fail_oom(ex), NULL; /* the handler's result did not fit */
	if (!call.result)
		return task_failed(ex, "States.TaskFailed", "The C handler '%s' of '%s' returned "
							     "success without a result.", name,
				   t->resource);
	return call.result;
}

/* A Lambda-style error object {"errorType": ..., "errorMessage": ...} in `text`, if any. */
static int lambda_error(asl_exec *ex, const char *text, size_t len)
{
	asl_parse_error perr;
	const asl_value *v = len ? asl_parse(asl_heap(ex), text, len, 0, &perr) : NULL;
	const asl_value *type = asl_object_get(v, "errorType", 9);
	if (!type || type->type != ASL_STRING)
		return 0;
	const asl_value *msg = asl_object_get(v, "errorMessage", 12);
	if (msg && msg->type != ASL_STRING)
		msg = asl_cstring(asl_heap(ex), asl__json(ex, msg));
	asl__fail_values(ex, type, msg);
	return 1;
}

static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\n' && s[i] != '\r' && s[i] != '\t')
			return 0;
	return 1;
}

/* How long a task may wait: its TimeoutSeconds or what is left of the execution's, whichever
 * ends first (*execution says it is the execution's); 0: no limit. */
static int64_t wait_limit(asl_exec *ex, double timeout, int *execution)
{
	int64_t own = timeout > 0 ? asl__ms_of_seconds(timeout) : 0;
	*execution = 0;
	if (!ex->deadline_ms)
		return own;
	int64_t left = ex->deadline_ms - asl__now(ex);
	if (own && own <= left)
		return own;
	*execution = 1;
	return left > 1 ? left : 1;
}

static asl_value *run_exec(asl_exec *ex, const asl_task *t, const char *command,
			   asl_value *input, double timeout, double heartbeat)
{
	size_t len;
	const char *json = asl_to_json(asl_heap(ex), input, &len);
	asl_process_result r;
	if (!json)
		return NULL;
	asl_cancel cancel = {asl__cancelled_cb, ex};
	int execution;
	int64_t limit = wait_limit(ex, timeout, &execution);
	if (asl_platform_run(command, json, len, limit, asl__ms_of_seconds(heartbeat), &cancel,
			     &r) < 0)
		return task_failed(ex, "States.TaskFailed", "Cannot start the command '%s' of '%s'.",
				   command, t->resource);
	asl_value *result = NULL;
	char detail[600];
	if (r.cancelled) {
		asl_fail(ex, "States.Runtime", "cancelled"); /* a sibling failed; nobody sees this */
	} else if (r.timed_out && execution) {
		asl__time_out(ex);
	} else if (r.overflow) { /* it was killed for it: say so, not "killed by signal 9" */
		task_failed(ex, "States.TaskFailed", "The command of '%s' wrote more output than %s.",
			    t->resource, "64 MiB");
	} else if (r.timed_out || r.heartbeat_timed_out) {
		task_failed(ex, "States.Timeout",
			    r.timed_out ? "The task '%s' did not finish within its %s; it was killed."
					: "The task '%s' sent no heartbeat within its %s; it was killed.",
			    t->resource, r.timed_out ? "TimeoutSeconds" : "HeartbeatSeconds");
	} else if (r.exit_status != 0) {
		if (!lambda_error(ex, r.out, r.out_len) && !lambda_error(ex, r.err, r.err_len)) {
			size_t tail = r.err_len > 400 ? r.err_len - 400 : 0;
			if (r.signal)
				snprintf(detail, sizeof detail, "killed by signal %d", r.signal);
			else
				snprintf(detail, sizeof detail, "exited with status %d", r.exit_status);
			snprintf(detail + strlen(detail), sizeof detail - strlen(detail), "%s%s",
				 r.err_len ? ": " : "", r.err ? r.err + tail : "");
			task_failed(ex, "States.TaskFailed", "The command of '%s' %s", t->resource,
				    detail);
		}
	} else if (blank(r.out ? r.out : "", r.out_len)) {
		result = asl_null();
	} else {
		asl_parse_error perr;
		result = asl_parse(asl_heap(ex), r.out, r.out_len, 0, &perr);
		if (!result) {
			snprintf(detail, sizeof detail, "line %d, column %d: %s", perr.line,
				 perr.column, perr.message);
			task_failed(ex, "States.TaskFailed",
				    "The command of '%s' printed output that is not JSON (%s).",
				    t->resource, detail);
		}
	}
	asl_platform_process_free(&r);
	return result;
}

static asl_value *run_http(asl_exec *ex, const char *url, asl_value *input, double timeout)
{
	size_t len;
	const char *json = asl_to_json(asl_heap(ex), input, &len);
	asl_http_result r;
	if (!json)
		return NULL;
	int execution;
	asl_cancel cancel = {asl__cancelled_cb, ex};
	if (asl_platform_http_post(url, json, len, wait_limit(ex, timeout, &execution), &cancel,
				   &r) < 0) {
		task_failed(ex, "States.TaskFailed", "The request to %s failed: %s", url, r.error);
		asl_platform_http_free(&r);
		return NULL;
	}
	asl_value *result = NULL;
	char status[32];
	snprintf(status, sizeof status, "%ld", r.status);
	if (r.cancelled) {
		asl_fail(ex, "States.Runtime", "cancelled"); /* a sibling failed; nobody sees this */
	} else if (r.timed_out && execution) {
		asl__time_out(ex);
	} else if (r.timed_out) {
		task_failed(ex, "States.Timeout", "The request to %s did not finish within its %s.",
			    url, "TimeoutSeconds");
	} else if (r.function_error || r.status < 200 || r.status > 299) {
		/* Lambda's convention: the body describes the error */
		if (!lambda_error(ex, r.body, r.body_len))
			task_failed(ex, "States.TaskFailed", "HTTP status %s from %s", status, url);
	} else if (blank(r.body ? r.body : "", r.body_len)) {
		result = asl_null();
	} else {
		asl_parse_error perr;
		result = asl_parse(asl_heap(ex), r.body, r.body_len, 0, &perr);
		if (!result)
			task_failed(ex, "States.TaskFailed", "The response of %s is not JSON (%s).", url,
				    perr.message);
	}
	asl_platform_http_free(&r);
	return result;
}

asl_value *asl_task_run(asl_exec *ex, const asl_task *t, asl_value *input, double timeout,
			double heartbeat)
{
	asl_value *result = NULL;
	if (asl__past_deadline(ex))
		return asl__time_out(ex), NULL;
	if (!asl__mock_invoke(ex, &result)) {
		const char *b = find_binding(ex, t->resource);
		if (!b)
			return task_failed(ex, "States.TaskFailed",
					   "No binding for the resource '%s'. Bind it with --task "
					   "'%s=BINDING' (c:SYMBOL, exec:COMMAND, http(s)://URL or "
					   "mock:).", t->resource, t->resource);
		if (!strncmp(b, "c:", 2))
			result = run_c(ex, t, b + 2, input, timeout);
		else if (!strncmp(b, "exec:", 5))
			result = run_exec(ex, t, b + 5, input, timeout, heartbeat);
		else if (!strncmp(b, "http://", 7) || !strncmp(b, "https://", 8))
			result = run_http(ex, b, input, timeout);
		else if (!strcmp(b, "mock:"))
			return task_failed(ex, "States.TaskFailed",
					   "The resource '%s' is bound to mock: but the mock test case "
					   "has no response for this state%s.", t->resource,
					   ex->opts.mock_config ? "" : " (no --mock-config given)");
		else
			return task_failed(ex, "States.TaskFailed", "Unknown binding '%s' for '%s'.", b,
					   t->resource);
	}
	/* a C handler cannot be interrupted: the execution's timeout applies when it returns */
	if (asl__past_deadline(ex) && !ex->timed_out)
		return asl__time_out(ex), NULL;
	size_t size = result ? asl_json_size(result, ASL_PAYLOAD_LIMIT) : 0;
	if (size == ASL_TOO_DEEP)
		return task_failed(ex, "States.TaskFailed", "The result of '%s' is nested more than "
							     "%s levels deep.", t->resource, "512");
	if (size > ASL_PAYLOAD_LIMIT)
		return task_failed(ex, "States.DataLimitExceeded",
				   "The state/task '%s' returned a result with a size exceeding the "
				   "maximum number of bytes service limit.%s", t->resource, "");
	return result;
}

double asl_task_seconds(asl_exec *ex, const char *field, const asl_path *path,
			const asl_value *v)
{
	if (!v) {
		if (!asl__fail_unassigned(ex, path))
			asl_fail_path(ex, path);
		return -1;
	}
	if (v->type != ASL_NUMBER || !asl_is_integral(v) || v->u.number < 1 ||
	    v->u.number > 99999999) {
		asl_fail_runtime(ex, "The %s field refers to value \"%s\" which is not a valid "
				     "positive integer: %s", field, asl__json(ex, v), path->text);
		return -1;
	}
	return v->u.number;
}
