/* Raising ASL errors with the names and cause texts AWS records. */
#include <stdarg.h>
#include <string.h>

#include "exec.h"
#include "format.h"

int asl__fail_text(asl_exec *ex, const char *error, size_t error_len, const char *cause,
		   size_t cause_len)
{
	if (asl_heap(ex)->failed && !ex->timed_out) {
		error = ASL_OOM_ERROR;
		error_len = sizeof ASL_OOM_ERROR - 1;
		cause = ASL_OOM_CAUSE;
		cause_len = sizeof ASL_OOM_CAUSE - 1;
	}
	ex->failed = 1;
	ex->error = error;
	ex->error_len = error ? error_len : 0;
	ex->cause = cause;
	ex->cause_len = cause ? cause_len : 0;
	return ASL_FAILED;
}

int asl_fail(asl_exec *ex, const char *error, const char *cause)
{
	return asl__fail_text(ex, error, error ? strlen(error) : 0, cause,
			      cause ? strlen(cause) : 0);
}

int asl__fail_values(asl_exec *ex, const asl_value *error, const asl_value *cause)
{
	int e = error && error->type == ASL_STRING, c = cause && cause->type == ASL_STRING;
	return asl__fail_text(ex, e ? error->u.string.ptr : NULL, e ? error->u.string.len : 0,
			      c ? cause->u.string.ptr : NULL, c ? cause->u.string.len : 0);
}

int asl_fail_oom(asl_exec *ex)
{
	return asl_fail(ex, ASL_OOM_ERROR, ASL_OOM_CAUSE);
}

int asl_failed(asl_exec *ex)
{
	return ex->failed ? ASL_FAILED : asl_fail_oom(ex);
}

const char *asl__json(asl_exec *ex, const asl_value *v)
{
	const char *s = asl_to_json(asl_heap(ex), v, NULL);
	return s ? s : "";
}

int asl_fail_runtime(asl_exec *ex, const char *fmt, ...)
{
	char detail[512];
	va_list ap;
	va_start(ap, fmt);
	int dn = asl__vfmt(detail, sizeof detail, fmt, ap);
	va_end(ap);
	char *big = NULL;
	if (dn >= (int)sizeof detail) {
		/* causes embed whole inputs: format again into a buffer that fits */
		big = asl_arena_alloc(asl_heap(ex), (size_t)dn + 1);
		if (big) {
			va_start(ap, fmt);
			asl__vfmt(big, (size_t)dn + 1, fmt, ap);
			va_end(ap);
		}
	}
	const char *name = ex->machine->state_names[ex->state];
	const char *prefix = "An error occurred while executing the state '%s' (entered at the "
			     "event id #%lld). %s";
	const char *d = big ? big : detail;
	size_t n = strlen(prefix) + strlen(name) + strlen(d) + 16;
	char *cause = asl_arena_alloc(asl_heap(ex), n);
	if (!cause)
		return asl_fail_oom(ex);
	asl__fmt(cause, n, prefix, name, (long long)ex->entered_event, d);
	return asl_fail(ex, "States.Runtime", cause);
}

asl_value *asl_miss(asl_exec *ex, const asl_path *path, int seg)
{
	ex->miss_path = path;
	ex->miss_seg = seg;
	return NULL;
}

const char *asl__jayway_path(asl_exec *ex, const asl_path *path, int upto)
{
	asl_buffer b;
	asl_buffer_init(&b, asl_heap(ex));
	asl_buffer_append(&b, "$", 1);
	for (int i = 0; i < upto && i < path->seg_count; i++) {
		const asl_seg *s = &path->segs[i];
		char num[32];
		if (s->kind == ASL_SEG_KEY) {
			asl_buffer_append(&b, "['", 2);
			asl_buffer_append(&b, s->key, s->key_len);
			asl_buffer_append(&b, "']", 2);
		} else if (s->kind == ASL_SEG_INDEX) {
			asl__fmt(num, sizeof num, "[%lld]", (long long)s->index);
			asl_buffer_append(&b, num, strlen(num));
		}
	}
	asl_buffer_append(&b, "", 0);
	return b.data ? b.data : "$";
}

