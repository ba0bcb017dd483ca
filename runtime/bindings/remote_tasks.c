/* Task bindings that leave the process: exec:COMMAND (a child process, JSON on its stdin and
 * stdout) and http(s)://URL (a POST), with AWS's error semantics for what comes back (Lambda's
 * {"errorType","errorMessage"} convention included). The core calls them through services.h. */
#include <stdio.h>
#include <string.h>

#include "asl/platform.h"
#include "bindings.h"
#include "json_scan.h"

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

/* How long a task may wait: its TimeoutSeconds or what is left of the execution's, whichever
 * ends first (*execution says it is the execution's); 0: no limit. */
int64_t asl__wait_limit(asl_exec *ex, double timeout, int *execution)
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

asl_value *asl__run_exec(asl_exec *ex, const asl_task *t, const char *binding, asl_value *input,
			 double timeout, double heartbeat)
{
	const char *command = binding + 5; /* after exec: */
	size_t len;
	const char *json = asl_to_json(asl_heap(ex), input, &len);
	asl_process_result r;
	if (!json)
		return NULL;
	asl_cancel cancel = {asl__cancelled_cb, ex};
	int execution;
	int64_t limit = asl__wait_limit(ex, timeout, &execution);
	if (asl_platform_run(command, json, len, limit, asl__ms_of_seconds(heartbeat), &cancel,
			     &r) < 0)
		return asl__task_failed(ex, "States.TaskFailed",
					"Cannot start the command '%s' of '%s'.", command,
					t->resource);
	asl_value *result = NULL;
	char detail[600];
	if (r.cancelled) {
		asl_fail(ex, "States.Runtime",
			 "cancelled"); /* a sibling failed; nobody sees this */
	} else if (r.timed_out && execution) {
		asl__time_out(ex);
	} else if (r.overflow) { /* it was killed for it: say so, not "killed by signal 9" */
		asl__task_failed(ex, "States.TaskFailed",
				 "The command of '%s' wrote more output than %s.", t->resource,
				 "64 MiB");
	} else if (r.timed_out || r.heartbeat_timed_out) {
		asl__task_failed(
			ex, "States.Timeout",
			r.timed_out
				? "The task '%s' did not finish within its %s; it was killed."
				: "The task '%s' sent no heartbeat within its %s; it was killed.",
			t->resource, r.timed_out ? "TimeoutSeconds" : "HeartbeatSeconds");
	} else if (r.exit_status != 0) {
		if (!lambda_error(ex, r.out, r.out_len) && !lambda_error(ex, r.err, r.err_len)) {
			size_t tail = r.err_len > 400 ? r.err_len - 400 : 0;
			if (r.signal)
				snprintf(detail, sizeof detail, "killed by signal %d", r.signal);
			else
				snprintf(detail, sizeof detail, "exited with status %d",
					 r.exit_status);
			snprintf(detail + strlen(detail), sizeof detail - strlen(detail), "%s%s",
				 r.err_len ? ": " : "", r.err ? r.err + tail : "");
			asl__task_failed(ex, "States.TaskFailed", "The command of '%s' %s",
					 t->resource, detail);
		}
	} else if (asl__json_blank(r.out ? r.out : "", r.out_len)) {
		result = asl_null();
	} else {
		asl_parse_error perr;
		result = asl_parse(asl_heap(ex), r.out, r.out_len, 0, &perr);
		if (!result && perr.code == ASL_JSON_NOMEM) {
			asl_fail_oom(ex);
		} else if (!result) {
			snprintf(detail, sizeof detail, "line %d, column %d: %s", perr.line,
				 perr.column, perr.message);
			asl__task_failed(
				ex, "States.TaskFailed",
				"The command of '%s' printed output that is not JSON (%s).",
				t->resource, detail);
		}
	}
	asl_platform_process_free(&r);
	return result;
}

int asl__http_interrupted(asl_exec *ex, const asl_http_result *r, const char *url, int execution)
{
	if (r->cancelled)
		asl_fail(ex, "States.Runtime",
			 "cancelled"); /* a sibling failed; nobody sees this */
	else if (r->timed_out && execution)
		asl__time_out(ex);
	else if (r->timed_out)
		asl__task_failed(ex, "States.Timeout",
				 "The request to %s did not finish within its %s.", url,
				 "TimeoutSeconds");
	return r->cancelled || r->timed_out;
}

asl_value *asl__run_http(asl_exec *ex, const asl_task *t, const char *url, asl_value *input,
			 double timeout, double heartbeat)
{
	(void)t, (void)heartbeat;
	size_t len;
	const char *json = asl_to_json(asl_heap(ex), input, &len);
	asl_http_result r;
	if (!json)
		return NULL;
	int execution;
	asl_cancel cancel = {asl__cancelled_cb, ex};
	if (asl_platform_http_post(url, json, len, asl__wait_limit(ex, timeout, &execution),
				   &cancel, &r) < 0) {
		asl__task_failed(ex, "States.TaskFailed", "The request to %s failed: %s", url,
				 r.error);
		asl_platform_http_free(&r);
		return NULL;
	}
	asl_value *result = NULL;
	char status[32];
	snprintf(status, sizeof status, "%ld", r.status);
	if (asl__http_interrupted(ex, &r, url, execution)) {
		/* raised */
	} else if (r.function_error || r.status < 200 || r.status > 299) {
		/* Lambda's convention: the body describes the error */
		if (!lambda_error(ex, r.body, r.body_len))
			asl__task_failed(ex, "States.TaskFailed", "HTTP status %s from %s", status,
					 url);
	} else if (asl__json_blank(r.body ? r.body : "", r.body_len)) {
		result = asl_null();
	} else {
		asl_parse_error perr;
		result = asl_parse(asl_heap(ex), r.body, r.body_len, 0, &perr);
		if (!result && perr.code == ASL_JSON_NOMEM)
			asl_fail_oom(ex);
		else if (!result)
			asl__task_failed(ex, "States.TaskFailed",
					 "The response of %s is not JSON (%s).", url, perr.message);
	}
	asl_platform_http_free(&r);
	return result;
}
