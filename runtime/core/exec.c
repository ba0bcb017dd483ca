/* The state driver: runs state functions one after another and keeps memory bounded by
 * copying the live data to a fresh heap when the current one has grown. */
#include <stdio.h>
#include <string.h>

#include "exec.h"

#define COMPACT_MIN (1u << 20)
#define DEADLINE_CHECK_EVERY 1024

void asl_options_init(asl_options *opts)
{
	memset(opts, 0, sizeof *opts);
	opts->wait_scale = 1.0;
}

const char *asl_machine_name(const asl_machine *m)
{
	return m->name;
}

int64_t asl__now(asl_exec *ex)
{
	const asl_platform *pf = asl__platform(ex);
	return pf->now_ms(pf->user) + ex->skipped_ms;
}

asl_arena *asl_heap(asl_exec *ex)
{
	return &ex->heaps[ex->heap];
}

asl_value *asl_empty_object(asl_exec *ex)
{
	return asl_object(asl_heap(ex), 0);
}

asl_value *asl_enter(asl_exec *ex, int index)
{
	ex->state = index;
	ex->retryable = 0;
	ex->task = NULL;
	ex->entered_count++;
	ex->entered_ms = -1; /* read from the clock when first needed (asl__entered_ms) */
	ex->context = NULL;
	asl__history_entered(ex);
	return ex->data;
}

int64_t asl__entered_ms(asl_exec *ex)
{
	/* taken lazily: nothing of the state has run yet when $$ is first read, so this is the
	 * entry time to within microseconds, without a clock read per transition */
	if (ex->entered_ms < 0)
		ex->entered_ms = asl__now(ex);
	return ex->entered_ms;
}

int asl_leave(asl_exec *ex, asl_value *output, int next)
{
	if (!output || asl_heap(ex)->failed)
		return asl_fail_oom(ex);
	if (output != ex->data) {
		size_t size = asl_json_size(output, ASL_PAYLOAD_LIMIT);
		if (size == ASL_TOO_DEEP)
			return asl_fail_runtime(ex,
						"The state's output is nested more than %d levels "
						"deep.",
						ASL_PARSE_MAX_DEPTH);
		if (size > ASL_PAYLOAD_LIMIT)
			return asl_fail_data_limit(ex);
	}
	asl__history_exited(ex, output);
	ex->data = output;
	return next;
}

int asl__cancelled_cb(void *ex)
{
	return asl__cancelled(ex);
}

asl_value *asl_var(asl_exec *ex, int slot)
{
	return ex->vars[slot];
}

int asl_assign(asl_exec *ex, asl_value *values, const int *slots)
{
	size_t size = asl_json_size(values, ASL_PAYLOAD_LIMIT);
	if (size == ASL_TOO_DEEP)
		return asl_fail_runtime(ex,
					"The values assigned to variables are nested more than "
					"%d levels deep.",
					ASL_PARSE_MAX_DEPTH);
	if (size > ASL_PAYLOAD_LIMIT)
		return asl_fail_runtime(ex, "The values assigned to variables exceed the limit of "
					    "262144 bytes.");
	for (size_t i = 0; i < values->u.object.len; i++)
		ex->vars[slots[i]] = values->u.object.members[i].value;
	asl__history_assigned(ex, values);
	return 0;
}

/* Copies the live data into the other heap and empties the current one. */
static int compact(asl_exec *ex)
{
	asl_arena *from = &ex->heaps[ex->heap];
	asl_arena *to = &ex->heaps[!ex->heap];
	asl_value *data = asl_copy(to, ex->data);
	if (!data)
		return asl_fail_oom(ex);
	for (int i = 0; i < ex->machine->var_count; i++)
		if (ex->vars[i] && !(ex->vars[i] = asl_copy(to, ex->vars[i])))
			return asl_fail_oom(ex);
	asl_arena_reset(from);
	ex->heap = !ex->heap;
	ex->data = data;
	ex->context = NULL;
	size_t live = to->used;
	ex->compact_at = live * 2 > COMPACT_MIN ? live * 2 : COMPACT_MIN;
	return 0;
}

int asl__past_deadline(asl_exec *ex)
{
	return ex->deadline_ms && asl__now(ex) >= ex->deadline_ms;
}