/* Jayway: a missing leaf is "No results for path: <whole path>", a missing step before the
 * leaf is "Missing property in path <path up to that step>". */
static const char *miss_message(asl_exec *ex, const asl_path *path, char *buf, size_t n)
{
	int seg = ex->miss_path == path ? ex->miss_seg : path->seg_count - 1;
	if (seg >= path->seg_count - 1)
		asl__fmt(buf, n, "No results for path: %s",
			 asl__jayway_path(ex, path, path->seg_count));
	else
		asl__fmt(buf, n, "Missing property in path %s",
			 asl__jayway_path(ex, path, seg + 1));
	return buf;
}

int asl__fail_unassigned(asl_exec *ex, const asl_path *path)
{
	if (path->var_slot < 0 || ex->vars[path->var_slot])
		return 0;
	return asl_fail_runtime(ex,
				"The variable '$%s' referenced by '%s' has not been assigned "
				"a value.",
				ex->machine->var_names[path->var_slot], path->text);
}

int asl_fail_path(asl_exec *ex, const asl_path *path)
{
	if (asl__fail_unassigned(ex, path))
		return ASL_FAILED;
	char msg[400];
	return asl_fail_runtime(ex, "Invalid path '%s' : %s", path->text,
				miss_message(ex, path, msg, sizeof msg));
}

int asl_fail_choice_path(asl_exec *ex, const asl_path *path)
{
	return asl_fail_path(ex, path);
}

asl_value *asl_fail_template(asl_exec *ex, const asl_path *path, const char *field,
			     const asl_value *input)
{
	if (asl__fail_unassigned(ex, path))
		return NULL;
	asl_fail_runtime(ex,
			 "The JSONPath '%s' specified for the field '%s' could not be found in "
			 "the input '%s'",
			 path->text, field, asl__json(ex, input));
	return NULL;
}

int asl_fail_no_choice(asl_exec *ex)
{
	return asl_fail(ex, "States.NoChoiceMatched", "No Matches!");
}

int asl_fail_state(asl_exec *ex, const asl_value *error, const asl_value *cause)
{
	return asl__fail_values(ex, error, cause);
}

static int fail_field_missing(asl_exec *ex, const char *field, const asl_path *path)
{
	if (asl__fail_unassigned(ex, path))
		return ASL_FAILED;
	return asl_fail_runtime(ex,
				"The JSONPath '%s' specified for the field '%s' could not be found "
				"in the input '%s'",
				path->text, field, asl__json(ex, ex->data));
}

int asl_fail_state_path(asl_exec *ex, const asl_path *error_path, const asl_value *error,
			const asl_path *cause_path, const asl_value *cause)
{
	if (error_path && !error)
		return fail_field_missing(ex, "ErrorPath", error_path);
	if (cause_path && !cause)
		return fail_field_missing(ex, "CausePath", cause_path);
	/* AWS renders a non-string value as its JSON text */
	if (error && error->type != ASL_STRING)
		error = asl_cstring(asl_heap(ex), asl__json(ex, error));
	if (cause && cause->type != ASL_STRING)
		cause = asl_cstring(asl_heap(ex), asl__json(ex, cause));
	if ((error_path && !error) || (cause_path && !cause))
		return asl_fail_oom(ex);
	return asl__fail_values(ex, error, cause);
}

int asl_fail_data_limit(asl_exec *ex)
{
	const char *name = ex->machine->state_names[ex->state];
	const char *fmt = "The state/task '%s' returned a result with a size exceeding the maximum "
			  "number of bytes service limit.";
	size_t n = strlen(fmt) + strlen(name);
	char *cause = asl_arena_alloc(asl_heap(ex), n);
	if (!cause)
		return asl_fail_oom(ex);
	asl__fmt(cause, n, fmt, name);
	return asl_fail(ex, "States.DataLimitExceeded", cause);
}

asl_value *asl_fail_intrinsic(asl_exec *ex, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	asl__vfmt(buf, sizeof buf, fmt, ap);
	va_end(ap);
	asl_value *cause = asl_cstring(asl_heap(ex), buf);
	if (!cause)
		asl_fail_oom(ex);
	else
		asl_fail(ex, "States.IntrinsicFailure", cause->u.string.ptr);
	return NULL;
}
