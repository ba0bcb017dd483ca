/* The optimized Lambda integration, arn:aws:states:::lambda:invoke (and .waitForTaskToken): the
 * function named by the effective input's FunctionName runs through its binding with the
 * Payload, and the Task's result is Lambda's Invoke response as Step Functions returns it
 * (ExecutedVersion, Payload, SdkHttpMetadata, SdkResponseMetadata, StatusCode). A function's
 * error becomes the error Step Functions reports: the errorType, with a cause that is the JSON
 * {"errorMessage","errorType"}. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bindings.h"

int asl__lambda_function(const char *s, size_t len, asl_lambda_function *out)
{
	const char *end = s + len, *p = s;
	/* a function ARN, whole or partial: ...:function:NAME[:QUALIFIER] */
	for (const char *q = s; q + 10 <= end; q++)
		if (!memcmp(q, ":function:", 10)) {
			p = q + 10;
			break;
		}
	if (p == s && (len >= 4 && !memcmp(s, "arn:", 4)))
		return -1; /* an ARN, but not of a function */
	const char *colon = memchr(p, ':', (size_t)(end - p));
	out->name = p;
	out->name_len = colon ? (size_t)(colon - p) : (size_t)(end - p);
	out->qualifier = colon ? colon + 1 : NULL;
	out->qualifier_len = colon ? (size_t)(end - colon - 1) : 0;
	if (!out->name_len ||
	    (colon && (!out->qualifier_len || memchr(colon + 1, ':', out->qualifier_len))))
		return -1;
	return 0;
}

/* The version that ran: a numeric qualifier is one; an alias or none runs $LATEST here. */
static const char *executed_version(asl_exec *ex, const asl_lambda_function *f)
{
	int digits = f->qualifier_len > 0;
	for (size_t i = 0; i < f->qualifier_len; i++)
		digits &= f->qualifier[i] >= '0' && f->qualifier[i] <= '9';
	if (!digits)
		return "$LATEST";
	asl_value *v = asl_string(asl_heap(ex), f->qualifier, f->qualifier_len);
	return v ? asl_string_ptr(v) : "$LATEST";
}

static int put(asl_arena *a, asl_value *o, const char *key, asl_value *v)
{
	return v && asl_object_append(a, o, key, strlen(key), v) == 0 ? 0 : -1;
}

/* SdkHttpMetadata: the headers Lambda's Invoke answers with, in AWS's orders (AllHttpHeaders as
 * lists, as recorded; HttpHeaders sorted). X-Amzn-Trace-Id is left out: nothing traces here. */
static asl_value *http_metadata(asl_exec *ex, const char *version, const char *request_id,
				size_t payload_len)
{
	asl_arena *a = asl_heap(ex);
	char date[64], length[32];
	time_t t = (time_t)(asl__now(ex) / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	static const char days[] = "SunMonTueWedThuFriSat",
			  months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	snprintf(date, sizeof date, "%.3s, %02d %.3s %04d %02d:%02d:%02d GMT",
		 days + 3 * tm.tm_wday, tm.tm_mday, months + 3 * tm.tm_mon, tm.tm_year + 1900,
		 tm.tm_hour, tm.tm_min, tm.tm_sec);
	snprintf(length, sizeof length, "%zu", payload_len);
	const char *all[][2] = {
		{"X-Amz-Executed-Version", version}, {"x-amzn-Remapped-Content-Length", "0"},
		{"Connection", "keep-alive"},        {"x-amzn-RequestId", request_id},
		{"Content-Length", length},          {"Date", date},
		{"Content-Type", "application/json"}};
	static const int sorted[] = {2, 4, 6, 5, 0, 1, 3};
	size_t n = sizeof all / sizeof all[0];
	asl_value *lists = asl_object(a, n), *plain = asl_object(a, n), *m = asl_object(a, 3);
	if (!lists || !plain || !m)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		asl_value *list = asl_array(a, 1);
		if (!list || asl_array_push(a, list, asl_cstring(a, all[i][1])) < 0 ||
		    put(a, lists, all[i][0], list) < 0 ||
		    put(a, plain, all[sorted[i]][0], asl_cstring(a, all[sorted[i]][1])) < 0)
			return NULL;
	}
	if (put(a, m, "AllHttpHeaders", lists) < 0 || put(a, m, "HttpHeaders", plain) < 0 ||
	    put(a, m, "HttpStatusCode", asl_integer(a, 200)) < 0)
		return NULL;
	return m;
}