int asl__time_out(asl_exec *ex)
{
	ex->timed_out = 1;
	return asl_fail(ex, "States.Timeout", NULL);
}

void asl__run_from(asl_exec *ex, int start)
{
	const asl_machine *m = ex->machine;
	int st = start;
	while (st >= 0) {
		if (ex->limits && asl__limits_check(ex) < 0)
			return;
		st = m->states[st](ex);
		if (st < 0) {
			if (st == ASL_FAILED)
				asl__history_group_failed(ex);
			break;
		}
		if (ex->group && asl__group_cancelled(ex))
			return;
		if (asl_heap(ex)->used > ex->compact_at && compact(ex) < 0)
			return;
		if (ex->entered_count % DEADLINE_CHECK_EVERY == 0 && asl__past_deadline(ex)) {
			asl__time_out(ex);
			return;
		}
	}
	if (st == ASL_END && asl__past_deadline(ex))
		asl__time_out(ex);
}

static const char *perm_printf(asl_exec *ex, const char *fmt, const char *a, const char *b)
{
	size_t n = strlen(fmt) + strlen(a) + strlen(b) + 1;
	char *s = asl_arena_alloc(&ex->perm, n);
	if (s)
		snprintf(s, n, fmt, a, b);
	return s ? s : "";
}

static const char *result_string(asl_result *r, const char *s, size_t *len)
{
	asl_value *v = s ? asl_string(&r->arena, s, *len) : NULL;
	*len = v ? v->u.string.len : 0;
	return v ? v->u.string.ptr : NULL;
}

/* The out-of-memory error in static storage: it needs no memory to report. */
static void result_out_of_memory(asl_result *r)
{
	r->status = ASL_FAILED_STATUS;
	r->error = ASL_OOM_ERROR;
	r->error_len = sizeof ASL_OOM_ERROR - 1;
	r->cause = ASL_OOM_CAUSE;
	r->cause_len = sizeof ASL_OOM_CAUSE - 1;
}

/* A machine compiled against another abi.h: nothing of it but the version can be trusted. */
static asl_status abi_mismatch(const asl_machine *m, const asl_options *opts, asl_result *r)
{
	static const char error[] = "States.Runtime";
	char cause[128];
	snprintf(cause, sizeof cause,
		 "the machine was compiled for ABI %d but the runtime is ABI %d", m->abi_version,
		 ASL_ABI_VERSION);
	memset(r, 0, sizeof *r);
	asl_arena_init(&r->arena, opts ? opts->allocator : NULL); /* NULL: the default */
	r->status = ASL_FAILED_STATUS;
	r->error_len = sizeof error - 1;
	r->cause_len = strlen(cause);
	r->error = result_string(r, error, &r->error_len);
	r->cause = result_string(r, cause, &r->cause_len);
	if (r->arena.failed)
		result_out_of_memory(r);
	return ASL_FAILED_STATUS;
}

/* The result's status, output and error, taken out of the finished execution. */
static void fill_result(asl_exec *ex, asl_result *result)
{
	result->status = ex->timed_out ? ASL_TIMED_OUT
			 : ex->failed  ? ASL_FAILED_STATUS
				       : ASL_SUCCEEDED;
	if (ex->failed && ex->limits && atomic_load(&ex->limits->stopped)) {
		result->status = ASL_ABORTED; /* StopExecution without an error or a cause */
		ex->error = ex->cause = NULL;
	}
	result->output_value = NULL;
	result->output = NULL;
	result->output_len = 0;
	result->transitions = (uint64_t)ex->entered_count;
	char limit_cause[96];
	size_t n = asl__memory_limit_cause(ex->limits, ex->cause, ex->cause_len, limit_cause,
					   sizeof limit_cause);
	if (n) {
		ex->cause = limit_cause;
		ex->cause_len = n;
	}
	result->error_len = ex->error_len;
	result->cause_len = ex->cause_len;
	result->error = result_string(result, ex->error, &result->error_len);
	result->cause = result_string(result, ex->cause, &result->cause_len);
	if (result->arena.failed)
		result_out_of_memory(result); /* the error could not be kept */
	if (result->status == ASL_SUCCEEDED) {
		/* The output lives in the execution's arenas: the result takes them over rather
		 * than copy it (a Map's output can be most of the execution's memory). Under a
		 * memory limit they use the counting allocator, which dies with the execution. */
		if (asl_arena_adopt(&result->arena, &ex->perm) == 0 &&
		    asl_arena_adopt(&result->arena, &ex->heaps[0]) == 0 &&
		    asl_arena_adopt(&result->arena, &ex->heaps[1]) == 0)
			result->output_value = ex->data;
		else
			result->output_value = asl_copy(&result->arena, ex->data);
		if (result->output_value)
			result->output = asl_to_json(&result->arena, result->output_value,
						     &result->output_len);
		if (!result->output) {
			result->output_value = NULL;
			result_out_of_memory(result);
		}
	}
}

asl_status asl_execute(const asl_machine *m, const asl_value *input, const asl_options *opts,
		       asl_result *result)
{
	if (m->abi_version != ASL_ABI_VERSION)
		return abi_mismatch(m, opts, result);
	asl_exec ex_storage, *ex = &ex_storage;
	memset(ex, 0, sizeof *ex);
	if (opts)
		ex->opts = *opts;
	else
		asl_options_init(&ex->opts);
	/* the result outlives the execution and its limits: it takes the host's allocator */
	asl_arena_init(&result->arena, ex->opts.allocator);
	asl__limits limits;
	if (asl__limits_init(&limits, &ex->opts))
		ex->limits = &limits;
	const asl_allocator *al = asl__allocator(ex);
	ex->machine = m;
	asl_arena_init(&ex->perm, al);
	asl_arena_init(&ex->heaps[0], al);
	asl_arena_init(&ex->heaps[1], al);
	ex->compact_at = COMPACT_MIN;

	ex->name = ex->opts.execution_name ? ex->opts.execution_name : "local-execution";
	ex->machine_arn =
		perm_printf(ex, "arn:aws:states:local:000000000000:stateMachine:%s%s", m->name, "");
	ex->execution_arn = perm_printf(ex, "arn:aws:states:local:000000000000:execution:%s:%s",
					m->name, ex->name);
	ex->start_ms = asl__now(ex); /* nothing skipped yet: the platform's clock */
	if (m->timeout_seconds > 0)
		ex->deadline_ms = ex->start_ms + (int64_t)(m->timeout_seconds * 1000);
	ex->input = asl_copy(&ex->perm, input);
	if (ex->opts.mock_config) {
		ex->mock_calls = asl_arena_alloc(&ex->perm, (size_t)m->state_count * sizeof(int));
		if (ex->mock_calls)
			memset(ex->mock_calls, 0, (size_t)m->state_count * sizeof(int));
	}
	if (m->var_count) {
		ex->vars = asl_arena_alloc(&ex->perm, (size_t)m->var_count * sizeof *ex->vars);
		if (ex->vars)
			memset(ex->vars, 0, (size_t)m->var_count * sizeof *ex->vars);
		else
			ex->input = NULL;
	}
	ex->data = ex->input;
	if (asl__history_init(ex) < 0 || !ex->input || ex->perm.failed) {
		asl_fail_oom(ex);
	} else {
		asl__history_started(ex);
		asl__run_from(ex, m->start);
	}
	asl__free_pool(ex);
	fill_result(ex, result);
	asl__history_finished(ex, result->status);
	asl__history_free(ex);
	asl_arena_destroy(&ex->heaps[0]);
	asl_arena_destroy(&ex->heaps[1]);
	asl_arena_destroy(&ex->perm);
	return result->status;
}

void asl_result_free(asl_result *result)
{
	asl_arena_destroy(&result->arena);
}

const char *asl_result_error_json(asl_result *r)
{
	asl_value *o = asl_object(&r->arena, 2);
	if (r->error)
		asl_object_append(&r->arena, o, "Error", 5,
				  asl_string(&r->arena, r->error, r->error_len));
	if (r->cause)
		asl_object_append(&r->arena, o, "Cause", 5,
				  asl_string(&r->arena, r->cause, r->cause_len));
	const char *json = o && !r->arena.failed ? asl_to_json(&r->arena, o, NULL) : NULL;
	return json ? json : "{\"Error\":\"" ASL_OOM_ERROR "\",\"Cause\":\"" ASL_OOM_CAUSE "\"}";
}