/* Lambda's Invoke response around the function's result. */
static asl_value *response(asl_exec *ex, const asl_lambda_function *f, asl_value *payload)
{
	asl_arena *a = asl_heap(ex);
	const asl_value *id = asl_fn_uuid(ex, NULL, 0);
	size_t len = 0;
	if (!id || !asl_to_json(a, payload, &len))
		return NULL;
	const char *version = executed_version(ex, f);
	asl_value *r = asl_object(a, 5), *meta = asl_object(a, 1);
	if (!r || !meta || put(a, meta, "RequestId", asl_copy(a, id)) < 0 ||
	    put(a, r, "ExecutedVersion", asl_cstring(a, version)) < 0 ||
	    put(a, r, "Payload", payload) < 0 ||
	    put(a, r, "SdkHttpMetadata", http_metadata(ex, version, asl_string_ptr(id), len)) < 0 ||
	    put(a, r, "SdkResponseMetadata", meta) < 0 ||
	    put(a, r, "StatusCode", asl_integer(a, 200)) < 0)
		return asl_fail_oom(ex), NULL;
	return r;
}

/* The function raised an error (not one of Step Functions' own, States.*): its cause becomes
 * Lambda's error payload, as Step Functions reports a function error. */
static void function_error(asl_exec *ex)
{
	if (!ex->error || !strncmp(ex->error, "States.", 7) || ex->timed_out)
		return;
	asl_arena *a = asl_heap(ex);
	asl_value *o = asl_object(a, 2);
	size_t len;
	const char *json;
	if (!o ||
	    (ex->cause && put(a, o, "errorMessage", asl_string(a, ex->cause, ex->cause_len)) < 0) ||
	    put(a, o, "errorType", asl_string(a, ex->error, ex->error_len)) < 0 ||
	    !(json = asl_to_json(a, o, &len))) {
		asl_fail_oom(ex);
		return;
	}
	asl__fail_text(ex, ex->error, ex->error_len, json, len);
}

static asl_value *invoke(asl_exec *ex, const asl_task *t, asl_value *input, double timeout,
			 double heartbeat, int callback)
{
	const asl_value *fn = asl_object_get(input, "FunctionName", 12);
	asl_lambda_function f;
	if (fn && (fn->type != ASL_STRING ||
		   asl__lambda_function(asl_string_ptr(fn), asl_string_len(fn), &f) < 0))
		return asl__task_failed(
			ex, "Lambda.InvalidParameterValueException",
			"The FunctionName of '%s' is not a function name or ARN: %s", t->resource,
			asl__json(ex, fn));
	const char *b = fn ? asl__function_binding(ex, f.name, f.name_len) : NULL;
	if (!b && !callback && (b = asl__find_binding(ex, t->resource)))
		/* one binding for the resource: it gets the whole input, as before integrations */
		return asl__run_bound(ex, t, b, input, timeout, heartbeat);
	if (!b && !fn)
		return asl__no_binding(ex, "resource", t->resource);
	if (!b) {
		asl_value *name = asl_string(asl_heap(ex), f.name, f.name_len);
		return name ? asl__no_binding(ex, "function", asl_string_ptr(name))
			    : (asl_fail_oom(ex), NULL);
	}
	asl_value *payload = (asl_value *)asl_object_get(input, "Payload", 7);
	if (!payload && !(payload = asl_object(asl_heap(ex), 0)))
		return asl_fail_oom(ex), NULL;
	asl_value *result = asl__run_bound(ex, t, b, payload, timeout, heartbeat);
	if (ex->phase == ASL_PHASE_TASK)
		return NULL; /* a c: handler completes it later: its outcome is the result */
	if (!result) {
		function_error(ex);
		return NULL;
	}
	/* waitForTaskToken: what the function returns is what it would send with the token */
	return callback ? result : response(ex, &f, result);
}

asl_value *asl__lambda_invoke(asl_exec *ex, const asl_task *t, asl_value *input, double timeout,
			      double heartbeat)
{
	return invoke(ex, t, input, timeout, heartbeat, 0);
}

asl_value *asl__lambda_invoke_callback(asl_exec *ex, const asl_task *t, asl_value *input,
				       double timeout, double heartbeat)
{
	return invoke(ex, t, input, timeout, heartbeat, 1);
}
